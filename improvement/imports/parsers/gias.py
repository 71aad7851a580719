"""GIAS "all establishment data" and "all links" rows: alias tables and pure row parsers.

`parse_establishment` turns one row (cells keyed by field name, see `ESTABLISHMENTS`) into a
`GiasRecord`, a `Skip` (an establishment the register does not hold, such as an independent
school) or a list of `FieldError`s. It never touches the database and never raises.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from improvement.imports import values
from improvement.imports.columns import Column, Layout
from improvement.imports.report import FieldError, Skip
from improvement.schools.models import Governance, Phase, School, Status

ESTABLISHMENTS = Layout(
    name="GIAS establishments",
    columns=(
        Column("urn", ("URN",), required=True),
        Column("la_code", ("LA (code)",), required=True),
        Column("la_name", ("LA (name)",)),
        Column("establishment_number", ("EstablishmentNumber",), required=True),
        Column("name", ("EstablishmentName",), required=True),
        Column("type_code", ("TypeOfEstablishment (code)",)),
        Column("type_name", ("TypeOfEstablishment (name)",)),
        Column("type_group", ("EstablishmentTypeGroup (name)",)),
        Column("status_code", ("EstablishmentStatus (code)",)),
        Column("status_name", ("EstablishmentStatus (name)",)),
        Column("open_date", ("OpenDate",)),
        Column("close_date", ("CloseDate",)),
        Column("phase_code", ("PhaseOfEducation (code)",)),
        Column("phase_name", ("PhaseOfEducation (name)",)),
        Column("low_age", ("StatutoryLowAge",)),
        Column("high_age", ("StatutoryHighAge",)),
        Column("religious_character", ("ReligiousCharacter (name)",)),
        Column("diocese", ("Diocese (name)",)),
        Column("pupils", ("NumberOfPupils",)),
        Column("trust_code", ("Trusts (code)",)),
        Column("trust_name", ("Trusts (name)",)),
        Column("head_first_name", ("HeadFirstName",)),
        Column("head_last_name", ("HeadLastName",)),
        Column("street", ("Street",)),
        Column("town", ("Town",)),
        Column("postcode", ("Postcode",)),
        Column("website", ("SchoolWebsite", "WebsiteAddress")),
        Column("telephone_std", ("TelephoneSTD",)),
        Column("telephone", ("TelephoneNum",)),
    ),
    required_any=(
        ("type_code", "type_name"),
        ("status_code", "status_name"),
        ("phase_code", "phase_name"),
    ),
)

LINKS = Layout(
    name="GIAS links",
    columns=(
        Column("urn", ("URN",), required=True),
        Column("link_urn", ("LinkURN",), required=True),
        Column("link_name", ("LinkName",)),
        Column("link_type", ("LinkType",), required=True),
        Column("established", ("LinkEstablishedDate",)),
    ),
)


@dataclass(frozen=True)
class EstablishmentType:
    code: str
    name: str
    group: str
    governance: str
    phase: str | None = None  # special schools and PRU/AP take their phase from the type


_LA = "Local authority maintained schools"
_SPECIAL = "Special schools"
_ACADEMY = "Academies"
_FREE = "Free Schools"

# The state-funded school types the register holds (GIAS codes, 2025). Every other type
# (independent schools, colleges, universities, children's centres, Welsh and overseas
# establishments) is skipped: it is not an error, and the report counts it.
TYPES: tuple[EstablishmentType, ...] = (
    EstablishmentType("1", "Community school", _LA, Governance.LA_MAINTAINED),
    EstablishmentType("2", "Voluntary aided school", _LA, Governance.LA_MAINTAINED),
    EstablishmentType("3", "Voluntary controlled school", _LA, Governance.LA_MAINTAINED),
    EstablishmentType("5", "Foundation school", _LA, Governance.LA_MAINTAINED),
    EstablishmentType("7", "Community special school", _SPECIAL, Governance.LA_MAINTAINED, Phase.SPECIAL),
    EstablishmentType("12", "Foundation special school", _SPECIAL, Governance.LA_MAINTAINED, Phase.SPECIAL),
    EstablishmentType("14", "Pupil referral unit", _LA, Governance.LA_MAINTAINED, Phase.PRU_AP),
    EstablishmentType("15", "Local authority nursery school", _LA, Governance.LA_MAINTAINED, Phase.NURSERY),
    EstablishmentType("28", "Academy sponsor led", _ACADEMY, Governance.ACADEMY),
    EstablishmentType("33", "Academy special sponsor led", _ACADEMY, Governance.ACADEMY, Phase.SPECIAL),
    EstablishmentType("34", "Academy converter", _ACADEMY, Governance.ACADEMY),
    EstablishmentType("42", "Academy alternative provision converter", _ACADEMY, Governance.ACADEMY, Phase.PRU_AP),
    EstablishmentType("43", "Academy alternative provision sponsor led", _ACADEMY, Governance.ACADEMY, Phase.PRU_AP),
    EstablishmentType("44", "Academy special converter", _ACADEMY, Governance.ACADEMY, Phase.SPECIAL),
    EstablishmentType("45", "Academy 16-19 converter", _ACADEMY, Governance.ACADEMY, Phase.SIXTEEN_PLUS),
    EstablishmentType("46", "Academy 16 to 19 sponsor led", _ACADEMY, Governance.ACADEMY, Phase.SIXTEEN_PLUS),
    EstablishmentType("57", "Academy secure 16 to 19", _ACADEMY, Governance.ACADEMY, Phase.SIXTEEN_PLUS),
    EstablishmentType("35", "Free schools", _FREE, Governance.FREE_SCHOOL),
    EstablishmentType("36", "Free schools special", _FREE, Governance.FREE_SCHOOL, Phase.SPECIAL),
    EstablishmentType("38", "Free schools alternative provision", _FREE, Governance.FREE_SCHOOL, Phase.PRU_AP),
    EstablishmentType("39", "Free schools 16 to 19", _FREE, Governance.FREE_SCHOOL, Phase.SIXTEEN_PLUS),
    EstablishmentType("40", "University technical college", _FREE, Governance.FREE_SCHOOL),
    EstablishmentType("41", "Studio schools", _FREE, Governance.FREE_SCHOOL),
)
TYPES_BY_CODE = {t.code: t for t in TYPES}
# Names as published in different years (EduBase 2015 wrote "Free Schools - 16-19").
TYPES_BY_NAME = {values.casefolded(t.name): t for t in TYPES} | {
    values.casefolded(old): TYPES_BY_CODE[code]
    for old, code in (
        ("Free Schools - Alternative Provision", "38"),
        ("Free Schools - 16-19", "39"),
        ("Free Schools 16 to 19", "39"),
        ("Free Schools Special", "36"),
        ("Academy 16-19 Sponsor Led", "46"),
        ("Academy Secure 16-19", "57"),
        ("Studio School", "41"),
        ("University Technical Colleges", "40"),
    )
}

PHASES_BY_CODE = {
    "1": Phase.NURSERY,
    "2": Phase.PRIMARY,
    "3": Phase.MIDDLE,  # middle deemed primary
    "4": Phase.SECONDARY,
    "5": Phase.MIDDLE,  # middle deemed secondary
    "6": Phase.SIXTEEN_PLUS,
    "7": Phase.ALL_THROUGH,
}
PHASES_BY_NAME = {
    "nursery": Phase.NURSERY,
    "primary": Phase.PRIMARY,
    "middle deemed primary": Phase.MIDDLE,
    "secondary": Phase.SECONDARY,
    "middle deemed secondary": Phase.MIDDLE,
    "16 plus": Phase.SIXTEEN_PLUS,
    "all-through": Phase.ALL_THROUGH,
    "all through": Phase.ALL_THROUGH,
}
NOT_APPLICABLE_PHASE = ("0", "not applicable")

STATUSES_BY_CODE = {
    "1": Status.OPEN,
    "2": Status.CLOSED,
    "3": Status.PROPOSED_TO_CLOSE,
    "4": Status.PROPOSED_TO_OPEN,
}
STATUSES_BY_NAME = {
    "open": Status.OPEN,
    "closed": Status.CLOSED,
    "open, but proposed to close": Status.PROPOSED_TO_CLOSE,
    "proposed to open": Status.PROPOSED_TO_OPEN,
}

# GIAS placeholders that mean "no religious character" / "no diocese".
_NONE_WORDS = frozenset({"does not apply", "none", "not applicable", "no religious character", "unknown"})

MAX_LENGTH = {f.name: f.max_length for f in School._meta.concrete_fields if getattr(f, "max_length", None)}

# School fields an establishment row can set, with the layout fields each needs.
FIELD_SOURCES: dict[str, tuple[str, ...]] = {
    "establishment_number": ("establishment_number",),
    "name": ("name",),
    "phase": ("phase_code", "phase_name"),
    "establishment_type": ("type_name", "type_code"),
    "establishment_type_code": ("type_code", "type_name"),
    "type_group": ("type_group", "type_code", "type_name"),
    "governance": ("type_code", "type_name"),
    "status": ("status_code", "status_name"),
    "open_date": ("open_date",),
    "close_date": ("close_date",),
    "religious_character": ("religious_character",),
    "diocese": ("diocese",),
    "statutory_low_age": ("low_age",),
    "statutory_high_age": ("high_age",),
    "pupils_on_roll": ("pupils",),
    "street": ("street",),
    "town": ("town",),
    "postcode": ("postcode",),
    "website": ("website",),
    "telephone": ("telephone",),
}

UNSET: Any = object()  # a value the file does not carry: the register keeps what it has


@dataclass(slots=True)
class GiasRecord:
    urn: str
    la_code: str
    fields: dict[str, Any]
    head_name: str = ""  # "" when the file gives no name (the register keeps its own)
    trust: tuple[str, str] | None | Any = UNSET  # (reference, name); None = no trust
    warnings: list[FieldError] = field(default_factory=list)


@dataclass(slots=True)
class LinkRecord:
    urn: str
    link_urn: str
    link_type: str
    established: date | None


def _label(field_name: str) -> str:
    return ESTABLISHMENTS.column(field_name).aliases[0]


def _code(raw: str | None) -> str:
    """A code cell; spreadsheet tools write 2 as 2.0."""
    value = values.text(raw)
    return value[:-2] if value.endswith(".0") else value


def establishment_type(row: Mapping[str, str]) -> EstablishmentType | None:
    code = _code(row.get("type_code"))
    if code:
        return TYPES_BY_CODE.get(code)
    return TYPES_BY_NAME.get(values.casefolded(row.get("type_name")))


def parse_establishment(row: Mapping[str, str]) -> GiasRecord | Skip | list[FieldError]:
    """One establishment row -> a record for the register, a Skip, or the row's errors."""
    errors: list[FieldError] = []

    def fail(field_name: str, reason: str) -> None:
        errors.append(FieldError(field_name, values.text(row.get(field_name))[:200], reason))

    try:
        urn = values.urn(row.get("urn"))
    except values.Invalid as exc:
        return [FieldError("urn", values.text(row.get("urn"))[:200], exc.reason)]
    try:
        la_code = values.la_code(row.get("la_code"))
    except values.Invalid as exc:
        return [FieldError("la_code", values.text(row.get("la_code"))[:200], exc.reason)]

    kind = establishment_type(row)
    if kind is None:
        shown = values.text(row.get("type_name")) or values.text(row.get("type_code")) or "not given"
        return Skip(f"establishment type not held in the register: {shown}")

    fields: dict[str, Any] = {}
    warnings: list[FieldError] = []

    number = _code(row.get("establishment_number"))
    if not (len(number) == 4 and number.isascii() and number.isdigit()):
        fail("establishment_number", "must be the 4-digit establishment number")
    fields["establishment_number"] = number

    name = values.text(row.get("name"))
    if not name:
        fail("name", "is empty; every school needs a name")
    elif len(name) > MAX_LENGTH["name"]:
        fail("name", f"is longer than {MAX_LENGTH['name']} characters")
    fields["name"] = name

    fields["establishment_type"] = values.text(row.get("type_name"))[: MAX_LENGTH["establishment_type"]] or kind.name
    fields["establishment_type_code"] = kind.code
    if "type_group" in row:
        fields["type_group"] = values.text(row.get("type_group"))[: MAX_LENGTH["type_group"]] or kind.group
    else:
        fields["type_group"] = kind.group
    fields["governance"] = kind.governance

    # Phase: special schools and PRU/AP are known by their type; others by the phase column.
    phase_code, phase_name = _code(row.get("phase_code")), values.casefolded(row.get("phase_name"))
    phase = PHASES_BY_CODE.get(phase_code) if phase_code else PHASES_BY_NAME.get(phase_name)
    if kind.phase:
        phase = kind.phase
    if phase is None:
        column = "phase_code" if phase_code else "phase_name"
        if phase_code == "0" or (not phase_code and phase_name == "not applicable"):
            fail(column, f"is 'Not applicable', but a {kind.name.lower()} needs a phase")
        else:
            fail(column, "is not a phase of education GIAS uses (0 to 7)")
    fields["phase"] = phase

    status_code = _code(row.get("status_code"))
    status = STATUSES_BY_CODE.get(status_code) if status_code else STATUSES_BY_NAME.get(
        values.casefolded(row.get("status_name"))
    )
    if status is None:
        fail("status_code" if status_code else "status_name", "is not an establishment status (1 to 4)")
    fields["status"] = status

    for target, source in (("open_date", "open_date"), ("close_date", "close_date")):
        if source in row:
            try:
                fields[target] = values.day(row.get(source))
            except values.Invalid as exc:
                fail(source, exc.reason)
                fields[target] = None
    if "close_date" in row and status == Status.CLOSED and fields.get("close_date") is None \
            and not any(e.field == "close_date" for e in errors):
        fail("close_date", "is empty, but the school is closed")
    if fields.get("open_date") and fields.get("close_date") and fields["close_date"] < fields["open_date"]:
        fail("close_date", "is before the open date")

    for target, source in (("statutory_low_age", "low_age"), ("statutory_high_age", "high_age")):
        if source in row:
            try:
                fields[target] = values.whole_number(row.get(source), maximum=25)
            except values.Invalid as exc:
                fail(source, exc.reason)
    low, high = fields.get("statutory_low_age"), fields.get("statutory_high_age")
    if low is not None and high is not None and high < low:
        fail("high_age", "is below the statutory lowest age")

    if "pupils" in row:
        raw = values.text(row.get("pupils"))
        if raw.casefold() in values.SUPPRESSED or raw.casefold() in values.NOT_APPLICABLE:
            fields["pupils_on_roll"] = None
        else:
            try:
                fields["pupils_on_roll"] = values.whole_number(raw, maximum=100_000)
            except values.Invalid as exc:
                fail("pupils", exc.reason)

    for target in ("religious_character", "diocese"):
        if target in row:
            value = values.text(row.get(target))
            fields[target] = "" if value.casefold() in _NONE_WORDS else value[: MAX_LENGTH[target]]

    for target in ("street", "town", "postcode"):
        if target in row:
            value = values.text(row.get(target))
            if len(value) > MAX_LENGTH[target]:
                fail(target, f"is longer than {MAX_LENGTH[target]} characters")
            fields[target] = value

    if "website" in row:
        fields["website"] = _website(values.text(row.get("website")), warnings)
    if "telephone" in row:
        fields["telephone"] = _telephone(values.text(row.get("telephone_std")), values.text(row.get("telephone")))

    head_name = " ".join(
        part for part in (values.text(row.get("head_first_name")), values.text(row.get("head_last_name"))) if part
    )
    if len(head_name) > MAX_LENGTH["headteacher_name"]:
        fail("head_last_name", f"the headteacher's name is longer than {MAX_LENGTH['headteacher_name']} characters")

    trust: Any = UNSET
    if "trust_code" in row or "trust_name" in row:
        code = _code(row.get("trust_code"))
        trust_name = values.text(row.get("trust_name"))
        if code.casefold() in ("0", "not applicable"):
            code = ""
        if trust_name.casefold() in _NONE_WORDS:
            trust_name = ""
        if len(code) > 20:
            fail("trust_code", "is longer than 20 characters")
        if code or trust_name:
            trust = (code, (trust_name or f"Trust {code}")[:250])
        else:
            trust = None

    if errors:
        return errors
    return GiasRecord(urn=urn, la_code=la_code, fields=fields, head_name=head_name, trust=trust,
                      warnings=warnings)


