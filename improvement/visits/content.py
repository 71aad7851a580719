"""A record's content: the JSON shape of each field kind, initial values and read-only values.

content = {field key: value} where value is
  text, choice, date (ISO)   -> str
  people_present             -> [{"role", "name"}]
  judgement_table            -> {area key: {"school", "officer", "comment"}}
  actions_table              -> [{"uid", "text", "lead_role", "lead_initials", "monitored_by",
                                  "success_measure", "support_offered", "by_when"}]
  targets_table              -> [{"uid", <template columns>}]
  evidence_list              -> [str]
  good_practice_list         -> [{"uid", "area", "description"}]
  concern_list               -> [{"uid", "category", "description"}]
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from improvement.policy import frameworks
from improvement.policy.record_templates import Field, FieldKind, RecordTemplate

if TYPE_CHECKING:
    from improvement.visits.models import Visit

ACTION_ROW_KEYS = ("text", "lead_role", "lead_initials", "monitored_by", "success_measure",
                   "support_offered", "by_when")


def row_keys(f: Field) -> tuple[str, ...]:
    """The keys of one row of a table field (lead is stored as role and initials)."""
    if f.kind == FieldKind.ACTIONS_TABLE:
        keys: list[str] = []
        for column in f.columns:
            keys += ["lead_role", "lead_initials"] if column == "lead" else [column]
        return tuple(keys)
    return tuple(c for c, _ in f.table_columns())


def era_for_visit(visit: Visit) -> frameworks.Era | None:
    return frameworks.era_for_date(visit.date)


def judgement_areas(visit: Visit) -> list[frameworks.Area]:
    """Self-evaluation rows: the areas of the framework era the visit falls in."""
    era = era_for_visit(visit)
    return list(era.areas) if era else []


def live_values(visit: Visit, officers: list | None = None, visit_number: int | None = None) -> dict[str, str]:
    """Visit facts for header fields, read from the visit (not the register)."""
    officer_names = officers if officers is not None else [str(u) for u in visit.officers.all()]
    staff = [f"{p.get('role', '')}: {p.get('name', '')}".strip(": ") for p in visit.staff_present or []]
    return {
        "visit.date": visit.date.isoformat(),
        "visit.officers": ", ".join(officer_names),
        "visit.staff_present": "; ".join(staff),
        "visit.number": str(visit_number) if visit_number else "",
        "visit.focus": visit.focus,
    }


def initial_content(template: RecordTemplate, snapshot_values: dict[str, str], visit: Visit) -> dict[str, Any]:
    """A new draft: pre-populated fields filled from the snapshot and the visit."""
    content: dict[str, Any] = {}
    for _section, f in template.all_fields():
        if f.readonly:
            continue  # read-only fields are rendered from the snapshot / visit, never stored
        if f.kind == FieldKind.PEOPLE_PRESENT and f.prefill == "visit.staff_present":
            content[f.key] = [{"role": p.get("role", ""), "name": p.get("name", "")} for p in visit.staff_present or []]
        elif f.prefill == "visit.focus":
            content[f.key] = visit.focus or f.default
        elif f.prefill:
            content[f.key] = snapshot_values.get(f.prefill, "")
        elif f.default:
            content[f.key] = f.default
    return content


def readonly_value(f: Field, snapshot_values: dict[str, str], live: dict[str, str]) -> str:
    if f.prefill.startswith("visit."):
        return live.get(f.prefill, "")
    return snapshot_values.get(f.prefill, "")


def is_blank_row(row: dict, keys: tuple[str, ...]) -> bool:
    return not any(str(row.get(k, "") or "").strip() for k in keys)


def filled_rows(template: RecordTemplate, content: dict[str, Any], kind: FieldKind):
    """(field, row) for every non-blank row, with its stable id, of the template's tables of a kind."""
    for f in template.fields_of_kind(kind):
        keys = row_keys(f)
        for row in content.get(f.key) or []:
            if isinstance(row, dict) and not is_blank_row(row, keys) and row.get("uid"):
                yield f, row
