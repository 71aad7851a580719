"""DfE school-level measures (census, absence, exclusions, KS2, KS4): alias tables and a pure
row parser producing context measures.

Every kind reads a URN and, where the file has one, an academic year column (`time_period`,
e.g. 202324); files without one need the year on the command line. Suppression codes (x, c, z,
SUPP, NE, low, NP, LOWCOV) become suppressed measures; NA, "..", "-" and empty cells are not
stored at all.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from improvement.imports import values
from improvement.imports.columns import Column, Layout
from improvement.imports.report import FieldError, Skip
from improvement.schools.models import PERCENT_MEASURES, SIGNED_MEASURES, Measure

COMPLEMENT = "complement"  # stored value = 100 - the file's value (absence % -> attendance %)

COUNT_MEASURES = frozenset({Measure.PUPILS_ON_ROLL, Measure.SUSPENSIONS, Measure.PERMANENT_EXCLUSIONS})
MAX_VALUE = Decimal("9999999.99")
CENT = Decimal("0.01")


@dataclass(frozen=True)
class MeasureColumn:
    measure: str
    aliases: tuple[str, ...]
    transform: str | None = None

    @property
    def field(self) -> str:
        return f"measure.{self.measure}.{self.aliases[0]}"


@dataclass(frozen=True)
class Kind:
    key: str
    label: str
    measures: tuple[MeasureColumn, ...]


KINDS: dict[str, Kind] = {
    kind.key: kind
    for kind in (
        Kind("census", "Pupil characteristics (January census)", (
            MeasureColumn(Measure.PUPILS_ON_ROLL, ("NOR", "headcount", "number_of_pupils")),
            MeasureColumn(Measure.FSM_PERCENT, ("PNUMFSM", "percent_fsm", "fsm_percent")),
            MeasureColumn(Measure.DISADVANTAGED_PERCENT, ("PNUMFSMEVER", "PTFSM6CLA1A")),
            MeasureColumn(Measure.EAL_PERCENT, ("PNUMEAL", "percent_eal")),
            # Performance tables: SENELSE (census) and SENELE (KS2) = EHC plan or statement,
            # SENELK = SEN support. (SENELEK is the two together, not stored.)
            MeasureColumn(Measure.EHCP_PERCENT, ("PSENELSE", "PSENELE", "percent_ehcp")),
            MeasureColumn(Measure.SEN_SUPPORT_PERCENT, ("PSENELK", "percent_sen_support")),
        )),
        Kind("absence", "Absence", (
            MeasureColumn(Measure.ATTENDANCE_PERCENT, ("attendance_perc", "attendance_percent")),
            MeasureColumn(Measure.ATTENDANCE_PERCENT, ("PERCTOT", "sess_overall_percent", "overall_absence_perc"),
                          transform=COMPLEMENT),
            MeasureColumn(Measure.PERSISTENT_ABSENCE_PERCENT,
                          ("PPERSABS10", "enrolments_pa_10_exact_percent", "pa_perc", "PPERSABS15")),
        )),
        Kind("exclusions", "Suspensions and permanent exclusions", (
            MeasureColumn(Measure.SUSPENSIONS, ("susp", "suspensions", "fixed_excl", "TOTFIXEXCL")),
            MeasureColumn(Measure.PERMANENT_EXCLUSIONS, ("perm_excl", "permanent_exclusions", "TOTPERMEXCL")),
        )),
        Kind("ks2", "Key stage 2 results", (
            MeasureColumn(Measure.KS2_RWM_EXPECTED_PERCENT, ("PTRWM_EXP",)),
            MeasureColumn(Measure.KS2_RWM_HIGHER_PERCENT, ("PTRWM_HIGH",)),
            MeasureColumn(Measure.KS2_READING_PROGRESS, ("READPROG",)),
            MeasureColumn(Measure.KS2_WRITING_PROGRESS, ("WRITPROG",)),
            MeasureColumn(Measure.KS2_MATHS_PROGRESS, ("MATPROG",)),
        )),
        Kind("ks4", "Key stage 4 results", (
            MeasureColumn(Measure.KS4_ATTAINMENT_8, ("ATT8SCR",)),
            MeasureColumn(Measure.KS4_PROGRESS_8, ("P8MEA",)),
            MeasureColumn(Measure.KS4_BASICS_4_PERCENT, ("PTL2BASICS_94",)),
            MeasureColumn(Measure.KS4_BASICS_5_PERCENT, ("PTL2BASICS_95",)),
            MeasureColumn(Measure.KS4_EBACC_APS, ("EBACCAPS",)),
        )),
    )
}
KIND_CHOICES = [(kind.key, kind.label) for kind in KINDS.values()]


def layout_for(kind: Kind) -> Layout:
    return Layout(
        name=f"DfE {kind.label.lower()}",
        columns=(
            Column("urn", ("URN", "school_urn", "urn"), required=True),
            Column("year", ("time_period", "academic_year")),
            Column("la_code", ("LA", "LEA", "old_la_code", "la_code")),
            Column("rectype", ("RECTYPE",)),
            *(Column(m.field, m.aliases) for m in kind.measures),
        ),
        required_any=(tuple(m.field for m in kind.measures),),
    )


@dataclass(slots=True)
class MeasureValue:
    measure: str
    value: Decimal | None
    suppressed: bool


@dataclass(slots=True)
class MeasuresRecord:
    urn: str
    la_code: str
    academic_year: int
    values: list[MeasureValue] = field(default_factory=list)


_YEAR = re.compile(r"^(\d{4})(?:/?(\d{2}))?$", re.ASCII)


def parse_year(raw: str | None) -> int:
    """An academic year as 2023, 2023/24 or 202324 (the EES time_period) -> 2023."""
    value = values.text(raw).removesuffix(".0")
    match = _YEAR.match(value)
    if not match:
        raise values.Invalid("must be an academic year, like 2023/24 or 202324")
    start = int(match.group(1))
    if match.group(2) is not None and int(match.group(2)) != (start + 1) % 100:
        raise values.Invalid("must be an academic year, like 2023/24 or 202324")
    if not 2000 <= start <= 2100:
        raise values.Invalid("must be an academic year between 2000/01 and 2100/01")
    return start


# Rows that are totals, not schools: RECTYPE 4 (LA), 5 (England) and similar.
SCHOOL_RECTYPES = frozenset({"1", "2"})


def parse_value(raw: str | None, column: MeasureColumn) -> MeasureValue | None:
    text = values.text(raw)
    code = text.casefold()
    if code in values.SUPPRESSED:
        return MeasureValue(column.measure, None, True)
    if not text or code in values.NOT_APPLICABLE:
        return None
    number = values.decimal(text)
    if number is None:
        return None
    if column.transform == COMPLEMENT:
        if not 0 <= number <= 100:
            raise values.Invalid("must be a percentage between 0 and 100")
        number = Decimal(100) - number
    if number < 0 and column.measure not in SIGNED_MEASURES:
        raise values.Invalid("cannot be negative")
    if column.measure in PERCENT_MEASURES and number > 100:
        raise values.Invalid("is a percentage, so cannot be more than 100")
    if column.measure in COUNT_MEASURES and number != number.to_integral_value():
        raise values.Invalid("must be a whole number")
    if abs(number) > MAX_VALUE:
        raise values.Invalid("is too large")
    return MeasureValue(column.measure, number.quantize(CENT, rounding=ROUND_HALF_UP), False)


def parse_row(row: Mapping[str, str], *, kind: Kind, year: int | None) -> MeasuresRecord | Skip | list[FieldError]:
    rectype = values.text(row.get("rectype")).removesuffix(".0")
    urn_text = values.text(row.get("urn"))
    if (rectype and rectype not in SCHOOL_RECTYPES) or not urn_text or urn_text.isalpha():
        return Skip("not a school row (an LA or national total)")
    errors: list[FieldError] = []
    try:
        urn = values.urn(urn_text)
    except values.Invalid as exc:
        return [FieldError("urn", urn_text[:200], exc.reason)]
    academic_year = year
    if "year" in row:
        try:
            academic_year = parse_year(row.get("year"))
        except values.Invalid as exc:
            errors.append(FieldError("year", values.text(row.get("year"))[:200], exc.reason))
    la_code = ""
    try:
        la_code = values.la_code(row.get("la_code")) if values.text(row.get("la_code")) else ""
    except values.Invalid:
        la_code = ""

    found: dict[str, MeasureValue] = {}
    for column in kind.measures:
        if column.field not in row:
            continue
        if column.measure in found:
            continue  # an earlier, preferred column already gave this measure
        try:
            parsed = parse_value(row.get(column.field), column)
        except values.Invalid as exc:
            errors.append(FieldError(column.field, values.text(row.get(column.field))[:200], exc.reason))
            continue
        if parsed is not None:
            found[column.measure] = parsed
    if errors:
        return errors
    if academic_year is None:
        return [FieldError("year", "", "no academic year: the file has no year column")]
    if not found:
        return Skip("no values for this school (all not applicable or empty)")
    return MeasuresRecord(urn=urn, la_code=la_code, academic_year=academic_year, values=list(found.values()))
