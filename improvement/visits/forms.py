"""Forms for visits. The record form is built from the record template: one Django field per
text/choice/date field, and one per cell of each table (name "<field>-<row>-<column>"), so it
works without JavaScript and every error shows against its own input."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils import timezone

from improvement.accounts.models import User
from improvement.actions.models import ActionStatus
from improvement.core.forms import GovukCheckboxSelectMultiple, GovukDateField, GovukRadioSelect
from improvement.policy.record_templates import Field, FieldKind, RecordTemplate
from improvement.visits.content import is_blank_row, row_keys

# A long section must save: 100,000 characters is the tested size; the limit stops abuse.
MAX_TEXT = 200_000
MAX_ROWS = 30
EXTRA_ROWS = 2
OTHER = "__other__"
_LEAD_LABELS = {"lead_role": "Lead role", "lead_initials": "Initials"}


def _text(label: str, *, rows: int = 4, max_length: int = MAX_TEXT) -> forms.CharField:
    return forms.CharField(
        label=label, required=False, max_length=max_length, strip=False,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


def _line(label: str, max_length: int = 500) -> forms.CharField:
    return forms.CharField(label=label, required=False, max_length=max_length)


class RecordForm(forms.Form):
    """The editable fields of a record for one template, with reviews of carried-forward actions."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, template: RecordTemplate, content: dict[str, Any], areas=(),
                 carried_forward=(), reviews: dict[str, Any] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.template = template
        self.areas = list(areas)
        self.carried_forward = list(carried_forward)
        self.layout: dict[str, dict[str, Any]] = {}
        for _section, f in template.all_fields():
            if f.readonly:
                continue
            self._add(f, content.get(f.key))
        reviews = reviews or {}
        for action in self.carried_forward:
            review = reviews.get(str(action.pk)) or {}
            self.fields[f"review-{action.pk}-status"] = forms.ChoiceField(
                label="Status after this review", required=False,
                choices=[("", "Not reviewed yet"), *ActionStatus.choices],
                initial=review.get("status", ""),
            )
            self.fields[f"review-{action.pk}-comment"] = _text("Progress", rows=2, max_length=20_000)
            self.fields[f"review-{action.pk}-comment"].initial = review.get("comment", "")

    # --- building -----------------------------------------------------------------------------

    def _add(self, f: Field, value: Any) -> None:
        label = f.label
        if f.kind == FieldKind.TEXT:
            self.fields[f.key] = _text(label, rows=8)
            self.fields[f.key].initial = value or ""
        elif f.kind == FieldKind.DATE:
            self.fields[f.key] = GovukDateField(label=label, required=False)
            try:
                self.fields[f.key].initial = date.fromisoformat(value) if value else None
            except (TypeError, ValueError):
                self.fields[f.key].initial = None
        elif f.kind == FieldKind.CHOICE:
            choices = [(c, c) for c in f.choices]
            if f.allow_other:
                choices.append((OTHER, "Other"))
            self.fields[f.key] = forms.ChoiceField(label=label, required=False, choices=choices,
                                                   widget=GovukRadioSelect)
            value = value or ""
            is_other = bool(value) and value not in f.choices
            self.fields[f.key].initial = OTHER if is_other else value
            if f.allow_other:
                self.fields[f"{f.key}-other"] = _line("Other focus" if f.key == "focus" else "Other")
                self.fields[f"{f.key}-other"].initial = value if is_other else ""
        elif f.kind == FieldKind.EVIDENCE_LIST:
            selected = [v for v in value or [] if isinstance(v, str)]
            self.fields[f.key] = forms.MultipleChoiceField(
                label=label, required=False, choices=[(o, o) for o in f.options],
                widget=GovukCheckboxSelectMultiple,
            )
            self.fields[f.key].initial = [v for v in selected if v in f.options]
            self.fields[f"{f.key}-other"] = _text("Other sources of evidence (one a line)", rows=3, max_length=20_000)
            self.fields[f"{f.key}-other"].initial = "\n".join(v for v in selected if v not in f.options)
        elif f.kind == FieldKind.JUDGEMENT_TABLE:
            rows = []
            value = value if isinstance(value, dict) else {}
            for area in self.areas:
                cell = value.get(area.key) or {}
                choices = [("", "Not given"), *area.scale.choices()]
                names = {}
                for part, part_label in (("school", "School's judgement"), ("officer", "Officer's view")):
                    name = f"{f.key}-{area.key}-{part}"
                    self.fields[name] = forms.ChoiceField(label=f"{area.label}: {part_label}",
                                                          required=False, choices=choices)
                    self.fields[name].initial = cell.get(part, "")
                    names[part] = name
                name = f"{f.key}-{area.key}-comment"
                self.fields[name] = _text(f"{area.label}: comment", rows=2, max_length=50_000)
                self.fields[name].initial = cell.get("comment", "")
                names["comment"] = name
                rows.append((area, names))
            self.layout[f.key] = {"rows": rows}
        else:  # tables of rows
            keys = row_keys(f)
            existing = [r for r in value or [] if isinstance(r, dict)][:MAX_ROWS]
            count = min(MAX_ROWS, max(len(existing) + EXTRA_ROWS, f.min_rows))
            labels = dict(f.table_columns())
            rows = []
            for index in range(count):
                row = existing[index] if index < len(existing) else {}
                names = {}
                for key in keys:
                    name = f"{f.key}-{index}-{key}"
                    label = _LEAD_LABELS.get(key) or labels.get(key, key)
                    long = key in ("text", "description", "success_measure", "support_offered", "comment")
                    field = _text(label, rows=3, max_length=50_000) if long else _line(label)
                    if f.kind == FieldKind.CONCERN_LIST and key == "category":
                        field = forms.ChoiceField(label=label, required=False,
                                                  choices=[("", "Choose a category"), *((o, o) for o in f.options)])
                    field.initial = row.get(key, "")
                    self.fields[name] = field
                    names[key] = name
                uid_name = f"{f.key}-{index}-uid"
                self.fields[uid_name] = forms.CharField(required=False, widget=forms.HiddenInput, max_length=40)
                self.fields[uid_name].initial = row.get("uid", "")
                rows.append(names)
            self.layout[f.key] = {"rows": rows, "keys": keys}

    # --- reading ------------------------------------------------------------------------------

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        for _section, f in self.template.all_fields():
            if f.kind == FieldKind.ACTIONS_TABLE and f.key in self.layout:
                for number, names in enumerate(self.layout[f.key]["rows"], start=1):
                    values = {k: cleaned.get(n, "") for k, n in names.items()}
                    if not is_blank_row(values, tuple(values)) and not str(values.get("text", "")).strip():
                        self.add_error(names["text"], f"Action {number}: enter the action, or clear the row.")
        return cleaned

    def to_content(self) -> dict[str, Any]:
        data = self.cleaned_data
        content: dict[str, Any] = {}
        for _section, f in self.template.all_fields():
            if f.readonly:
                continue
            if f.kind == FieldKind.TEXT:
                content[f.key] = data.get(f.key, "")
            elif f.kind == FieldKind.DATE:
                day = data.get(f.key)
                content[f.key] = day.isoformat() if day else ""
            elif f.kind == FieldKind.CHOICE:
                choice = data.get(f.key, "")
                content[f.key] = (data.get(f"{f.key}-other", "") or "").strip() if choice == OTHER else choice
            elif f.kind == FieldKind.EVIDENCE_LIST:
                other = [line.strip() for line in (data.get(f"{f.key}-other") or "").splitlines() if line.strip()]
                content[f.key] = list(data.get(f.key) or []) + other
            elif f.kind == FieldKind.JUDGEMENT_TABLE:
                table = {}
                for area, names in self.layout[f.key]["rows"]:
                    cell = {part: data.get(name, "") for part, name in names.items()}
                    if any(cell.values()):
                        table[area.key] = cell
                content[f.key] = table
            else:
                rows = []
                for index, names in enumerate(self.layout[f.key]["rows"]):
                    row = {k: data.get(n, "") or "" for k, n in names.items()}
                    if is_blank_row(row, tuple(row)):
                        continue
                    uid = data.get(f"{f.key}-{index}-uid") or ""
                    if uid and f.kind != FieldKind.PEOPLE_PRESENT:
                        row["uid"] = uid
                    rows.append(row)
                content[f.key] = rows
        return content

    def to_reviews(self) -> dict[str, Any]:
        reviews = {}
        for action in self.carried_forward:
            status = self.cleaned_data.get(f"review-{action.pk}-status", "")
            comment = self.cleaned_data.get(f"review-{action.pk}-comment", "")
            if status or comment:
                reviews[str(action.pk)] = {"status": status, "comment": comment}
        return reviews


