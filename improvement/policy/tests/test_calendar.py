"""Academic calendar: term dates, bank holidays and school-day arithmetic."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from improvement.policy.calendar import (
    DEFAULT_CALENDAR,
    AcademicCalendar,
    CalendarError,
    academic_year_of,
    add_months,
    add_working_days,
    bank_holidays,
    by_31_december,
    default_half_terms,
    is_bank_holiday,
    weeks_after,
)

KENT = AcademicCalendar("kent")


def test_bank_holidays_2026_include_the_boxing_day_substitute():
    weekdays = [d for d in bank_holidays(2026) if d.weekday() < 5]
    assert weekdays == [date(2026, 1, 1), date(2026, 4, 3), date(2026, 4, 6), date(2026, 5, 4),
                        date(2026, 5, 25), date(2026, 8, 31), date(2026, 12, 25),
                        date(2026, 12, 28)]


def test_england_only_holidays():
    assert is_bank_holiday(date(2026, 4, 6))  # Easter Monday: England, not Scotland
    assert not is_bank_holiday(date(2026, 11, 30))  # St Andrew's Day: Scotland only
    assert is_bank_holiday(date(2028, 1, 3))  # New Year's Day substitute


@pytest.mark.parametrize(("day", "year"), [
    (date(2023, 9, 1), "2023/24"), (date(2024, 8, 31), "2023/24"), (date(1999, 12, 31), "1999/00"),
])
def test_academic_year_runs_september_to_august(day, year):
    assert academic_year_of(day) == year


def test_kent_term_dates_are_transcribed_from_the_handbook():
    assert [(h.start, h.end) for h in KENT.half_terms("2009/10")][::5] == [
        (date(2009, 9, 3), date(2009, 10, 23)), (date(2010, 6, 7), date(2010, 7, 23))]
    assert KENT.half_term("2010/11", 3).start == date(2011, 1, 4)
    assert KENT.source("2010/11") == "kent"
    assert KENT.source("2011/12") == "default"


def test_default_pattern_matches_published_2025_26_dates():
    terms = default_half_terms("2025/26")
    assert terms[0].end == date(2025, 10, 24)  # half-term 27 to 31 October
    assert terms[1] .end == date(2025, 12, 19)
    assert terms[2].start == date(2026, 1, 5)
    assert terms[3].start == date(2026, 2, 23)  # half-term 16 to 20 February
    assert terms[3].end == date(2026, 3, 27)
    assert terms[4].start == date(2026, 4, 13)
    assert terms[5].start == date(2026, 6, 1)  # half-term 25 to 29 May


def test_override_replaces_a_year():
    pairs = [["2025-09-03", "2025-10-17"], ["2025-11-03", "2025-12-19"],
             ["2026-01-05", "2026-02-13"], ["2026-02-23", "2026-03-27"],
             ["2026-04-13", "2026-05-22"], ["2026-06-01", "2026-07-22"]]
    calendar = AcademicCalendar(overrides={"2025/26": pairs})
    assert calendar.half_term("2025/26", 1).end == date(2025, 10, 17)
    assert not calendar.is_school_day(date(2025, 10, 20))
    assert DEFAULT_CALENDAR.is_school_day(date(2025, 10, 20))


def test_bad_override_is_refused():
    with pytest.raises(CalendarError, match="expected 6 half-terms"):
        AcademicCalendar(overrides={"2025/26": [["2025-09-03", "2025-10-17"]]})


def test_school_days_skip_weekends_holidays_and_bank_holidays():
    # Friday 1 April 2010 ends Kent's term 4; term 5 starts on Monday 19 April.
    assert KENT.add_school_days(date(2010, 3, 31), 2) == date(2010, 4, 19)
    # Early May bank holiday, 3 May 2010, falls inside term 5.
    assert KENT.add_school_days(date(2010, 4, 30), 1) == date(2010, 5, 4)
    # "Within 5 days of the visit" on Thursday 17 December 2025 ends on 7 January 2026.
    assert DEFAULT_CALENDAR.add_school_days(date(2025, 12, 17), 5) == date(2026, 1, 7)


@settings(max_examples=60, deadline=None)
@given(st.dates(min_value=date(2009, 1, 1), max_value=date(2030, 12, 31)),
       st.integers(min_value=1, max_value=40))
def test_school_day_arithmetic_never_lands_on_a_weekend_or_holiday(start, count):
    result = DEFAULT_CALENDAR.add_school_days(start, count)
    assert result > start
    assert result.weekday() < 5 and not is_bank_holiday(result)
    assert DEFAULT_CALENDAR.half_term_containing(result) is not None
    days = [start + timedelta(days=n) for n in range(1, (result - start).days + 1)]
    assert sum(DEFAULT_CALENDAR.is_school_day(d) for d in days) == count


def test_next_half_term_and_next_term():
    assert KENT.next_half_term(date(2009, 10, 27)).start == date(2009, 11, 2)  # in a holiday
    assert KENT.next_half_term(date(2009, 11, 10)).start == date(2010, 1, 4)
    term = KENT.next_term(date(2009, 11, 10))
    assert (term.start, term.end) == (date(2010, 1, 4), date(2010, 4, 1))
    summer_to_autumn = DEFAULT_CALENDAR.next_term(date(2026, 5, 1))
    assert summer_to_autumn.start == date(2026, 9, 1)


def test_windows_and_deadlines():
    window = weeks_after(date(2013, 1, 16), 4, 6)
    assert (window.start, window.end) == (date(2013, 2, 13), date(2013, 2, 27))
    assert by_31_december(date(2010, 3, 1)) == date(2009, 12, 31)
    assert by_31_december(date(2009, 9, 3)) == date(2009, 12, 31)
    assert add_working_days(date(2026, 12, 24), 1) == date(2026, 12, 29)


@pytest.mark.parametrize(("day", "months", "expected"), [
    (date(2024, 1, 31), 1, date(2024, 2, 29)),
    (date(2022, 1, 15), 24, date(2024, 1, 15)),
    (date(2024, 2, 29), 12, date(2025, 2, 28)),
    (date(2024, 3, 31), -1, date(2024, 2, 29)),
])
def test_add_months_clamps_to_the_end_of_the_month(day, months, expected):
    assert add_months(day, months) == expected
