"""Ofsted management-information rows: alias tables and a pure row parser.

One row of Ofsted's "state-funded schools" files describes several inspections of a school:
the latest graded (full) inspection, the one before it, the latest inspection under the
education inspection framework (since report cards arrived in November 2025), and the latest
ungraded inspection. Each is a *block* of columns. `parse_row` turns a row into one
`InspectionRecord` per block that has a date, mapping grade columns to the framework era's area
keys (improvement/policy/frameworks.py) by the inspection's start date.

Grades: 1-4 on the four-point scales; the five report-card words; Yes/No (EIF safeguarding
effective) and Met/Not met (report-card safeguarding). 9, 8, 0, "Not judged", "NULL" and empty
cells mean not judged, and the area is left out of the judgements.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from improvement.imports import values
from improvement.imports.columns import Column, Layout
from improvement.imports.report import FieldError, Skip
from improvement.policy import frameworks

# Header names under which each judgement area has been published (without block prefix).
AREA_ALIASES: dict[str, tuple[str, ...]] = {
    "overall_effectiveness": ("Overall effectiveness", "Overall effectiveness: how good is the school"),
    "quality_of_education": ("Quality of education",),
    "behaviour_and_attitudes": ("Behaviour and attitudes",),
    "personal_development": (
        "Personal development",
        "Personal development and wellbeing",
        "Personal development and well-being",
    ),
    "leadership_and_management": ("Effectiveness of leadership and management", "Leadership and management"),
    "safeguarding": ("Safeguarding is effective?", "Safeguarding standards", "Safeguarding"),
    "early_years": (
        "Early years provision (where applicable)",
        "Early years (where applicable)",
        "Early years provision",
        "Effectiveness of the early years provision",
    ),
    "sixth_form": (
        "Sixth form provision (where applicable)",
        "Post-16 provision (where applicable)",
        "Sixth form provision",
        "16 to 19 study programmes",
    ),
    "quality_of_teaching": ("Quality of teaching, learning and assessment", "Quality of teaching"),
    "personal_development_behaviour": ("Personal development, behaviour and welfare",),
    "outcomes": ("Outcomes for pupils", "Outcomes for children and learners"),
    "achievement": ("Achievement", "Achievement of pupils"),
    "behaviour_and_safety": ("Behaviour and safety of pupils",),
    "capacity_to_improve": ("Capacity for sustained improvement",),
    "inclusion": ("Inclusion",),
    "curriculum_and_teaching": ("Curriculum and teaching",),
    "attendance_and_behaviour": ("Attendance and behaviour",),
    "leadership_and_governance": ("Leadership and governance",),
}


@dataclass(frozen=True)
class BlockSpec:
    key: str
    label: str
    inspection_type: str | None  # None: decided from the "Inspection type" text
    start: tuple[str, ...]
    publication: tuple[str, ...] = ()
    urn_at: tuple[str, ...] = ()
    category: tuple[str, ...] = ()
    type_text: tuple[str, ...] = ()
    grouping: tuple[str, ...] = ()
    grade_prefix: str | None = None  # None: this block has no grade columns
    extra_grades: tuple[tuple[str, str], ...] = ()
    outcome: tuple[str, ...] = ()
    converted: tuple[str, ...] = ()


BLOCKS: tuple[BlockSpec, ...] = (
    BlockSpec(
        key="latest",
        label="latest inspection",
        inspection_type=None,
        start=("Inspection start date", "First day of inspection"),
        publication=("Publication date",),
        urn_at=("URN at time of latest graded inspection", "URN at time of latest full inspection"),
        category=("Category of concern",),
        type_text=("Inspection type",),
        grouping=("Inspection type grouping", "Event type grouping"),
        grade_prefix="",
    ),
    BlockSpec(
        key="previous",
        label="previous graded inspection",
        inspection_type=frameworks.FULL,
        start=("Previous inspection start date", "Previous graded inspection start date",
               "Previous full inspection start date"),
        publication=("Previous publication date", "Previous graded inspection publication date"),
        urn_at=("URN at time of previous graded inspection", "URN at time of previous full inspection"),
        category=("Previous category of concern",),
        grade_prefix="Previous ",
        extra_grades=(
            ("overall_effectiveness", "Previous graded inspection overall effectiveness"),
            ("overall_effectiveness", "Previous full inspection overall effectiveness"),
        ),
    ),
    BlockSpec(
        key="oeif",
        label="latest inspection under the education inspection framework",
        inspection_type=frameworks.FULL,
        start=("Inspection start date of latest OEIF graded inspection",
               "Inspection start date of latest OEIF standard inspection"),
        publication=("Publication date of latest OEIF graded inspection",
                     "Publication date of latest OEIF standard inspection"),
        urn_at=("URN at time of latest OEIF graded inspection",),
        grade_prefix="Latest OEIF ",
    ),
    BlockSpec(
        key="ungraded",
        label="latest ungraded inspection",
        inspection_type=frameworks.UNGRADED,
        start=("Date of latest ungraded inspection", "Date of latest short inspection"),
        publication=("Ungraded inspection publication date", "Short inspection publication date"),
        urn_at=("URN at time of the ungraded inspection", "URN at time of latest ungraded inspection"),
        outcome=("Ungraded inspection overall outcome", "Short inspection overall outcome"),
        converted=("Did the latest ungraded inspection convert to a graded inspection?",
                   "Did the latest short inspection convert to a full inspection?"),
    ),
)


def _grade_columns(spec: BlockSpec) -> list[Column]:
    if spec.grade_prefix is None:
        return []
    columns = []
    for area, aliases in AREA_ALIASES.items():
        names = tuple(f"{spec.grade_prefix}{alias}" for alias in aliases)
        names += tuple(name for key, name in spec.extra_grades if key == area)
        columns.append(Column(f"{spec.key}.grade.{area}", names))
    return columns


def _block_columns(spec: BlockSpec) -> list[Column]:
    columns = [Column(f"{spec.key}.start", spec.start)]
    for part in ("publication", "urn_at", "category", "type_text", "grouping", "outcome", "converted"):
        aliases = getattr(spec, part)
        if part == "grouping":
            columns.extend(Column(f"{spec.key}.grouping.{i}", (alias,)) for i, alias in enumerate(aliases))
        elif aliases:
            columns.append(Column(f"{spec.key}.{part}", aliases))
    return columns + _grade_columns(spec)


INSPECTIONS = Layout(
    name="Ofsted inspections",
    columns=(
        Column("urn", ("URN",), required=True),
        Column("laestab", ("LAESTAB", "LA Estab", "DfE number")),
        Column("school_name", ("School name",)),
        *(column for spec in BLOCKS for column in _block_columns(spec)),
    ),
    required_any=(tuple(f"{spec.key}.start" for spec in BLOCKS),),
)

NOT_JUDGED = frozenset({"", "9", "8", "0", "not judged", "not applicable", "n/a", "na", "none", "null"})

CATEGORY_CODES = {
    "sm": "special_measures",
    "special measures": "special_measures",
    "requires special measures": "special_measures",
    "swk": "serious_weaknesses",
    "sw": "serious_weaknesses",
    "serious weaknesses": "serious_weaknesses",
    "nti": "notice_to_improve",
    "notice to improve": "notice_to_improve",
    "rsi": "requires_significant_improvement",
    "requires significant improvement": "requires_significant_improvement",
}
NO_CATEGORY = frozenset({"", "0", "9", "none", "not applicable", "n/a", "na", "null", "no"})

# Inspection-type words in Ofsted's "Inspection type" texts, checked in this order.
TYPE_KEYWORDS: tuple[tuple[str, str], ...] = (
    ("deemed section 5", frameworks.FULL),
    ("deemed s5", frameworks.FULL),
    ("focused monitoring", frameworks.FOCUSED_MONITORING),
    ("urgent", frameworks.FOCUSED_MONITORING),
    ("no formal designation", frameworks.FOCUSED_MONITORING),
    ("unannounced behaviour", frameworks.FOCUSED_MONITORING),
    ("monitoring", frameworks.MONITORING),
    ("special measures visit", frameworks.MONITORING),
    ("serious weaknesses visit", frameworks.MONITORING),
    ("section 8 inspection of good", frameworks.UNGRADED),
    ("short inspection", frameworks.UNGRADED),
    ("ungraded", frameworks.UNGRADED),
)

MAX_OUTCOME = 100


@dataclass(slots=True)
class InspectionRecord:
    block: str
    start_date: date
    inspection_type: str
    era: str
    publication_date: date | None
    judgements: dict[str, str]
    category_of_concern: str = ""
    ungraded_outcome: str = ""
    urn_at_time: str = ""  # the URN the inspection was under, when not the current school's

    @property
    def key(self) -> tuple[str, date, str]:
        return (self.urn_at_time, self.start_date, self.inspection_type)


@dataclass(slots=True)
class OfstedRecord:
    urn: str
    la_code: str
    inspections: list[InspectionRecord]
    warnings: list[FieldError] = field(default_factory=list)


def parse_grade(raw: str | None, area: frameworks.Area) -> str | None:
    """A grade cell -> the area's grade key, None when not judged; raises values.Invalid."""
    value = values.casefolded(raw)
    if value.endswith(".0") and value[:-2].isdigit():
        value = value[:-2]
    if value in NOT_JUDGED:
        return None
    scale = area.scale
    if scale is frameworks.SAFEGUARDING_EFFECTIVE:
        words = {"yes": "effective", "effective": "effective", "no": "not_effective",
                 "not effective": "not_effective", "ineffective": "not_effective"}
        if value in words:
            return words[value]
    elif scale is frameworks.SAFEGUARDING_MET:
        words = {"met": "met", "yes": "met", "not met": "not_met", "no": "not_met"}
        if value in words:
            return words[value]
    elif value.isdigit() and scale in (frameworks.FOUR_POINT_2005, frameworks.FOUR_POINT_2012):
        grade = next((g for g in scale.grades if g.rank == int(value)), None)
        if grade:
            return grade.key
    for grade in scale.grades:
        if value in (grade.label.casefold(), grade.key.replace("_", " ")):
            return grade.key
    allowed = ", ".join(g.label for g in scale.grades)
    numbers = " (or 1 to 4)" if scale in (frameworks.FOUR_POINT_2005, frameworks.FOUR_POINT_2012) else ""
    raise values.Invalid(f"is not a {area.label.lower()} grade: use {allowed}{numbers}, or 9 / Not judged")


