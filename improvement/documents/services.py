"""Writes for school documents: upload (checked by content, stored under a random name) and
withdrawal (a soft delete that keeps the row and the file for audit)."""

from __future__ import annotations

import hashlib
import unicodedata
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from improvement.documents import filetypes
from improvement.documents.models import DocumentKind, SchoolDocument, stored_name

if TYPE_CHECKING:
    from improvement.accounts.models import User
    from improvement.schools.models import School

TITLE_MAX_LENGTH = SchoolDocument._meta.get_field("title").max_length
FILENAME_MAX_LENGTH = SchoolDocument._meta.get_field("original_filename").max_length


def upload_document(
    *, actor: User, school: School, kind: str, title: str, uploaded_file: UploadedFile | None
) -> SchoolDocument:
    """Check the file by its content and store it under a random name with its row.

    All or nothing: a refused file writes nothing; if the file cannot be written or the row
    cannot be saved, the stored file is deleted again. The row is saved in its own
    `transaction.atomic()` block inside the `try` (rather than under the decorator), so that a
    failed commit also removes the file.
    """
    if not actor.has_perm("documents.upload_document", school):
        raise PermissionDenied("You cannot upload documents for this school.")
    errors: dict[str, str] = {}
    if kind not in DocumentKind.values:
        errors["kind"] = "Select what kind of document this is."
    title = " ".join((title or "").split())
    if not title and kind in DocumentKind.values:
        title = DocumentKind(kind).label
    if len(title) > TITLE_MAX_LENGTH:
        errors["title"] = f"Title must be {TITLE_MAX_LENGTH} characters or fewer."
    detected = None
    if uploaded_file is None:
        errors["file"] = "Select a file."
    else:
        try:
            detected = filetypes.inspect(
                uploaded_file, filename=uploaded_file.name or "", max_bytes=settings.UPLOAD_MAX_BYTES
            )
        except filetypes.RefusedFile as refused:
            errors["file"] = str(refused)
    if errors:
        raise ValidationError(errors)
    assert uploaded_file is not None and detected is not None

    digest = hashlib.sha256()
    size = 0
    uploaded_file.seek(0)
    for chunk in uploaded_file.chunks():
        digest.update(chunk)
        size += len(chunk)
    uploaded_file.seek(0)
    document = SchoolDocument(
        school=school, kind=kind, title=title, detected_type=detected.type,
        original_filename=display_filename(uploaded_file.name or "", detected.type),
        size=size, sha256=digest.hexdigest(), uploaded_by=actor,
    )
    storage = document.file.storage
    name = stored_name(document, uploaded_file.name or "")
    try:
        document.file.name = storage.save(name, uploaded_file, max_length=document.file.field.max_length)
        with transaction.atomic():
            document.save()
    except BaseException:
        storage.delete(document.file.name or name)  # also a partly written file
        raise
    return document


def display_filename(name: str, extension: str) -> str:
    """The uploader's file name, for the download's Content-Disposition only: no folders, no
    control characters, within the column, still ending in the checked extension."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(c for c in unicodedata.normalize("NFC", base) if unicodedata.category(c)[0] != "C")
    stem = base[: -(len(extension) + 1)] if base.lower().endswith(f".{extension}") else base
    stem = stem.strip(" .") or "document"
    return f"{stem[: FILENAME_MAX_LENGTH - len(extension) - 1]}.{extension}"


@transaction.atomic
def withdraw_document(*, actor: User, document: SchoolDocument, reason: str) -> SchoolDocument:
    """Mark the document withdrawn with who, when and why. The row and file are kept."""
    document = SchoolDocument.objects.select_for_update().select_related("school").get(pk=document.pk)
    if not actor.has_perm("documents.withdraw_document", document):
        raise PermissionDenied("You cannot withdraw this document.")
    if document.is_withdrawn:
        raise ValidationError("This document has already been withdrawn.")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Enter why you are withdrawing the document."})
    document.withdrawn_at = timezone.now()
    document.withdrawn_by = actor
    document.withdrawal_reason = reason
    document.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawal_reason"])
    return document
