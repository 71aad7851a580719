from django import forms

from improvement.concerns.models import ConcernStatus
from improvement.core.forms import GovukRadioSelect


class ConcernUpdateForm(forms.Form):
    status = forms.ChoiceField(label="Status", choices=ConcernStatus.choices, widget=GovukRadioSelect)
    note = forms.CharField(label="Note", required=False, max_length=20_000, widget=forms.Textarea(attrs={"rows": 4}),
                           help_text="What was done, or what happens next.")