def parse_category(raw: str | None, era: frameworks.Era) -> str:
    value = values.casefolded(raw)
    if value in NO_CATEGORY:
        return ""
    key = CATEGORY_CODES.get(value)
    if key is None:
        raise values.Invalid("is not a category of concern (SM, SWK, NTI or RSI)")
    if key not in {k for k, _label in era.categories_of_concern}:
        label = dict(frameworks.ALL_CATEGORIES)[key]
        raise values.Invalid(f"{label} is not a category of concern under the {era.name} framework")
    return key


def inspection_type_from_text(*texts: str) -> str:
    joined = " | ".join(values.casefolded(t) for t in texts if t)
    for word, kind in TYPE_KEYWORDS:
        if word in joined:
            return kind
    return frameworks.FULL


def _la_from_laestab(raw: str | None) -> str:
    try:
        code = values.digits(raw)
    except values.Invalid:
        return ""
    return code[:3] if len(code) == 7 else ""


def parse_row(row: Mapping[str, str], *, today: date) -> OfstedRecord | Skip | list[FieldError]:
    """One Ofsted row -> its inspections, a Skip (no inspection recorded) or its errors."""
    try:
        urn = values.urn(row.get("urn"))
    except values.Invalid as exc:
        return [FieldError("urn", values.text(row.get("urn"))[:200], exc.reason)]
    errors: list[FieldError] = []
    warnings: list[FieldError] = []
    found: list[InspectionRecord] = []
    for spec in BLOCKS:
        record = _parse_block(row, spec, urn=urn, today=today, errors=errors, warnings=warnings)
        if record is not None:
            found.append(record)

    merged: dict[tuple[str, date, str], InspectionRecord] = {}
    for record in found:
        existing = merged.get(record.key)
        if existing is None:
            merged[record.key] = record
            continue
        for area, grade in record.judgements.items():
            if existing.judgements.setdefault(area, grade) != grade:
                errors.append(FieldError(
                    f"{record.block}.grade.{area}", grade,
                    f"disagrees with the {_spec(existing.block).label} on {record.start_date:%d/%m/%Y}, "
                    "which is the same inspection",
                ))
        existing.publication_date = existing.publication_date or record.publication_date
        existing.category_of_concern = existing.category_of_concern or record.category_of_concern
        existing.ungraded_outcome = existing.ungraded_outcome or record.ungraded_outcome
    if errors:
        return errors

    inspections = []
    for record in merged.values():
        if record.inspection_type == frameworks.FULL and not record.judgements:
            warnings.append(FieldError(f"{record.block}.start", f"{record.start_date:%d/%m/%Y}",
                                       "a full inspection with no grades published yet: not recorded"))
            continue
        inspections.append(record)
    if not inspections:
        return Skip("no inspection with a date and grades (not yet inspected, or awaiting publication)")
    return OfstedRecord(urn=urn, la_code=_la_from_laestab(row.get("laestab")), inspections=inspections,
                        warnings=warnings)


