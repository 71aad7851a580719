"""Expressions of concern shared with the LA: the senior advisers' queue."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models

from improvement.core.scoping import ScopedQuerySet


class ConcernStatus(models.TextChoices):
    NEW = "new", "New"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    ACTION_TAKEN = "action_taken", "Action taken"
    CLOSED = "closed", "Closed"


OPEN_CONCERN_STATUSES = (ConcernStatus.NEW, ConcernStatus.ACKNOWLEDGED, ConcernStatus.ACTION_TAKEN)


class Concern(models.Model):
    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="concerns")
    category = models.CharField(max_length=100)
    description = models.TextField()
    status = models.CharField(max_length=20, choices=ConcernStatus.choices, default=ConcernStatus.NEW)
    source_visit = models.ForeignKey(
        "visits.Visit", null=True, blank=True, on_delete=models.SET_NULL, related_name="concerns_raised"
    )
    source_item = models.CharField(max_length=40, blank=True)
    raised_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    raised_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    # Concerns are for LA staff: school-side users never see the queue.
    scope_authority_path = "school__authority_id"
    scope_school_path = None

    class Meta:
        ordering = ["-raised_at", "-pk"]
        indexes = [models.Index(fields=["school", "status"])]
        constraints = [
            models.UniqueConstraint(
                fields=["source_visit", "source_item"], condition=~models.Q(source_item=""),
                name="concern_once_per_record_item",
            )
        ]

    def __str__(self) -> str:
        return f"{self.category}: {self.school.name}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_CONCERN_STATUSES


class ConcernUpdate(models.Model):
    """A status change or note on a concern, with who and when; never changed."""

    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="updates")
    from_status = models.CharField(max_length=20, choices=ConcernStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=ConcernStatus.choices)
    note = models.TextField(blank=True)
    actor = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_status or 'new'} -> {self.to_status}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValidationError("Concern updates cannot be changed.")
        super().save(*args, **kwargs)
