"""Forms for processes and meetings. They read and check input; the services decide."""

from __future__ import annotations

from datetime import datetime, time

from django import forms
from django.utils import timezone

from improvement.accounts.models import User
from improvement.core.forms import GovukDateField, GovukRadioSelect
from improvement.interventions.models import (
    BoardRole,
    DecisionGrounds,
    DecisionKind,
    MeetingKind,
    Outcome,
    ProcessKind,
)

TIME_FORMATS = ["%H:%M", "%H.%M", "%I:%M%p", "%I.%M%p", "%I%p", "%I:%M %p", "%I %p"]


def _time_field(label: str = "Time", **kwargs) -> forms.TimeField:
    return forms.TimeField(
        label=label, input_formats=TIME_FORMATS, help_text="For example, 14:00 or 2pm",
        error_messages={"required": "Enter the time of the meeting", "invalid": "Enter a time like 14:00 or 2pm"},
        widget=forms.TimeInput(format="%H:%M", attrs={"class": "govuk-input--width-5"}), **kwargs,
    )


def _text(label: str, *, required: bool = True, rows: int = 4, help_text: str = "", message: str = "") -> forms.CharField:
    return forms.CharField(
        label=label, required=required, max_length=50_000, help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"required": message or f"Enter {label[0].lower()}{label[1:]}"},
    )


def combine(day, at: time) -> datetime:
    return timezone.make_aware(datetime.combine(day, at))


class _MeetingWhenMixin:
    """Date, time and venue of a meeting, combined into an aware date-time."""

    def meeting_datetime(self) -> datetime:
        return combine(self.cleaned_data["date"], self.cleaned_data["time"])


class OpenProcessForm(_MeetingWhenMixin, forms.Form):
    kind = forms.ChoiceField(label="Process", widget=GovukRadioSelect,
                             error_messages={"required": "Choose the process"})
    reason = _text("Why the process is being started", help_text="Recorded as the process's background.",
                   message="Give the reason the process is being started")
    opened_on = GovukDateField(label="Date the process began", help_text="For example, 3 11 2026")
    chair = forms.ModelChoiceField(label="Chair", queryset=User.objects.none(),
                                   error_messages={"required": "Choose the chair"})
    date = GovukDateField(label="Date of the first meeting")
    time = _time_field()
    venue = forms.CharField(label="School and venue", max_length=300,
                            help_text="Usually at the school; Teams or hybrid if necessary.",
                            error_messages={"required": "Enter where the first meeting will take place"})

    def __init__(self, *args, kinds: list[str], chairs, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(k, ProcessKind(k).label) for k in kinds]
        if len(kinds) == 1:
            self.fields["kind"].initial = kinds[0]
        self.fields["chair"].queryset = chairs
        self.fields["opened_on"].initial = timezone.localdate()


class ProcessStatusForm(forms.Form):
    to_status = forms.ChoiceField(label="Change", widget=GovukRadioSelect,
                                  error_messages={"required": "Choose what to do"})
    reason = _text("Reason", message="Give the reason for the change")

    def __init__(self, *args, choices: list[tuple[str, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_status"].choices = choices


class ScheduleMeetingForm(_MeetingWhenMixin, forms.Form):
    kind = forms.ChoiceField(label="Meeting", widget=GovukRadioSelect, error_messages={"required": "Choose the meeting"})
    date = GovukDateField(label="Date")
    time = _time_field()
    venue = forms.CharField(label="School and venue", max_length=300,
                            error_messages={"required": "Enter where the meeting will take place"})

    def __init__(self, *args, kinds: list[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(k, MeetingKind(k).label) for k in kinds]
        if len(kinds) == 1:
            self.fields["kind"].initial = kinds[0]


class RescheduleForm(_MeetingWhenMixin, forms.Form):
    date = GovukDateField(label="New date")
    time = _time_field()
    venue = forms.CharField(label="School and venue", max_length=300,
                            error_messages={"required": "Enter where the meeting will take place"})
    reason = _text("Why the meeting is moving", rows=2, message="Give the reason the meeting is being moved")


class OutcomeForm(_MeetingWhenMixin, forms.Form):
    confident_good = forms.ChoiceField(
        label="Are we confident that this school will receive an overall Good judgement at its next Ofsted inspection?",
        choices=[("yes", "Yes"), ("no", "No")], widget=GovukRadioSelect,
        error_messages={"required": "Answer the board's question"},
    )
    outcome = forms.ChoiceField(label="Agreed outcome", widget=GovukRadioSelect,
                                error_messages={"required": "Choose the agreed outcome"})
    date = GovukDateField(label="Date of the next meeting",
                          help_text="Proposed from the academic calendar for the outcome chosen; change it if the board agreed another date.")
    time = _time_field()
    venue = forms.CharField(label="School and venue of the next meeting", max_length=300,
                            error_messages={"required": "Enter where the next meeting will take place"})

    def __init__(self, *args, outcomes: list[str], asks_question: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["outcome"].choices = [(o, Outcome(o).label) for o in outcomes]
        if len(outcomes) == 1:
            self.fields["outcome"].initial = outcomes[0]
        if not asks_question:
            del self.fields["confident_good"]


class BoardMemberForm(forms.Form):
    user = forms.ModelChoiceField(label="Account", required=False, queryset=User.objects.none(),
                                  help_text="Choose an account, or leave blank and enter a name below.")
    name = forms.CharField(label="Name (if they have no account)", required=False, max_length=200)
    role = forms.ChoiceField(label="Role on the board", choices=BoardRole.choices, widget=GovukRadioSelect,
                             initial=BoardRole.OTHER)
    role_detail = forms.CharField(label="Role (for example, deputy headteacher)", required=False, max_length=200)

    def __init__(self, *args, people, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = people

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("user") and not (cleaned.get("name") or "").strip():
            self.add_error("name", "Choose an account or enter the member's name")
        return cleaned


class DecisionForm(forms.Form):
    kind = forms.ChoiceField(label="Escalation", choices=DecisionKind.choices, widget=GovukRadioSelect,
                             error_messages={"required": "Choose the escalation"})
    grounds = forms.ChoiceField(label="Grounds", choices=DecisionGrounds.choices, widget=GovukRadioSelect,
                                error_messages={"required": "Choose the grounds"})
    outcome = _text("Outcome", rows=3, message="Enter the outcome of the decision")
    reasons = _text("Reasons", rows=6, message="Give the reasons for the decision")
    decided_by = forms.ModelChoiceField(label="Decided by", queryset=User.objects.none(),
                                        error_messages={"required": "Choose who made the decision"})
    decided_on = GovukDateField(label="Date of the decision")
    confirm = forms.BooleanField(
        label="I understand that a recorded decision cannot be changed",
        error_messages={"required": "Confirm that you understand the decision will be locked"},
    )

    def __init__(self, *args, deciders, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["decided_by"].queryset = deciders
