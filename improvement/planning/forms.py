"""Forms for visit planning. They check what a person typed; services check the rules again."""

from __future__ import annotations

from django import forms

from improvement.core.forms import GovukDateField, GovukRadioSelect
from improvement.planning import handover as checklist
from improvement.planning import time_activities


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


def _days_field(label: str) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, required=False, max_digits=4, decimal_places=2,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-3", "inputmode": "decimal"}),
        error_messages={"invalid": "Enter days as a number, like 0.5.",
                        "max_digits": "Enter days in quarter days, like 0.5 or 1.25, up to 5.",
                        "max_decimal_places": "Enter days in quarter days, like 0.5 or 1.25, up to 5.",
                        "max_whole_digits": "Enter days in quarter days, like 0.5 or 1.25, up to 5."},
    )


class TimeForm(forms.Form):
    activity = forms.ChoiceField(label="Activity", error_messages={
        "required": "Choose an activity.", "invalid_choice": "Choose an activity from the list."})
    day = GovukDateField(label="Date", help_text="For example, 27 3 2026")
    in_school = _days_field("Days in school")
    out_of_school = _days_field("Days out of school (preparation, reading, report writing)")
    note = forms.CharField(label="Note (optional)", required=False, max_length=300,
                           help_text="Needed for a correction: negative days cancel an earlier entry.")

    def __init__(self, *args, for_school: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["activity"].choices = [("", "Choose an activity")] + [
            (a.key, a.label) for a in time_activities.ACTIVITIES if a.for_school == for_school]


class RateForm(forms.Form):
    rate_role = forms.ChoiceField(label="Role", choices=list(time_activities.RATE_ROLES.items()),
                                  widget=GovukRadioSelect, error_messages={
                                      "required": "Choose a role.", "invalid_choice": "Choose a role."})
    amount = forms.DecimalField(label="Daily rate in pounds", max_digits=8, decimal_places=2,
                                widget=forms.TextInput(attrs={"class": "govuk-input--width-5", "inputmode": "decimal"}),
                                error_messages={"required": "Enter the daily rate.",
                                                "invalid": "Enter the daily rate as a number, like 450.",
                                                "max_digits": "Enter a daily rate of at most 5,000.",
                                                "max_whole_digits": "Enter a daily rate of at most 5,000.",
                                                "max_decimal_places": "Enter pounds and pence, like 450.50."})
