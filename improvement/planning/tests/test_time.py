"""Kent time accounting: days allocated, logged in and out of school, remaining, and the
termly summary per officer at the daily rates, for invoicing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from improvement.decisions.models import DecisionOverride
from improvement.planning import selectors, services
from improvement.planning.models import DailyRate, TimeEntry

YEAR = "2025/26"
TODAY = date(2026, 7, 1)


@pytest.fixture
def officer(personas):
    return personas["monitoring_officer"]


def log(officer, school=None, activity="autumn_visit", day=date(2025, 11, 12), inside="0.5", outside="1", **kw):
    return services.log_time(actor=officer, activity=activity, day=day, in_school=Decimal(inside),
                             out_of_school=Decimal(outside), school=school, today=TODAY, **kw)


def test_days_logged_and_remaining_against_the_allocation(officer, school, personas):
    DecisionOverride.objects.create(school=school, decision_key="kent.improvement_partner_days", value="6",
                                    reason="New partner", created_by=personas["senior_adviser"])
    log(officer, school)
    log(officer, school, activity="spring_visit", day=date(2026, 2, 3))
    log(officer, school, activity="spring_visit", day=date(2026, 2, 4), inside="0", outside="0.25")
    data = selectors.school_time(school=school, academic_year=YEAR, today=TODAY)
    assert (data.allocated, data.allocation_source) == (Decimal(6), "override")
    assert data.logged == Decimal("3.25") and data.remaining == Decimal("2.75")
    spring = next(a for a in data.activities if a.label == "Spring visit")
    assert (spring.in_school, spring.out_of_school) == (Decimal("0.5"), Decimal("1.25"))


def test_no_allocation_without_a_kent_pack(officer, school):
    log(officer, school)
    data = selectors.school_time(school=school, academic_year=YEAR, today=TODAY)
    assert data.allocated is None and data.remaining is None and data.logged == Decimal("1.5")


@pytest.mark.parametrize("kwargs", [
    {"inside": "0.3"},
    {"inside": "6"},
    {"inside": "0", "outside": "0"},
    {"inside": "-0.5", "outside": "0"},  # a correction needs a note
    {"activity": "briefing"},  # not for one school
    {"activity": "tea"},
    {"day": date(2026, 7, 2)},  # in the future
])
def test_bad_time_is_refused_and_nothing_saved(kwargs, officer, school):
    with pytest.raises(ValidationError):
        log(officer, school, **kwargs)
    assert not TimeEntry.objects.exists()


def test_school_activities_need_a_school_in_the_authority(officer, other_school, personas):
    with pytest.raises(ValidationError):
        log(officer, None)
    with pytest.raises(PermissionDenied):
        log(officer, other_school)
    with pytest.raises(PermissionDenied):
        log(personas["la_viewer"], None, activity="briefing")
    assert not TimeEntry.objects.exists()


def test_a_correction_with_a_note_cancels_an_entry(officer, school):
    log(officer, school)
    log(officer, school, inside="-0.5", outside="-1", note="Logged twice")
    assert selectors.school_time(school=school, academic_year=YEAR, today=TODAY).logged == 0


def test_termly_summary_at_the_daily_rates(officer, school, personas):
    admin = personas["la_admin"]
    services.set_daily_rate(actor=admin, academic_year=YEAR, rate_role="improvement_partner", amount=Decimal("450"))
    log(officer, school)  # autumn, 1.5 days
    log(officer, None, activity="briefing", day=date(2025, 10, 28), inside="0", outside="0.5")  # half-term
    log(officer, school, activity="national_challenge", day=date(2026, 3, 3), inside="1", outside="0")
    lines, entries = selectors.officer_time(officer=officer, academic_year=YEAR)
    summary = {(line.term, line.rate_role): (line.days, line.amount) for line in lines}
    assert summary[("autumn", "improvement_partner")] == (Decimal(2), Decimal("900.00"))
    assert summary[("spring", "national_challenge_adviser")] == (Decimal(1), None)  # no NCA rate set
    assert len(entries) == 3


def test_daily_rates_are_set_by_administrators_and_audited(personas):
    admin = personas["la_admin"]
    with pytest.raises(PermissionDenied):
        services.set_daily_rate(actor=personas["senior_adviser"], academic_year=YEAR,
                                rate_role="improvement_partner", amount=Decimal(400))
    for bad in ({"amount": Decimal(0)}, {"amount": Decimal(6000)}, {"rate_role": "cook"},
                {"academic_year": "2025"}):
        arguments = {"academic_year": YEAR, "rate_role": "improvement_partner", "amount": Decimal(400), **bad}
        with pytest.raises(ValidationError):
            services.set_daily_rate(actor=admin, **arguments)
    assert not DailyRate.objects.exists()
    services.set_daily_rate(actor=admin, academic_year=YEAR, rate_role="improvement_partner", amount=Decimal(400))
    rate = services.set_daily_rate(actor=admin, academic_year=YEAR, rate_role="improvement_partner",
                                   amount=Decimal(420))
    assert DailyRate.objects.get().amount == Decimal(420)
    assert [h.amount for h in rate.history.order_by("history_id")] == [Decimal(400), Decimal(420)]


# Pages -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("data, message", [
    ({"activity": "autumn_visit", "in_school": "abc"}, "Enter days as a number"),
    ({"activity": "", "in_school": "1"}, "Choose an activity."),
    ({"activity": "briefing", "in_school": "1"}, "Choose an activity from the list."),
    ({"activity": "autumn_visit", "in_school": "0.3"}, "quarter days"),
    ({"activity": "autumn_visit"}, "Enter the days in school, out of school, or both."),
])
def test_bad_time_on_the_school_page(data, message, client_for, officer, school):
    today = timezone.localdate()
    response = client_for(officer).post(
        reverse("planning:school_time", kwargs={"urn": school.urn}),
        {"day_day": today.day, "day_month": today.month, "day_year": today.year, **data})
    assert response.status_code == 400 and message in response.content.decode()
    assert not TimeEntry.objects.exists()


def test_the_summary_and_its_export(client_for, officer, school, personas):
    services.set_daily_rate(actor=personas["la_admin"], academic_year=YEAR, rate_role="improvement_partner",
                            amount=Decimal("450"))
    log(officer, school)
    page = client_for(officer).get(reverse("planning:time") + f"?year={YEAR}").content.decode()
    assert "£675.00" in page
    response = client_for(personas["la_admin"]).get(
        reverse("planning:time_export", args=["csv"]) + f"?year={YEAR}&officer={officer.pk}")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "Autumn visit" in text and "675.0" in text and school.urn in text


def test_officers_cannot_read_each_others_time(client_for, officer, personas):
    url = reverse("planning:time") + f"?officer={personas['senior_adviser'].pk}"
    assert client_for(officer).get(url).status_code == 403
    assert client_for(personas["senior_adviser"]).get(
        reverse("planning:time") + f"?officer={officer.pk}").status_code == 200


def test_bad_rate_on_the_page(client_for, personas):
    for data in ({"rate_role": "improvement_partner", "amount": "lots"}, {"amount": "400"},
                 {"rate_role": "improvement_partner", "amount": "0"}):
        response = client_for(personas["la_admin"]).post(reverse("planning:rates"), data)
        assert response.status_code == 400 and "There is a problem" in response.content.decode()
    assert not DailyRate.objects.exists()
