"""Record templates: the structure of a written record (a visit record, meeting minutes), as data.

A template is a TOML file in `improvement/policy/record_templates/`, versioned by authority and
academic year. It declares the header fields, the sections with their guidance prompts, the kind
of every field, which fields are pre-populated from the register (and from what), which roles
may see each section, the deadlines for the written record, the distribution list and whether
the record is private and confidential. The same engine serves any structured record: nothing
here knows about visits or meetings beyond `record_kind` ("visit" or "meeting"), which says which
screens may offer a template, and `meeting_kind`, which says which meeting a template records.

Loading validates everything and fails with `TemplateError` naming the file, the key and the
line, never with a bare KeyError. Pure Python: no Django imports, so the policy engine and tests
use it without a database.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any

from improvement.policy import meetings as meeting_rules

TEMPLATE_DIR = Path(__file__).with_name("record_templates")


class TemplateError(ValueError):
    """A broken template: names the file, the key path and (where found) the line."""

    def __init__(self, path: Path | str, key: str, message: str, line: int | None = None) -> None:
        self.path = str(path)
        self.key = key
        self.line = line
        self.message = message
        where = f"{Path(self.path).name}"
        if line is not None:
            where += f", line {line}"
        super().__init__(f"{where}: {key}: {message}")


class FieldKind(StrEnum):
    TEXT = "text"
    CHOICE = "choice"
    DATE = "date"
    PEOPLE_PRESENT = "people_present"
    JUDGEMENT_TABLE = "judgement_table"
    ACTIONS_TABLE = "actions_table"
    TARGETS_TABLE = "targets_table"
    EVIDENCE_LIST = "evidence_list"
    GOOD_PRACTICE_LIST = "good_practice_list"
    CONCERN_LIST = "concern_list"


TABLE_KINDS = frozenset(
    {
        FieldKind.PEOPLE_PRESENT,
        FieldKind.ACTIONS_TABLE,
        FieldKind.TARGETS_TABLE,
        FieldKind.GOOD_PRACTICE_LIST,
        FieldKind.CONCERN_LIST,
    }
)

# Columns each table kind has; a template chooses a subset (in its order) for actions.
ACTION_COLUMNS: dict[str, str] = {
    "text": "Action",
    "lead": "Lead (role and initials)",
    "monitored_by": "Monitored by",
    "success_measure": "How success will be measured",
    "support_offered": "Support offered",
    "by_when": "By when?",
}
FIXED_COLUMNS: dict[FieldKind, dict[str, str]] = {
    FieldKind.PEOPLE_PRESENT: {"role": "Role", "name": "Name"},
    FieldKind.GOOD_PRACTICE_LIST: {"area": "Area", "description": "Good practice"},
    FieldKind.CONCERN_LIST: {"category": "Category", "description": "Concern"},
}

# Where a pre-populated field takes its value from. The Django side (visits/prefill.py)
# computes each source once, when a draft is started, into a dated snapshot.
PREFILL_SOURCES: dict[str, str] = {
    "school.name": "the school's name",
    "school.dfe_number": "the school's DfE number",
    "school.urn": "the school's URN",
    "visit.date": "the date of the visit",
    "visit.officers": "the officers who made the visit",
    "visit.staff_present": "the school staff present",
    "visit.number": "the visit number within the academic year",
    "visit.focus": "the focus agreed for the visit",
    "inspection.latest_outcome": "the latest full inspection outcome",
    "inspection.window": "the latest inspections, to judge the Ofsted window",
    "register.people_profile": "headteacher, start date and chair of governors",
    "register.pupil_profile": "pupil numbers and key groups with trends",
    "register.send": "SEND numbers with trends",
    "register.behaviour": "suspensions and permanent exclusions with trends",
    "register.attendance": "attendance and persistent absence with trends",
    # Meetings (School Improvement Boards, Progress Check-Ins, Round Table Meetings): filled by the
    # interventions app from the meeting; the engine only checks the names.
    "meeting.when": "the date and time of the meeting",
    "meeting.venue": "where the meeting takes place",
    "meeting.board": "the board members (or core group) of the meeting",
    "meeting.attendees": "everyone who attended the meeting",
    "meeting.number": "the meeting's number in its process",
    "meeting.outcome": "the agreed outcome recorded by the chair",
    "meeting.confident_good": "the answer to the fundamental question (a Good judgement at the next inspection?)",
    "meeting.next_meeting": "the date and time of the next meeting",
    "meeting.process_opened": "when the process (SIB, PCI, RTM) began",
}

# What a template records. Visit screens offer "visit" templates only; meeting records use
# `meeting_template` with one of MEETING_KINDS.
RECORD_KINDS = ("visit", "meeting")
MEETING_KINDS: dict[str, str] = {
    "sib_entry": "School Improvement Board: entry meeting",
    "sib_standard": "School Improvement Board: standard meeting",
    "sib_exit": "School Improvement Board: exit meeting",
    "pci": "Progress Check-In meeting",
    "rtm": "Round Table Meeting",
}

ROLES = (
    "la_admin",
    "senior_adviser",
    "monitoring_officer",
    "network_lead",
    "la_viewer",
    "headteacher",
    "chair_of_governors",
    "trust_ceo",
)
ROLE_GROUPS: dict[str, frozenset[str]] = {
    "all": frozenset(ROLES),
    "la_staff": frozenset(ROLES[:5]),
    "school": frozenset({"headteacher", "chair_of_governors"}),
}
DAY_COUNTS = ("school_days", "working_days", "calendar_days")
DISTRIBUTION_ROLES = frozenset({"headteacher", "chair_of_governors", "trust_ceo"})
JUDGEMENT_ROWS = ("framework_era",)
_SEQUENCE_ORDER = {"familiarisation": 0, "autumn": 1, "spring": 2, "summer": 3}


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    kind: FieldKind
    prompts: tuple[str, ...] = ()
    hint: str = ""
    prefill: str = ""
    readonly: bool = False
    choices: tuple[str, ...] = ()
    allow_other: bool = False
    default: str = ""
    options: tuple[str, ...] = ()  # suggestions for evidence lists, categories for concerns
    columns: tuple[str, ...] = ()  # actions and targets tables
    column_labels: Mapping[str, str] = field(default_factory=dict)
    rows: str = ""  # judgement tables: "framework_era"
    min_rows: int = 0
    visible_to: frozenset[str] = ROLE_GROUPS["all"]
    # An actions table whose open rows become Actions and carry forward to the next record.
    carries_forward: bool = False

    @property
    def is_table(self) -> bool:
        return self.kind in TABLE_KINDS

    def table_columns(self) -> list[tuple[str, str]]:
        """(key, label) of each column of a table kind, in order."""
        if self.kind == FieldKind.ACTIONS_TABLE:
            return [(c, self.column_labels.get(c, ACTION_COLUMNS[c])) for c in self.columns]
        if self.kind == FieldKind.TARGETS_TABLE:
            return [(c, self.column_labels.get(c, c.replace("_", " ").capitalize())) for c in self.columns]
        fixed = FIXED_COLUMNS.get(self.kind, {})
        return [(c, self.column_labels.get(c, label)) for c, label in fixed.items()]


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    guidance: str = ""
    prompts: tuple[str, ...] = ()
    fields: tuple[Field, ...] = ()
    visible_to: frozenset[str] = ROLE_GROUPS["all"]


@dataclass(frozen=True)
class Deadline:
    key: str
    label: str
    days: int
    count: str  # school_days | working_days | calendar_days
    source: str = ""
    # The record status that meets the deadline (e.g. "sent_for_accuracy_check").
    met_by: str = ""


@dataclass(frozen=True)
class ReferenceTable:
    title: str
    rows: tuple[tuple[str, ...], ...]
    note: str = ""


@dataclass(frozen=True)
class RecordTemplate:
    key: str
    version: int
    pack: str  # the policy pack the template belongs to, e.g. "coventry-2023-24"
    authority: str
    authority_code: str
    academic_years: tuple[str, ...]
    title: str
    short_title: str
    purpose: str
    source: str
    private_and_confidential: bool
    header: tuple[Field, ...]
    sections: tuple[Section, ...]
    deadlines: tuple[Deadline, ...]
    distribution: tuple[str, ...]
    distribution_note: str
    references: tuple[ReferenceTable, ...]
    calendar: str = "england"
    sequence: str = ""  # e.g. "autumn" for Kent's seasonal notes
    max_actions: int = 4
    path: str = ""
    record_kind: str = "visit"  # one of RECORD_KINDS
    meeting_kind: str = ""  # one of MEETING_KINDS for a meeting template, "" for a visit template
    duration_minutes: int | None = None  # a meeting's expected length, where the source states it
    # The outcomes a meeting may agree (policy.meetings.OUTCOMES), in the source's order.
    outcomes: tuple[str, ...] = ()
    # How many days before a meeting its pre-read pack goes to the board; None: no pack.
    pre_read_days: int | None = None

    @property
    def is_meeting(self) -> bool:
        return self.record_kind == "meeting"

    @property
    def meeting_order(self) -> int:
        """Entry, standard, exit, check-in, round table: the order of MEETING_KINDS."""
        return list(MEETING_KINDS).index(self.meeting_kind) if self.meeting_kind else len(MEETING_KINDS)

    @property
    def sequence_order(self) -> int:
        return _SEQUENCE_ORDER.get(self.sequence, 9)

    @property
    def ident(self) -> str:
        return f"{self.key}@{self.version}"

    def all_fields(self) -> Iterable[tuple[Section | None, Field]]:
        for f in self.header:
            yield None, f
        for section in self.sections:
            for f in section.fields:
                yield section, f

    def field(self, key: str) -> Field | None:
        return next((f for _, f in self.all_fields() if f.key == key), None)

    def fields_of_kind(self, kind: FieldKind) -> list[Field]:
        return [f for _, f in self.all_fields() if f.kind == kind]

    def sections_visible_to(self, role: str) -> list[Section]:
        return [s for s in self.sections if role in s.visible_to]

    def field_visible_to(self, section: Section | None, f: Field, role: str) -> bool:
        return role in f.visible_to and (section is None or role in section.visible_to)

    def applies_to(self, authority_code: str, academic_year: str) -> bool:
        return self.authority_code == authority_code and academic_year in self.academic_years


# --- loading and validation -------------------------------------------------------------------


class _Locator:
    """Finds the line of a key in the TOML text (tomllib gives values, not positions)."""

    _HEADER = re.compile(r"^\s*\[\[\s*([A-Za-z0-9_.]+)\s*\]\]\s*(#.*)?$")
    _TABLE = re.compile(r"^\s*\[\s*([A-Za-z0-9_.]+)\s*\]\s*(#.*)?$")

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()
        # header name -> list of line numbers (1-based) where each array element starts
        self.arrays: dict[str, list[int]] = {}
        self.tables: dict[str, int] = {}
        for number, line in enumerate(self.lines, start=1):
            if m := self._HEADER.match(line):
                self.arrays.setdefault(m[1], []).append(number)
            elif m := self._TABLE.match(line):
                self.tables[m[1]] = number

    def _block(self, start: int) -> range:
        end = len(self.lines)
        for number in range(start + 1, len(self.lines) + 1):
            text = self.lines[number - 1]
            if self._HEADER.match(text) or self._TABLE.match(text):
                end = number - 1
                break
        return range(start, end + 1)

    def line(self, path: Iterable[tuple[str, int | None]], key: str | None) -> int | None:
        """path: [("sections", 2), ("sections.fields", 3)] -> element; key within it."""
        start = 0
        for name, index in path:
            if index is None:
                start = self.tables.get(name, start)
                continue
            candidates = [n for n in self.arrays.get(name, []) if n > start]
            if index >= len(candidates):
                return None
            start = candidates[index]
        if key is None:
            return start or None
        pattern = re.compile(rf"^\s*{re.escape(key)}\s*=")
        block = self._block(start) if start else range(1, len(self.lines) + 1)
        for number in block:
            if number >= 1 and pattern.match(self.lines[number - 1]):
                return number
        return start or None


class _Reader:
    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.locator = _Locator(text)

    def fail(self, where: list[tuple[str, int | None]], key: str, message: str) -> TemplateError:
        dotted = ".".join(
            f"{name.split('.')[-1]}[{index}]" if index is not None else name.split(".")[-1]
            for name, index in where
        )
        full = f"{dotted}.{key}" if dotted else key
        return TemplateError(self.path, full, message, self.locator.line(where, key))

    def get(self, data: Mapping[str, Any], where, key: str, kind: type, *, default: Any = ...) -> Any:
        if key not in data:
            if default is ...:
                raise self.fail(where, key, "is required")
            return default
        value = data[key]
        if kind is int and isinstance(value, bool):
            raise self.fail(where, key, "must be a whole number")
        if not isinstance(value, kind):
            raise self.fail(where, key, f"must be {_KIND_NAMES.get(kind, kind.__name__)}")
        if kind is str and default is ... and not value.strip():
            raise self.fail(where, key, "must not be empty")
        return value

    def strings(self, data, where, key: str) -> tuple[str, ...]:
        value = self.get(data, where, key, list, default=[])
        if not all(isinstance(v, str) and v.strip() for v in value):
            raise self.fail(where, key, "must be a list of non-empty strings")
        return tuple(value)

    def unknown_keys(self, data: Mapping[str, Any], where, allowed: Iterable[str]) -> None:
        extra = sorted(set(data) - set(allowed))
        if extra:
            raise self.fail(where, extra[0], f"unknown key (allowed: {', '.join(sorted(allowed))})")

    def roles(self, data, where, key: str = "visible_to") -> frozenset[str]:
        names = self.strings(data, where, key)
        if not names:
            return ROLE_GROUPS["all"]
        result: set[str] = set()
        for name in names:
            if name in ROLE_GROUPS:
                result |= ROLE_GROUPS[name]
            elif name in ROLES:
                result.add(name)
            else:
                known = ", ".join([*ROLE_GROUPS, *ROLES])
                raise self.fail(where, key, f"unknown role {name!r} (known: {known})")
        return frozenset(result)


_KIND_NAMES = {str: "a string", int: "a whole number", bool: "true or false", list: "a list",
               dict: "a table"}

_FIELD_KEYS = {
    "key", "label", "kind", "prompts", "hint", "prefill", "readonly", "choices", "allow_other",
    "default", "options", "columns", "column_labels", "rows", "min_rows", "visible_to",
    "carries_forward",
}
_KEY = re.compile(r"^[a-z][a-z0-9_]*$")


def _field(reader: _Reader, data: Mapping[str, Any], where) -> Field:
    reader.unknown_keys(data, where, _FIELD_KEYS)
    key = reader.get(data, where, "key", str)
    if not _KEY.match(key):
        raise reader.fail(where, "key", f"{key!r} must be lower_case_with_underscores")
    kind_name = reader.get(data, where, "kind", str)
    try:
        kind = FieldKind(kind_name)
    except ValueError:
        known = ", ".join(k.value for k in FieldKind)
        raise reader.fail(where, "kind", f"unknown field kind {kind_name!r} (known: {known})") from None
    prefill = reader.get(data, where, "prefill", str, default="")
    if prefill and prefill not in PREFILL_SOURCES:
        raise reader.fail(
            where, "prefill", f"unknown source {prefill!r} (known: {', '.join(PREFILL_SOURCES)})"
        )
    readonly = reader.get(data, where, "readonly", bool, default=False)
    if readonly and not prefill:
        raise reader.fail(where, "readonly", "a read-only field needs a prefill source")
    choices = reader.strings(data, where, "choices")
    if kind == FieldKind.CHOICE and not choices:
        raise reader.fail(where, "choices", "a choice field needs choices")
    if choices and kind != FieldKind.CHOICE:
        raise reader.fail(where, "choices", f"only choice fields have choices, not {kind}")
    default = reader.get(data, where, "default", str, default="")
    allow_other = reader.get(data, where, "allow_other", bool, default=False)
    if default and kind == FieldKind.CHOICE and default not in choices:
        raise reader.fail(where, "default", f"{default!r} is not one of the choices")
    columns = reader.strings(data, where, "columns")
    if kind == FieldKind.ACTIONS_TABLE:
        if not columns:
            raise reader.fail(where, "columns", "an actions table needs columns")
        unknown = [c for c in columns if c not in ACTION_COLUMNS]
        if unknown:
            raise reader.fail(
                where, "columns",
                f"unknown action column {unknown[0]!r} (known: {', '.join(ACTION_COLUMNS)})",
            )
        if "text" not in columns:
            raise reader.fail(where, "columns", "an actions table needs the 'text' column")
    elif kind == FieldKind.TARGETS_TABLE:
        if not columns:
            raise reader.fail(where, "columns", "a targets table needs columns")
        bad = [c for c in columns if not _KEY.match(c)]
        if bad:
            raise reader.fail(where, "columns", f"{bad[0]!r} must be lower_case_with_underscores")
    elif columns:
        raise reader.fail(where, "columns", f"a {kind} field has fixed columns")
    column_labels = reader.get(data, where, "column_labels", dict, default={})
    rows = reader.get(data, where, "rows", str, default="")
    if kind == FieldKind.JUDGEMENT_TABLE and rows not in JUDGEMENT_ROWS:
        raise reader.fail(where, "rows", f"a judgement table's rows must be one of {JUDGEMENT_ROWS}")
    carries_forward = reader.get(data, where, "carries_forward", bool, default=False)
    if carries_forward and kind != FieldKind.ACTIONS_TABLE:
        raise reader.fail(where, "carries_forward", "only an actions table carries forward")
    min_rows = reader.get(data, where, "min_rows", int, default=0)
    if not 0 <= min_rows <= 20:
        raise reader.fail(where, "min_rows", "must be between 0 and 20")
    return Field(
        key=key,
        label=reader.get(data, where, "label", str),
        kind=kind,
        prompts=reader.strings(data, where, "prompts"),
        hint=reader.get(data, where, "hint", str, default=""),
        prefill=prefill,
        readonly=readonly,
        choices=choices,
        allow_other=allow_other,
        default=default,
        options=reader.strings(data, where, "options"),
        columns=columns,
        column_labels={str(k): str(v) for k, v in column_labels.items()},
        rows=rows,
        min_rows=min_rows,
        visible_to=reader.roles(data, where),
        carries_forward=carries_forward,
    )


_TOP_KEYS = {"template", "header", "sections", "deadlines", "distribution", "references"}
_TEMPLATE_KEYS = {
    "key", "version", "pack", "authority", "authority_code", "academic_years", "title", "short_title",
    "purpose", "source", "private_and_confidential", "calendar", "sequence", "max_actions",
    "record_kind", "meeting_kind", "duration_minutes", "outcomes", "pre_read_days",
}


@dataclass(frozen=True)
class MeetingMeta:
    record_kind: str
    meeting_kind: str
    duration_minutes: int | None
    outcomes: tuple[str, ...]
    pre_read_days: int | None


def _meeting_meta(reader: _Reader, meta: Mapping[str, Any], where) -> MeetingMeta:
    """record_kind, meeting_kind, duration_minutes, outcomes and pre_read_days of [template],
    validated together."""
    record_kind = reader.get(meta, where, "record_kind", str, default="visit")
    if record_kind not in RECORD_KINDS:
        raise reader.fail(
            where, "record_kind", f"unknown record kind {record_kind!r} (known: {', '.join(RECORD_KINDS)})"
        )
    meeting_kind = reader.get(meta, where, "meeting_kind", str, default=None)
    duration = reader.get(meta, where, "duration_minutes", int, default=None)
    outcomes = reader.strings(meta, where, "outcomes")
    pre_read_days = reader.get(meta, where, "pre_read_days", int, default=None)
    if record_kind == "meeting":
        if meeting_kind is None:
            raise reader.fail(
                where, "meeting_kind",
                f'is required when record_kind = "meeting" (one of {", ".join(MEETING_KINDS)})',
            )
        if meeting_kind not in MEETING_KINDS:
            raise reader.fail(
                where, "meeting_kind",
                f"unknown meeting kind {meeting_kind!r} (known: {', '.join(MEETING_KINDS)})",
            )
    else:
        if meeting_kind is not None:
            raise reader.fail(
                where, "meeting_kind", f'only a meeting template (record_kind = "meeting") has one, '
                f"and this is a {record_kind} template",
            )
        for key, value in (("duration_minutes", duration), ("outcomes", outcomes or None),
                           ("pre_read_days", pre_read_days)):
            if value is not None:
                raise reader.fail(
                    where, key, f'only a meeting template (record_kind = "meeting") has one, '
                    f"and this is a {record_kind} template",
                )
    if duration is not None and duration < 1:
        raise reader.fail(where, "duration_minutes", "must be a positive whole number of minutes")
    unknown = [o for o in outcomes if o not in meeting_rules.OUTCOMES]
    if unknown:
        raise reader.fail(where, "outcomes",
                          f"unknown outcome {unknown[0]!r} (known: {', '.join(meeting_rules.OUTCOMES)})")
    if pre_read_days is not None and pre_read_days < 0:
        raise reader.fail(where, "pre_read_days", "must be 0 or more days before the meeting")
    if record_kind == "meeting" and not outcomes:
        outcomes = (meeting_rules.CONTINUE,)
    return MeetingMeta(record_kind, meeting_kind or "", duration, outcomes, pre_read_days)


def parse_template(text: str, path: Path | str = "<string>") -> RecordTemplate:
    """Parse and validate one template; TemplateError names file, key and line."""
    path = Path(path)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = getattr(exc, "lineno", None)
        if line is None and (m := re.search(r"line (\d+)", str(exc))):
            line = int(m[1])
        raise TemplateError(path, "(syntax)", str(exc), line) from None
    reader = _Reader(path, text)
    reader.unknown_keys(data, [], _TOP_KEYS)
    meta = reader.get(data, [], "template", dict)
    where_meta = [("template", None)]
    reader.unknown_keys(meta, where_meta, _TEMPLATE_KEYS)
    version = reader.get(meta, where_meta, "version", int)
    if version < 1:
        raise reader.fail(where_meta, "version", "must be 1 or more")
    meeting = _meeting_meta(reader, meta, where_meta)
    code = reader.get(meta, where_meta, "authority_code", str)
    if not re.fullmatch(r"\d{3}", code):
        raise reader.fail(where_meta, "authority_code", "must be a 3-digit LA code")
    years = reader.strings(meta, where_meta, "academic_years")
    if not years:
        raise reader.fail(where_meta, "academic_years", "name at least one academic year")
    for year in years:
        m = re.fullmatch(r"(\d{4})/(\d{2})", year)
        if not m or (int(m[1]) + 1) % 100 != int(m[2]):
            raise reader.fail(where_meta, "academic_years", f"{year!r} is not like 2023/24")

    seen: dict[str, str] = {}

    def unique(f: Field, where) -> Field:
        if f.key in seen:
            raise reader.fail(where, "key", f"{f.key!r} is already used in {seen[f.key]}")
        seen[f.key] = ".".join(f"{n}[{i}]" for n, i in where)
        return f

    header = tuple(
        unique(_field(reader, item, [("header", i)]), [("header", i)])
        for i, item in enumerate(reader.get(data, [], "header", list, default=[]))
    )
    sections: list[Section] = []
    section_keys: set[str] = set()
    raw_sections = reader.get(data, [], "sections", list)
    if not raw_sections:
        raise reader.fail([], "sections", "a template needs at least one section")
    field_counter = 0
    for s_index, raw in enumerate(raw_sections):
        where = [("sections", s_index)]
        reader.unknown_keys(raw, where, {"key", "title", "guidance", "prompts", "fields", "visible_to"})
        key = reader.get(raw, where, "key", str)
        if not _KEY.match(key):
            raise reader.fail(where, "key", f"{key!r} must be lower_case_with_underscores")
        if key in section_keys:
            raise reader.fail(where, "key", f"section {key!r} appears twice")
        section_keys.add(key)
        fields = []
        for f_index, item in enumerate(reader.get(raw, where, "fields", list, default=[])):
            f_where = [("sections", s_index), ("sections.fields", f_index)]
            # The locator counts [[sections.fields]] across the file, after this section.
            fields.append(unique(_field(reader, item, f_where), f_where))
            field_counter += 1
        sections.append(
            Section(
                key=key,
                title=reader.get(raw, where, "title", str),
                guidance=reader.get(raw, where, "guidance", str, default=""),
                prompts=reader.strings(raw, where, "prompts"),
                fields=tuple(fields),
                visible_to=reader.roles(raw, where),
            )
        )
    carrying = [f for s in sections for f in s.fields if f.carries_forward]
    if len(carrying) > 1:
        raise reader.fail([], "sections", "only one actions table may carry forward")

    deadlines = []
    for d_index, raw in enumerate(reader.get(data, [], "deadlines", list, default=[])):
        where = [("deadlines", d_index)]
        reader.unknown_keys(raw, where, {"key", "label", "days", "count", "source", "met_by"})
        days = reader.get(raw, where, "days", int)
        if days < 0:
            raise reader.fail(where, "days", "must not be negative")
        count = reader.get(raw, where, "count", str)
        if count not in DAY_COUNTS:
            raise reader.fail(where, "count", f"must be one of {', '.join(DAY_COUNTS)}")
        deadlines.append(
            Deadline(
                key=reader.get(raw, where, "key", str),
                label=reader.get(raw, where, "label", str),
                days=days,
                count=count,
                source=reader.get(raw, where, "source", str, default=""),
                met_by=reader.get(raw, where, "met_by", str, default=""),
            )
        )
    distribution = reader.get(data, [], "distribution", dict, default={})
    where_dist = [("distribution", None)]
    reader.unknown_keys(distribution, where_dist, {"roles", "note"})
    dist_roles = reader.strings(distribution, where_dist, "roles")
    bad = [r for r in dist_roles if r not in DISTRIBUTION_ROLES]
    if bad:
        raise reader.fail(
            where_dist, "roles", f"{bad[0]!r} cannot receive records (use {sorted(DISTRIBUTION_ROLES)})"
        )
    references = []
    for r_index, raw in enumerate(reader.get(data, [], "references", list, default=[])):
        where = [("references", r_index)]
        reader.unknown_keys(raw, where, {"title", "rows", "note"})
        rows = reader.get(raw, where, "rows", list)
        if not all(isinstance(row, list) and all(isinstance(c, str) for c in row) for row in rows):
            raise reader.fail(where, "rows", "must be a list of lists of strings")
        references.append(
            ReferenceTable(
                title=reader.get(raw, where, "title", str),
                rows=tuple(tuple(row) for row in rows),
                note=reader.get(raw, where, "note", str, default=""),
            )
        )
    max_actions = reader.get(meta, where_meta, "max_actions", int, default=4)
    return RecordTemplate(
        key=reader.get(meta, where_meta, "key", str),
        version=version,
        pack=reader.get(meta, where_meta, "pack", str),
        authority=reader.get(meta, where_meta, "authority", str),
        authority_code=code,
        academic_years=years,
        title=reader.get(meta, where_meta, "title", str),
        short_title=reader.get(meta, where_meta, "short_title", str),
        purpose=reader.get(meta, where_meta, "purpose", str, default=""),
        source=reader.get(meta, where_meta, "source", str),
        private_and_confidential=reader.get(meta, where_meta, "private_and_confidential", bool),
        header=header,
        sections=tuple(sections),
        deadlines=tuple(deadlines),
        distribution=dist_roles,
        distribution_note=reader.get(distribution, where_dist, "note", str, default=""),
        references=tuple(references),
        calendar=reader.get(meta, where_meta, "calendar", str, default="england"),
        sequence=reader.get(meta, where_meta, "sequence", str, default=""),
        max_actions=max_actions,
        path=str(path),
        record_kind=meeting.record_kind,
        meeting_kind=meeting.meeting_kind,
        duration_minutes=meeting.duration_minutes,
        outcomes=meeting.outcomes,
        pre_read_days=meeting.pre_read_days,
    )


def load_template_file(path: Path | str) -> RecordTemplate:
    path = Path(path)
    return parse_template(path.read_text(encoding="utf-8"), path)


@cache
def registry(directory: Path = TEMPLATE_DIR) -> dict[str, RecordTemplate]:
    """Every shipped template by ident ("key@version"); a duplicate ident is an error."""
    result: dict[str, RecordTemplate] = {}
    for path in sorted(directory.glob("*.toml")):
        template = load_template_file(path)
        if template.ident in result:
            raise TemplateError(path, "template.key", f"{template.ident} is also defined in "
                                f"{Path(result[template.ident].path).name}")
        result[template.ident] = template
    return result


def get_template(key: str, version: int) -> RecordTemplate:
    try:
        return registry()[f"{key}@{version}"]
    except KeyError:
        raise KeyError(f"No record template {key!r} version {version}") from None


def _check_record_kind(record_kind: str) -> None:
    if record_kind not in RECORD_KINDS:
        raise ValueError(f"Unknown record kind {record_kind!r} (known: {', '.join(RECORD_KINDS)})")


def _newest_of_each_key(templates: Iterable[RecordTemplate]) -> list[RecordTemplate]:
    newest: dict[str, RecordTemplate] = {}
    for template in templates:
        if template.key not in newest or template.version > newest[template.key].version:
            newest[template.key] = template
    return sorted(newest.values(), key=lambda t: (t.sequence_order, t.title))


def templates_for(
    authority_code: str, academic_year: str, record_kind: str | None = "visit"
) -> list[RecordTemplate]:
    """Templates an authority may use in an academic year, newest version of each key only.

    Visit templates unless `record_kind` says otherwise ("meeting", or None for every kind):
    meeting templates are chosen by `meeting_template`, never offered as visit records.
    """
    if record_kind is not None:
        _check_record_kind(record_kind)
    return _newest_of_each_key(
        t for t in registry().values()
        if t.applies_to(authority_code, academic_year) and (record_kind is None or t.record_kind == record_kind)
    )


def templates_of_kind(record_kind: str) -> list[RecordTemplate]:
    """Every shipped template of one record kind ("visit" or "meeting"), newest version of each key,
    by authority, then in process order (meetings) or season order (Kent's notes), then title."""
    _check_record_kind(record_kind)
    templates = _newest_of_each_key(t for t in registry().values() if t.record_kind == record_kind)
    return sorted(templates, key=lambda t: (t.authority, t.meeting_order, t.sequence_order, t.title))


def _newest(template: RecordTemplate) -> tuple[str, int]:
    return max(template.academic_years), template.version


def meeting_template(
    meeting_kind: str, authority_code: str | None = None, academic_year: str | None = None
) -> RecordTemplate | None:
    """The template for a meeting of `meeting_kind` (one of MEETING_KINDS), or None when no
    shipped template records that kind of meeting. ValueError for an unknown meeting kind.

    Prefers, newest first (latest academic year, then highest version): a template that applies
    to the authority in the academic year; then the authority's newest of that kind; then the
    newest of that kind from any authority (so an authority without its own template, like the
    demo authority, still has one).
    """
    if meeting_kind not in MEETING_KINDS:
        raise ValueError(f"Unknown meeting kind {meeting_kind!r} (known: {', '.join(MEETING_KINDS)})")
    candidates = [t for t in registry().values() if t.is_meeting and t.meeting_kind == meeting_kind]
    if not candidates:
        return None
    if authority_code is not None:
        own = [t for t in candidates if t.authority_code == authority_code]
        in_year = [t for t in own if academic_year is not None and academic_year in t.academic_years]
        for preferred in (in_year, own):
            if preferred:
                return max(preferred, key=_newest)
    elif academic_year is not None:
        in_year = [t for t in candidates if academic_year in t.academic_years]
        if in_year:
            return max(in_year, key=_newest)
    return max(candidates, key=_newest)


def deadline_dates(template: RecordTemplate, visit_date: date, calendar=None) -> list[tuple[Deadline, date]]:
    """Each of the template's deadlines as a date after the visit (none when the template has none).

    `calendar` is an AcademicCalendar (improvement.policy.calendar); school days count only days
    in term, working days any weekday that is not an England bank holiday.
    """
    from datetime import timedelta

    from improvement.policy import calendar as academic

    cal = calendar or academic.AcademicCalendar(template.calendar if template.calendar in
                                                academic.NAMED_CALENDARS else "england")
    result = []
    for deadline in template.deadlines:
        if deadline.count == "school_days":
            due = cal.add_school_days(visit_date, deadline.days)
        elif deadline.count == "working_days":
            due = academic.add_working_days(visit_date, deadline.days)
        else:
            due = visit_date + timedelta(days=deadline.days)
        result.append((deadline, due))
    return result
