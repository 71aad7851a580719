"""The named vocabulary of facts that policy packs may test, written in Python.

A pack refers to a predicate by name with simple literal arguments, e.g.
`headteacher_in_first_years(2)` or `phase_is("primary", "middle")`; packs.py checks names,
argument counts, types and allowed values when it loads the pack, so nothing from a file is
ever executed. Every predicate answers with a `Fact`: value True, False or None ("cannot
decide"), a reason sentence, and the names of the missing facts when the value is None.

Everything is read "as of" a date: inspections, events and interventions after that date
are ignored, so re-running an evaluation for a past date gives the answer of that date.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import date
from operator import attrgetter
from typing import Any, NamedTuple

from improvement.policy import frameworks
from improvement.policy.calendar import add_months
from improvement.policy.snapshot import (
    FLAGS,
    GOVERNANCE,
    INTERVENTION_TYPES,
    KENT_SUPPORT_LEVELS,
    PHASES,
    Inspection,
    Snapshot,
)


class Fact(NamedTuple):
    """A predicate's answer. `text` is the reason sentence, or a function that writes it:
    sentences are only formatted when someone reads them, which keeps evaluating thousands
    of schools fast (most portfolio views show values, not reasons)."""

    value: bool | None
    text: str | Callable[[], str]
    missing: tuple[str, ...] = ()

    @property
    def reason(self) -> str:
        text = self.text
        return text if isinstance(text, str) else text()


_MONTHS = ("", "January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")


def long_date(day: date) -> str:
    """"2 September 2024" (strftime is several times slower, and this runs per reason)."""
    return f"{day.day} {_MONTHS[day.month]} {day.year}"


class Context:
    """One snapshot read as of one date, with derived facts computed once and a cache of
    predicate answers shared by every rule (and every pack) evaluated on it."""

    __slots__ = (
        "snapshot",
        "as_of",
        "cache",
        "inspections",
        "full_inspections",
        "latest_full",
        "previous_full",
        "latest_any",
    )

    def __init__(self, snapshot: Snapshot, as_of: date) -> None:
        self.snapshot = snapshot
        self.as_of = as_of
        # Predicate answers by leaf key (rules.Leaf) and derived facts by tuple key.
        self.cache: dict[Any, Any] = {}
        # The snapshot keeps its inspections newest first, so reading them as of a date is a
        # filter, and usually not even that: every inspection is before the date.
        known = snapshot.newest_first
        full = snapshot.full_newest_first
        if known and known[0].start_date > as_of:
            known = tuple(i for i in known if i.start_date <= as_of)
            full = tuple(i for i in full if i.start_date <= as_of)
        self.inspections: tuple[Inspection, ...] = known
        self.full_inspections = full
        self.latest_full = full[0] if full else None
        self.previous_full = full[1] if len(full) > 1 else None
        self.latest_any = known[0] if known else None


@dataclass(frozen=True, slots=True)
class Param:
    kind: type
    choices: tuple[Any, ...] | None = None


@dataclass(frozen=True, slots=True)
class Predicate:
    name: str
    function: Callable[..., Fact]
    params: tuple[Param, ...]
    # When set, the last parameter may repeat (at least once): phase_is("primary", "middle").
    variadic: bool
    doc: str
    # See `predicate`: what the answer depends on, for answers shared between schools.
    inputs: Callable[..., Hashable] | None = None

    def signature(self) -> str:
        names = [p.kind.__name__ for p in self.params]
        if self.variadic:
            names[-1] += ", ..."
        return f"{self.name}({', '.join(names)})"

    def check_args(self, args: tuple[Any, ...]) -> str | None:
        """An error message if `args` do not fit this predicate, else None."""
        fixed = len(self.params) - (1 if self.variadic else 0)
        if len(args) < len(self.params) or (not self.variadic and len(args) > fixed):
            return f"{self.signature()} takes {'at least ' if self.variadic else ''}" \
                   f"{len(self.params)} argument(s), got {len(args)}"
        for n, arg in enumerate(args):
            param = self.params[min(n, len(self.params) - 1)]
            if type(arg) is not param.kind:
                return f"{self.signature()}: argument {n + 1} must be {param.kind.__name__}"
            if param.choices is not None and arg not in param.choices:
                return f"{self.signature()}: {arg!r} is not one of: " + ", ".join(
                    map(str, param.choices)
                )
        return None


PREDICATES: dict[str, Predicate] = {}


def predicate(*params: Param, variadic: bool = False,
              inputs: Callable[..., Hashable] | None = None):
    """Register a predicate under its function name (without the leading underscore).

    `inputs(snapshot)` is for predicates that read only a few fields of the school record
    (not its inspections, events or the as-of date): it returns those fields, and the
    predicate's answer, sentence included, must depend on nothing else (given its
    arguments). Schools with the same inputs then share one answer (rules.Leaf), so a
    portfolio of 25,000 schools asks `phase_is("primary")` once per phase, not per school.
    """

    def register(function: Callable[..., Fact]) -> Callable[..., Fact]:
        name = function.__name__.lstrip("_")
        PREDICATES[name] = Predicate(
            name, function, params, variadic, (function.__doc__ or "").strip(), inputs
        )
        return function

    return register


ERA_KEYS = tuple(frameworks.ERAS_BY_KEY)
GRADE_KEYS = tuple(
    dict.fromkeys(g.key for era in frameworks.ERAS for a in era.areas for g in a.scale.grades)
)
AREA_KEYS = tuple(dict.fromkeys(a.key for era in frameworks.ERAS for a in era.areas))
CATEGORY_KEYS = tuple(key for key, _ in frameworks.ALL_CATEGORIES)

# School ------------------------------------------------------------------------------------


@predicate(Param(str, PHASES), variadic=True, inputs=attrgetter("phase"))
def _phase_is(ctx: Context, *phases: str) -> Fact:
    """The school's phase is one of those given."""
    phase = ctx.snapshot.phase
    verdict = "is" if phase in phases else "is not"
    return Fact(phase in phases, lambda: f"Phase {phase.replace('_', ' ')} {verdict} "
                                 f"{' or '.join(p.replace('_', ' ') for p in phases)}.")


