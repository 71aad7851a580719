"""Formatting planned visits for pages: the diary's month grid."""

from __future__ import annotations

import calendar as stdlib_calendar
from dataclasses import dataclass
from datetime import date

from improvement.planning.models import PlannedVisit


@dataclass
class DiaryDay:
    day: date
    in_month: bool
    visits: list[PlannedVisit]


def month_grid(month: date, visits: list[PlannedVisit]) -> list[list[DiaryDay]]:
    """Weeks of the month, Monday to Friday (no visit falls at a weekend), each day's visits."""
    by_day: dict[date, list[PlannedVisit]] = {}
    for visit in visits:
        by_day.setdefault(visit.date, []).append(visit)
    weeks = stdlib_calendar.Calendar(firstweekday=0).monthdatescalendar(month.year, month.month)
    return [[DiaryDay(d, d.month == month.month, by_day.get(d, [])) for d in week[:5]] for week in weeks]


def parse_month(value: str, default: date) -> date:
    """'2026-03' -> 1 March 2026; anything else -> the default month."""
    try:
        year, month = (int(part) for part in value.split("-"))
        return date(year, month, 1)
    except (ValueError, TypeError):
        return default.replace(day=1)


def add_months(month: date, count: int) -> date:
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)
