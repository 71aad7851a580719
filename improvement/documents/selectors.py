"""Reads for school documents. Everything a user asks for starts from their scope; the board
pack (improvement/interventions) reads `latest_documents_by_kind` after its own permission check."""

from __future__ import annotations

from pathlib import Path

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from improvement.documents.models import DocumentKind, SchoolDocument


def school_documents(*, user, school) -> QuerySet[SchoolDocument]:
    """The school's current (not withdrawn) documents the user may see, newest first."""
    return (
        SchoolDocument.objects.visible_to(user).current().filter(school=school)
        .select_related("school", "uploaded_by")
    )


def withdrawn_documents(*, user, school) -> QuerySet[SchoolDocument]:
    """The school's withdrawn documents (for the LA's audit list), most recently withdrawn first."""
    return (
        SchoolDocument.objects.visible_to(user).withdrawn().filter(school=school)
        .select_related("uploaded_by", "withdrawn_by").order_by("-withdrawn_at", "-pk")
    )


def latest_documents_by_kind(school) -> dict[str, SchoolDocument]:
    """kind -> the most recent current document of that kind, in DocumentKind order; kinds
    with no current document are absent. Unscoped: the caller has checked permission."""
    latest: dict[str, SchoolDocument] = {}
    for document in SchoolDocument.objects.current().filter(school=school).select_related("uploaded_by"):
        latest.setdefault(document.kind, document)  # ordered newest first
    return {kind: latest[kind] for kind in DocumentKind.values if kind in latest}


def document_for_user(*, user, pk: int, include_withdrawn: bool = False) -> SchoolDocument:
    """A current document (or any, with include_withdrawn), or 404 for anyone outside its
    scope: never reveal that it exists."""
    queryset = SchoolDocument.objects.visible_to(user).select_related(
        "school__authority", "school__trust", "uploaded_by"
    )
    if not include_withdrawn:
        queryset = queryset.current()
    return get_object_or_404(queryset, pk=pk)


def document_path(document: SchoolDocument) -> Path:
    """Where the document's bytes are on disk (under settings.UPLOAD_ROOT)."""
    return Path(document.file.path)
