from __future__ import annotations

from datetime import date

from django import forms
from django.utils import timezone

from improvement.core.forms import GovukDateField, GovukRadioSelect
from improvement.inspections.models import Inspection
from improvement.policy import frameworks


def _long_date(day: date) -> str:
    """GOV.UK style: 1 September 2019, no leading zero."""
    return f"{day.day} {day:%B %Y}"


class EraChoiceForm(forms.Form):
    era = forms.ChoiceField(
        label="Which inspection framework was the inspection under?",
        choices=[(e.key, f"{e.name}") for e in reversed(frameworks.ERAS)],
        widget=GovukRadioSelect,
        help_text="The framework decides which judgements and grades can be recorded.",
    )


class InspectionForm(forms.Form):
    """One inspection under one framework era: judgement fields come from the era registry,
    so only that era's areas and grades can be entered."""

    inspection_type = forms.ChoiceField(choices=frameworks.INSPECTION_TYPES, widget=GovukRadioSelect)
    start_date = GovukDateField(label="Inspection start date")
    publication_date = GovukDateField(label="Report publication date", required=False)
    category_of_concern = forms.ChoiceField(required=False)

    def __init__(self, *args, era: frameworks.Era, instance: Inspection | None = None, **kwargs) -> None:
        if instance is not None:
            initial = {
                "inspection_type": instance.inspection_type,
                "start_date": instance.start_date,
                "publication_date": instance.publication_date,
                "category_of_concern": instance.category_of_concern,
                **{f"judgement_{k}": v for k, v in instance.judgements.items()},
            }
            kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        self.era = era
        self.fields["category_of_concern"].choices = [("", "None"), *era.categories_of_concern]
        for area in era.areas:
            self.fields[f"judgement_{area.key}"] = forms.ChoiceField(
                label=area.label,
                required=False,
                choices=[("", "Not judged"), *area.scale.choices()],
            )

    def clean_start_date(self):
        start = self.cleaned_data["start_date"]
        if start and start > timezone.localdate():
            raise forms.ValidationError("The inspection start date cannot be in the future.")
        if start and not self.era.covers(start):
            ends = _long_date(self.era.ends) if self.era.ends else "today"
            raise forms.ValidationError(
                f"The {self.era.name} framework ran from {_long_date(self.era.starts)} to {ends}: "
                "enter a date in that range or choose another framework."
            )
        return start

    def clean(self):
        cleaned = super().clean()
        start, published = cleaned.get("start_date"), cleaned.get("publication_date")
        if start and published and published < start:
            self.add_error("publication_date", "The publication date must be on or after the start date.")
        if cleaned.get("inspection_type") == frameworks.FULL and self.era.has_overall_grade:
            if not cleaned.get("judgement_overall_effectiveness"):
                self.add_error(
                    "judgement_overall_effectiveness",
                    "Enter the overall effectiveness judgement for a full inspection under this framework.",
                )
        return cleaned

    @property
    def judgements(self) -> dict[str, str]:
        return {
            area.key: self.cleaned_data[f"judgement_{area.key}"]
            for area in self.era.areas
            if self.cleaned_data.get(f"judgement_{area.key}")
        }