@predicate(Param(str, GOVERNANCE), variadic=True, inputs=attrgetter("governance"))
def _governance_is(ctx: Context, *kinds: str) -> Fact:
    """The school's governance (la_maintained, academy, free_school, other) is one given."""
    kind = ctx.snapshot.governance
    verdict = "is" if kind in kinds else "is not"
    return Fact(kind in kinds, lambda: f"Governance {kind.replace('_', ' ')} {verdict} "
                               f"{' or '.join(k.replace('_', ' ') for k in kinds)}.")


@predicate(inputs=attrgetter("phase", "governance"))
def _is_maintained_nursery(ctx: Context) -> Fact:
    """An LA-maintained nursery school."""
    value = ctx.snapshot.phase == "nursery" and ctx.snapshot.governance == "la_maintained"
    return Fact(value, "Maintained nursery school." if value else "Not a maintained nursery school.")


@predicate(Param(int, (1, 2, 3, 4)), inputs=attrgetter("la_category"))
def _la_category_is(ctx: Context, category: int) -> Fact:
    """The LA's recorded categorisation (1 to 4) equals the one given."""
    recorded = ctx.snapshot.la_category
    if recorded is None:
        return Fact(None, "The LA category is not recorded.", ("la_category",))
    return Fact(recorded == category, lambda: f"LA category {recorded}.")


@predicate(inputs=attrgetter("trust"))
def _in_local_trust(ctx: Context) -> Fact:
    """Part of a trust based in the authority's area (Coventry: "a Coventry-based MAT")."""
    trust = ctx.snapshot.trust
    if trust is None:
        return Fact(False, "Not part of a trust.")
    if trust.is_local is None:
        return Fact(None, lambda: f"Whether {trust.name} is based locally is not recorded.",
                    ("trust.is_local",))
    where = "is" if trust.is_local else "is not"
    return Fact(trust.is_local, lambda: f"Part of {trust.name}, which {where} based locally.")


@predicate(Param(int))
def _headteacher_in_first_years(ctx: Context, years: int) -> Fact:
    """Fewer than `years` full years between the headteacher's start date and the as-of
    date. On the anniversary itself the headteacher is no longer in those first years."""
    # Bound here so sentence formatters capture values, not the context (no cycles).
    as_of = ctx.as_of
    started = ctx.snapshot.headteacher_start_date
    if started is None:
        return Fact(None, "The headteacher's start date is not recorded.",
                    ("headteacher_start_date",))
    if started > ctx.as_of:
        return Fact(None, lambda: f"The recorded headteacher start date {long_date(started)} is after "
                          f"{long_date(as_of)}.", ("headteacher_start_date",))
    anniversary = add_months(started, 12 * years)
    if ctx.as_of < anniversary:
        return Fact(True, lambda: f"Headteacher since {long_date(started)}: in the first {years} "
                          f"year(s) of headship until {long_date(anniversary)}.")
    return Fact(False, lambda: f"Headteacher since {long_date(started)}: {years} full year(s) of "
                       f"headship completed on {long_date(anniversary)}.")


