"""Officer allocation and handover.

An OfficerAllocation row says "from this moment, this officer is the school's officer for this
academic year"; rows are never changed, so the rows are the history and the newest row per
school and year is the current officer. Allocating a different officer than the one before
opens a Handover, whose checklist items (planning/handover.py) are ticked as immutable rows
saying who ticked them and when.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from improvement.core.scoping import ScopedQuerySet
from improvement.planning.handover import CHECKLIST


class ImmutableRow(models.Model):
    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise ValidationError(f"{self._meta.verbose_name} rows cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(f"{self._meta.verbose_name} rows cannot be deleted.")


class OfficerAllocation(ImmutableRow):
    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="officer_allocations")
    academic_year = models.CharField(max_length=7, db_index=True)
    officer = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="allocations")
    reason = models.TextField(blank=True)
    allocated_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    allocated_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_authority_path = "school__authority_id"
    scope_school_path = None  # LA intelligence: school-side users see none of it

    class Meta:
        ordering = ["academic_year", "allocated_at", "pk"]
        indexes = [models.Index(fields=["school", "academic_year", "allocated_at"])]
        verbose_name = "officer allocation"

    def __str__(self) -> str:
        return f"{self.officer} for {self.school_id} in {self.academic_year}"


class Handover(models.Model):
    allocation = models.OneToOneField(OfficerAllocation, on_delete=models.PROTECT, related_name="handover")
    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="handovers")
    from_officer = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="handovers_out")
    to_officer = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="handovers_in")
    started_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_authority_path = "school__authority_id"
    scope_school_path = None

    class Meta:
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"Handover from {self.from_officer} to {self.to_officer}"


class HandoverTick(ImmutableRow):
    handover = models.ForeignKey(Handover, on_delete=models.PROTECT, related_name="ticks")
    item = models.CharField(max_length=40, choices=[(i.key, i.label) for i in CHECKLIST])
    note = models.CharField(max_length=300, blank=True)
    ticked_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    ticked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["ticked_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["handover", "item"], name="handover_item_ticked_once")]
        verbose_name = "handover tick"

    def __str__(self) -> str:
        return f"{self.item} ticked by {self.ticked_by}"


class PlanStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    AGREED = "agreed", "Agreed with the school"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"


class PlannedVisit(models.Model):
    """One entitled visit in the year's plan, identified by (school, year, kind, sequence).

    The planner proposes it; officers move it, agree it with the school, complete it (linking
    the Visit whose record was written) or cancel it with a reason. Its status is the latest
    of its immutable PlannedVisitStatusChange rows; date and officer changes are in history.
    """

    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="planned_visits")
    academic_year = models.CharField(max_length=7, db_index=True)
    kind = models.CharField(max_length=60)  # "visit" (Coventry) or a schedule item ("autumn")
    sequence = models.PositiveSmallIntegerField(default=1)
    label = models.CharField(max_length=200)
    target_half_term = models.PositiveSmallIntegerField()
    outside_target = models.BooleanField(default=False)
    date = models.DateField("planned date")
    officer = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="planned_visits")
    status = models.CharField(max_length=20, choices=PlanStatus.choices, default=PlanStatus.PROPOSED)
    visit = models.OneToOneField("visits.Visit", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="planned_visit")
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()
    scope_authority_path = "school__authority_id"
    scope_school_path = "school_id"

    class Meta:
        ordering = ["date", "school__name", "pk"]
        indexes = [models.Index(fields=["academic_year", "date"]), models.Index(fields=["officer", "date"])]
        constraints = [
            models.UniqueConstraint(fields=["school", "academic_year", "kind", "sequence"],
                                    name="one_planned_visit_per_entitlement"),
        ]

    def __str__(self) -> str:
        return f"{self.label}, {self.school.name}, {self.date:%d %B %Y}"

    def get_absolute_url(self) -> str:
        return reverse("planning:visit", kwargs={"pk": self.pk})

    @property
    def is_open(self) -> bool:
        return self.status in (PlanStatus.PROPOSED, PlanStatus.AGREED)


class PlannedVisitStatusChange(ImmutableRow):
    planned_visit = models.ForeignKey(PlannedVisit, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=20, choices=PlanStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=PlanStatus.choices)
    reason = models.TextField(blank=True)
    actor = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = "planned visit status change"

    def __str__(self) -> str:
        return f"{self.from_status or 'new'} -> {self.to_status}"


class CalendarFeed(models.Model):
    """An officer's secret calendar feed address. Only a SHA-256 digest of the token is kept:
    the address is shown once, when made; making a new one or revoking stops the old one."""

    officer = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="calendar_feeds")
    token_digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["officer"], condition=models.Q(revoked_at__isnull=True),
                                    name="one_live_calendar_feed_per_officer"),
        ]

    def __str__(self) -> str:
        return f"Calendar feed of {self.officer}"


class OfficerCapacity(models.Model):
    """An officer's own limit of visits a week (a part-time officer, say), used by the planner
    instead of the number given when it runs."""

    officer = models.OneToOneField("accounts.User", on_delete=models.CASCADE, related_name="visit_capacity")
    visits_per_week = models.PositiveSmallIntegerField()
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "officer capacities"

    def __str__(self) -> str:
        return f"{self.officer}: {self.visits_per_week} visits a week"


class ReminderPreference(models.Model):
    """How a user hears about what needs doing: each day (default) or in a Monday digest."""

    user = models.OneToOneField("accounts.User", on_delete=models.CASCADE, related_name="reminder_preference")
    weekly_digest = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.user}: {'weekly digest' if self.weekly_digest else 'daily'}"


class SentReminder(ImmutableRow):
    """One reminder sent to one user: `key` names what it was about, so it is never sent twice."""

    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="reminder_sent_once_per_user")]
        verbose_name = "sent reminder"

    def __str__(self) -> str:
        return f"{self.key} to {self.user_id}"


class TimeEntry(ImmutableRow):
    """Days an officer spent on one activity on one day, split in school / out of school
    (preparation, reading, report writing). Written once; a mistake is corrected by an entry
    with negative days and a note."""

    officer = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="time_entries")
    school = models.ForeignKey("schools.School", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="time_entries")
    academic_year = models.CharField(max_length=7, db_index=True)
    date = models.DateField()
    activity = models.CharField(max_length=40)
    in_school = models.DecimalField(max_digits=4, decimal_places=2, default=0)
    out_of_school = models.DecimalField(max_digits=4, decimal_places=2, default=0)
    note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_authority_path = "officer__authority_id"
    scope_school_path = None

    class Meta:
        ordering = ["date", "pk"]
        indexes = [models.Index(fields=["officer", "academic_year"]), models.Index(fields=["school", "academic_year"])]
        verbose_name_plural = "time entries"

    def __str__(self) -> str:
        return f"{self.activity} on {self.date}"

    @property
    def activity_label(self) -> str:
        from improvement.planning.time_activities import BY_KEY

        activity = BY_KEY.get(self.activity)
        return activity.label if activity else self.activity


class DailyRate(models.Model):
    """What the authority pays a day, by role and academic year (set by LA administrators)."""

    authority = models.ForeignKey("accounts.Authority", on_delete=models.CASCADE, related_name="daily_rates")
    academic_year = models.CharField(max_length=7)
    rate_role = models.CharField(max_length=40)
    amount = models.DecimalField(max_digits=8, decimal_places=2)
    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["authority", "academic_year", "rate_role"],
                                               name="one_daily_rate_per_role_and_year")]

    def __str__(self) -> str:
        return f"{self.rate_role} {self.academic_year}: {self.amount}"
