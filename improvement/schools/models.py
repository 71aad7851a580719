from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from improvement.core.scoping import ScopedQuerySet


class Phase(models.TextChoices):
    NURSERY = "nursery", "Nursery"
    PRIMARY = "primary", "Primary"
    MIDDLE = "middle", "Middle"
    SECONDARY = "secondary", "Secondary"
    ALL_THROUGH = "all_through", "All-through"
    SPECIAL = "special", "Special"
    PRU_AP = "pru_ap", "PRU / alternative provision"
    SIXTEEN_PLUS = "sixteen_plus", "16 plus"


class Governance(models.TextChoices):
    LA_MAINTAINED = "la_maintained", "LA maintained"
    ACADEMY = "academy", "Academy"
    FREE_SCHOOL = "free_school", "Free school"
    OTHER = "other", "Other"


class Status(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"
    PROPOSED_TO_CLOSE = "proposed_to_close", "Open, but proposed to close"
    PROPOSED_TO_OPEN = "proposed_to_open", "Proposed to open"


class Trust(models.Model):
    """A multi-academy trust (or other group). Whether it is based in the authority's area
    matters to policy: Coventry's secondary allocation asks for "a Coventry-based MAT"."""

    authority = models.ForeignKey("accounts.Authority", on_delete=models.PROTECT, related_name="trusts")
    name = models.CharField(max_length=250)
    reference = models.CharField("GIAS group reference", max_length=20, blank=True)
    is_local = models.BooleanField("based in the authority's area", default=False)

    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()
    scope_authority_path = "authority_id"
    scope_school_path = None

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["authority", "reference"],
                condition=~models.Q(reference=""),
                name="trust_reference_unique_per_authority",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Network(models.Model):
    """A network or collaborative of schools, usually with a network lead."""

    authority = models.ForeignKey("accounts.Authority", on_delete=models.PROTECT, related_name="networks")
    name = models.CharField(max_length=200)
    lead = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="led_networks"
    )

    objects = ScopedQuerySet.as_manager()
    scope_authority_path = "authority_id"
    scope_school_path = None

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["authority", "name"], name="network_name_unique_per_authority")
        ]

    def __str__(self) -> str:
        return self.name