class VisitForm(forms.Form):
    """Start a visit: the template, the date, the focus, the other officers and who was there."""

    template = forms.ChoiceField(label="Record template", widget=GovukRadioSelect)
    date = GovukDateField(label="Date of visit", help_text="For example, 27 3 2024")
    focus = forms.CharField(label="Focus agreed for the visit", required=False, max_length=300,
                            help_text="Agreed with the headteacher ahead of the visit.")
    other_officers = forms.ModelMultipleChoiceField(
        label="Other officers on the visit", required=False, queryset=User.objects.none(),
        widget=GovukCheckboxSelectMultiple,
    )

    def __init__(self, *args, templates, officers, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.templates = {t.ident: t for t in templates}
        self.fields["template"].choices = [
            (t.ident, f"{t.title} ({t.authority}, {', '.join(t.academic_years)})") for t in templates
        ]
        if len(templates) == 1:
            self.fields["template"].initial = templates[0].ident
        self.fields["other_officers"].queryset = officers
        if not officers.exists():
            del self.fields["other_officers"]

    def clean_date(self):
        day = self.cleaned_data["date"]
        if day and day.year < 2000:
            raise forms.ValidationError("Enter a date from 2000 onwards.")
        if day and day > timezone.localdate().replace(year=timezone.localdate().year + 2):
            raise forms.ValidationError("Enter a date within the next two years.")
        return day

    def clean_template(self):
        ident = self.cleaned_data["template"]
        if ident not in self.templates:
            raise forms.ValidationError("Choose a record template.")
        return self.templates[ident]


class StepForm(forms.Form):
    comment = forms.CharField(label="Comment", required=False, max_length=50_000, widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args, sections=(), comment_label: str = "", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if comment_label:
            self.fields["comment"].label = comment_label
        self.section_keys = []
        for section in sections:
            name = f"section-{section.key}"
            self.fields[name] = forms.CharField(label=section.title, required=False, max_length=50_000,
                                                widget=forms.Textarea(attrs={"rows": 3}))
            self.section_keys.append((section.key, name))

    def section_comments(self) -> dict[str, str]:
        return {key: self.cleaned_data.get(name, "") for key, name in self.section_keys}


class AmendForm(forms.Form):
    reason = forms.CharField(label="Reason for the amendment", max_length=5_000,
                             widget=forms.Textarea(attrs={"rows": 3}),
                             error_messages={"required": "Give the reason for the amendment."})


def form_reviews(form: RecordForm) -> list[tuple]:
    """(action, status field, comment field) for each carried-forward action under review."""
    return [(a, form[f"review-{a.pk}-status"], form[f"review-{a.pk}-comment"]) for a in form.carried_forward]


def form_groups(template: RecordTemplate, form: RecordForm,
                readonly_values: dict[str, str] | None = None) -> list[dict[str, Any]]:
    """Sections with their fields and the bound fields to render, in template order. Read-only
    fields inside sections (meeting facts in minutes) are shown with their value from
    `readonly_values`, keyed by pre-fill source."""
    groups = []
    header = [f for f in template.header if not f.readonly]
    for title, fields, section in [("Header", header, None)] + [
        (s.title, list(s.fields), s) for s in template.sections
    ]:
        items = []
        for f in fields:
            if f.readonly:
                items.append({"field": f, "kind": "readonly",
                              "value": (readonly_values or {}).get(f.prefill, "")})
                continue
            item = {"field": f, "kind": f.kind.value}
            if f.kind in (FieldKind.TEXT, FieldKind.DATE, FieldKind.CHOICE):
                item["bound"] = form[f.key]
                if f.kind == FieldKind.CHOICE and f.allow_other:
                    item["other"] = form[f"{f.key}-other"]
            elif f.kind == FieldKind.EVIDENCE_LIST:
                item["bound"] = form[f.key]
                item["other"] = form[f"{f.key}-other"]
            elif f.kind == FieldKind.JUDGEMENT_TABLE:
                item["rows"] = [
                    (area, form[n["school"]], form[n["officer"]], form[n["comment"]])
                    for area, n in form.layout[f.key]["rows"]
                ]
            else:
                item["columns"] = form.layout[f.key]["keys"]
                item["rows"] = [
                    ([form[n] for n in names.values()], form[f"{f.key}-{i}-uid"])
                    for i, names in enumerate(form.layout[f.key]["rows"])
                ]
            items.append(item)
        if items:
            groups.append({"title": title, "section": section, "items": items})
    return groups
