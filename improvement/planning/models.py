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
