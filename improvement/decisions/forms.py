"""Forms for policy decisions. They check what a person typed; services check the rules again."""

from __future__ import annotations

from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from improvement.core.forms import GovukCheckboxSelectMultiple, GovukDateField, GovukRadioSelect
from improvement.decisions.models import KENT_SUPPORT_LEVEL_CHOICES, LA_CATEGORY_CHOICES
from improvement.policy.calendar import academic_year_of, academic_year_start
from improvement.policy.packs import available_packs, load_pack
from improvement.policy.snapshot import FLAGS
from improvement.schools.models import Network, Phase

REASON_WIDGET = forms.Textarea(attrs={"rows": 4})


def _not_future(value: date | None, what: str) -> date | None:
    if value is not None and value > timezone.localdate():
        raise ValidationError(f"The date {what} cannot be in the future.")
    return value


def clean_academic_year(value: str) -> str:
    value = (value or "").strip()
    try:
        academic_year_start(value)
    except ValueError:
        raise ValidationError("Enter the academic year like 2023/24.") from None
    return value


class AsOfForm(forms.Form):
    as_of = GovukDateField(
        required=False, label="Show decisions as of",
        help_text="For example, 15 1 2024. Leave blank for today. Packs apply to the academic year of this date.",
    )

    def clean_as_of(self) -> date | None:
        return _not_future(self.cleaned_data.get("as_of"), "for decisions")

    @classmethod
    def date_from(cls, query) -> tuple[AsOfForm, date]:
        """The bound form and the date it asks for (today when blank or invalid)."""
        form = cls(query if any(k.startswith("as_of") for k in query) else None)
        if form.is_bound and form.is_valid() and form.cleaned_data["as_of"]:
            return form, form.cleaned_data["as_of"]
        return form, timezone.localdate()


class OverrideForm(forms.Form):
    value = forms.CharField(
        label="Value to use", max_length=500,
        help_text="What officers should act on instead of the computed value, for example 4 visits.",
    )
    reason = forms.CharField(label="Why the computed value is wrong for this school", max_length=5000,
                             widget=REASON_WIDGET)


class RevokeForm(forms.Form):
    reason = forms.CharField(label="Why it is no longer needed (optional)", required=False, max_length=5000,
                             widget=REASON_WIDGET)


class FlagForm(forms.Form):
    key = forms.ChoiceField(label="Flag", choices=list(FLAGS.items()), widget=GovukRadioSelect)
    note = forms.CharField(label="What the flag rests on", max_length=5000, widget=REASON_WIDGET,
                           help_text="The evidence or source, for example the visit or data that raised it.")
    raised_on = GovukDateField(label="Date raised", help_text="For example, 27 3 2024.")

    def __init__(self, *args, active_keys: set[str] = frozenset(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.active_keys = set(active_keys)
        self.fields["key"].choices = [(k, v) for k, v in FLAGS.items() if k not in self.active_keys]
        if not self.is_bound:
            self.initial.setdefault("raised_on", timezone.localdate())

    def clean_raised_on(self) -> date | None:
        return _not_future(self.cleaned_data.get("raised_on"), "the flag was raised")


class ClearFlagForm(forms.Form):
    reason = forms.CharField(label="Why the flag is being cleared", max_length=5000, widget=REASON_WIDGET)


_NOT_SET = [("", "Not recorded")]


class CategorisationForm(forms.Form):
    la_category = forms.TypedChoiceField(
        label="LA category", choices=_NOT_SET + [(str(k), v) for k, v in LA_CATEGORY_CHOICES],
        coerce=int, empty_value=None, required=False, widget=GovukRadioSelect,
        help_text="Coventry: category 1 schools receive the most monitoring visits.",
    )
    kent_support_level = forms.ChoiceField(
        label="Kent support level", choices=_NOT_SET + KENT_SUPPORT_LEVEL_CHOICES, required=False,
        widget=GovukRadioSelect,
    )
    new_improvement_partner = forms.TypedChoiceField(
        label="Is the improvement partner new to the school this year?",
        choices=[("", "Not recorded"), ("yes", "Yes"), ("no", "No")],
        coerce=lambda v: v == "yes", empty_value=None, required=False, widget=GovukRadioSelect,
    )

    def clean(self):
        data = super().clean()
        if (data.get("la_category") is None and not data.get("kent_support_level")
                and data.get("new_improvement_partner") is None and not self.errors):
            raise ValidationError("Record at least one of the LA category, the Kent support level or whether "
                                  "the improvement partner is new.")
        return data


class AdditionalVisitsForm(forms.Form):
    count = forms.IntegerField(
        label="Number of additional visits", min_value=1, max_value=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-2"}),
        error_messages={"min_value": "Enter a number of visits of 1 or more.",
                        "max_value": "Enter a number of visits of 20 or fewer.",
                        "invalid": "Enter the number of visits as a whole number, like 2.",
                        "required": "Enter the number of additional visits."},
    )
    reason = forms.CharField(label="Why they were agreed", max_length=5000, widget=REASON_WIDGET,
                             error_messages={"required": "Enter why the additional visits were agreed."})
    agreed_on = GovukDateField(label="Date agreed", help_text="For example, 4 9 2023.")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("agreed_on", timezone.localdate())

    def clean_agreed_on(self) -> date | None:
        return _not_future(self.cleaned_data.get("agreed_on"), "the visits were agreed")


class WithdrawVisitsForm(forms.Form):
    reason = forms.CharField(label="Why the visits are withdrawn", max_length=5000, widget=REASON_WIDGET)


def pack_choices() -> list[tuple[str, str]]:
    choices = []
    for pack_id in available_packs():
        pack = load_pack(pack_id)
        years = ", ".join(pack.academic_years)
        confirm = f" – {pack.status}" if pack.status else ""
        choices.append((pack_id, f"{pack.title} ({pack.authority}; {years}){confirm}"))
    return choices


class PackSettingForm(forms.Form):
    academic_year = forms.CharField(
        label="Academic year", max_length=7, help_text="For example, 2023/24.",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-5"}),
    )
    packs = forms.MultipleChoiceField(
        label="Packs that apply", required=False, widget=GovukCheckboxSelectMultiple,
        help_text="Choose none to use the default: the England-wide packs that cover the year.",
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["packs"].choices = pack_choices()
        if not self.is_bound:
            self.initial.setdefault("academic_year", academic_year_of(timezone.localdate()))

    def clean_academic_year(self) -> str:
        return clean_academic_year(self.cleaned_data["academic_year"])


ANY = ""
YES_NO = [(ANY, "Any"), ("yes", "Yes"), ("no", "No")]


class PortfolioFilterForm(AsOfForm):
    q = forms.CharField(label="School name or URN", required=False, max_length=100)
    phase = forms.ChoiceField(label="Phase", required=False, choices=[(ANY, "Any phase"), *Phase.choices])
    network = forms.ModelChoiceField(label="Network", required=False, queryset=Network.objects.none(),
                                     empty_label="Any network")
    support_level = forms.ChoiceField(label="Support level", required=False)
    triggers = forms.ChoiceField(label="Has triggers", required=False, choices=YES_NO, widget=GovukRadioSelect)
    early_warning = forms.ChoiceField(label="Early warning", required=False, choices=YES_NO,
                                      widget=GovukRadioSelect)

    def __init__(self, *args, user, support_levels: list[tuple[str, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["network"].queryset = Network.objects.visible_to(user)
        self.fields["support_level"].choices = [(ANY, "Any support level"), *support_levels]