@predicate(Param(int))
def _headteacher_changed_within_months(ctx: Context, months: int) -> Fact:
    """A change of headteacher (event, or the current head's start date) in the `months`
    months up to the as-of date."""
    # Bound here so sentence formatters capture values, not the context (no cycles).
    as_of = ctx.as_of
    since = add_months(ctx.as_of, -months)
    changes = [e.date for e in ctx.snapshot.events
               if e.kind == "headteacher_change" and since < e.date <= as_of]
    started = ctx.snapshot.headteacher_start_date
    if started is not None and since < started <= ctx.as_of:
        changes.append(started)
    if changes:
        return Fact(True, lambda: f"Change of headteacher on {long_date(max(changes))}, within "
                          f"{months} months of {long_date(as_of)}.")
    if started is None:
        return Fact(None, "No change of headteacher is recorded, but neither is the "
                          "headteacher's start date.", ("headteacher_start_date",))
    return Fact(False, lambda: f"No change of headteacher in the {months} months to "
                       f"{long_date(as_of)}.")


@predicate(Param(str, tuple(FLAGS)), inputs=attrgetter("flags"))
def _flag(ctx: Context, key: str) -> Fact:
    """An officer-recorded flag is raised."""
    flags = ctx.snapshot.flags
    if flags is None:
        return Fact(None, "Officer-recorded flags were not provided.", ("flags",))
    if key in flags:
        return Fact(True, lambda: f"Officers recorded: {FLAGS[key]}.")
    return Fact(False, lambda: f"Not recorded by officers: {FLAGS[key].lower()}.")


@predicate(Param(int), inputs=attrgetter("open_concerns"))
def _open_concerns_at_least(ctx: Context, count: int) -> Fact:
    """At least `count` open concerns are recorded."""
    recorded = ctx.snapshot.open_concerns
    if recorded is None:
        return Fact(None, "The number of open concerns is not recorded.", ("open_concerns",))
    return Fact(recorded >= count, lambda: f"{recorded} open concern(s) recorded.")


def _processes(ctx: Context, kind: str, statuses: tuple[str, ...]) -> list:
    """Processes of a kind and current status that had started by the as-of date; an exit
    recorded after the as-of date has not happened yet."""
    as_of = ctx.as_of
    return [
        p for p in ctx.snapshot.interventions
        if p.type == kind and p.status in statuses
        and (p.opened is None or p.opened <= as_of)
        and not (p.status == "exited" and p.closed is not None and p.closed > as_of)
    ]


@predicate(Param(str, tuple(INTERVENTION_TYPES)))
def _intervention_open(ctx: Context, kind: str) -> Fact:
    """An intervention process of this type (sib, pci, warning_notice, ...) is open."""
    label = INTERVENTION_TYPES[kind]
    if _processes(ctx, kind, ("open",)):
        return Fact(True, lambda: f"{label} process open.")
    return Fact(False, lambda: f"No open {label} process.")


@predicate(Param(str, tuple(INTERVENTION_TYPES)))
def _intervention_exited(ctx: Context, kind: str) -> Fact:
    """The school successfully exited an intervention process of this type."""
    label = INTERVENTION_TYPES[kind]
    exited = _processes(ctx, kind, ("exited",))
    if exited:
        dates = [p.closed for p in exited if p.closed is not None]
        when = f" on {long_date(max(dates))}" if dates else ""
        return Fact(True, lambda: f"Exited the {label} process{when}.")
    return Fact(False, lambda: f"Has not exited a {label} process.")


@predicate(Param(str, KENT_SUPPORT_LEVELS), variadic=True,
           inputs=attrgetter("kent_support_level"))
def _kent_support_level_is(ctx: Context, *levels: str) -> Fact:
    """Kent's recorded support level (outreach, general, substantial, intensive)."""
    level = ctx.snapshot.kent_support_level
    if level is None:
        return Fact(None, "The Kent support level is not recorded.", ("kent_support_level",))
    return Fact(level in levels, lambda: f"Kent support level: {level}.")


