"""Forms for network focus support. They check what a person typed; services check the rules again."""

from __future__ import annotations

from decimal import Decimal

from django import forms

from improvement.core.forms import GovukDateField, GovukRadioSelect
from improvement.networks.models import SupportKind, SupportStatus
from improvement.schools.models import School, Status

REASON_WIDGET = forms.Textarea(attrs={"rows": 4})


class FocusAdditionForm(forms.Form):
    reason = forms.CharField(
        label="Why is this school a focus school?", max_length=5000, widget=REASON_WIDGET,
        help_text="For example, a new deputy headteacher and a self-evaluation of Requires improvement after the "
                  "summer review.",
        error_messages={"required": "Enter why the school is a focus school."},
    )


class FocusRemovalForm(forms.Form):
    reason = forms.CharField(
        label="Why is it no longer a focus school?", max_length=5000, widget=REASON_WIDGET,
        error_messages={"required": "Enter why the school is no longer a focus school."},
    )


class SupportOfferForm(forms.Form):
    kind = forms.ChoiceField(label="Kind of support", choices=SupportKind.choices, widget=GovukRadioSelect,
                             error_messages={"required": "Choose the kind of support."})
    partner_school = forms.ModelChoiceField(
        label="Partner school (optional)", required=False, queryset=School.objects.none(),
        empty_label="No partner school chosen",
        help_text="Only for working with a school that met similar challenges.",
    )
    description = forms.CharField(label="Describe the support", max_length=5000, widget=REASON_WIDGET,
                                  error_messages={"required": "Describe the support."})
    provided_by = forms.CharField(label="Provided by", max_length=200,
                                  help_text="Who provides it, for example the headteacher of a network school.",
                                  error_messages={"required": "Enter who provides the support.",
                                                  "max_length": "Enter who provides the support in 200 characters "
                                                                "or fewer."})
    start_date = GovukDateField(label="Start date", help_text="For example, 14 9 2026.",
                                error_messages={"required": "Enter the date the support starts."})
    status = forms.ChoiceField(label="Status", choices=SupportStatus.choices, widget=GovukRadioSelect,
                               initial=SupportStatus.OFFERED,
                               error_messages={"required": "Choose whether the support is offered, in place or "
                                                           "ended."})

    def __init__(self, *args, user, school: School, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["partner_school"].queryset = (
            School.objects.visible_to(user).exclude(pk=school.pk).exclude(status=Status.CLOSED).order_by("name")
        )
        self.fields["partner_school"].error_messages["invalid_choice"] = "Choose an open school of your authority."


class PoundsField(forms.DecimalField):
    """An amount in pounds, accepting what people type: "£1,500.50"."""

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().replace(",", "").removeprefix("£").strip()
        return super().to_python(value)


class FundingForm(forms.Form):
    amount = PoundsField(
        label="Amount (£)", min_value=Decimal("0"), max_digits=10, decimal_places=2,
        help_text="In pounds, for example 1500 or 1500.50. Enter 0 if the school receives nothing.",
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "govuk-input--width-10"}),
        error_messages={
            "required": "Enter the amount in pounds.",
            "invalid": "Enter the amount in pounds, like 1500 or 1500.50.",
            "min_value": "Enter an amount of £0 or more.",
            "max_digits": "Enter an amount of less than £100,000,000.",
            "max_whole_digits": "Enter an amount of less than £100,000,000.",
            "max_decimal_places": "Enter the amount to the nearest penny, like 1500.50.",
        },
    )
    purpose = forms.CharField(label="What is the funding for?", max_length=5000, widget=REASON_WIDGET,
                              error_messages={"required": "Enter what the funding is for."})
