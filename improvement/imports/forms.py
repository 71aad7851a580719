from __future__ import annotations

from django import forms
from django.conf import settings

from improvement.core.forms import GovukRadioSelect
from improvement.imports.models import MEASURE_KINDS, ImportKind
from improvement.imports.parsers.measures import parse_year
from improvement.imports.values import Invalid

DEFAULT_MAX_UPLOAD_MB = 100


def max_upload_bytes() -> int:
    return int(getattr(settings, "IMPORTS_MAX_UPLOAD_MB", DEFAULT_MAX_UPLOAD_MB)) * 1024 * 1024


def _check_csv(upload, label: str) -> None:
    """A CSV by name, size and first bytes (the full check is the import's dry run)."""
    if not upload.name.lower().endswith(".csv"):
        raise forms.ValidationError(f"The {label} must be a CSV file (its name ends .csv).")
    if upload.size == 0:
        raise forms.ValidationError(f"The {label} is empty.")
    if upload.size > max_upload_bytes():
        raise forms.ValidationError(f"The {label} must be smaller than {max_upload_bytes() // (1024 * 1024)} MB.")
    head = upload.read(65536)
    upload.seek(0)
    if head.startswith(b"PK\x03\x04") or b"\x00" in head:
        raise forms.ValidationError(
            f"The {label} is a spreadsheet or binary file, not a CSV. Save it as CSV and upload it again."
        )


class UploadForm(forms.Form):
    kind = forms.ChoiceField(
        label="What is in the file?",
        choices=ImportKind.choices,
        widget=GovukRadioSelect,
        error_messages={"required": "Select what the file contains."},
    )
    file = forms.FileField(
        label="CSV file",
        help_text="As downloaded from GIAS, Ofsted or the DfE. Rows for other local authorities are skipped.",
        error_messages={"required": "Choose the CSV file to import."},
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )
    links_file = forms.FileField(
        label="GIAS links file (optional)",
        required=False,
        help_text="links_edubasealldataYYYYMMDD.csv: records predecessor schools and academy conversions.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )
    academic_year = forms.CharField(
        label="Academic year (DfE measures only)",
        required=False,
        max_length=7,
        help_text="For example 2023/24. Needed when the file has no time_period column.",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-5", "spellcheck": "false"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        _check_csv(upload, "file")
        return upload

    def clean_links_file(self):
        upload = self.cleaned_data.get("links_file")
        if upload:
            _check_csv(upload, "links file")
        return upload

    def clean_academic_year(self) -> int | None:
        raw = self.cleaned_data.get("academic_year", "").strip()
        if not raw:
            return None
        try:
            return parse_year(raw)
        except Invalid:
            raise forms.ValidationError("Enter the academic year like 2023/24.") from None

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if data.get("links_file") and kind and kind != ImportKind.GIAS:
            self.add_error("links_file", "Only a GIAS establishments import takes a links file.")
        if data.get("academic_year") and kind and kind not in MEASURE_KINDS:
            self.add_error("academic_year", "Only DfE measures need an academic year.")
        return data


class ConfirmForm(forms.Form):
    skip_invalid = forms.BooleanField(
        label="Import the valid rows and skip the invalid ones",
        required=False,
        help_text="The invalid rows are listed in the error report, which you can download.",
    )
