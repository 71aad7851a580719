"""Visits and their written records.

A Visit is one monitoring visit to one school; its VisitRecord holds the written record as JSON
keyed by the record template's field keys, with a `version` for optimistic locking (autosave
from two tabs never silently overwrites). Every step of the record's life is an immutable
VisitStatusChange row; every finalised version (the original and each amendment) is an
immutable RecordRevision.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse

from improvement.core.scoping import ScopedQuerySet
from improvement.policy import calendar as academic
from improvement.policy import record_templates


class VisitStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SENT = "sent_for_accuracy_check", "Sent for accuracy check"
    ACCURATE = "accurate", "Confirmed accurate by the school"
    INACCURATE = "inaccurate", "Marked inaccurate by the school"
    DISAGREEMENT = "disagreement", "Disagreement referred to a senior adviser"
    MODERATED = "moderated", "Moderated by a senior adviser"
    FINALISED = "finalised", "Finalised"
    DISTRIBUTED = "distributed", "Distributed"


LOCKED_STATUSES = frozenset({VisitStatus.FINALISED, VisitStatus.DISTRIBUTED})


class ImmutableRow(models.Model):
    """A row that is written once and never changed or deleted (status changes, revisions)."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise ValidationError(f"{self._meta.verbose_name} rows cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(f"{self._meta.verbose_name} rows cannot be deleted.")


class Visit(models.Model):
    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="visits")
    template_key = models.CharField("record template", max_length=100)
    template_version = models.PositiveIntegerField()
    date = models.DateField("date of visit")
    # Derived from the date on save ("2023/24"): visit numbers count within it.
    academic_year = models.CharField(max_length=7, editable=False, db_index=True)
    officers = models.ManyToManyField("accounts.User", related_name="visits")
    staff_present = models.JSONField(default=list, blank=True)  # [{"role": ..., "name": ...}]
    focus = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=30, choices=VisitStatus.choices, default=VisitStatus.DRAFT)
    # When the record was first sent to the school: from then on the headteacher may read it.
    first_sent_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_authority_path = "school__authority_id"
    scope_school_path = "school_id"

    class Meta:
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["school", "academic_year", "date"])]

    def __str__(self) -> str:
        return f"{self.template.short_title}, {self.school.name}, {self.date:%d %B %Y}"

    def save(self, *args, **kwargs):
        if self.date:
            self.academic_year = academic.academic_year_of(self.date)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("visits:detail", kwargs={"pk": self.pk})

    @property
    def template(self) -> record_templates.RecordTemplate:
        return record_templates.get_template(self.template_key, self.template_version)

    @property
    def is_locked(self) -> bool:
        return self.status in LOCKED_STATUSES


class VisitRecord(models.Model):
    visit = models.OneToOneField(Visit, on_delete=models.CASCADE, related_name="record")
    # {field key: value}; values are strings, lists of row dicts, or dicts for judgement tables.
    content = models.JSONField(default=dict, blank=True)
    # What the register said when the draft was started: {"taken_at": iso, "values": {...}}.
    snapshot = models.JSONField(default=dict, blank=True)
    # Reviews of carried-forward actions in this visit: {action id: {"status", "comment"}}.
    action_reviews = models.JSONField(default=dict, blank=True)
    version = models.PositiveIntegerField(default=1)
    amendment_number = models.PositiveIntegerField(default=0)
    disagreement = models.TextField(blank=True)
    moderation = models.TextField("senior adviser's moderated judgement", blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ScopedQuerySet.as_manager()
    scope_authority_path = "visit__school__authority_id"
    scope_school_path = "visit__school_id"

    def __str__(self) -> str:
        return f"Record of {self.visit}"


class VisitStatusChange(ImmutableRow):
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=30, choices=VisitStatus.choices, blank=True)
    to_status = models.CharField(max_length=30, choices=VisitStatus.choices)
    actor = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    comment = models.TextField(blank=True)
    # The headteacher's accuracy comments, section by section: {section key: comment}.
    section_comments = models.JSONField(default=dict, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_authority_path = "visit__school__authority_id"
    scope_school_path = "visit__school_id"

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = "visit status change"

    def __str__(self) -> str:
        return f"{self.from_status or 'new'} -> {self.to_status}"


class RecordRevision(ImmutableRow):
    """A finalised version of a record: number 0 is the original, 1 and on are amendments."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    content = models.JSONField()
    action_reviews = models.JSONField(default=list, blank=True)
    reason = models.TextField(blank=True)
    actor = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["visit", "number"], name="one_revision_number_per_visit")]
        verbose_name = "record revision"

    def __str__(self) -> str:
        return f"Version {self.number} of {self.visit_id}"


class Distribution(models.Model):
    """Who a finalised record was distributed to: grants them read access and is e-mailed."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="distributions")
    recipient = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="received_records")
    role = models.CharField(max_length=32)
    sent_at = models.DateTimeField(auto_now_add=True)
    sent_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["visit", "recipient"], name="one_distribution_per_recipient")]

    def __str__(self) -> str:
        return f"{self.recipient} ({self.role})"


class GoodPractice(models.Model):
    """Practice a record says can be shared with other schools: the authority's register."""

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="good_practice")
    area = models.CharField(max_length=200)
    description = models.TextField()
    source_visit = models.ForeignKey(Visit, null=True, blank=True, on_delete=models.SET_NULL, related_name="good_practice")
    source_item = models.CharField(max_length=40, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_authority_path = "school__authority_id"
    scope_school_path = "school_id"

    class Meta:
        ordering = ["-recorded_at", "-pk"]
        verbose_name_plural = "good practice"
        constraints = [
            models.UniqueConstraint(
                fields=["source_visit", "source_item"], condition=~models.Q(source_item=""),
                name="good_practice_once_per_record_item",
            )
        ]

    def __str__(self) -> str:
        return f"{self.area}: {self.school.name}"
