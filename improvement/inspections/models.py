from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from improvement.core.scoping import ScopedQuerySet
from improvement.policy import frameworks


class Inspection(models.Model):
    """One Ofsted inspection. Judgements are {area key: grade key} validated against the
    era's scale in the framework registry (improvement/policy/frameworks.py)."""

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="inspections")
    era = models.CharField("framework", max_length=30, choices=frameworks.ERA_CHOICES)
    inspection_type = models.CharField(max_length=30, choices=frameworks.INSPECTION_TYPES)
    start_date = models.DateField("inspection start date")
    publication_date = models.DateField(null=True, blank=True)
    judgements = models.JSONField(default=dict, blank=True)
    category_of_concern = models.CharField(
        max_length=40, blank=True, choices=frameworks.ALL_CATEGORIES
    )
    # Ungraded (section 8) inspections have no grades, only a published outcome such as
    # "School remains Good (Concerns) - S5 Next"; imported from Ofsted's management information.
    ungraded_outcome = models.CharField(max_length=100, blank=True)
    # An inspection recorded from feedback before its report is published.
    is_provisional = models.BooleanField(default=False)
    source = models.CharField(max_length=250, blank=True)

    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()
    scope_authority_path = "school__authority_id"
    scope_school_path = "school_id"

    class Meta:
        ordering = ["-start_date", "-pk"]
        indexes = [models.Index(fields=["school", "inspection_type", "start_date"])]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "start_date", "inspection_type"],
                name="one_inspection_per_school_date_type",
                violation_error_message="This school already has an inspection of this type starting on that date.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_inspection_type_display()} inspection, {self.start_date.day} {self.start_date:%B %Y}"

    @property
    def framework(self) -> frameworks.Era:
        return frameworks.get_era(self.era)

    @property
    def outcome_label(self) -> str:
        return frameworks.outcome_label(self)

    def judgement_rows(self):
        return frameworks.judgement_rows(self)

    def clean(self) -> None:
        super().clean()
        errors: dict[str, str] = {}
        if self.start_date and self.start_date > timezone.localdate():
            errors["start_date"] = "The inspection start date cannot be in the future."
        if self.start_date and self.publication_date and self.publication_date < self.start_date:
            errors["publication_date"] = "The publication date must be on or after the start date."
        if self.era and self.start_date:
            era = frameworks.ERAS_BY_KEY.get(self.era)
            if era and not era.covers(self.start_date):
                errors["era"] = (
                    f"An inspection starting on {self.start_date.day} {self.start_date:%B %Y} is not under "
                    f"the {era.name} framework."
                )
        if self.era:
            judgement_errors = frameworks.judgement_errors(self.era, self.judgements or {})
            if judgement_errors:
                errors["judgements"] = " ".join(judgement_errors.values())
            era = frameworks.ERAS_BY_KEY.get(self.era)
            allowed = {key for key, _ in era.categories_of_concern} if era else set()
            if self.category_of_concern and self.category_of_concern not in allowed:
                errors["category_of_concern"] = "That category of concern does not exist in this framework."
        if errors:
            raise ValidationError(errors)