@predicate(inputs=attrgetter("new_improvement_partner"))
def _new_improvement_partner(ctx: Context) -> Fact:
    """The school has a new improvement partner this year."""
    new = ctx.snapshot.new_improvement_partner
    if new is None:
        return Fact(None, "Whether the improvement partner is new is not recorded.",
                    ("new_improvement_partner",))
    return Fact(new, "New improvement partner." if new else "Same improvement partner.")


# Inspections -------------------------------------------------------------------------------


def _described(inspection: Inspection, own_urn: str) -> str:
    era = frameworks.ERAS_BY_KEY[inspection.era]
    own = inspection.urn is None or inspection.urn == own_urn
    whose = "" if own else f" of predecessor URN {inspection.urn}"
    return f"full inspection{whose} of {long_date(inspection.start_date)} ({era.name})"


def _overall(ctx: Context, inspection: Inspection | None, which: str) -> tuple:
    """(grade, None) or (None, Fact explaining why the overall grade cannot be read)."""
    key = ("overall", which)
    found = ctx.cache.get(key)
    if found is None:
        found = ctx.cache[key] = _read_overall(ctx, inspection, which)
    return found


def _read_overall(ctx: Context, inspection: Inspection | None, which: str) -> tuple:
    # Bound here so sentence formatters capture values, not the context (no cycles).
    urn = ctx.snapshot.urn
    if inspection is None:
        return None, Fact(False, lambda: f"No {which} full inspection is recorded.")
    era = frameworks.ERAS_BY_KEY[inspection.era]
    if not era.has_overall_grade:
        return None, Fact(None, lambda: f"Cannot be determined under this framework: the {which} "
                                f"{_described(inspection, urn)} gives no overall "
                                f"effectiveness grade.")
    grade = frameworks.overall_grade(inspection)
    if grade is None:
        return None, Fact(None, lambda: f"The overall effectiveness of the {which} "
                                f"{_described(inspection, urn)} is not recorded.",
                          (f"{which} full inspection: overall_effectiveness",))
    return grade, None


def _below_good(ctx: Context, inspection: Inspection | None, which: str) -> Fact:
    # Bound here so sentence formatters capture values, not the context (no cycles).
    urn = ctx.snapshot.urn
    grade, why_not = _overall(ctx, inspection, which)
    if grade is None:
        return why_not
    verdict = "below Good" if grade.below_good else "Good or better"
    return Fact(bool(grade.below_good), lambda: f"The {which} {_described(inspection, urn)} judged "
                                        f"overall effectiveness {grade.label}: {verdict}.")


@predicate()
def _has_full_inspection(ctx: Context) -> Fact:
    """At least one full (section 5 / graded) inspection is recorded."""
    # Bound here so sentence formatters capture values, not the context (no cycles).
    urn, latest_full = ctx.snapshot.urn, ctx.latest_full
    if ctx.latest_full is None:
        return Fact(False, "No full inspection is recorded.")
    return Fact(True, lambda: f"Latest {_described(latest_full, urn)}.")


@predicate(Param(int))
def _full_inspection_count_at_least(ctx: Context, count: int) -> Fact:
    """At least `count` full inspections (including a predecessor's) are recorded."""
    found = len(ctx.full_inspections)
    return Fact(found >= count, lambda: f"{found} full inspection(s) recorded.")


@predicate(Param(str, ERA_KEYS), variadic=True)
def _latest_full_inspection_era_is(ctx: Context, *eras: str) -> Fact:
    """The latest full inspection was under one of the given framework eras."""
    # Bound here so sentence formatters capture values, not the context (no cycles).
    urn = ctx.snapshot.urn
    latest = ctx.latest_full
    if latest is None:
        return Fact(False, "No full inspection is recorded.")
    return Fact(latest.era in eras, lambda: f"Latest {_described(latest, urn)}.")


@predicate()
def _latest_full_inspection_below_good(ctx: Context) -> Fact:
    """The latest full inspection's overall effectiveness is below Good. Cannot decide for
    frameworks without an overall grade (from 2 September 2024)."""
    return _below_good(ctx, ctx.latest_full, "latest")