_URL = URLValidator(schemes=["http", "https"])


def _website(value: str, warnings: list[FieldError]) -> str:
    if not value:
        return ""
    url = value if "://" in value else f"https://{value}"
    try:
        _URL(url)
    except ValidationError:
        warnings.append(FieldError("website", value[:200], "is not a web address; left blank"))
        return ""
    if len(url) > MAX_LENGTH["website"]:
        warnings.append(FieldError("website", value[:200], "is too long; left blank"))
        return ""
    return url


def _telephone(std: str, number: str) -> str:
    """GIAS drops the leading 0 (2072831147); older files split off the STD code."""
    if not number:
        return ""
    compact = number.replace(" ", "")
    if std:
        return f"{std} {number}"[: MAX_LENGTH["telephone"]]
    if compact.isdigit() and len(compact) == 10 and not compact.startswith("0"):
        return f"0{compact}"
    return number[: MAX_LENGTH["telephone"]]


# ---- links -------------------------------------------------------------------------------


PREDECESSOR = "predecessor"
SUCCESSOR = "successor"


def link_direction(link_type: str) -> str | None:
    """'Predecessor', 'Predecessor - merged' ... mean LinkURN came before URN; 'Successor...'
    mean it came after. Other link kinds (sixth form centres, expansions) are not successions."""
    kind = values.casefolded(link_type)
    if kind.startswith("predecessor"):
        return PREDECESSOR
    if kind.startswith("successor"):
        return SUCCESSOR
    return None


def parse_link(row: Mapping[str, str]) -> LinkRecord | Skip | list[FieldError]:
    errors: list[FieldError] = []
    try:
        urn = values.urn(row.get("urn"))
    except values.Invalid as exc:
        errors.append(FieldError("urn", values.text(row.get("urn"))[:200], exc.reason))
        urn = ""
    try:
        link_urn = values.urn(row.get("link_urn"))
    except values.Invalid as exc:
        errors.append(FieldError("link_urn", values.text(row.get("link_urn"))[:200], exc.reason))
        link_urn = ""
    try:
        established = values.day(row.get("established"))
    except values.Invalid as exc:
        errors.append(FieldError("established", values.text(row.get("established"))[:200], exc.reason))
        established = None
    if errors:
        return errors
    link_type = values.text(row.get("link_type"))
    if link_direction(link_type) is None:
        return Skip(f"link type not a succession: {link_type or 'not given'}")
    if urn == link_urn:
        return [FieldError("link_urn", link_urn, "links a school to itself")]
    return LinkRecord(urn=urn, link_urn=link_urn, link_type=link_type, established=established)
