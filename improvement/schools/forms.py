from __future__ import annotations

import re

from django import forms

from improvement.core.forms import GovukCheckboxSelectMultiple, GovukRadioSelect, govuk_formfield
from improvement.schools.models import ContextMeasure, Measure, Network, School, Trust

_DFE_NUMBER = re.compile(r"^(\d{3})/(\d{4})$")


class SchoolForm(forms.ModelForm):
    """Add or edit a school. The DfE number is entered as LA code/establishment number and must
    belong to the user's authority."""

    dfe_number = forms.CharField(label="DfE number", help_text="LA code and establishment number, like 331/2001")

    class Meta:
        model = School
        formfield_callback = govuk_formfield
        fields = [
            "urn", "name", "phase", "establishment_type", "type_group", "governance", "status",
            "open_date", "close_date", "trust", "networks", "religious_character", "diocese",
            "statutory_low_age", "statutory_high_age", "pupils_on_roll", "headteacher_name",
            "headteacher_start_date", "chair_of_governors_name", "street", "town", "postcode",
            "website", "telephone",
        ]
        widgets = {"phase": GovukRadioSelect, "governance": GovukRadioSelect, "status": GovukRadioSelect}
        error_messages = {"urn": {"unique": "A school with this URN is already on the register."}}

    def __init__(self, *args, authority, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.authority = authority
        self.instance.authority = authority
        self.fields["trust"].queryset = Trust.objects.filter(authority=authority)
        self.fields["networks"].queryset = Network.objects.filter(authority=authority)
        self.fields["networks"].widget = GovukCheckboxSelectMultiple(choices=self.fields["networks"].choices)
        self.fields["urn"].help_text = "6 digits"
        self.order_fields(["urn", "dfe_number"])
        if self.instance.pk:
            self.initial.setdefault("dfe_number", self.instance.dfe_number)

    def clean_dfe_number(self) -> str:
        value = self.cleaned_data["dfe_number"].strip().replace(" ", "")
        match = _DFE_NUMBER.match(value)
        if not match:
            raise forms.ValidationError("Enter the DfE number as 3 digits, a slash and 4 digits, like 331/2001.")
        if match.group(1) != self.authority.code:
            raise forms.ValidationError(
                f"The DfE number must start with your authority's LA code, {self.authority.code}."
            )
        self.instance.establishment_number = match.group(2)
        return value


class MeasureForm(forms.ModelForm):
    academic_year = forms.TypedChoiceField(coerce=int, label="Academic year")

    class Meta:
        model = ContextMeasure
        formfield_callback = govuk_formfield
        fields = ["academic_year", "measure", "value", "suppressed", "source", "source_date"]
        labels = {"suppressed": "The publisher suppressed this value"}
        help_texts = {"source": "Where the figure comes from, like 'School census, January 2024'"}

    def __init__(self, *args, school: School, current_year: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instance.school = school
        years = list(range(current_year, current_year - 8, -1))
        # An older measure (imports bring years of history) stays editable under its own year.
        if self.instance.pk and self.instance.academic_year not in years:
            years.append(self.instance.academic_year)
        self.fields["academic_year"].choices = [(y, f"{y}/{(y + 1) % 100:02d}") for y in years]
        self.fields["measure"].choices = Measure.choices

    def clean(self) -> dict:
        cleaned = super().clean()
        # The school is not a form field, so the model's unique constraint would not be checked.
        duplicate = ContextMeasure.objects.filter(
            school=self.instance.school,
            academic_year=cleaned.get("academic_year"),
            measure=cleaned.get("measure"),
        ).exclude(pk=self.instance.pk)
        if duplicate.exists():
            self.add_error("measure", "This measure is already recorded for that year: edit it instead.")
        return cleaned
