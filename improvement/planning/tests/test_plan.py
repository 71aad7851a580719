"""The yearly plan: planner runs from the packs' entitlements, and a planned visit's life."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from improvement.accounts.roles import Role
from improvement.accounts.tests.factories import UserFactory
from improvement.decisions.models import DecisionOverride
from improvement.planning import services
from improvement.planning.models import (
    OfficerCapacity,
    PlannedVisit,
    PlannedVisitStatusChange,
    PlanStatus,
)
from improvement.policy.calendar import DEFAULT_CALENDAR, is_bank_holiday
from improvement.schools.tests.factories import SchoolFactory
from improvement.visits.tests.factories import make_visit

YEAR = "2023/24"
START = date(2023, 8, 1)  # the planner runs before the year starts


@pytest.fixture
def coventry(authority):
    authority.policy_packs = {YEAR: ["coventry-2023-24"]}
    authority.save()
    return authority


@pytest.fixture
def adviser(personas):
    return personas["senior_adviser"]


@pytest.fixture
def officer(personas):
    return personas["monitoring_officer"]


def entitle(school, count, actor):
    DecisionOverride.objects.filter(school=school, revoked_at__isnull=True).update(revoked_at=timezone.now())
    DecisionOverride.objects.create(school=school, decision_key="coventry.visit_entitlement", value=str(count),
                                    reason="Agreed at the start of the year", created_by=actor)


def run(adviser, today=START, per_week=5):
    return services.plan_visits(actor=adviser, academic_year=YEAR, visits_per_week=per_week, today=today)


@pytest.fixture
def allocated(coventry, school, adviser, officer):
    services.allocate_officer(actor=adviser, school=school, academic_year=YEAR, officer=officer)
    entitle(school, 3, adviser)
    return school


def test_the_planner_plans_each_entitled_visit_once(allocated, adviser, officer):
    result = run(adviser)
    visits = list(PlannedVisit.objects.filter(school=allocated).order_by("sequence"))
    assert len(result.created) == 3 == len(visits)
    assert [v.sequence for v in visits] == [1, 2, 3]
    assert [DEFAULT_CALENDAR.half_term_containing(v.date).term for v in visits] == ["autumn", "spring", "summer"]
    for v in visits:
        assert v.officer == officer and v.status == PlanStatus.PROPOSED and v.academic_year == YEAR
        assert DEFAULT_CALENDAR.is_school_day(v.date) and not is_bank_holiday(v.date)
        assert [(c.from_status, c.to_status, c.actor) for c in v.status_changes.all()] == [
            ("", PlanStatus.PROPOSED, adviser)]
        assert v.history.get().history_user == adviser
    again = run(adviser)
    assert again.created == [] and PlannedVisit.objects.count() == 3
    assert PlannedVisitStatusChange.objects.count() == 3


def test_an_extra_visit_agreed_mid_year_adds_one_visit(allocated, adviser):
    run(adviser)
    entitle(allocated, 4, adviser)
    february = date(2024, 2, 5)
    result = run(adviser, today=february)
    assert [(v.sequence, v.date > february) for v in result.created] == [(4, True)]
    assert PlannedVisit.objects.count() == 4


def test_schools_without_an_entitlement_are_listed_not_planned(coventry, school, adviser):
    # A primary school with no LA category: the Coventry pack cannot decide its visits.
    result = run(adviser)
    assert result.created == [] and [s for s, _ in result.undecided] == [school]


def test_capacity_is_respected_across_schools(coventry, authority, adviser, officer):
    schools = [SchoolFactory(authority=authority) for _ in range(6)]
    for s in schools:
        services.allocate_officer(actor=adviser, school=s, academic_year=YEAR, officer=officer)
        entitle(s, 3, adviser)
    run(adviser, per_week=1)
    dates = list(PlannedVisit.objects.values_list("date", flat=True))
    weeks = [d.isocalendar()[:2] for d in dates]
    assert len(dates) == 18 and len(weeks) == len(set(weeks))


def test_only_senior_advisers_and_admins_run_the_planner(allocated, officer):
    with pytest.raises(PermissionDenied):
        services.plan_visits(actor=officer, academic_year=YEAR, visits_per_week=5, today=START)


@pytest.mark.parametrize("kwargs", [{"visits_per_week": 0}, {"visits_per_week": 26}, {"academic_year": "2023-24"},
                                    {"today": date(2024, 9, 2)}])
def test_bad_planner_input_plans_nothing(kwargs, allocated, adviser):
    arguments = {"actor": adviser, "academic_year": YEAR, "visits_per_week": 5, "today": START, **kwargs}
    with pytest.raises(ValidationError):
        services.plan_visits(**arguments)
    assert not PlannedVisit.objects.exists()


def test_a_new_officer_takes_over_the_open_visits(allocated, adviser, officer, authority):
    run(adviser)
    first = PlannedVisit.objects.order_by("date").first()
    services.change_plan_status(actor=officer, planned=first, to_status="agreed")
    services.change_plan_status(actor=officer, planned=first, to_status="completed", today=date(2024, 8, 1))
    newcomer = UserFactory(authority=authority, role=Role.MONITORING_OFFICER)
    services.allocate_officer(actor=adviser, school=allocated, academic_year=YEAR, officer=newcomer)
    officers = dict(PlannedVisit.objects.values_list("sequence", "officer_id"))
    assert officers == {1: officer.pk, 2: newcomer.pk, 3: newcomer.pk}


# A planned visit's life ------------------------------------------------------------------------


@pytest.fixture
def planned(allocated, adviser):
    run(adviser)
    return PlannedVisit.objects.order_by("date").first()


def statuses(planned):
    return [(c.from_status, c.to_status) for c in planned.status_changes.all()]


def test_proposed_agreed_completed_links_the_record(planned, officer):
    services.change_plan_status(actor=officer, planned=planned, to_status="agreed")
    record = make_visit(officer, planned.school, day=planned.date)
    services.change_plan_status(actor=officer, planned=planned, to_status="completed", today=date(2024, 8, 1))
    planned.refresh_from_db()
    assert planned.status == PlanStatus.COMPLETED and planned.visit == record
    assert statuses(planned) == [("", "proposed"), ("proposed", "agreed"), ("agreed", "completed")]


@pytest.mark.parametrize("steps, refused", [
    ([], "completed"),
    (["agreed", "completed"], "cancelled"),
    (["cancelled"], "agreed"),
    ([], "proposed"),
])
def test_steps_out_of_order_are_refused(steps, refused, planned, officer):
    for step in steps:
        services.change_plan_status(actor=officer, planned=planned, to_status=step, reason="r",
                                    today=date(2024, 8, 1))
    count = PlannedVisitStatusChange.objects.count()
    with pytest.raises(ValidationError):
        services.change_plan_status(actor=officer, planned=planned, to_status=refused, reason="r",
                                    today=date(2024, 8, 1))
    assert PlannedVisitStatusChange.objects.count() == count


def test_cancelling_needs_a_reason(planned, officer):
    with pytest.raises(ValidationError):
        services.change_plan_status(actor=officer, planned=planned, to_status="cancelled", reason="  ")
    services.change_plan_status(actor=officer, planned=planned, to_status="cancelled", reason="School closed: snow")
    planned.refresh_from_db()
    assert planned.status == "cancelled" and planned.status_changes.last().reason == "School closed: snow"


def test_a_visit_cannot_be_completed_before_its_date(planned, officer):
    services.change_plan_status(actor=officer, planned=planned, to_status="agreed")
    with pytest.raises(ValidationError):
        services.change_plan_status(actor=officer, planned=planned, to_status="completed", today=START)


def test_a_cancelled_visit_is_not_planned_again(planned, officer, adviser):
    services.change_plan_status(actor=officer, planned=planned, to_status="cancelled", reason="Not needed")
    assert run(adviser).created == []


def test_moving_an_agreed_visit_needs_agreeing_again(planned, officer):
    services.change_plan_status(actor=officer, planned=planned, to_status="agreed")
    day = DEFAULT_CALENDAR.add_school_days(planned.date, 1)
    services.move_planned_visit(actor=officer, planned=planned, day=day)
    planned.refresh_from_db()
    assert planned.date == day and planned.status == PlanStatus.PROPOSED
    assert statuses(planned)[-1] == ("agreed", "proposed")
    assert "Moved from" in planned.history.first().history_change_reason


@pytest.mark.parametrize("day", [date(2023, 10, 28), date(2023, 12, 25), date(2023, 10, 31), date(2024, 9, 3)])
def test_moving_to_a_weekend_holiday_or_another_year_is_refused(day, planned, officer):
    before = planned.date
    with pytest.raises(ValidationError):
        services.move_planned_visit(actor=officer, planned=planned, day=day)
    planned.refresh_from_db()
    assert planned.date == before


def test_other_officers_cannot_change_the_visit(planned, authority):
    stranger = UserFactory(authority=authority, role=Role.MONITORING_OFFICER)
    with pytest.raises(PermissionDenied):
        services.change_plan_status(actor=stranger, planned=planned, to_status="agreed")


def test_status_rows_are_immutable(planned):
    change = planned.status_changes.get()
    change.reason = "rewritten"
    with pytest.raises(ValidationError):
        change.save()
    with pytest.raises(ValidationError):
        change.delete()


# Pages -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["", "0", "abc", "26", "2.5"])
def test_bad_capacity_on_the_page_plans_nothing(value, client_for, allocated, adviser):
    response = client_for(adviser).post(reverse("planning:plan_run") + f"?year={YEAR}", {"visits_per_week": value})
    assert response.status_code == 400 and "There is a problem" in response.content.decode()
    assert not PlannedVisit.objects.exists()


def test_cancel_without_a_reason_on_the_page(client_for, planned, officer):
    response = client_for(officer).post(reverse("planning:visit_status", args=[planned.pk]),
                                        {"to_status": "cancelled", "reason": ""})
    assert response.status_code == 400 and "Enter why the visit is cancelled." in response.content.decode()
    planned.refresh_from_db()
    assert planned.status == "proposed" and planned.status_changes.count() == 1


@pytest.mark.parametrize("data, message", [
    ({"day_day": "28", "day_month": "10", "day_year": "2023"}, "Choose a school day"),
    ({"day_day": "31", "day_month": "2", "day_year": "2024"}, "Enter a real date"),
    ({}, "Enter a date."),
])
def test_bad_move_on_the_page(data, message, client_for, planned, officer):
    before = planned.date
    response = client_for(officer).post(reverse("planning:visit_move", args=[planned.pk]), data)
    assert response.status_code == 400 and message in response.content.decode()
    planned.refresh_from_db()
    assert planned.date == before


def test_the_plan_page_uses_a_constant_number_of_queries(client_for, coventry, authority, adviser, officer):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = client_for(adviser).get(reverse("planning:plan") + f"?year={YEAR}")
        assert response.status_code == 200
        return len(queries)

    def add_schools(n):
        for _ in range(n):
            s = SchoolFactory(authority=authority)
            services.allocate_officer(actor=adviser, school=s, academic_year=YEAR, officer=officer)
            entitle(s, 3, adviser)
        run(adviser)

    add_schools(2)
    count()  # warm caches (content types, session)
    few = count()
    add_schools(10)
    assert count() == few
    page = client_for(adviser).get(reverse("planning:plan") + f"?year={YEAR}").content.decode()
    assert page.count("planning/visits/") == 36


# Officers' own capacity --------------------------------------------------------------------------


def test_an_officers_own_capacity_limits_the_planner(coventry, authority, adviser, officer):
    services.set_officer_capacity(actor=adviser, officer=officer, visits_per_week=1)
    for _ in range(4):
        s = SchoolFactory(authority=authority)
        services.allocate_officer(actor=adviser, school=s, academic_year=YEAR, officer=officer)
        entitle(s, 3, adviser)
    run(adviser, per_week=5)
    weeks = [d.isocalendar()[:2] for d in PlannedVisit.objects.values_list("date", flat=True)]
    assert len(weeks) == 12 and len(set(weeks)) == 12


def test_capacity_is_set_by_allocators_for_officers_only(adviser, officer, personas):
    with pytest.raises(PermissionDenied):
        services.set_officer_capacity(actor=officer, officer=officer, visits_per_week=2)
    with pytest.raises(ValidationError):
        services.set_officer_capacity(actor=adviser, officer=personas["la_viewer"], visits_per_week=2)
    with pytest.raises(ValidationError):
        services.set_officer_capacity(actor=adviser, officer=officer, visits_per_week=0)
    capacity = services.set_officer_capacity(actor=adviser, officer=officer, visits_per_week=2)
    assert capacity.history.first().history_user == adviser
    assert services.set_officer_capacity(actor=adviser, officer=officer, visits_per_week=None) is None
    assert not OfficerCapacity.objects.exists()


@pytest.mark.parametrize("value", ["0", "26", "abc", "1.5"])
def test_bad_capacity_input_on_the_officer_page(value, client_for, adviser, officer):
    response = client_for(adviser).post(reverse("planning:officer_capacity", args=[officer.pk]),
                                        {"visits_per_week": value})
    assert response.status_code == 400 and "There is a problem" in response.content.decode()
    assert not OfficerCapacity.objects.exists()


def test_capacity_page_saves_and_the_workload_table_shows_it(client_for, adviser, officer, school):
    client = client_for(adviser)
    response = client.post(reverse("planning:officer_capacity", args=[officer.pk]), {"visits_per_week": "3"})
    assert response.status_code == 302 and OfficerCapacity.objects.get().visits_per_week == 3
    services.allocate_officer(actor=adviser, school=school, academic_year=YEAR, officer=officer)
    page = client.get(reverse("planning:allocations") + f"?year={YEAR}").content.decode()
    assert "Officers&#x27; workload" in page or "Officers' workload" in page
    table = page.split('id="officers"')[1]
    assert str(officer) in table and ">3<" in table
    assert client.get(reverse("planning:officer_capacity", args=[999999])).status_code == 404
