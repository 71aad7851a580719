"""Forms for visit planning. They check what a person typed; services check the rules again."""

from __future__ import annotations

from django import forms

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
