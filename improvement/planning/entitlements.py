"""Which decisions of the policy packs call for visits, and how many (pure, no database).

A `count` decision (Coventry's "CMO visits this academic year") calls for that many visits of
kind "visit", spread over the terms. A `schedule` decision (Kent's visit calendar) calls for
one visit per listed visit item, in the half-terms its dates cover (a schedule that cannot be
fully decided lists its items, those whose condition is not decided with "applies": null;
the others are planned and the undecided ones reported). An active override of the
decision (a whole number) replaces the computed count. Decisions that are not decided call
for nothing: the plan page lists those schools so that someone sets the entitlement.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from improvement.planning.planner import VisitNeed
from improvement.policy.calendar import AcademicCalendar

# Decision key -> the visit kind its count is for.
COUNT_DECISIONS: dict[str, str] = {"coventry.visit_entitlement": "visit"}
# Decision key -> the schedule items that are visits to the school (the rest are meetings,
# advice to governors and the like, which are not planned as visits).
SCHEDULE_DECISIONS: dict[str, frozenset[str]] = {
    "kent.visit_calendar": frozenset({"familiarisation", "autumn", "spring", "summer"}),
}
VISIT_DECISION_KEYS = frozenset(COUNT_DECISIONS) | frozenset(SCHEDULE_DECISIONS)


def _as_count(value: Any) -> int | None:
    try:
        count = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return count if 0 <= count <= 20 else None


def _half_terms_between(calendar: AcademicCalendar, year: str, start: Any, end: Any) -> tuple[int, ...]:
    try:
        first = date.fromisoformat(start) if start else None
        last = date.fromisoformat(end) if end else None
    except (TypeError, ValueError):
        return ()
    return tuple(
        h.number for h in calendar.half_terms(year)
        if (first is None or h.end >= first) and (last is None or h.start <= last)
    )


def needs_for_school(
    *,
    school_id: int,
    decisions: Iterable[Any],
    overrides: Mapping[str, Any],
    calendar: AcademicCalendar,
    academic_year: str,
) -> tuple[list[VisitNeed], list[str]]:
    """The school's visit needs, and the labels of visit decisions that decided nothing."""
    needs: list[VisitNeed] = []
    undecided: list[str] = []
    for decision in decisions:
        if decision.key not in VISIT_DECISION_KEYS:
            continue
        override = overrides.get(decision.key)
        if decision.key in COUNT_DECISIONS:
            count = _as_count(override.value) if override is not None else None
            if count is None and decision.status == "decided":
                count = _as_count(decision.value)
            if count is None:
                undecided.append(decision.label)
            elif count:
                needs.append(VisitNeed(school_id, COUNT_DECISIONS[decision.key], "Visit", count))
            continue
        # A schedule that cannot be fully decided still lists the items it knows hold (Kent's
        # autumn, spring and summer visits hold for every school; the familiarisation visit waits
        # for the "new improvement partner" fact). Plan those; re-running adds the rest later.
        if decision.status not in ("decided", "cannot_decide") or not isinstance(decision.value, list):
            undecided.append(decision.label)
            continue
        for item in decision.value:
            if not isinstance(item, Mapping) or item.get("key") not in SCHEDULE_DECISIONS[decision.key]:
                continue
            if "applies" in item and item["applies"] is None:  # its condition cannot be decided yet
                undecided.append(f"{decision.label}: {item.get('label') or item['key']}")
                continue
            half_terms = _half_terms_between(calendar, academic_year, item.get("from"), item.get("to"))
            needs.append(VisitNeed(school_id, str(item["key"]), str(item.get("label") or item["key"])[:200],
                                   1, half_terms))
    return needs, undecided


def ofsted_window_opening(decisions: Iterable[Any], first_day: date, last_day: date) -> date | None:
    """When the school's Ofsted window opens, if it opens between the two dates (any pack's
    `*.ofsted_window` decision with a `from` date)."""
    for decision in decisions:
        if not decision.key.endswith("ofsted_window") or decision.status != "decided":
            continue
        value = decision.value if isinstance(decision.value, Mapping) else {}
        try:
            opens = date.fromisoformat(value.get("from") or "")
        except (TypeError, ValueError):
            continue
        if first_day <= opens <= last_day:
            return opens
    return None