def _spec(key: str) -> BlockSpec:
    return next(spec for spec in BLOCKS if spec.key == key)


def _parse_block(
    row: Mapping[str, str],
    spec: BlockSpec,
    *,
    urn: str,
    today: date,
    errors: list[FieldError],
    warnings: list[FieldError],
) -> InspectionRecord | None:
    prefix = spec.key
    start_field = f"{prefix}.start"
    if start_field not in row:
        return None
    own_errors: list[FieldError] = []

    def fail(field_name: str, reason: str) -> None:
        own_errors.append(FieldError(field_name, values.text(row.get(field_name))[:200], reason))

    try:
        start = values.day(row.get(start_field))
    except values.Invalid as exc:
        fail(start_field, exc.reason)
        errors.extend(own_errors)
        return None
    if start is None:
        return None
    if start > today:
        fail(start_field, "is in the future")
    publication = None
    if f"{prefix}.publication" in row:
        try:
            publication = values.day(row.get(f"{prefix}.publication"))
        except values.Invalid as exc:
            fail(f"{prefix}.publication", exc.reason)
        if publication and publication < start:
            fail(f"{prefix}.publication", "is before the inspection start date")

    era = frameworks.era_for_date(start)
    if era is None:
        warnings.append(FieldError(start_field, f"{start:%d/%m/%Y}",
                                   "is before September 2005, the first framework recorded: not recorded"))
        errors.extend(own_errors)
        return None

    if spec.key == "ungraded" and values.casefolded(row.get(f"{prefix}.converted")) == "yes":
        # Converted to a graded inspection: that graded inspection is the record.
        errors.extend(own_errors)
        return None

    judgements: dict[str, str] = {}
    if spec.grade_prefix is not None:
        for area_key in AREA_ALIASES:
            grade_field = f"{prefix}.grade.{area_key}"
            if grade_field not in row:
                continue
            area = era.area(area_key)
            if area is None:
                if values.casefolded(row.get(grade_field)).removesuffix(".0") not in NOT_JUDGED:
                    warnings.append(FieldError(
                        grade_field, values.text(row.get(grade_field))[:200],
                        f"is graded, but the {era.name} framework has no such judgement: not stored",
                    ))
                continue
            try:
                grade = parse_grade(row.get(grade_field), area)
            except values.Invalid as exc:
                fail(grade_field, exc.reason)
                continue
            if grade is not None:
                judgements[area_key] = grade

    category = ""
    if f"{prefix}.category" in row:
        try:
            category = parse_category(row.get(f"{prefix}.category"), era)
        except values.Invalid as exc:
            fail(f"{prefix}.category", exc.reason)

    inspection_type = spec.inspection_type
    if inspection_type is None:
        texts = [values.text(row.get(f"{prefix}.type_text"))]
        texts += [values.text(row.get(f)) for f in row if f.startswith(f"{prefix}.grouping.")]
        inspection_type = frameworks.FULL if judgements else inspection_type_from_text(*texts)

    urn_at = ""
    if f"{prefix}.urn_at" in row and not values.is_blank(row.get(f"{prefix}.urn_at")):
        try:
            urn_at = values.urn(row.get(f"{prefix}.urn_at"))
        except values.Invalid as exc:
            fail(f"{prefix}.urn_at", exc.reason)
        if urn_at == urn:
            urn_at = ""

    outcome = values.text(row.get(f"{prefix}.outcome"))[:MAX_OUTCOME] if spec.outcome else ""

    if own_errors:
        errors.extend(own_errors)
        return None
    return InspectionRecord(
        block=spec.key,
        start_date=start,
        inspection_type=inspection_type,
        era=era.key,
        publication_date=publication,
        judgements=judgements,
        category_of_concern=category,
        ungraded_outcome=outcome,
        urn_at_time=urn_at,
    )
