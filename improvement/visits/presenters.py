"""One display model of a record for every output: the page, Word and PDF.

`record_view` resolves the template, the snapshot, the content and the role's visibility into
plain strings and rows, so the three outputs show the same thing and none of them holds rules.
Values are plain text: each output escapes them its own way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from improvement.actions.models import ActionStatus
from improvement.policy.record_templates import FieldKind, RecordTemplate
from improvement.visits import lifecycle
from improvement.visits.content import judgement_areas, live_values, readonly_value

_STATUS_LABELS = dict(ActionStatus.choices)


@dataclass
class FieldView:
    key: str
    label: str
    kind: str
    prompts: tuple[str, ...] = ()
    hint: str = ""
    text: str = ""
    items: list[str] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.text.strip() or self.items or self.rows)


@dataclass
class SectionView:
    key: str
    title: str
    guidance: str
    prompts: tuple[str, ...]
    fields: list[FieldView]


@dataclass
class RecordView:
    title: str
    purpose: str
    private_and_confidential: bool
    draft_mark: bool
    status_label: str
    header: list[tuple[str, str]]
    sections: list[SectionView]
    carried_forward: list[dict[str, str]]
    carried_forward_title: str
    disagreement: str
    moderation: str
    distribution_note: str
    references: list[Any]
    amendment_number: int
    snapshot_taken_at: str
    school_name: str
    visit_date: date


def _format_date(value: str) -> str:
    try:
        return date.fromisoformat(value).strftime("%-d %B %Y")
    except (TypeError, ValueError):
        return value or ""


def _lead(row: dict[str, Any]) -> str:
    role, initials = str(row.get("lead_role", "")).strip(), str(row.get("lead_initials", "")).strip()
    return f"{role} ({initials})" if role and initials else role or initials


def field_view(f, value: Any, areas) -> FieldView:
    view = FieldView(f.key, f.label, f.kind.value, f.prompts, f.hint)
    if f.kind in (FieldKind.TEXT, FieldKind.CHOICE):
        view.text = value if isinstance(value, str) else ""
    elif f.kind == FieldKind.DATE:
        view.text = _format_date(value if isinstance(value, str) else "")
    elif f.kind == FieldKind.EVIDENCE_LIST:
        view.items = [v for v in value or [] if isinstance(v, str) and v.strip()]
    elif f.kind == FieldKind.JUDGEMENT_TABLE:
        view.columns = ["Area", "School's judgement", "Officer's view", "Comment"]
        table = value if isinstance(value, dict) else {}
        for area in areas:
            cell = table.get(area.key) or {}
            grade = area.scale.grade
            school = grade(cell.get("school", "")) if cell.get("school") else None
            officer = grade(cell.get("officer", "")) if cell.get("officer") else None
            view.rows.append([
                area.label, school.label if school else "", officer.label if officer else "",
                str(cell.get("comment", "") or ""),
            ])
    else:
        columns = f.table_columns()
        view.columns = [label for _key, label in columns]
        for row in value or []:
            if not isinstance(row, dict):
                continue
            cells = []
            for key, _label in columns:
                cells.append(_lead(row) if key == "lead" else str(row.get(key, "") or ""))
            if any(c.strip() for c in cells):
                view.rows.append(cells)
    return view


def carried_forward_rows(actions, reviews: dict[str, Any]) -> list[dict[str, str]]:
    rows = []
    for action in actions:
        review = reviews.get(str(action.pk)) or {}
        rows.append({
            "id": str(action.pk),
            "text": action.text,
            "lead": action.lead,
            "due": action.due_date.strftime("%-d %B %Y") if action.due_date else action.due_text,
            "from": action.agreed_on.strftime("%-d %B %Y") if action.agreed_on else "",
            "status": _STATUS_LABELS.get(review.get("status") or action.status, ""),
            "comment": str(review.get("comment", "") or ""),
        })
    return rows


def frozen_carried_forward(frozen: list[dict[str, Any]]) -> list[dict[str, str]]:
    return [
        {
            "id": str(item.get("id", "")), "text": item.get("text", ""), "lead": item.get("lead", ""),
            "due": _format_date(item.get("due", "")), "from": _format_date(item.get("from", "")),
            "status": _STATUS_LABELS.get(item.get("status", ""), ""), "comment": item.get("comment", ""),
        }
        for item in frozen
    ]


def header_rows(template: RecordTemplate, role: str, content: dict[str, Any],
                readonly_text: Callable[[Any], str]) -> list[tuple[str, str]]:
    """(label, text) for each header field the role may see. Read-only fields (copied from the
    register, or facts of the visit or meeting) come from `readonly_text`."""
    rows = []
    for f in template.header:
        if role not in f.visible_to:
            continue
        if f.readonly:
            rows.append((f.label, readonly_text(f)))
        elif f.kind == FieldKind.PEOPLE_PRESENT:
            people = [r for r in content.get(f.key) or [] if isinstance(r, dict)]
            rows.append((f.label, "; ".join(
                ", ".join(p for p in (str(r.get("role", "")).strip(), str(r.get("name", "")).strip()) if p)
                for r in people)))
        else:
            view = field_view(f, content.get(f.key), [])
            rows.append((f.label, ", ".join(view.items) if view.items else view.text))
    return rows


def section_views(template: RecordTemplate, role: str, content: dict[str, Any], areas,
                  readonly_text: Callable[[Any], str]) -> list[SectionView]:
    """The sections and fields the role may see, read-only ones from `readonly_text`."""
    sections = []
    for section in template.sections:
        if role not in section.visible_to:
            continue
        fields = []
        for f in section.fields:
            if role not in f.visible_to:
                continue
            view = field_view(f, content.get(f.key), areas)
            if f.readonly:
                view.text = readonly_text(f)
            fields.append(view)
        sections.append(SectionView(section.key, section.title, section.guidance, section.prompts, fields))
    return sections


def record_view(
    *,
    visit,
    record,
    template: RecordTemplate,
    role: str,
    carried_forward: list[dict[str, str]],
    number: int | None,
    officers: list[str],
) -> RecordView:
    snapshot_values = (record.snapshot or {}).get("values", {})
    live = live_values(visit, officers=officers, visit_number=number)
    content = record.content or {}

    def readonly_text(f) -> str:
        value = readonly_value(f, snapshot_values, live)
        return _format_date(value) if f.kind == FieldKind.DATE else value

    header = header_rows(template, role, content, readonly_text)
    sections = section_views(template, role, content, judgement_areas(visit), readonly_text)
    return RecordView(
        title=template.title,
        purpose=template.purpose,
        private_and_confidential=template.private_and_confidential,
        draft_mark=lifecycle.is_unfinished(visit.status),
        status_label=lifecycle.STATUS_LABELS.get(visit.status, visit.status),
        header=header,
        sections=sections,
        carried_forward=carried_forward,
        carried_forward_title=(
            "Recommendations from earlier notes of visit" if template.sequence
            else "Actions from earlier visits, reviewed at this visit"
        ),
        disagreement=record.disagreement,
        moderation=record.moderation,
        distribution_note=template.distribution_note,
        references=list(template.references),
        amendment_number=record.amendment_number,
        snapshot_taken_at=(record.snapshot or {}).get("taken_at", ""),
        school_name=visit.school.name,
        visit_date=visit.date,
    )
