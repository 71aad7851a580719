"""From the packs' decisions to the visits a school needs (pure)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from improvement.planning.entitlements import needs_for_school
from improvement.policy.calendar import AcademicCalendar

KENT = AcademicCalendar("kent")


@dataclass
class FakeDecision:
    key: str
    status: str
    value: Any
    label: str = "Visits"


@dataclass
class FakeOverride:
    value: str


def needs(decisions, overrides=None, year="2009/10"):
    return needs_for_school(school_id=1, decisions=decisions, overrides=overrides or {}, calendar=KENT,
                            academic_year=year)


def test_kent_schedule_visits_go_in_the_half_terms_their_dates_cover():
    value = [
        {"key": "autumn", "label": "Autumn visit", "from": "2009-11-02", "to": "2009-12-18"},
        {"key": "headteacher_performance_management", "label": "Advice", "from": None, "to": "2009-12-31"},
        {"key": "spring", "label": "Spring visit", "from": "2010-01-04", "to": "2010-04-01"},
        {"key": "summer", "label": "Summer visit", "from": "2010-04-19", "to": "2010-07-23"},
        {"key": "round_table_meetings", "label": "RTM", "from": None, "to": None},
    ]
    result, undecided = needs([FakeDecision("kent.visit_calendar", "decided", value)])
    assert undecided == []
    assert [(n.kind, n.half_terms, n.count) for n in result] == [
        ("autumn", (2,), 1), ("spring", (3, 4), 1), ("summer", (5, 6), 1)]


def test_a_count_decision_and_its_override():
    decision = FakeDecision("coventry.visit_entitlement", "decided", 2)
    assert [(n.kind, n.count, n.half_terms) for n in needs([decision])[0]] == [("visit", 2, ())]
    overridden, _ = needs([decision], {"coventry.visit_entitlement": FakeOverride("4")})
    assert overridden[0].count == 4


def test_undecided_and_unreadable_entitlements_are_reported_not_guessed():
    undecided = FakeDecision("coventry.visit_entitlement", "cannot_decide", None, "CMO visits")
    assert needs([undecided]) == ([], ["CMO visits"])
    bad_override = {"coventry.visit_entitlement": FakeOverride("three")}
    assert needs([undecided], bad_override) == ([], ["CMO visits"])
    assert needs([FakeDecision("coventry.visit_entitlement", "decided", 0)]) == ([], [])


def test_other_decisions_are_ignored():
    assert needs([FakeDecision("dfe.ofsted_window", "decided", {"from": "2024-01-01"})]) == ([], [])


def test_a_partly_decided_schedule_plans_the_items_it_knows():
    value = [{"key": "familiarisation", "label": "Familiarisation", "applies": None, "from": "2009-09-03",
              "to": "2009-10-23"},
             {"key": "autumn", "label": "Autumn visit", "from": "2009-11-02", "to": "2009-12-18"}]
    result, undecided = needs([FakeDecision("kent.visit_calendar", "cannot_decide", value, "Calendar")])
    assert [n.kind for n in result] == ["autumn"] and undecided == ["Calendar: Familiarisation"]
    assert needs([FakeDecision("kent.visit_calendar", "cannot_decide", None, "Calendar")]) == ([], ["Calendar"])


def test_ofsted_window_opening_this_year():
    from datetime import date

    from improvement.planning.entitlements import ofsted_window_opening

    window = FakeDecision("dfe.ofsted_window", "decided", {"basis": "below_good", "from": "2024-03-14"})
    year = (date(2023, 9, 1), date(2024, 8, 31))
    assert ofsted_window_opening([window], *year) == date(2024, 3, 14)
    later = FakeDecision("report_card.ofsted_window", "decided", {"from": "2025-01-01"})
    assert ofsted_window_opening([later], *year) is None
    assert ofsted_window_opening([FakeDecision("dfe.ofsted_window", "no_rule", None)], *year) is None
    assert ofsted_window_opening([FakeDecision("dfe.ofsted_window", "decided", {"from": "soon"})], *year) is None
