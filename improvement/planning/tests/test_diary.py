"""Officer diaries, the secret calendar feeds and the .ics download per visit."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from improvement.accounts.roles import Role
from improvement.accounts.tests.factories import UserFactory
from improvement.planning import services
from improvement.planning.models import (
    CalendarFeed,
    PlannedVisit,
    PlannedVisitStatusChange,
    PlanStatus,
)
from improvement.policy.calendar import DEFAULT_CALENDAR
from improvement.schools.tests.factories import SchoolFactory


def school_day(offset: int) -> date:
    return DEFAULT_CALENDAR.add_school_days(timezone.localdate(), offset)


def make_planned(school, officer, day, status=PlanStatus.PROPOSED, sequence=None, label="Autumn visit"):
    item = PlannedVisit.objects.create(
        school=school, academic_year="x", kind="visit", label=label, target_half_term=2, date=day, officer=officer,
        status=status, sequence=sequence or PlannedVisit.objects.count() + 1)
    PlannedVisitStatusChange.objects.create(planned_visit=item, to_status=status, actor=officer)
    return item


@pytest.fixture
def officer(personas):
    return personas["monitoring_officer"]


@pytest.fixture
def visits(school, officer, sibling_school):
    school.street, school.town, school.postcode = "1 Alder Road", "Northmoor", "NM1 1AA"
    school.save()
    return {
        "proposed": make_planned(school, officer, school_day(3)),
        "agreed": make_planned(school, officer, school_day(8), PlanStatus.AGREED),
        "cancelled": make_planned(sibling_school, officer, school_day(12), PlanStatus.CANCELLED),
    }


def feed_url(token: str) -> str:
    return reverse("planning:feed", kwargs={"token": token})


def events(content: bytes) -> dict[str, object]:
    calendar = Calendar.from_ical(content)
    return {str(e["SUMMARY"]): e for e in calendar.walk("VEVENT")}


def test_the_feed_parses_back_with_every_visit(visits, officer, school):
    _, token = services.create_calendar_feed(actor=officer)
    response = Client().get(feed_url(token))  # no session: the token is the credential
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    assert set(events(response.content)) == {f"Autumn visit: {school.name}", "Autumn visit: Birch Primary School"}
    parsed = Calendar.from_ical(response.content).walk("VEVENT")
    by_uid = {str(e["UID"]): e for e in parsed}
    assert len(by_uid) == 3
    agreed = by_uid[f"planned-visit-{visits['agreed'].pk}@school-improvement-monitor"]
    assert agreed.decoded("DTSTART") == visits["agreed"].date
    assert agreed.decoded("DTEND") == visits["agreed"].date + timedelta(days=1)
    assert str(agreed["STATUS"]) == "CONFIRMED" and str(agreed["LOCATION"]) == "1 Alder Road, Northmoor, NM1 1AA"
    assert f"URN {school.urn}" in str(agreed["DESCRIPTION"])
    statuses = {str(e["UID"]).split("@")[0]: str(e["STATUS"]) for e in parsed}
    assert statuses[f"planned-visit-{visits['proposed'].pk}"] == "TENTATIVE"
    assert statuses[f"planned-visit-{visits['cancelled'].pk}"] == "CANCELLED"


def test_the_feed_holds_only_its_officers_visits(visits, officer, school, authority):
    colleague = UserFactory(authority=authority, role=Role.MONITORING_OFFICER)
    make_planned(school, colleague, school_day(5), label="Colleague's visit")
    _, token = services.create_calendar_feed(actor=officer)
    content = Client().get(feed_url(token)).content
    assert len(Calendar.from_ical(content).walk("VEVENT")) == 3 and b"Colleague" not in content


def test_unknown_revoked_and_replaced_tokens_are_404(visits, officer):
    _, first = services.create_calendar_feed(actor=officer)
    _, second = services.create_calendar_feed(actor=officer)
    client = Client()
    assert client.get(feed_url(first)).status_code == 404
    assert client.get(feed_url(second)).status_code == 200
    assert client.get(feed_url("not-a-token")).status_code == 404
    assert client.get(feed_url("x" * 200)).status_code == 404
    services.revoke_calendar_feed(actor=officer)
    assert client.get(feed_url(second)).status_code == 404


def test_a_deactivated_officers_feed_stops(visits, officer):
    _, token = services.create_calendar_feed(actor=officer)
    officer.is_active = False
    officer.save()
    assert Client().get(feed_url(token)).status_code == 404


def test_the_token_is_not_stored(officer):
    feed, token = services.create_calendar_feed(actor=officer)
    assert token not in feed.token_digest and len(token) >= 40
    assert not CalendarFeed.objects.filter(token_digest=token).exists()


def test_the_feed_page_shows_the_address_once_and_revokes(client_for, officer, visits):
    client = client_for(officer)
    made = client.post(reverse("planning:diary_feed")).content.decode()
    token = made.split("/planning/feeds/")[1].split("/")[0]
    assert Client().get(feed_url(token)).status_code == 200
    assert token not in client.get(reverse("planning:diary_feed")).content.decode()
    assert client.post(reverse("planning:diary_feed_revoke")).status_code == 302
    assert Client().get(feed_url(token)).status_code == 404


def test_the_visit_ics_parses_back(client_for, officer, visits, school):
    item = visits["agreed"]
    response = client_for(officer).get(reverse("planning:visit_ics", args=[item.pk]))
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    (event,) = Calendar.from_ical(response.content).walk("VEVENT")
    assert event.decoded("DTSTART") == item.date and str(event["SUMMARY"]) == f"Autumn visit: {school.name}"
    assert str(event["URL"]).endswith(reverse("planning:visit", args=[item.pk]))


# Diary pages -----------------------------------------------------------------------------------


def test_an_officer_sees_their_own_diary(client_for, officer, visits, school):
    page = client_for(officer).get(reverse("planning:diary")).content.decode()
    assert page.count(school.name) == 2 and "Birch Primary School" in page


def test_a_senior_adviser_sees_anyones_diary(client_for, personas, officer, visits, school):
    page = client_for(personas["senior_adviser"]).get(reverse("planning:diary") + f"?officer={officer.pk}")
    assert page.status_code == 200 and school.name in page.content.decode()


@pytest.mark.parametrize("officer_param, status", [("colleague", 403), ("999999", 404), ("abc", 404)])
def test_officers_cannot_read_each_others_diaries(officer_param, status, client_for, officer, authority):
    colleague = UserFactory(authority=authority, role=Role.MONITORING_OFFICER)
    value = str(colleague.pk) if officer_param == "colleague" else officer_param
    assert client_for(officer).get(reverse("planning:diary") + f"?officer={value}").status_code == status


def test_the_headteacher_sees_only_agreed_visits_to_their_school(client_for, personas, visits, school):
    page = client_for(personas["headteacher"]).get(reverse("planning:diary")).content.decode()
    assert visits["agreed"].date.strftime("%a %-d %b") in page
    assert visits["proposed"].date.strftime("%a %-d %b") not in page
    assert "Birch Primary School" not in page


def test_the_month_view_puts_visits_on_their_day(client_for, officer, visits, school):
    day = visits["agreed"].date
    page = client_for(officer).get(reverse("planning:diary") + f"?view=month&month={day:%Y-%m}").content.decode()
    assert day.strftime("%B %Y") in page and school.name in page
    assert client_for(officer).get(reverse("planning:diary") + "?view=month&month=nonsense").status_code == 200


def test_the_diary_uses_a_constant_number_of_queries(client_for, officer, authority):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client_for(officer).get(reverse("planning:diary")).status_code == 200
        return len(queries)

    for n in range(2):
        make_planned(SchoolFactory(authority=authority), officer, school_day(n + 1))
    count()
    few = count()
    for n in range(10):
        make_planned(SchoolFactory(authority=authority), officer, school_day(n + 3))
    assert count() == few
