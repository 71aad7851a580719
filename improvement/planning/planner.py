"""The yearly visit planner: a pure function, no database.

Input: what each school is entitled to this year (visit needs: how many visits of which kind,
each with the half-terms it belongs in), the academic calendar, each school's officer and each
officer's capacity (maximum visits a week), and the visits already planned. Output: a proposed
date for every entitled visit that is not planned yet.

Rules
- A visit is identified by (school, kind, sequence): the planner proposes only the visits whose
  identity is not already planned (whatever their status, cancelled included), so re-running
  it never duplicates, and an entitlement that grows during the year (an extra visit agreed)
  adds exactly the new visits.
- A proposed date is a school day (a weekday inside a half-term that is not a bank holiday),
  never before `not_before`, inside the academic year.
- A kind's visits go in their half-terms (Kent: familiarisation in term 1, autumn in term 2,
  spring in 3 or 4, summer in 5 or 6). Visits of a kind with no half-terms (Coventry's 1 to 3
  visits) are spread across the terms: one visit in the autumn term, two in autumn and spring,
  three in each term, and so on.
- Within its window a visit goes near a preferred day that spreads the authority's schools
  evenly through the window; the nearest day whose week still has room in the officer's
  capacity wins. When the target half-terms are full (or past), the rest of the year is tried
  and the proposal says it is outside its target.
- A school never gets two visits in the same week. Visits that cannot be placed are returned
  with the reason, never silently dropped.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from improvement.policy.calendar import AcademicCalendar, HalfTerm

# Spreads schools through a window: successive multiples of the golden ratio's fraction fill
# [0, 1) evenly whatever the number of schools (the first school goes mid-window).
_GOLDEN = 0.6180339887498949


@dataclass(frozen=True, slots=True)
class VisitNeed:
    """`count` visits of one kind that a school is entitled to this year."""

    school_id: int
    kind: str
    label: str
    count: int = 1
    half_terms: tuple[int, ...] = ()  # allowed half-terms 1-6; empty: spread over the year


@dataclass(frozen=True, slots=True)
class PlannedSlot:
    """A visit already planned (any status): it counts towards capacity unless cancelled."""

    school_id: int
    kind: str
    sequence: int
    day: date
    officer_id: int | None
    cancelled: bool = False


@dataclass(frozen=True, slots=True)
class Proposal:
    school_id: int
    kind: str
    sequence: int
    label: str
    day: date
    target_half_term: int  # the half-term the visit is planned for (1-6)
    officer_id: int | None
    outside_target: bool = False


@dataclass(frozen=True, slots=True)
class Unplaced:
    school_id: int
    kind: str
    sequence: int
    label: str
    reason: str


@dataclass(frozen=True, slots=True)
class Plan:
    proposals: tuple[Proposal, ...]
    unplaced: tuple[Unplaced, ...]


def week_of(day: date) -> date:
    """The Monday of the day's week: capacity is counted per officer per week."""
    return day - timedelta(days=day.weekday())