class School(models.Model):
    authority = models.ForeignKey("accounts.Authority", on_delete=models.PROTECT, related_name="schools")
    urn = models.CharField(
        "URN",
        max_length=6,
        unique=True,
        validators=[RegexValidator(r"^\d{6}$", "Enter the URN as 6 digits.")],
    )
    establishment_number = models.CharField(
        max_length=4,
        validators=[RegexValidator(r"^\d{4}$", "Enter the establishment number as 4 digits.")],
    )
    name = models.CharField(max_length=250)
    phase = models.CharField(max_length=20, choices=Phase.choices)
    establishment_type = models.CharField(max_length=100, blank=True)
    establishment_type_code = models.CharField(max_length=4, blank=True)
    type_group = models.CharField(max_length=100, blank=True)
    governance = models.CharField(max_length=20, choices=Governance.choices)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    open_date = models.DateField(null=True, blank=True)
    close_date = models.DateField(null=True, blank=True)
    trust = models.ForeignKey(Trust, null=True, blank=True, on_delete=models.SET_NULL, related_name="schools")
    networks = models.ManyToManyField(Network, blank=True, related_name="schools")
    religious_character = models.CharField(max_length=100, blank=True)
    diocese = models.CharField(max_length=100, blank=True)
    statutory_low_age = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(25)]
    )
    statutory_high_age = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(25)]
    )
    pupils_on_roll = models.PositiveIntegerField(null=True, blank=True)
    headteacher_name = models.CharField(max_length=200, blank=True)
    headteacher_start_date = models.DateField(
        "date started as headteacher of this school", null=True, blank=True
    )
    chair_of_governors_name = models.CharField(max_length=200, blank=True)
    street = models.CharField(max_length=200, blank=True)
    town = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    website = models.URLField(blank=True)
    telephone = models.CharField(max_length=30, blank=True)
    # Academy conversion and other re-registrations give a new URN; the predecessor's
    # inspection history still belongs on the successor's profile.
    predecessor = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="successors"
    )
    # Denormalised from the inspection history by inspections.services so that the list can
    # filter and sort 25,000 schools without a subquery per row.
    latest_full_inspection = models.ForeignKey(
        "inspections.Inspection", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    latest_outcome = models.CharField(max_length=40, blank=True, db_index=True)

    history = HistoricalRecords(excluded_fields=["latest_full_inspection", "latest_outcome"])
    objects = ScopedQuerySet.as_manager()
    scope_authority_path = "authority_id"
    scope_school_path = "pk"

    class Meta:
        ordering = ["name"]
        indexes = [
            # Covers the list's count, search and page-key queries without touching the table.
            models.Index(fields=["authority", "name", "urn", "status"], name="school_list_cover"),
            models.Index(fields=["authority", "status"], name="school_authority_status"),
            models.Index(fields=["authority", "establishment_number"]),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("schools:detail", kwargs={"urn": self.urn})

    @property
    def dfe_number(self) -> str:
        """The LA code and establishment number, written as 331/2001."""
        return f"{self.authority.code}/{self.establishment_number}"

    @property
    def is_open(self) -> bool:
        return self.status in (Status.OPEN, Status.PROPOSED_TO_CLOSE)

    @property
    def age_range(self) -> str:
        if self.statutory_low_age is None or self.statutory_high_age is None:
            return ""
        return f"{self.statutory_low_age} to {self.statutory_high_age}"

    def headship_years(self, on: date) -> float | None:
        if self.headteacher_start_date is None:
            return None
        return (on - self.headteacher_start_date).days / 365.25

    def clean(self) -> None:
        super().clean()
        errors = {}
        if self.open_date and self.close_date and self.close_date < self.open_date:
            errors["close_date"] = "The close date must be on or after the open date."
        if self.status == Status.CLOSED and not self.close_date:
            errors["close_date"] = "Enter the date the school closed."
        if (
            self.statutory_low_age is not None
            and self.statutory_high_age is not None
            and self.statutory_high_age < self.statutory_low_age
        ):
            errors["statutory_high_age"] = "The upper age must not be below the lower age."
        if self.trust_id and self.authority_id and self.trust.authority_id != self.authority_id:
            errors["trust"] = "The trust belongs to another authority."
        if errors:
            raise ValidationError(errors)


class Contact(models.Model):
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="contacts")
    role = models.CharField(max_length=100)
    name = models.CharField(max_length=200)
    email = models.EmailField(blank=True)
    telephone = models.CharField(max_length=30, blank=True)

    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()
    scope_authority_path = "school__authority_id"
    scope_school_path = "school_id"

    class Meta:
        ordering = ["role", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.role})"


