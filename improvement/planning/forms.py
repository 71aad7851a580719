"""Forms for visit planning. They check what a person typed; services check the rules again."""

from __future__ import annotations

from django import forms

from improvement.core.forms import GovukDateField, GovukRadioSelect
from improvement.planning import handover as checklist


class AllocationForm(forms.Form):
    officer = forms.ModelChoiceField(
        queryset=None, label="Officer", empty_label="Choose an officer",
        error_messages={"required": "Choose the officer for this school.",
                        "invalid_choice": "Choose an officer from the list."},
    )
    reason = forms.CharField(
        label="Reason for the change (optional)", required=False, max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example, the headteacher's view, or the officer's caseload.",
    )

    def __init__(self, *args, officers, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["officer"].queryset = officers


class TickForm(forms.Form):
    item = forms.ChoiceField(
        choices=[(i.key, i.label) for i in checklist.CHECKLIST], widget=forms.HiddenInput,
        error_messages={"required": "Choose an item of the checklist.",
                        "invalid_choice": "Choose an item of the checklist."},
    )
    note = forms.CharField(label="Note (optional)", required=False, max_length=300)


class PlanRunForm(forms.Form):
    visits_per_week = forms.IntegerField(
        label="Most visits an officer makes in a week", min_value=1, max_value=25, initial=5,
        help_text="The planner never books an officer for more visits than this in any week.",
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-3", "inputmode": "numeric"}),
        error_messages={"required": "Enter the most visits an officer makes in a week.",
                        "invalid": "Enter a whole number of visits, like 5.",
                        "min_value": "Enter a number of visits a week from 1 to 25.",
                        "max_value": "Enter a number of visits a week from 1 to 25."},
    )


class PlanStatusForm(forms.Form):
    to_status = forms.ChoiceField(
        choices=[("agreed", "Agreed with the school"), ("completed", "Completed"), ("cancelled", "Cancelled")],
        widget=forms.HiddenInput, error_messages={"required": "Choose what happened to the visit.",
                                                  "invalid_choice": "Choose what happened to the visit."},
    )
    reason = forms.CharField(label="Reason", required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))


class MoveForm(forms.Form):
    day = GovukDateField(label="New date", help_text="For example, 27 3 2026")


class CapacityForm(forms.Form):
    visits_per_week = forms.IntegerField(
        label="Most visits this officer makes in a week", required=False, min_value=1, max_value=25,
        help_text="Leave empty to use the number given when the planner runs.",
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-3", "inputmode": "numeric"}),
        error_messages={"invalid": "Enter a whole number of visits, like 3.",
                        "min_value": "Enter a number of visits a week from 1 to 25.",
                        "max_value": "Enter a number of visits a week from 1 to 25."},
    )


class ReminderPreferenceForm(forms.Form):
    frequency = forms.ChoiceField(
        label="How do you want to hear about what needs doing?",
        choices=[("daily", "Each day, when there is something new"), ("weekly", "A weekly digest on Mondays")],
        widget=GovukRadioSelect,
        error_messages={"required": "Choose daily reminders or a weekly digest.",
                        "invalid_choice": "Choose daily reminders or a weekly digest."},
    )
