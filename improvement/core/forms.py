"""GOV.UK Design System form rendering.

Every Django form renders through the templates in core/templates/govuk/ (see
FORM_RENDERER in settings): labels, hints, error messages and the component classes come from
one place, so pages only write `{{ form }}` or `{{ form.field.as_field_group }}`.
"""

from __future__ import annotations

from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.forms.boundfield import BoundField
from django.forms.renderers import TemplatesSetting
from django.forms.widgets import Input
from django.utils.text import capfirst

_COMPONENT_CLASS: list[tuple[type[forms.Widget], str]] = [
    (forms.Textarea, "govuk-textarea"),
    (forms.Select, "govuk-select"),
    (forms.ClearableFileInput, "govuk-file-upload"),
    (forms.FileInput, "govuk-file-upload"),
    (forms.CheckboxInput, "govuk-checkboxes__input"),
    (Input, "govuk-input"),
]


def component_class(widget: forms.Widget) -> str | None:
    if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple | forms.MultiWidget):
        return None  # their own templates place classes on each item
    return next((cls for kind, cls in _COMPONENT_CLASS if isinstance(widget, kind)), None)


class GovukBoundField(BoundField):
    """Adds the component class, its error modifier and aria-describedby to each widget."""

    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        base = component_class(widget)
        if base:
            classes = [attrs.get("class", ""), base]
            if self.errors and base != "govuk-checkboxes__input":
                classes.append(f"{base}--error")
            attrs["class"] = " ".join(c for c in classes if c)
        described_by = []
        if self.help_text:
            described_by.append(f"{self.auto_id}-hint")
        if self.errors:
            described_by.append(f"{self.auto_id}-error")
        if described_by and not self.use_fieldset:
            attrs["aria-describedby"] = " ".join(described_by)
        return attrs

    @property
    def hint_id(self) -> str:
        return f"{self.auto_id}-hint"

    @property
    def error_id(self) -> str:
        return f"{self.auto_id}-error"

    @property
    def error_summary_target(self) -> str:
        """The id the error summary links to: the first input of a group."""
        if isinstance(self.field.widget, forms.MultiWidget):
            return f"{self.auto_id}_0"
        if isinstance(self.field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
            return f"{self.auto_id}_0"
        return self.auto_id


class GovukFormRenderer(TemplatesSetting):
    form_template_name = "govuk/form.html"
    field_template_name = "govuk/field.html"
    bound_field_class = GovukBoundField


class GovukRadioSelect(forms.RadioSelect):
    template_name = "govuk/widgets/radios.html"
    option_template_name = "govuk/widgets/radio_option.html"


class GovukCheckboxSelectMultiple(forms.CheckboxSelectMultiple):
    template_name = "govuk/widgets/checkboxes.html"
    option_template_name = "govuk/widgets/checkbox_option.html"


class GovukDateWidget(forms.MultiWidget):
    """Day, month and year boxes: the GOV.UK date input pattern."""

    template_name = "govuk/widgets/date.html"

    def __init__(self, attrs=None) -> None:
        widgets = {
            "day": forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input govuk-date-input__input govuk-input--width-2"}),
            "month": forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input govuk-date-input__input govuk-input--width-2"}),
            "year": forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input govuk-date-input__input govuk-input--width-4"}),
        }
        super().__init__(widgets, attrs)

    def decompress(self, value):
        if isinstance(value, date):
            return [value.day, value.month, value.year]
        return [None, None, None]


class GovukDateField(forms.MultiValueField):
    widget = GovukDateWidget

    default_error_messages = {
        "required": "Enter a date.",
        "incomplete": "Enter a day, month and year.",
        "invalid": "Enter a real date, like 27 3 2024.",
    }

    def __init__(self, **kwargs) -> None:
        fields = (forms.CharField(), forms.CharField(), forms.CharField())
        kwargs.setdefault("require_all_fields", False)
        super().__init__(fields, **kwargs)

    def clean(self, value) -> date | None:
        # One clear message for the whole date rather than one per box.
        parts = [str(v).strip() if v is not None else "" for v in (value or ("", "", ""))]
        if not any(parts):
            if self.required:
                raise forms.ValidationError(self.error_messages["required"], code="required")
            return None
        if not all(parts):
            raise forms.ValidationError(self.error_messages["incomplete"], code="incomplete")
        try:
            day, month, year = (int(p) for p in parts)
            result = date(year, month, day)
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
        if year < 1900:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        self.run_validators(result)
        return result

    def compress(self, data_list):  # clean() above does the work; required by the base class
        raise NotImplementedError


def govuk_formfield(db_field, **kwargs):
    """formfield_callback for ModelForms: dates use the GOV.UK day/month/year input."""
    if isinstance(db_field, models.DateField) and not isinstance(db_field, models.DateTimeField):
        return GovukDateField(
            required=not db_field.blank,
            label=capfirst(db_field.verbose_name),
            help_text=db_field.help_text,
        )
    if isinstance(db_field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    formfield = db_field.formfield(**kwargs)
    if formfield is not None and isinstance(formfield.widget, forms.CheckboxSelectMultiple):
        formfield.widget = GovukCheckboxSelectMultiple(choices=formfield.widget.choices)
    return formfield


def apply_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: on a field it names, otherwise on the form."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)
