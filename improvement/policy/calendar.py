"""The school year in England: academic years, terms, half-terms, bank holidays and school days.

An academic year runs from 1 September to 31 August and is named "2023/24". It has three
terms (autumn, spring, summer), each split into two half-terms, numbered 1 to 6 (Kent's
"terms 1 to 6" are these half-terms).

Dates come, in order of preference, from
1. an override mapping given to `AcademicCalendar` (a pack's `[term_dates]` or an
   authority's own dates),
2. a named transcription (`kent`: the Kent Improvement Partner handbook 2009/10, section 5,
   for 2009/10 and 2010/11),
3. the default England pattern, an approximation documented on `default_half_terms` and in
   docs/policy.md.

Bank holidays come from the `holidays` package for England (`subdiv="ENG"`, including the
substitute days). A school day is a weekday inside a half-term that is not a bank holiday;
a working day is any weekday that is not a bank holiday (used for "working weeks").
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache, lru_cache

TERM_NAMES = ("autumn", "spring", "summer")
_YEAR_NAME = re.compile(r"^(\d{4})/(\d{2})$")


@dataclass(frozen=True, slots=True)
class DateWindow:
    """An inclusive from-to range of dates; either end may be open (None)."""

    start: date | None
    end: date | None

    def to_dict(self) -> dict[str, str | None]:
        return {
            "from": None if self.start is None else self.start.isoformat(),
            "to": None if self.end is None else self.end.isoformat(),
        }


@dataclass(frozen=True, slots=True)
class HalfTerm:
    academic_year: str
    number: int  # 1 to 6
    start: date
    end: date

    @property
    def term(self) -> str:
        return TERM_NAMES[(self.number - 1) // 2]

    @property
    def label(self) -> str:
        return f"{self.term.capitalize()} {2 - self.number % 2} ({self.academic_year}, term {self.number})"

    def window(self) -> DateWindow:
        return DateWindow(self.start, self.end)


@lru_cache(maxsize=1024)  # asked per school and pack with a handful of as-of dates
def academic_year_of(day: date) -> str:
    """The academic year (1 September to 31 August) containing `day`, e.g. "2023/24"."""
    first = day.year if day.month >= 9 else day.year - 1
    return academic_year_name(first)


def academic_year_name(first_calendar_year: int) -> str:
    return f"{first_calendar_year}/{(first_calendar_year + 1) % 100:02d}"


def academic_year_start(name: str) -> int:
    """The calendar year in which academic year `name` starts; ValueError if malformed."""
    match = _YEAR_NAME.match(name)
    if not match or (int(match[1]) + 1) % 100 != int(match[2]):
        raise ValueError(f"{name!r} is not an academic year like 2023/24")
    return int(match[1])


def academic_year_bounds(name: str) -> tuple[date, date]:
    first = academic_year_start(name)
    return date(first, 9, 1), date(first + 1, 8, 31)


@cache
def _bank_holidays(year: int) -> frozenset[date]:
    # Imported here: `holidays` is large and most imports of this package never need it.
    import holidays

    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year))


def is_bank_holiday(day: date) -> bool:
    """England bank holidays, including substitute days (e.g. Monday 28 December 2026)."""
    return day in _bank_holidays(day.year)


def bank_holidays(year: int) -> list[date]:
    return sorted(_bank_holidays(year))


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and not is_bank_holiday(day)


def add_working_days(day: date, count: int) -> date:
    """The `count`th working day after `day` (`day` itself is not counted)."""
    current = day
    remaining = count
    while remaining > 0:
        current += timedelta(days=1)
        if is_working_day(current):
            remaining -= 1
    return current


@lru_cache(maxsize=4096)  # asked per school for as-of dates and start dates, both few
def add_months(day: date, months: int) -> date:
    """Same day of the month `months` later, clamped to the month's end (31 Jan + 1 = 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    next_month = date(year + (month == 12), month % 12 + 1, 1)
    return min(day.replace(year=year, month=month, day=1) + timedelta(days=day.day - 1),
               next_month - timedelta(days=1))


def weeks_after(day: date, earliest: int, latest: int) -> DateWindow:
    """ "4 to 6 weeks after" a date: calendar weeks, not school weeks, as Ofsted uses them."""
    return DateWindow(day + timedelta(weeks=earliest), day + timedelta(weeks=latest))