@predicate()
def _previous_full_inspection_below_good(ctx: Context) -> Fact:
    """The full inspection before the latest was below Good overall. With only one full
    inspection the answer is False, unless the school has a predecessor URN whose
    inspections are missing from the snapshot (then: cannot decide)."""
    if ctx.previous_full is None and ctx.latest_full is not None:
        return _no_previous(ctx)
    return _below_good(ctx, ctx.previous_full, "previous")


def _no_previous(ctx: Context) -> Fact:
    predecessor = ctx.snapshot.predecessor_urn
    if predecessor and not any(i.urn == predecessor for i in ctx.snapshot.inspections):
        return Fact(None, lambda: f"Only one full inspection is recorded and the inspections of "
                          f"predecessor URN {predecessor} are not in the snapshot.",
                    (f"inspections of predecessor URN {predecessor}",))
    return Fact(False, "Only one full inspection is recorded: there is no previous one.")


_EIF_2024_KEY_AREAS = ("leadership_and_management", "quality_of_education")


def _below_good_or_equivalent(ctx: Context, inspection: Inspection | None, which: str) -> Fact:
    # Bound here so sentence formatters capture values, not the context (no cycles).
    urn = ctx.snapshot.urn
    if inspection is None or frameworks.ERAS_BY_KEY[inspection.era].has_overall_grade:
        return _below_good(ctx, inspection, which)
    if inspection.era == "eif-2024":
        # DfE's "stuck schools" convention for 2024/25 inspections: requires improvement (or
        # worse) in leadership and management and/or quality of education counts as RI.
        graded = [inspection.judgements.get(a) for a in _EIF_2024_KEY_AREAS]
        below = [a for a in _EIF_2024_KEY_AREAS
                 if inspection.judgements.get(a) in ("requires_improvement", "inadequate")]
        if below:
            return Fact(True, lambda: f"The {which} {_described(inspection, urn)} graded "
                              f"{' and '.join(a.replace('_', ' ') for a in below)} below Good: "
                              "equivalent to below Good.")
        if None in graded:
            return Fact(None, lambda: f"The {which} {_described(inspection, urn)} lacks the leadership "
                              "and quality of education grades needed for the equivalent.",
                        (f"{which} full inspection: leadership_and_management, "
                         "quality_of_education",))
        return Fact(False, lambda: f"The {which} {_described(inspection, urn)} graded leadership and "
                           "quality of education Good or better.")
    return Fact(None, lambda: f"Cannot be determined under this framework: no equivalent of 'below "
                      f"Good' is defined for the {which} {_described(inspection, urn)}.")


@predicate()
def _latest_full_inspection_below_good_or_equivalent(ctx: Context) -> Fact:
    """Below Good overall; for inspections from 2 September 2024 to 9 November 2025,
    leadership and management or quality of education below Good (the DfE's convention)."""
    return _below_good_or_equivalent(ctx, ctx.latest_full, "latest")


@predicate()
def _previous_full_inspection_below_good_or_equivalent(ctx: Context) -> Fact:
    """As latest_full_inspection_below_good_or_equivalent, for the inspection before."""
    if ctx.previous_full is None and ctx.latest_full is not None:
        return _no_previous(ctx)
    return _below_good_or_equivalent(ctx, ctx.previous_full, "previous")


@predicate(Param(str, GRADE_KEYS), variadic=True)
def _latest_full_inspection_overall_is(ctx: Context, *grades: str) -> Fact:
    """The latest full inspection's overall effectiveness is one of the given grades."""
    # Bound here so sentence formatters capture values, not the context (no cycles).
    urn, latest_full = ctx.snapshot.urn, ctx.latest_full
    grade, why_not = _overall(ctx, ctx.latest_full, "latest")
    if grade is None:
        return why_not
    return Fact(grade.key in grades, lambda: f"The latest {_described(latest_full, urn)} judged "
                                     f"overall effectiveness {grade.label}.")


def _judgement(ctx: Context, area_key: str) -> tuple:
    """(area, grade, None) or (None, None, Fact explaining why it cannot be read)."""
    # Bound here so sentence formatters capture values, not the context (no cycles).
    urn = ctx.snapshot.urn
    latest = ctx.latest_full
    if latest is None:
        return None, None, Fact(False, "No full inspection is recorded.")
    era = frameworks.ERAS_BY_KEY[latest.era]
    area = era.area(area_key)
    if area is None:
        return None, None, Fact(None, lambda: f"Cannot be determined under this framework: the "
                                      f"{era.name} framework has no "
                                      f"{area_key.replace('_', ' ')} judgement.")
    grade = area.scale.grade(latest.judgements.get(area_key, ""))
    if grade is None:
        return None, None, Fact(None, lambda: f"The {area.label.lower()} judgement of the latest "
                                      f"{_described(latest, urn)} is not recorded.",
                                (f"latest full inspection: {area_key}",))
    return area, grade, None


