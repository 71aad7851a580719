"""What officers record for the policy engine, and what they decide against it.

The policy engine (improvement/policy/) reads a snapshot of each school. Most of a snapshot
comes from the register; these models hold the rest, each row saying who recorded it and when:

- `SchoolFlag`: officer-recorded intelligence ("leadership and management is a significant
  concern"), raised and later cleared with a reason; never deleted.
- `Categorisation`: the LA's annual category (1-4), Kent support level and whether the
  improvement partner is new, one row per school per academic year.
- `AdditionalVisits`: visits agreed beyond the default allocation, with reason, who agreed
  and when; withdrawn (not deleted) when recorded in error.
- `DecisionOverride`: an officer's value for one decision, with the reason; the computed value
  is still shown beside it. Revoked, never deleted; one active override per school and decision.
- `PackSettingChange`: an immutable log of changes to the authority's choice of packs.

All of it is LA intelligence: school-side users never see it (scope_school_path = None).
Every model keeps simple-history rows; services write them with the acting user.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from improvement.core.scoping import ScopedQuerySet
from improvement.policy.calendar import academic_year_start
from improvement.policy.snapshot import FLAGS, KENT_SUPPORT_LEVELS

FLAG_CHOICES = list(FLAGS.items())
LA_CATEGORY_CHOICES = [(n, f"Category {n}") for n in (1, 2, 3, 4)]
KENT_SUPPORT_LEVEL_CHOICES = [(level, level.capitalize()) for level in KENT_SUPPORT_LEVELS]


def validate_academic_year(value: str) -> None:
    try:
        academic_year_start(value)
    except ValueError:
        raise ValidationError(
            "Enter the academic year like 2023/24.", code="invalid_academic_year"
        ) from None


class SchoolFlag(models.Model):
    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="policy_flags")
    key = models.CharField("flag", max_length=50, choices=FLAG_CHOICES)
    note = models.TextField(help_text="What the flag rests on: the evidence or source.")
    raised_on = models.DateField()
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    raised_at = models.DateTimeField(auto_now_add=True)
    cleared_on = models.DateField(null=True, blank=True)
    cleared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    cleared_reason = models.TextField(blank=True)

    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()
    scope_authority_path = "school__authority_id"
    scope_school_path = None

    class Meta:
        ordering = ["-raised_on", "-pk"]
        indexes = [models.Index(fields=["school", "cleared_on"])]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "key"],
                condition=models.Q(cleared_on__isnull=True),
                name="one_active_flag_per_school_and_key",
                violation_error_message="This flag is already raised for the school.",
            ),
            models.CheckConstraint(
                condition=models.Q(cleared_on__isnull=True) | models.Q(cleared_on__gte=models.F("raised_on")),
                name="flag_cleared_on_or_after_raised",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return FLAGS.get(self.key, self.key)

    @property
    def is_active(self) -> bool:
        return self.cleared_on is None


class Categorisation(models.Model):
    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="categorisations")
    academic_year = models.CharField(max_length=7, validators=[validate_academic_year])
    la_category = models.PositiveSmallIntegerField(
        "LA category",
        null=True,
        blank=True,
        choices=LA_CATEGORY_CHOICES,
        validators=[MinValueValidator(1), MaxValueValidator(4)],
    )
    kent_support_level = models.CharField(max_length=20, blank=True, choices=KENT_SUPPORT_LEVEL_CHOICES)
    new_improvement_partner = models.BooleanField(null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()
    scope_authority_path = "school__authority_id"
    scope_school_path = None

    class Meta:
        ordering = ["-academic_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "academic_year"],
                name="one_categorisation_per_school_year",
                violation_error_message="This school already has a categorisation for that year.",
            ),
            models.CheckConstraint(
                condition=models.Q(la_category__isnull=True) | models.Q(la_category__gte=1, la_category__lte=4),
                name="la_category_1_to_4",
            ),
        ]

    def __str__(self) -> str:
        return f"Categorisation {self.academic_year}"


class AdditionalVisits(models.Model):
    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="additional_visits")
    academic_year = models.CharField(max_length=7, validators=[validate_academic_year])
    count = models.PositiveSmallIntegerField(
        "number of additional visits", validators=[MinValueValidator(1), MaxValueValidator(20)]
    )
    reason = models.TextField()
    agreed_on = models.DateField()
    agreed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    withdrawn_reason = models.TextField(blank=True)

    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()
    scope_authority_path = "school__authority_id"
    scope_school_path = None

    class Meta:
        verbose_name_plural = "additional visits"
        ordering = ["-academic_year", "agreed_on", "pk"]
        indexes = [models.Index(fields=["school", "academic_year"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(count__gte=1), name="additional_visits_at_least_one"),
        ]

    def __str__(self) -> str:
        return f"{self.count} additional visit(s), {self.academic_year}"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None


class DecisionOverride(models.Model):
    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="decision_overrides")
    decision_key = models.CharField(max_length=100)
    value = models.CharField("overridden value", max_length=500)
    # What the engine said when the override was recorded, so the record stands on its own.
    computed_value = models.CharField(max_length=1000, blank=True)
    reason = models.TextField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revoked_reason = models.TextField(blank=True)

    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()
    scope_authority_path = "school__authority_id"
    scope_school_path = None

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "decision_key"],
                condition=models.Q(revoked_at__isnull=True),
                name="one_active_override_per_school_decision",
                violation_error_message="This decision already has an active override.",
            )
        ]

    def __str__(self) -> str:
        return f"Override of {self.decision_key}: {self.value}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class PackSettingChange(models.Model):
    """One change to an authority's choice of packs for an academic year; never changed."""

    authority = models.ForeignKey("accounts.Authority", on_delete=models.PROTECT, related_name="+")
    academic_year = models.CharField(max_length=7, validators=[validate_academic_year])
    before = models.JSONField(default=list, blank=True)
    after = models.JSONField(default=list, blank=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_authority_path = "authority_id"
    scope_school_path = None

    class Meta:
        ordering = ["-changed_at", "-pk"]

    def __str__(self) -> str:
        return f"Packs for {self.academic_year}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValidationError("Pack setting changes cannot be edited.")
        super().save(*args, **kwargs)