class SchoolEvent(models.Model):
    """Dated facts about a school that policy rules read: a change of headteacher, a closure,
    a conversion. Recorded by imports and by LA staff; never edited, only added."""

    class Kind(models.TextChoices):
        HEADTEACHER_CHANGE = "headteacher_change", "Change of headteacher"
        CLOSURE = "closure", "Closure"
        CONVERSION = "conversion", "Academy conversion"
        LEADERSHIP_CHANGE = "leadership_change", "Significant change in leadership or governance"

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=32, choices=Kind.choices)
    occurred_on = models.DateField()
    detail = models.CharField(max_length=500, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL)
    source = models.CharField(max_length=250, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_authority_path = "school__authority_id"
    scope_school_path = "school_id"

    class Meta:
        ordering = ["-occurred_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.occurred_on.day} {self.occurred_on:%B %Y}"


class Measure(models.TextChoices):
    PUPILS_ON_ROLL = "pupils_on_roll", "Pupils on roll"
    FSM_PERCENT = "fsm_percent", "% free school meals"
    DISADVANTAGED_PERCENT = "disadvantaged_percent", "% disadvantaged"
    EAL_PERCENT = "eal_percent", "% English as an additional language"
    EHCP_PERCENT = "ehcp_percent", "% with an EHC plan"
    SEN_SUPPORT_PERCENT = "sen_support_percent", "% SEN support"
    ATTENDANCE_PERCENT = "attendance_percent", "Attendance %"
    PERSISTENT_ABSENCE_PERCENT = "persistent_absence_percent", "Persistent absence %"
    SUSPENSIONS = "suspensions", "Suspensions"
    PERMANENT_EXCLUSIONS = "permanent_exclusions", "Permanent exclusions"
    # Headline attainment and progress measures from the DfE performance tables.
    KS2_RWM_EXPECTED_PERCENT = "ks2_rwm_expected_percent", "KS2 % expected standard in reading, writing and maths"
    KS2_RWM_HIGHER_PERCENT = "ks2_rwm_higher_percent", "KS2 % higher standard in reading, writing and maths"
    KS2_READING_PROGRESS = "ks2_reading_progress", "KS2 reading progress score"
    KS2_WRITING_PROGRESS = "ks2_writing_progress", "KS2 writing progress score"
    KS2_MATHS_PROGRESS = "ks2_maths_progress", "KS2 maths progress score"
    KS4_ATTAINMENT_8 = "ks4_attainment8", "KS4 Attainment 8 score"
    KS4_PROGRESS_8 = "ks4_progress8", "KS4 Progress 8 score"
    KS4_BASICS_4_PERCENT = "ks4_basics_4_percent", "KS4 % grade 4 or above in English and maths"
    KS4_BASICS_5_PERCENT = "ks4_basics_5_percent", "KS4 % grade 5 or above in English and maths"
    KS4_EBACC_APS = "ks4_ebacc_aps", "KS4 EBacc average point score"


PERCENT_MEASURES = frozenset(m for m in Measure if m.value.endswith("_percent"))
# Progress scores are relative to the national average, so they can be below zero.
SIGNED_MEASURES = frozenset(m for m in Measure if m.value.endswith(("_progress", "_progress8")))


class ContextMeasure(models.Model):
    """One measure for one school in one academic year, with where it came from.

    Publishers suppress small numbers; those are stored as suppressed (value empty), never as 0.
    """

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="measures")
    academic_year = models.PositiveSmallIntegerField(
        help_text="The year the academic year starts: 2023 means 2023/24.",
        validators=[MinValueValidator(2000), MaxValueValidator(2100)],
    )
    measure = models.CharField(max_length=40, choices=Measure.choices)
    value = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)
    suppressed = models.BooleanField(default=False)
    source = models.CharField(max_length=250)
    source_date = models.DateField(null=True, blank=True)

    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()
    scope_authority_path = "school__authority_id"
    scope_school_path = "school_id"

    class Meta:
        ordering = ["measure", "academic_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "academic_year", "measure"], name="one_measure_per_school_year"
            ),
            models.CheckConstraint(
                condition=models.Q(suppressed=True, value__isnull=True)
                | models.Q(suppressed=False, value__isnull=False),
                name="measure_value_or_suppressed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_measure_display()} {self.academic_year_label}"

    @property
    def academic_year_label(self) -> str:
        return f"{self.academic_year}/{(self.academic_year + 1) % 100:02d}"

    def clean(self) -> None:
        super().clean()
        if self.suppressed and self.value is not None:
            raise ValidationError({"value": "A suppressed measure has no value."})
        if not self.suppressed and self.value is None:
            raise ValidationError({"value": "Enter a value, or mark the measure as suppressed."})
        if self.value is not None:
            if self.value < 0 and self.measure not in SIGNED_MEASURES:
                raise ValidationError({"value": "The value cannot be negative."})
            if self.measure in PERCENT_MEASURES and self.value > 100:
                raise ValidationError({"value": "A percentage cannot be more than 100."})