def spread_half_terms(sequence: int, count: int) -> tuple[int, ...]:
    """The half-terms of the term that visit `sequence` (1-based) of `count` goes in."""
    term = min(2, (sequence - 1) * 3 // count)
    return (term * 2 + 1, term * 2 + 2)


def _school_days(calendar: AcademicCalendar, half_terms: Iterable[HalfTerm], not_before: date) -> list[date]:
    days = []
    for half_term in half_terms:
        day = max(half_term.start, not_before)
        while day <= half_term.end:
            if calendar.is_school_day(day):
                days.append(day)
            day += timedelta(days=1)
    return days


class _Load:
    """Visits per officer per week and weeks per school: what capacity checks read."""

    def __init__(self, capacity: Mapping[int, int], default_capacity: int) -> None:
        self.capacity = capacity
        self.default_capacity = default_capacity
        self.officer_weeks: dict[tuple[int, date], int] = defaultdict(int)
        self.school_weeks: set[tuple[int, date]] = set()

    def add(self, school_id: int, officer_id: int | None, day: date) -> None:
        week = week_of(day)
        self.school_weeks.add((school_id, week))
        if officer_id is not None:
            self.officer_weeks[(officer_id, week)] += 1

    def fits(self, school_id: int, officer_id: int | None, day: date) -> bool:
        week = week_of(day)
        if (school_id, week) in self.school_weeks:
            return False
        if officer_id is None:
            return True
        limit = self.capacity.get(officer_id, self.default_capacity)
        return self.officer_weeks[(officer_id, week)] < limit


def _nearest_fitting(days: list[date], preferred: int, fits) -> date | None:
    """The day nearest to days[preferred] that fits, looking alternately later and earlier."""
    for offset in range(len(days)):
        for index in (preferred + offset, preferred - offset) if offset else (preferred,):
            if 0 <= index < len(days) and fits(days[index]):
                return days[index]
    return None


def plan_year(
    *,
    academic_year: str,
    needs: Iterable[VisitNeed],
    calendar: AcademicCalendar,
    officer_of: Mapping[int, int | None],
    existing: Iterable[PlannedSlot] = (),
    capacity: Mapping[int, int] | None = None,
    default_capacity: int = 5,
    not_before: date | None = None,
) -> Plan:
    """Propose a date for every entitled visit not yet planned (see the module docstring)."""
    if default_capacity < 1 or any(c < 0 for c in (capacity or {}).values()):
        raise ValueError("Capacity is a number of visits a week: at least 1 by default, never negative.")
    half_terms = calendar.half_terms(academic_year)
    start = not_before or half_terms[0].start
    load = _Load(capacity or {}, default_capacity)
    taken: set[tuple[int, str, int]] = set()
    for slot in existing:
        taken.add((slot.school_id, slot.kind, slot.sequence))
        if not slot.cancelled:
            load.add(slot.school_id, slot.officer_id, slot.day)

    # Expand needs into visits; the narrowest windows are placed first so that flexible visits
    # do not take the only days a constrained one could have.
    wanted = []
    for need in needs:
        for sequence in range(1, need.count + 1):
            if (need.school_id, need.kind, sequence) in taken:
                continue
            targets = need.half_terms or spread_half_terms(sequence, need.count)
            wanted.append((len(targets), min(targets), need.school_id, need.kind, sequence, need.label, targets))
    wanted.sort()

    days_cache: dict[tuple[int, ...], list[date]] = {}

    def days_in(numbers: tuple[int, ...]) -> list[date]:
        if numbers not in days_cache:
            days_cache[numbers] = _school_days(calendar, [half_terms[n - 1] for n in numbers], start)
        return days_cache[numbers]

    whole_year = tuple(range(1, len(half_terms) + 1))
    school_rank: dict[int, int] = {}
    proposals: list[Proposal] = []
    unplaced: list[Unplaced] = []
    for _, _, school_id, kind, sequence, label, targets in wanted:
        officer_id = officer_of.get(school_id)
        rank = school_rank.setdefault(school_id, len(school_rank))

        def fits(day: date, school_id: int = school_id, officer_id: int | None = officer_id) -> bool:
            return load.fits(school_id, officer_id, day)

        chosen, outside = None, False
        for window, is_outside in ((targets, False), (whole_year, True)):
            days = days_in(window)
            if not days:
                continue
            preferred = int(((rank * _GOLDEN + 0.5) % 1.0) * len(days))
            chosen = _nearest_fitting(days, preferred, fits)
            if chosen is not None:
                outside = is_outside
                break
        if chosen is None:
            reason = ("no school days are left this year" if not days_in(whole_year)
                      else "the officer has no capacity left in any week of the year")
            unplaced.append(Unplaced(school_id, kind, sequence, label, reason))
            continue
        load.add(school_id, officer_id, chosen)
        target = calendar.half_term_containing(chosen)
        proposals.append(Proposal(
            school_id=school_id, kind=kind, sequence=sequence, label=label, day=chosen,
            target_half_term=target.number if target else targets[0], officer_id=officer_id,
            outside_target=outside,
        ))
    proposals.sort(key=lambda p: (p.day, p.school_id, p.kind, p.sequence))
    return Plan(tuple(proposals), tuple(unplaced))


def entitled_half_terms(needs: Iterable[VisitNeed]) -> list[tuple[int, str, int, int]]:
    """(school, kind, sequence, half-term) for every entitled visit: the first half-term it may
    go in. Coverage counts entitlement by term with the same spreading rule as the planner."""
    slots = []
    for need in needs:
        for sequence in range(1, need.count + 1):
            targets = need.half_terms or spread_half_terms(sequence, need.count)
            slots.append((need.school_id, need.kind, sequence, min(targets)))
    return slots