def by_31_december(day: date) -> date:
    """31 December of the academic year containing `day` (the autumn term's end of year)."""
    return date(academic_year_start(academic_year_of(day)), 12, 31)


# Default England pattern ---------------------------------------------------------------------


def _weekday_on_or_after(day: date, weekday: int) -> date:
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def _weekday_on_or_before(day: date, weekday: int) -> date:
    return day - timedelta(days=(day.weekday() - weekday) % 7)


def _first_school_weekday_on_or_after(day: date) -> date:
    while day.weekday() >= 5 or is_bank_holiday(day):
        day += timedelta(days=1)
    return day


MONDAY, FRIDAY = 0, 4


def default_half_terms(name: str) -> tuple[HalfTerm, ...]:
    """The six half-terms of academic year `name` in the usual England pattern.

    An approximation of the pattern most LAs publish (checked against Kent 2009/10 and
    2010/11 and typical 2025/26 dates): autumn starts on the first weekday on or after
    1 September that is not a bank holiday; autumn half-term is the week of the last Monday in
    October; autumn ends on the last Friday on or before 20 December; spring starts on the
    first school weekday from the first Monday on or after 2 January; spring half-term is the
    week of the third Monday in February; the spring (Easter) holiday is the fortnight from
    the Monday on or before 1 April (Easter moves and LAs differ; this matches the published
    2025/26 and 2026/27 examples in domain-facts.md 4.1); summer half-term is the week of the late May bank holiday (last
    Monday in May); summer ends on the last Friday on or before 23 July. INSET days are not
    modelled. Real dates differ by LA and by school: override them where known.
    """
    first = academic_year_start(name)
    second = first + 1
    autumn_start = _first_school_weekday_on_or_after(date(first, 9, 1))
    autumn_half_term = _weekday_on_or_before(date(first, 10, 31), MONDAY)
    autumn_end = _weekday_on_or_before(date(first, 12, 20), FRIDAY)
    spring_start = _first_school_weekday_on_or_after(
        _weekday_on_or_after(date(second, 1, 2), MONDAY)
    )
    spring_half_term = _weekday_on_or_after(date(second, 2, 1), MONDAY) + timedelta(weeks=2)
    easter_holiday = _weekday_on_or_before(date(second, 4, 1), MONDAY)
    summer_half_term = _weekday_on_or_before(date(second, 5, 31), MONDAY)
    summer_end = _weekday_on_or_before(date(second, 7, 23), FRIDAY)
    bounds = (
        (autumn_start, autumn_half_term - timedelta(days=3)),
        (autumn_half_term + timedelta(weeks=1), autumn_end),
        (spring_start, spring_half_term - timedelta(days=3)),
        (spring_half_term + timedelta(weeks=1), easter_holiday - timedelta(days=3)),
        (easter_holiday + timedelta(weeks=2), summer_half_term - timedelta(days=3)),
        (summer_half_term + timedelta(weeks=1), summer_end),
    )
    return tuple(HalfTerm(name, n, start, end) for n, (start, end) in enumerate(bounds, 1))


# Named transcriptions ------------------------------------------------------------------------

# Kent Improvement Partner handbook 2009/10, section 5 "School term and holiday dates":
# (start, finish) of terms 1 to 6. Kent's holidays fall between these dates.
KENT_TERM_DATES: dict[str, tuple[tuple[str, str], ...]] = {
    "2009/10": (
        ("2009-09-03", "2009-10-23"),
        ("2009-11-02", "2009-12-18"),
        ("2010-01-04", "2010-02-12"),
        ("2010-02-22", "2010-04-01"),
        ("2010-04-19", "2010-05-28"),
        ("2010-06-07", "2010-07-23"),
    ),
    "2010/11": (
        ("2010-09-01", "2010-10-22"),
        ("2010-11-01", "2010-12-17"),
        ("2011-01-04", "2011-02-18"),
        ("2011-02-28", "2011-04-08"),
        ("2011-04-26", "2011-05-27"),
        ("2011-06-06", "2011-07-22"),
    ),
}
NAMED_CALENDARS: dict[str, Mapping[str, Sequence[Sequence[str]]]] = {
    "england": {},
    "kent": KENT_TERM_DATES,
}


class CalendarError(ValueError):
    pass


