from __future__ import annotations

from django import forms
from django.conf import settings

from improvement.core.forms import GovukRadioSelect
from improvement.documents import filetypes
from improvement.documents.models import DocumentKind


class GovukFileInput(forms.FileInput):
    """The GOV.UK file upload component (a drop zone once govuk-frontend's script runs; a plain
    file input without JavaScript). The renderer adds the label, hint, error and classes."""

    template_name = "govuk/widgets/file.html"


class DocumentUploadForm(forms.Form):
    kind = forms.ChoiceField(
        label="What kind of document is it?",
        choices=DocumentKind.choices,
        widget=GovukRadioSelect,
        help_text="The school position statement includes the most recent national assessment data.",
        error_messages={"required": "Select what kind of document this is.",
                        "invalid_choice": "Select what kind of document this is."},
    )
    title = forms.CharField(
        label="Title (optional)",
        required=False,
        max_length=200,
        help_text="For example, Self-evaluation, spring term. If you leave it blank, the kind of document is used.",
        error_messages={"max_length": "Title must be 200 characters or fewer."},
    )
    file = forms.FileField(
        label="Upload a file",
        widget=GovukFileInput(attrs={"accept": filetypes.ACCEPT_ATTRIBUTE}),
        error_messages={
            "required": "Select a file.",
            "missing": "Select a file.",
            "invalid": "Select a file.",
            "empty": filetypes.EMPTY,
        },
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        limit = filetypes.readable_size(settings.UPLOAD_MAX_BYTES)
        self.fields["file"].help_text = f"A PDF, Word or Excel file, smaller than {limit}."


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label="Why are you withdrawing this document?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example, uploaded to the wrong school, or replaced by a corrected version.",
        error_messages={"required": "Enter why you are withdrawing the document.",
                        "max_length": "Reason must be 2000 characters or fewer."},
    )