@predicate(Param(str, AREA_KEYS), Param(str, GRADE_KEYS), variadic=True)
def _latest_full_inspection_judgement_is(ctx: Context, area_key: str, *grades: str) -> Fact:
    """The latest full inspection graded an area (e.g. safeguarding) as one of the grades."""
    # Bound here so sentence formatters capture values, not the context (no cycles).
    urn, latest_full = ctx.snapshot.urn, ctx.latest_full
    area, grade, why_not = _judgement(ctx, area_key)
    if grade is None:
        return why_not
    return Fact(grade.key in grades, lambda: f"The latest {_described(latest_full, urn)} judged "
                                     f"{area.label.lower()} {grade.label}.")


@predicate(Param(str, AREA_KEYS))
def _latest_full_inspection_judgement_below_good(ctx: Context, area_key: str) -> Fact:
    """An area of the latest full inspection is graded below Good (four-point scales)."""
    # Bound here so sentence formatters capture values, not the context (no cycles).
    urn, latest_full = ctx.snapshot.urn, ctx.latest_full
    area, grade, why_not = _judgement(ctx, area_key)
    if grade is None:
        return why_not
    if grade.below_good is None:
        return Fact(None, lambda: f"Cannot be determined under this framework: {area.label.lower()} "
                          f"is graded {grade.label}, a scale without 'Good'.")
    verdict = "below Good" if grade.below_good else "Good or better"
    return Fact(grade.below_good, lambda: f"The latest {_described(latest_full, urn)} judged "
                                  f"{area.label.lower()} {grade.label}: {verdict}.")


@predicate(Param(str, GRADE_KEYS), Param(int))
def _latest_full_inspection_areas_graded(ctx: Context, grade_key: str, at_least: int) -> Fact:
    """At least `at_least` areas of the latest full inspection have this grade."""
    # Bound here so sentence formatters capture values, not the context (no cycles).
    urn = ctx.snapshot.urn
    latest = ctx.latest_full
    if latest is None:
        return Fact(False, "No full inspection is recorded.")
    era = frameworks.ERAS_BY_KEY[latest.era]
    if not any(area.scale.grade(grade_key) for area in era.areas):
        return Fact(None, lambda: f"Cannot be determined under this framework: the {era.name} "
                          f"framework has no '{grade_key.replace('_', ' ')}' grade.")
    matching = [a.label.lower() for a in era.areas if latest.judgements.get(a.key) == grade_key]
    label = grade_key.replace("_", " ")
    if len(matching) >= at_least:
        return Fact(True, lambda: f"The latest {_described(latest, urn)} graded {len(matching)} "
                          f"area(s) {label}: {', '.join(matching)}.")
    ungraded = [
        a.key for a in era.areas
        if not a.optional and a.key not in latest.judgements and a.scale.grade(grade_key)
    ]
    if len(matching) + len(ungraded) >= at_least:
        return Fact(None, lambda: f"The latest {_described(latest, urn)} has ungraded areas, so "
                          f"whether {at_least} are {label} is unknown.",
                    tuple(f"latest full inspection: {a}" for a in ungraded))
    return Fact(False, lambda: f"The latest {_described(latest, urn)} graded "
                       f"{len(matching)} area(s) {label}.")


@predicate(Param(str, CATEGORY_KEYS), variadic=True)
def _in_category_of_concern(ctx: Context, *categories: str) -> Fact:
    """The most recent inspection of any type records one of these categories of concern
    (the category stays until an inspection removes it)."""
    latest = ctx.latest_any
    if latest is None:
        return Fact(False, "No inspection is recorded.")
    label = dict(frameworks.ALL_CATEGORIES)
    category = latest.category_of_concern
    if category is None:
        return Fact(False, lambda: f"Not in a category of concern at the inspection of "
                                  f"{long_date(latest.start_date)}.")
    return Fact(category in categories, lambda: f"In the category '{label[category]}' since the "
                                        f"inspection of {long_date(latest.start_date)}.")


PREDICATE_NAMES = tuple(sorted(PREDICATES))
