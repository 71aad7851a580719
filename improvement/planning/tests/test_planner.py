"""The planner is pure: these tests need no database."""

from __future__ import annotations

from collections import Counter
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from improvement.planning.planner import PlannedSlot, VisitNeed, plan_year, week_of
from improvement.policy.calendar import AcademicCalendar, academic_year_bounds, is_bank_holiday

CALENDAR = AcademicCalendar()
YEAR = "2025/26"
KENT = [("familiarisation", (1,)), ("autumn", (2,)), ("spring", (3, 4)), ("summer", (5, 6))]


def coventry(schools: int, count: int = 3) -> list[VisitNeed]:
    return [VisitNeed(school_id=s, kind="visit", label="CMO visit", count=count) for s in range(1, schools + 1)]


def kent(schools: int) -> list[VisitNeed]:
    return [VisitNeed(s, kind, kind.title(), 1, terms) for s in range(1, schools + 1) for kind, terms in KENT]


def as_existing(plan) -> list[PlannedSlot]:
    return [PlannedSlot(p.school_id, p.kind, p.sequence, p.day, p.officer_id) for p in plan.proposals]


def is_school_day(day: date) -> bool:
    in_term = any(h.start <= day <= h.end for h in CALENDAR.half_terms(YEAR))
    return day.weekday() < 5 and in_term and not is_bank_holiday(day)


needs_strategy = st.lists(
    st.builds(
        VisitNeed,
        school_id=st.integers(1, 40),
        kind=st.sampled_from(["visit", "autumn", "spring", "summer", "extra"]),
        label=st.just("Visit"),
        count=st.integers(1, 4),
        half_terms=st.sampled_from([(), (1,), (2,), (3, 4), (5, 6), (6,), (1, 2, 3, 4, 5, 6)]),
    ),
    max_size=60,
    unique_by=lambda n: (n.school_id, n.kind),
)


@settings(max_examples=60, deadline=None)
@given(
    needs=needs_strategy,
    officers=st.integers(1, 4),
    capacity=st.integers(1, 6),
    year=st.sampled_from(["2024/25", "2025/26", "2026/27", "2029/30"]),
    not_before_offset=st.integers(0, 300),
)
def test_never_a_weekend_holiday_or_bank_holiday_and_never_over_capacity(needs, officers, capacity, year,
                                                                         not_before_offset):
    first, last = academic_year_bounds(year)
    not_before = date.fromordinal(min(first.toordinal() + not_before_offset, last.toordinal()))
    officer_of = {n.school_id: n.school_id % officers for n in needs}
    plan = plan_year(academic_year=year, needs=needs, calendar=CALENDAR, officer_of=officer_of,
                     default_capacity=capacity, not_before=not_before)
    terms = CALENDAR.half_terms(year)
    for proposal in plan.proposals:
        assert proposal.day.weekday() < 5, proposal
        assert not is_bank_holiday(proposal.day), proposal
        assert any(h.start <= proposal.day <= h.end for h in terms), f"{proposal} is in a school holiday"
        assert first <= proposal.day <= last and proposal.day >= not_before
    per_week = Counter((p.officer_id, week_of(p.day)) for p in plan.proposals)
    assert max(per_week.values(), default=0) <= capacity
    school_weeks = Counter((p.school_id, week_of(p.day)) for p in plan.proposals)
    assert max(school_weeks.values(), default=0) <= 1
    # Every entitled visit is either proposed or reported as unplaced.
    assert len(plan.proposals) + len(plan.unplaced) == sum(n.count for n in needs)


@settings(max_examples=30, deadline=None)
@given(needs=needs_strategy, capacity=st.integers(1, 4))
def test_rerunning_never_duplicates(needs, capacity):
    officer_of = {n.school_id: n.school_id % 3 for n in needs}
    first = plan_year(academic_year=YEAR, needs=needs, calendar=CALENDAR, officer_of=officer_of,
                      default_capacity=capacity)
    again = plan_year(academic_year=YEAR, needs=needs, calendar=CALENDAR, officer_of=officer_of,
                      default_capacity=capacity, existing=as_existing(first))
    assert again.proposals == ()
    identities = [(p.school_id, p.kind, p.sequence) for p in first.proposals]
    assert len(identities) == len(set(identities))


def test_existing_visits_count_towards_capacity():
    # The officer already has 2 visits in every week of the year; capacity 2 leaves no room.
    weeks = sorted({week_of(d) for h in CALENDAR.half_terms(YEAR) for d in (h.start, h.end)})
    existing = [PlannedSlot(900 + i, "visit", 1, w, officer_id=7) for i, w in enumerate(weeks)]
    existing += [PlannedSlot(1900 + i, "visit", 1, w, officer_id=7) for i, w in enumerate(weeks)]
    plan = plan_year(academic_year=YEAR, needs=coventry(1, 1), calendar=CALENDAR, officer_of={1: 7},
                     existing=existing, default_capacity=2)
    for proposal in plan.proposals:
        assert week_of(proposal.day) not in weeks


