"""Agreed actions (recommendations, areas for development) and their progress.

An action is agreed in a record (a visit record or the minutes of a board meeting), stays open until
a later review closes it, and every review is an immutable ActionProgress row.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from improvement.core.scoping import ScopedQuerySet


class ActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    ON_TRACK = "on_track", "On track"
    COMPLETE = "complete", "Complete"
    NOT_ACHIEVED = "not_achieved", "Not achieved"


OPEN_STATUSES = (ActionStatus.OPEN, ActionStatus.ON_TRACK)


class Action(models.Model):
    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="actions")
    text = models.TextField("action")
    lead_role = models.CharField(max_length=100, blank=True)
    lead_initials = models.CharField(max_length=20, blank=True)
    monitored_by = models.CharField(max_length=200, blank=True)
    success_measure = models.TextField(blank=True)
    support_offered = models.TextField(blank=True)
    due_date = models.DateField(null=True, blank=True)
    # What the record said under "by when", kept when it is not a date ("end of term").
    due_text = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=20, choices=ActionStatus.choices, default=ActionStatus.OPEN)
    source_visit = models.ForeignKey(
        "visits.Visit", null=True, blank=True, on_delete=models.SET_NULL, related_name="actions_raised"
    )
    source_meeting = models.ForeignKey(
        "interventions.Meeting", null=True, blank=True, on_delete=models.SET_NULL, related_name="actions_raised"
    )
    source_item = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")

    objects = ScopedQuerySet.as_manager()
    scope_authority_path = "school__authority_id"
    scope_school_path = "school_id"

    class Meta:
        ordering = ["due_date", "pk"]
        indexes = [models.Index(fields=["school", "status"])]
        constraints = [
            models.UniqueConstraint(
                fields=["source_visit", "source_item"], condition=~models.Q(source_item=""),
                name="action_once_per_record_item",
            ),
            models.UniqueConstraint(
                fields=["source_meeting", "source_item"], condition=~models.Q(source_item=""),
                name="action_once_per_meeting_item",
            ),
        ]

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def lead(self) -> str:
        return " ".join(p for p in (self.lead_role, f"({self.lead_initials})" if self.lead_initials else "") if p)

    @property
    def agreed_on(self):
        """The date of the visit or meeting whose record agreed the action (select_related both)."""
        if self.source_visit_id:
            return self.source_visit.date
        if self.source_meeting_id:
            return timezone.localtime(self.source_meeting.starts_at).date()
        return None

    def is_overdue(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.is_open and self.due_date is not None and self.due_date < today

    def clean(self) -> None:
        super().clean()
        if not (self.text or "").strip():
            raise ValidationError({"text": "Enter the action."})


class ActionProgress(models.Model):
    """One review of an action (in a later visit or meeting): never changed once written."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="progress")
    visit = models.ForeignKey("visits.Visit", null=True, blank=True, on_delete=models.SET_NULL, related_name="action_progress")
    meeting = models.ForeignKey(
        "interventions.Meeting", null=True, blank=True, on_delete=models.SET_NULL, related_name="action_progress"
    )
    status = models.CharField(max_length=20, choices=ActionStatus.choices)
    comment = models.TextField(blank=True)
    actor = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_authority_path = "action__school__authority_id"
    scope_school_path = "action__school_id"

    class Meta:
        ordering = ["at", "pk"]
        verbose_name_plural = "action progress"

    def __str__(self) -> str:
        return f"{self.get_status_display()} at {self.at:%d %B %Y}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValidationError("Progress entries cannot be changed.")
        super().save(*args, **kwargs)
