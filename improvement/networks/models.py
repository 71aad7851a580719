"""Network focus support: what officers record beside the policy engine's network focus decision.

Coventry's networks give their focus schools tailored school-to-school support and a larger
share of network school improvement funding (Coventry, Support and Intervention, "Network Focus
Support"). Which schools are focus schools is the policy engine's decision
(`coventry.network_focus`); these models hold the rest, each row saying who recorded it and when:

- `FocusSchoolAddition`: a school identified as a focus school during the year by hand ("if
  circumstances change"), with the reason; for the school, not for one network. Removed with a
  recorded reason, never deleted; one active addition per school and academic year.
- `SupportOffer`: support a network offers a school in an academic year (a mentor for a new
  headteacher, leadership support, working with a school that met similar challenges, training
  and expertise), with who provides it and whether it is offered, in place or ended.
- `FundingAllocation`: a network's school improvement funding for one school in one academic
  year; changed (history keeps every earlier amount), never deleted.

All of it is LA intelligence: school-side users never see it (scope_school_path = None).
Every model keeps simple-history rows; services write them with the acting user.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from improvement.core.scoping import ScopedQuerySet
from improvement.decisions.models import validate_academic_year


class FocusSchoolAddition(models.Model):
    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="focus_additions")
    academic_year = models.CharField(max_length=7, validators=[validate_academic_year])
    reason = models.TextField(help_text="Why the school is a focus school this year.")
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_on = models.DateField(default=timezone.localdate)
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    removal_reason = models.TextField(blank=True)

    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()
    scope_authority_path = "school__authority_id"
    scope_school_path = None

    class Meta:
        ordering = ["-academic_year", "added_on", "pk"]
        indexes = [models.Index(fields=["school", "academic_year"])]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "academic_year"],
                condition=models.Q(removed_at__isnull=True),
                name="one_active_focus_addition_per_school_year",
                violation_error_message="This school is already a focus school added by hand for that year.",
            ),
        ]

    def __str__(self) -> str:
        return f"Focus school {self.academic_year}"

    @property
    def is_active(self) -> bool:
        return self.removed_at is None


class SupportKind(models.TextChoices):
    MENTOR_NEW_HEADTEACHER = "mentor_new_headteacher", "Mentor for a new headteacher"
    LEADERSHIP_SUPPORT = "leadership_support", "Leadership support for leaders at other levels"
    PAIRED_SCHOOL = "paired_school", "Working with a school that met similar challenges"
    TRAINING_EXPERTISE = "training_expertise", "Training and access to expertise"


class SupportStatus(models.TextChoices):
    OFFERED = "offered", "Offered"
    IN_PLACE = "in_place", "In place"
    ENDED = "ended", "Ended"


class SupportOffer(models.Model):
    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="network_support")
    academic_year = models.CharField(max_length=7, validators=[validate_academic_year])
    kind = models.CharField("kind of support", max_length=32, choices=SupportKind.choices)
    # For "working with a school that met similar challenges": the partner school, if known.
    partner_school = models.ForeignKey(
        "schools.School", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    description = models.TextField()
    provided_by = models.CharField(max_length=200, help_text="Who provides it, for example a named headteacher.")
    start_date = models.DateField()
    status = models.CharField(max_length=20, choices=SupportStatus.choices, default=SupportStatus.OFFERED)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()
    scope_authority_path = "school__authority_id"
    scope_school_path = None

    class Meta:
        ordering = ["start_date", "pk"]
        indexes = [models.Index(fields=["school", "academic_year"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(partner_school__isnull=True) | models.Q(kind="paired_school"),
                name="support_partner_only_for_paired_school",
            ),
            models.CheckConstraint(
                condition=~models.Q(partner_school=models.F("school")),
                name="support_partner_not_the_school_itself",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.academic_year})"

    def clean(self) -> None:
        super().clean()
        if self.partner_school_id is None:
            return
        if self.kind != SupportKind.PAIRED_SCHOOL:
            raise ValidationError({"partner_school": "Choose a partner school only for working with a school "
                                                     "that met similar challenges."})
        if self.partner_school_id == self.school_id:
            raise ValidationError({"partner_school": "Choose a partner school other than the school itself."})
        if self.school_id and self.partner_school.authority_id != self.school.authority_id:
            raise ValidationError({"partner_school": "Choose a partner school in the same authority."})


class FundingAllocation(models.Model):
    network = models.ForeignKey("schools.Network", on_delete=models.PROTECT, related_name="funding_allocations")
    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="network_funding")
    academic_year = models.CharField(max_length=7, validators=[validate_academic_year])
    amount = models.DecimalField(max_digits=10, decimal_places=2, validators=[MinValueValidator(Decimal("0"))])
    purpose = models.TextField(help_text="What the funding is for.")
    allocated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    allocated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()
    scope_authority_path = "network__authority_id"
    scope_school_path = None

    class Meta:
        ordering = ["-academic_year", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["network", "school", "academic_year"],
                name="one_funding_allocation_per_network_school_year",
                violation_error_message="This school already has an allocation from the network for that year.",
            ),
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="funding_amount_not_negative"),
        ]

    def __str__(self) -> str:
        return f"£{self.amount:,.2f} ({self.academic_year})"
