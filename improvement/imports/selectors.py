"""Reads for the import log. Every read starts from the user's scope."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from improvement.imports.models import ImportRun


def import_log(*, user) -> QuerySet[ImportRun]:
    return ImportRun.objects.visible_to(user).select_related("created_by").defer("preview", "report")


def import_run(*, user, pk: int) -> ImportRun:
    """The run, or 404 for anyone outside its authority: never reveal that it exists."""
    return get_object_or_404(ImportRun.objects.visible_to(user).select_related("created_by", "authority"), pk=pk)
