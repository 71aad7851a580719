from __future__ import annotations

from django.db import models
from django.urls import reverse

from improvement.core.scoping import ScopedQuerySet
from improvement.imports.report import ImportReport


class ImportKind(models.TextChoices):
    GIAS = "gias", "GIAS establishments (edubasealldata)"
    OFSTED = "ofsted", "Ofsted inspection outcomes (management information)"
    CENSUS = "census", "DfE pupil characteristics (census)"
    ABSENCE = "absence", "DfE absence"
    EXCLUSIONS = "exclusions", "DfE suspensions and exclusions"
    KS2 = "ks2", "DfE key stage 2 results"
    KS4 = "ks4", "DfE key stage 4 results"


MEASURE_KINDS = frozenset({ImportKind.CENSUS, ImportKind.ABSENCE, ImportKind.EXCLUSIONS, ImportKind.KS2, ImportKind.KS4})


class ImportRun(models.Model):
    """One import of a public data file: who, when, what, and what happened (the import log).

    Web uploads go through CHECKING (a dry run) -> CHECKED -> QUEUED -> RUNNING -> SUCCEEDED or
    FAILED; command-line imports are logged as they finish. Uploaded files are kept under
    MEDIA_ROOT/imports/, which is never served.
    """

    class Status(models.TextChoices):
        CHECKING = "checking", "Checking the file"
        CHECKED = "checked", "Checked, waiting for confirmation"
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Importing"
        SUCCEEDED = "succeeded", "Imported"
        FAILED = "failed", "Not imported"
        CANCELLED = "cancelled", "Cancelled"

    ACTIVE = (Status.CHECKING, Status.QUEUED, Status.RUNNING)

    authority = models.ForeignKey(
        "accounts.Authority", null=True, blank=True, on_delete=models.PROTECT, related_name="import_runs"
    )
    kind = models.CharField(max_length=20, choices=ImportKind.choices)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.CHECKING)
    via_command = models.BooleanField("run from the command line", default=False)
    file_name = models.CharField(max_length=255)
    stored_file = models.CharField(max_length=255, blank=True)
    links_file_name = models.CharField(max_length=255, blank=True)
    links_stored_file = models.CharField(max_length=255, blank=True)
    academic_year = models.PositiveSmallIntegerField(null=True, blank=True)
    skip_invalid = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="import_runs"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    phase = models.CharField(max_length=100, blank=True)
    rows_done = models.PositiveIntegerField(default=0)
    rows_total = models.PositiveIntegerField(null=True, blank=True)
    preview = models.JSONField(default=dict, blank=True)
    report = models.JSONField(default=dict, blank=True)
    failure = models.TextField(blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_authority_path = "authority_id"
    scope_school_path = None

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["authority", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.file_name}"

    def get_absolute_url(self) -> str:
        return reverse("imports:detail", kwargs={"pk": self.pk})

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE

    @property
    def preview_report(self) -> ImportReport | None:
        return ImportReport.from_dict(self.preview) if self.preview else None

    @property
    def final_report(self) -> ImportReport | None:
        return ImportReport.from_dict(self.report) if self.report else None

    @property
    def percent_done(self) -> int | None:
        if not self.rows_total:
            return None
        return min(100, round(100 * self.rows_done / self.rows_total))
