"""Documents a school or the LA uploads: the pre-reads for School Improvement Boards and
Progress Check-Ins (the Coventry SIB pre-read list: self-evaluation, improvement plan,
position statement with the latest national assessment data)."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.db import models

from improvement.core.scoping import ScopedQuerySet
from improvement.documents import filetypes


class UploadStorage(FileSystemStorage):
    """Files under settings.UPLOAD_ROOT, outside the web root, read at each use (tests point it
    at a temporary folder). No URL: files are only ever served by the download view."""

    @property
    def base_location(self) -> Path:  # type: ignore[override]
        return Path(settings.UPLOAD_ROOT)

    @property
    def location(self) -> str:  # type: ignore[override]
        return os.path.abspath(self.base_location)

    @property
    def base_url(self) -> None:  # type: ignore[override]
        return None  # storage.url() raises: there is no public address


upload_storage = UploadStorage()


def document_storage() -> UploadStorage:
    """For the FileField (a callable, so migrations do not record a path)."""
    return upload_storage


def stored_name(instance: SchoolDocument, filename: str) -> str:
    """A random name with the detected type's extension: nothing from the user's file name."""
    return f"documents/{uuid.uuid4().hex}.{instance.detected_type}"


class DocumentKind(models.TextChoices):
    SELF_EVALUATION = "self_evaluation", "School self-evaluation"
    IMPROVEMENT_PLAN = "improvement_plan", "School improvement plan"
    POSITION_STATEMENT = "position_statement", "School position statement"
    OTHER = "other", "Other document"


class DocumentType(models.TextChoices):
    PDF = filetypes.PDF, "PDF"
    DOCX = filetypes.DOCX, "Word"
    XLSX = filetypes.XLSX, "Excel"
    DOC = filetypes.DOC, "Word 97-2003"
    XLS = filetypes.XLS, "Excel 97-2003"


class SchoolDocumentQuerySet(ScopedQuerySet):
    def current(self) -> SchoolDocumentQuerySet:
        return self.filter(withdrawn_at__isnull=True)

    def withdrawn(self) -> SchoolDocumentQuerySet:
        return self.filter(withdrawn_at__isnull=False)


WITHDRAWAL_FIELDS = frozenset({"withdrawn_at", "withdrawn_by", "withdrawal_reason"})


class SchoolDocument(models.Model):
    """One uploaded file. Never changed after upload except to be withdrawn (who, when, why);
    a withdrawn document's row and file are kept for audit."""

    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(max_length=30, choices=DocumentKind.choices)
    title = models.CharField(max_length=200)
    file = models.FileField(storage=document_storage, upload_to=stored_name, max_length=100)
    detected_type = models.CharField(max_length=10, choices=DocumentType.choices)
    original_filename = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField(help_text="Bytes")
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    withdrawal_reason = models.TextField(blank=True)

    objects = SchoolDocumentQuerySet.as_manager()
    scope_authority_path = "school__authority_id"
    scope_school_path = "school_id"

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        indexes = [models.Index(fields=["school", "kind", "-uploaded_at"], name="document_school_kind_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(withdrawn_at__isnull=True, withdrawn_by__isnull=True)
                | models.Q(withdrawn_at__isnull=False, withdrawn_by__isnull=False),
                name="document_withdrawn_with_who_and_when",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        update_fields = kwargs.get("update_fields")
        if not self._state.adding and (update_fields is None or not WITHDRAWAL_FIELDS >= set(update_fields)):
            raise ValidationError("An uploaded document cannot be changed; withdraw it and upload a new one.")
        super().save(*args, **kwargs)

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    @property
    def content_type(self) -> str:
        return filetypes.CONTENT_TYPES[self.detected_type]
