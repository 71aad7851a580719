"""An immutable snapshot of one school: everything the policy rules may read, and nothing else.

Snapshots are built either by the Django side (from the register) or from JSON with
`Snapshot.from_dict`, which validates every field and raises `SnapshotError(school, field,
message)` for bad input, never a bare KeyError or ValueError. The JSON schema is documented
in docs/policy.md.

Unknown is not the same as "no": optional facts are None when not recorded, and the rules
answer "cannot decide" for them. In particular an absent `flags` key means "officer flags not
provided" (None), while an empty list means "no flags raised".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import date
from typing import Any

from improvement.policy import frameworks

PHASES: tuple[str, ...] = (
    "nursery",
    "primary",
    "middle",
    "secondary",
    "all_through",
    "special",
    "pru_ap",
    "sixteen_plus",
)
GOVERNANCE: tuple[str, ...] = ("la_maintained", "academy", "free_school", "other")
INSPECTION_TYPES: tuple[str, ...] = tuple(key for key, _ in frameworks.INSPECTION_TYPES)
CATEGORIES_OF_CONCERN: tuple[str, ...] = tuple(key for key, _ in frameworks.ALL_CATEGORIES)
KENT_SUPPORT_LEVELS: tuple[str, ...] = ("outreach", "general", "substantial", "intensive")
INTERVENTION_TYPES: dict[str, str] = {
    "sib": "School Improvement Board",
    "pci": "Progress Check-In",
    "warning_notice": "Warning notice",
    "rtm": "Round Table Meetings",
    "jem": "Joint Evaluation Meetings",
    "academy_order": "Academy order",
    "other": "Other intervention",
}
# "exited" means the school completed the process successfully (Coventry: "successfully
# exiting a School Improvement Board process"); "closed" means it ended any other way.
INTERVENTION_STATUSES: tuple[str, ...] = ("open", "exited", "closed")
EVENT_KINDS: tuple[str, ...] = ("headteacher_change", "closure", "conversion", "leadership_change")

# Officer-recorded flags. Keys are stable (they are stored); labels are what screens show.
FLAGS: dict[str, str] = {
    "leadership_significant_concern": "Leadership and management is a significant concern",
    "significant_leadership_change": "Significant change in leadership or governance",
    "performance_data_concern": "Performance data concern (including attendance and behaviour)",
    "cmo_visit_concerns": "Concerns identified through monitoring visits",
    "self_evaluation_concerns": "Concerns raised through the school's self-evaluation",
    "does_not_recognise_underperformance": "Does not recognise significant under-performance",
    "lacks_leadership_capacity": "Lacks the leadership capacity to improve",
    "at_risk_adverse_ofsted": "At risk of an adverse Ofsted report",
    "causing_particular_concern": "School causing particular concern",
    "improving_schools_programme": "On an Improving Schools Programme (RAYS, ISP, Ensuring Success)",
    "national_challenge": "National Challenge school",
    "finance_difficulty": "Financial difficulty (no balanced budget, large deficit or surplus)",
    "finance_impropriety_investigation": "Investigation of financial impropriety",
    "finance_personnel_difficulties": "Personnel difficulties affecting the budget",
    "finance_building_issues": "Significant maintenance or building issues",
    "finance_fluctuating_rolls": "Significantly affected by fluctuating pupil rolls",
    "finance_improvement_notice": "Subject to an Improvement Notice",
    "finance_internal_audit_issues": "Issues raised by internal auditors",
    "finance_budget_monitoring": "Budget monitoring indicates potential difficulties",
}


class SnapshotError(ValueError):
    """Invalid snapshot input, naming the school and the field."""

    def __init__(self, school: str, field: str, message: str) -> None:
        self.school = school
        self.field = field
        self.message = message
        super().__init__(f"School {school}: field {field!r}: {message}")


@dataclass(frozen=True, slots=True)
class Trust:
    name: str
    # Whether the trust is based in the authority's area (Coventry: "a Coventry-based MAT").
    is_local: bool | None


@dataclass(frozen=True, slots=True)
class Inspection:
    """One inspection. Satisfies frameworks.InspectionLike."""

    era: str
    inspection_type: str
    start_date: date
    judgements: Mapping[str, str]
    end_date: date | None = None
    publication_date: date | None = None
    category_of_concern: str | None = None
    # The URN inspected: differs from the school's own for a predecessor's inspections.
    urn: str | None = None


@dataclass(frozen=True, slots=True)
class Intervention:
    type: str
    status: str
    opened: date | None = None
    closed: date | None = None


@dataclass(frozen=True, slots=True)
class Event:
    kind: str
    date: date
    detail: str = ""


@dataclass(frozen=True, slots=True)
class AdditionalVisits:
    """Visits agreed beyond the default allocation, with who agreed them, when and why."""

    count: int
    reason: str
    agreed_by: str
    agreed_on: date


@dataclass(frozen=True, slots=True)
class Snapshot:
    urn: str
    name: str
    phase: str
    governance: str
    establishment_type: str = ""
    trust: Trust | None = None
    la_category: int | None = None
    headteacher_start_date: date | None = None
    inspections: tuple[Inspection, ...] = ()
    flags: frozenset[str] | None = None
    open_concerns: int | None = None
    interventions: tuple[Intervention, ...] = ()
    kent_support_level: str | None = None
    new_improvement_partner: bool | None = None
    events: tuple[Event, ...] = ()
    predecessor_urn: str | None = None
    additional_visits: tuple[AdditionalVisits, ...] = field(default=())
    # Derived once here rather than at every evaluation (predicates.Context): the inspections
    # newest first (by start date, then publication date, so that the order never depends on
    # the input's), and the full ones among them.
    newest_first: tuple[Inspection, ...] = field(init=False, repr=False, compare=False)
    full_newest_first: tuple[Inspection, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        newest_first = tuple(sorted(self.inspections, key=_recency, reverse=True))
        object.__setattr__(self, "newest_first", newest_first)
        object.__setattr__(self, "full_newest_first", tuple(
            i for i in newest_first if i.inspection_type == frameworks.FULL))

    @classmethod
    def from_dict(cls, data: Any) -> Snapshot:
        return _SnapshotReader(data).read()

    def to_dict(self) -> dict[str, Any]:
        """The JSON form accepted by from_dict (round-trips)."""
        return {
            "urn": self.urn,
            "name": self.name,
            "phase": self.phase,
            "governance": self.governance,
            "establishment_type": self.establishment_type,
            "trust": None
            if self.trust is None
            else {"name": self.trust.name, "is_local": self.trust.is_local},
            "la_category": self.la_category,
            "headteacher_start_date": _iso(self.headteacher_start_date),
            "predecessor_urn": self.predecessor_urn,
            "inspections": [
                {
                    "urn": i.urn,
                    "era": i.era,
                    "inspection_type": i.inspection_type,
                    "start_date": i.start_date.isoformat(),
                    "end_date": _iso(i.end_date),
                    "publication_date": _iso(i.publication_date),
                    "judgements": dict(i.judgements),
                    "category_of_concern": i.category_of_concern,
                }
                for i in self.inspections
            ],
            "flags": None if self.flags is None else sorted(self.flags),
            "open_concerns": self.open_concerns,
            "interventions": [
                {
                    "type": p.type,
                    "status": p.status,
                    "opened": _iso(p.opened),
                    "closed": _iso(p.closed),
                }
                for p in self.interventions
            ],
            "kent_support_level": self.kent_support_level,
            "new_improvement_partner": self.new_improvement_partner,
            "events": [
                {"kind": e.kind, "date": e.date.isoformat(), "detail": e.detail}
                for e in self.events
            ],
            "additional_visits": [
                {
                    "count": v.count,
                    "reason": v.reason,
                    "agreed_by": v.agreed_by,
                    "agreed_on": v.agreed_on.isoformat(),
                }
                for v in self.additional_visits
            ],
        }


def _recency(inspection: Inspection) -> tuple[date, date]:
    return (inspection.start_date, inspection.publication_date or inspection.start_date)


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


_MISSING = object()


class _SnapshotReader:
    """Reads one JSON object into a Snapshot, turning every problem into a SnapshotError."""

    def __init__(self, data: Any) -> None:
        self.data = data
        self.school = "(unknown school)"

    def fail(self, path: str, message: str) -> SnapshotError:
        return SnapshotError(self.school, path, message)

    def read(self) -> Snapshot:
        data = self.data
        if not isinstance(data, Mapping):
            raise self.fail("(snapshot)", "must be a JSON object")
        if isinstance(data.get("urn"), str) and data["urn"]:
            self.school = data["urn"]
        elif isinstance(data.get("name"), str) and data["name"]:
            self.school = data["name"]
        known = {f.name for f in fields(Snapshot) if f.init}
        unknown = sorted(set(data) - known)
        if unknown:
            raise self.fail(unknown[0], "is not a snapshot field")
        urn = self.urn(data, "urn", required=True)
        assert urn is not None  # required=True guarantees a value; narrows the type
        return Snapshot(
            urn=urn,
            name=self.text(data, "name", required=True),
            phase=self.choice(data, "phase", PHASES, required=True),
            governance=self.choice(data, "governance", GOVERNANCE, required=True),
            establishment_type=self.text(data, "establishment_type"),
            trust=self.trust(data.get("trust")),
            la_category=self.la_category(data.get("la_category")),
            headteacher_start_date=self.date(data, "headteacher_start_date"),
            inspections=tuple(
                self.inspection(item, f"inspections[{n}]")
                for n, item in enumerate(self.items(data, "inspections"))
            ),
            flags=self.flags(data.get("flags", _MISSING)),
            open_concerns=self.count(data, "open_concerns"),
            interventions=tuple(
                self.intervention(item, f"interventions[{n}]")
                for n, item in enumerate(self.items(data, "interventions"))
            ),
            kent_support_level=self.choice(data, "kent_support_level", KENT_SUPPORT_LEVELS),
            new_improvement_partner=self.boolean(data, "new_improvement_partner"),
            events=tuple(
                self.event(item, f"events[{n}]")
                for n, item in enumerate(self.items(data, "events"))
            ),
            predecessor_urn=self.urn(data, "predecessor_urn"),
            additional_visits=tuple(
                self.additional_visits(item, f"additional_visits[{n}]")
                for n, item in enumerate(self.items(data, "additional_visits"))
            ),
        )

    # Scalars -----------------------------------------------------------------------------

    def text(self, obj: Mapping[str, Any], key: str, path: str = "", *, required=False) -> str:
        path = path or key
        value = obj.get(key)
        if value is None:
            if required:
                raise self.fail(path, "is required")
            return ""
        if not isinstance(value, str):
            raise self.fail(path, "must be a string")
        if required and not value.strip():
            raise self.fail(path, "must not be empty")
        return value

    def urn(self, obj: Mapping[str, Any], key: str, path: str = "", *, required=False):
        path = path or key
        value = obj.get(key)
        if value is None and not required:
            return None
        if not (isinstance(value, str) and len(value) == 6 and value.isdigit()):
            raise self.fail(path, "must be a URN of 6 digits, as a string")
        return value

    def choice(self, obj: Mapping[str, Any], key: str, allowed, path: str = "", *, required=False):
        path = path or key
        value = obj.get(key)
        if value is None:
            if required:
                raise self.fail(path, f"is required (one of: {', '.join(allowed)})")
            return None
        if value not in allowed:
            raise self.fail(path, f"{value!r} is not one of: {', '.join(allowed)}")
        return value

    def date(self, obj: Mapping[str, Any], key: str, path: str = "", *, required=False):
        path = path or key
        value = obj.get(key)
        if value is None:
            if required:
                raise self.fail(path, "is required (a date, YYYY-MM-DD)")
            return None
        if isinstance(value, date):
            return value
        if not isinstance(value, str):
            raise self.fail(path, "must be a date string, YYYY-MM-DD")
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise self.fail(path, f"{value!r} is not a date (YYYY-MM-DD)") from None

    def boolean(self, obj: Mapping[str, Any], key: str, path: str = "") -> bool | None:
        value = obj.get(key)
        if value is None or isinstance(value, bool):
            return value
        raise self.fail(path or key, "must be true, false or null")

    def count(self, obj: Mapping[str, Any], key: str, path: str = "", *, required=False):
        path = path or key
        value = obj.get(key)
        if value is None:
            if required:
                raise self.fail(path, "is required (a whole number)")
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise self.fail(path, "must be a whole number, 0 or more")
        return value

    def items(self, obj: Mapping[str, Any], key: str) -> list[Any]:
        value = obj.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.fail(key, "must be a list")
        return value

    def mapping(self, value: Any, path: str, allowed_keys) -> Mapping[str, Any]:
        if not isinstance(value, Mapping):
            raise self.fail(path, "must be an object")
        unknown = sorted(set(value) - set(allowed_keys))
        if unknown:
            raise self.fail(f"{path}.{unknown[0]}", "is not a known field")
        return value

    # Structures --------------------------------------------------------------------------

    def la_category(self, value: Any) -> int | None:
        if value is None:
            return None
        if isinstance(value, bool) or value not in (1, 2, 3, 4):
            raise self.fail("la_category", "must be 1, 2, 3, 4 or null")
        return value

    def trust(self, value: Any) -> Trust | None:
        if value is None:
            return None
        obj = self.mapping(value, "trust", ("name", "is_local"))
        return Trust(
            name=self.text(obj, "name", "trust.name", required=True),
            is_local=self.boolean(obj, "is_local", "trust.is_local"),
        )

    def flags(self, value: Any) -> frozenset[str] | None:
        if value is _MISSING or value is None:
            return None
        if not isinstance(value, list):
            raise self.fail("flags", "must be a list of flag keys")
        for n, key in enumerate(value):
            if key not in FLAGS:
                raise self.fail(f"flags[{n}]", f"{key!r} is not a known flag")
        return frozenset(value)

    def inspection(self, value: Any, path: str) -> Inspection:
        obj = self.mapping(value, path, Inspection.__dataclass_fields__)
        start = self.date(obj, "start_date", f"{path}.start_date", required=True)
        era_key = obj.get("era")
        if era_key is None:
            era = frameworks.era_for_date(start)
            if era is None:
                raise self.fail(f"{path}.start_date", "is before September 2005 (no framework)")
        else:
            era = frameworks.ERAS_BY_KEY.get(era_key)
            if era is None:
                allowed = ", ".join(frameworks.ERAS_BY_KEY)
                raise self.fail(f"{path}.era", f"{era_key!r} is not one of: {allowed}")
            if not era.covers(start):
                raise self.fail(
                    f"{path}.era",
                    f"{era.name} does not cover an inspection starting {start.isoformat()}",
                )
        judgements = obj.get("judgements") or {}
        if not isinstance(judgements, Mapping) or not all(
            isinstance(v, str) for v in judgements.values()
        ):
            raise self.fail(f"{path}.judgements", "must be an object of area: grade strings")
        errors = frameworks.judgement_errors(era.key, judgements)
        if errors:
            area, message = next(iter(errors.items()))
            raise self.fail(f"{path}.judgements.{area}", message)
        end = self.date(obj, "end_date", f"{path}.end_date")
        if end is not None and end < start:
            raise self.fail(f"{path}.end_date", "is before the start date")
        published = self.date(obj, "publication_date", f"{path}.publication_date")
        if published is not None and published < start:
            raise self.fail(f"{path}.publication_date", "is before the start date")
        return Inspection(
            era=era.key,
            inspection_type=self.choice(
                obj, "inspection_type", INSPECTION_TYPES, f"{path}.inspection_type", required=True
            ),
            start_date=start,
            end_date=end,
            publication_date=published,
            judgements=dict(judgements),
            category_of_concern=self.choice(
                obj, "category_of_concern", CATEGORIES_OF_CONCERN, f"{path}.category_of_concern"
            ),
            urn=self.urn(obj, "urn", f"{path}.urn"),
        )

    def intervention(self, value: Any, path: str) -> Intervention:
        obj = self.mapping(value, path, Intervention.__dataclass_fields__)
        return Intervention(
            type=self.choice(obj, "type", tuple(INTERVENTION_TYPES), f"{path}.type", required=True),
            status=self.choice(obj, "status", INTERVENTION_STATUSES, f"{path}.status",
                               required=True),
            opened=self.date(obj, "opened", f"{path}.opened"),
            closed=self.date(obj, "closed", f"{path}.closed"),
        )

    def event(self, value: Any, path: str) -> Event:
        obj = self.mapping(value, path, Event.__dataclass_fields__)
        return Event(
            kind=self.choice(obj, "kind", EVENT_KINDS, f"{path}.kind", required=True),
            date=self.date(obj, "date", f"{path}.date", required=True),
            detail=self.text(obj, "detail", f"{path}.detail"),
        )

    def additional_visits(self, value: Any, path: str) -> AdditionalVisits:
        obj = self.mapping(value, path, AdditionalVisits.__dataclass_fields__)
        count = self.count(obj, "count", f"{path}.count", required=True)
        if count == 0:
            raise self.fail(f"{path}.count", "must be at least 1")
        return AdditionalVisits(
            count=count,
            reason=self.text(obj, "reason", f"{path}.reason", required=True),
            agreed_by=self.text(obj, "agreed_by", f"{path}.agreed_by", required=True),
            agreed_on=self.date(obj, "agreed_on", f"{path}.agreed_on", required=True),
        )