def test_a_full_officer_leaves_visits_unplaced_with_a_reason():
    plan = plan_year(academic_year=YEAR, needs=coventry(60, 3), calendar=CALENDAR, officer_of=dict.fromkeys(
        range(1, 61), 1), default_capacity=1)
    # About 39 school weeks, one visit a week: the rest are reported, not dropped or overbooked.
    assert 30 < len(plan.proposals) < 45
    assert len(plan.unplaced) == 180 - len(plan.proposals)
    assert {u.reason for u in plan.unplaced} == {"the officer has no capacity left in any week of the year"}


def test_a_mid_year_entitlement_increase_adds_one_visit():
    officer_of = {1: 1, 2: 1}
    first = plan_year(academic_year=YEAR, needs=coventry(2, 2), calendar=CALENDAR, officer_of=officer_of)
    assert len(first.proposals) == 4
    # In February school 1 is agreed an extra (third) visit.
    february = date(2026, 2, 2)
    needs = [VisitNeed(1, "visit", "CMO visit", 3), VisitNeed(2, "visit", "CMO visit", 2)]
    later = plan_year(academic_year=YEAR, needs=needs, calendar=CALENDAR, officer_of=officer_of,
                      existing=as_existing(first), not_before=february)
    assert [(p.school_id, p.sequence) for p in later.proposals] == [(1, 3)]
    assert later.proposals[0].day >= february
    assert later.proposals[0].target_half_term in (5, 6)  # the third of three goes in summer


def test_cancelled_visits_are_not_proposed_again_and_free_their_week():
    first = plan_year(academic_year=YEAR, needs=coventry(1, 1), calendar=CALENDAR, officer_of={1: 1})
    (proposal,) = first.proposals
    cancelled = [PlannedSlot(1, "visit", 1, proposal.day, 1, cancelled=True)]
    assert plan_year(academic_year=YEAR, needs=coventry(1, 1), calendar=CALENDAR, officer_of={1: 1},
                     existing=cancelled).proposals == ()


def test_kent_visits_go_in_their_half_terms():
    plan = plan_year(academic_year=YEAR, needs=kent(30), calendar=CALENDAR, officer_of={s: s % 3 for s in
                     range(1, 31)}, default_capacity=5)
    assert not plan.unplaced and len(plan.proposals) == 120
    allowed = dict(KENT)
    for proposal in plan.proposals:
        assert proposal.target_half_term in allowed[proposal.kind] and not proposal.outside_target
        assert CALENDAR.half_term_containing(proposal.day).number == proposal.target_half_term


def test_coventry_visits_are_spread_across_the_terms():
    plan = plan_year(academic_year=YEAR, needs=coventry(1, 3), calendar=CALENDAR, officer_of={1: 1})
    assert sorted(CALENDAR.half_term_containing(p.day).term for p in plan.proposals) == [
        "autumn", "spring", "summer"]
    two = plan_year(academic_year=YEAR, needs=coventry(1, 2), calendar=CALENDAR, officer_of={1: 1})
    assert sorted(CALENDAR.half_term_containing(p.day).term for p in two.proposals) == ["autumn", "spring"]


def test_schools_are_spread_through_the_window_not_piled_on_its_first_day():
    plan = plan_year(academic_year=YEAR, needs=coventry(40, 1), calendar=CALENDAR,
                     officer_of={s: s % 8 for s in range(1, 41)}, default_capacity=5)
    days = Counter(p.day for p in plan.proposals)
    assert max(days.values()) <= 3 and len({week_of(d) for d in days}) >= 8


def test_target_half_terms_already_past_fall_back_to_the_rest_of_the_year():
    plan = plan_year(academic_year=YEAR, needs=[VisitNeed(1, "autumn", "Autumn", 1, (2,))], calendar=CALENDAR,
                     officer_of={1: 1}, not_before=date(2026, 1, 10))
    (proposal,) = plan.proposals
    assert proposal.outside_target and proposal.day >= date(2026, 1, 10) and is_school_day(proposal.day)


def test_nothing_left_in_the_year_is_reported():
    plan = plan_year(academic_year=YEAR, needs=coventry(1, 1), calendar=CALENDAR, officer_of={1: 1},
                     not_before=date(2026, 8, 1))
    assert plan.proposals == () and plan.unplaced[0].reason == "no school days are left this year"


def test_the_same_input_gives_the_same_plan():
    args = {"academic_year": YEAR, "needs": kent(10), "calendar": CALENDAR, "officer_of": dict.fromkeys(range(1, 11), 1)}
    assert plan_year(**args) == plan_year(**args)