def parse_term_dates(name: str, pairs: Sequence[Sequence[str]]) -> tuple[HalfTerm, ...]:
    """Six (start, end) ISO date pairs for academic year `name` -> half-terms, validated."""
    academic_year_start(name)  # validates the name
    if len(pairs) != 6:
        raise CalendarError(f"{name}: expected 6 half-terms, found {len(pairs)}")
    year_start, year_end = academic_year_bounds(name)
    half_terms = []
    previous_end = year_start - timedelta(days=1)
    for number, pair in enumerate(pairs, 1):
        if len(pair) != 2:
            raise CalendarError(f"{name} term {number}: expected [start, end]")
        try:
            start, end = (p if isinstance(p, date) else date.fromisoformat(p) for p in pair)
        except (TypeError, ValueError):
            raise CalendarError(f"{name} term {number}: dates must be YYYY-MM-DD") from None
        if not (previous_end < start <= end <= year_end):
            raise CalendarError(
                f"{name} term {number}: {start} to {end} is out of order or outside the year"
            )
        half_terms.append(HalfTerm(name, number, start, end))
        previous_end = end
    return tuple(half_terms)


class AcademicCalendar:
    """Term dates and school-day arithmetic. Years are computed once and cached."""

    def __init__(
        self,
        name: str = "england",
        overrides: Mapping[str, Sequence[Sequence[str]]] | None = None,
    ) -> None:
        if name not in NAMED_CALENDARS:
            raise CalendarError(f"Unknown calendar {name!r}; known: {', '.join(NAMED_CALENDARS)}")
        self.name = name
        self._sources: dict[str, str] = {}
        self._years: dict[str, tuple[HalfTerm, ...]] = {}
        for source, mapping in ((name, NAMED_CALENDARS[name]), ("override", overrides or {})):
            for year, pairs in mapping.items():
                self._years[year] = parse_term_dates(year, pairs)
                self._sources[year] = source
        # Results of date arithmetic keyed by whoever asks (rules.Timing): dates are immutable.
        self.memo: dict[object, dict[str, str | None]] = {}

    def source(self, name: str) -> str:
        """Where a year's dates come from: the calendar name, "override" or "default"."""
        return self._sources.get(name, "default")

    def half_terms(self, name: str) -> tuple[HalfTerm, ...]:
        if name not in self._years:
            self._years[name] = default_half_terms(name)
        return self._years[name]

    def half_term(self, name: str, number: int) -> HalfTerm:
        return self.half_terms(name)[number - 1]

    def half_term_containing(self, day: date) -> HalfTerm | None:
        """The half-term whose dates include `day`, or None in a holiday."""
        for half_term in self.half_terms(academic_year_of(day)):
            if half_term.start <= day <= half_term.end:
                return half_term
        return None

    def is_school_day(self, day: date) -> bool:
        return (
            day.weekday() < 5
            and self.half_term_containing(day) is not None
            and not is_bank_holiday(day)
        )

    def add_school_days(self, day: date, count: int) -> date:
        """The `count`th school day after `day` ("within 5 days of the visit")."""
        current = day
        remaining = count
        while remaining > 0:
            current += timedelta(days=1)
            if self.is_school_day(current):
                remaining -= 1
        return current

    def _half_terms_around(self, day: date) -> list[HalfTerm]:
        year = academic_year_start(academic_year_of(day))
        return [
            *self.half_terms(academic_year_name(year)),
            *self.half_terms(academic_year_name(year + 1)),
        ]

    def next_half_term(self, day: date) -> HalfTerm:
        """The first half-term starting after `day` (the one after the current half-term)."""
        candidates = self._half_terms_around(day)
        starts = [h.start for h in candidates]
        return candidates[bisect_right(starts, day)]

    def next_term(self, day: date) -> DateWindow:
        """The first whole term (autumn, spring or summer) starting after `day`."""
        for half_term in self._half_terms_around(day):
            if half_term.number % 2 == 1 and half_term.start > day:
                following = self.half_term(half_term.academic_year, half_term.number + 1)
                return DateWindow(half_term.start, following.end)
        raise CalendarError(f"No term found after {day}")  # unreachable: a year has 3 terms

    def half_terms_window(self, name: str, first: int, last: int) -> DateWindow:
        """From the start of half-term `first` to the end of half-term `last` of a year."""
        return DateWindow(self.half_term(name, first).start, self.half_term(name, last).end)


DEFAULT_CALENDAR = AcademicCalendar()
