"""The school's events page and the calibration page: what each role sees, filters, and query
counts that do not grow with the number of events or forms."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from improvement.ofsted_events import services
from improvement.ofsted_events.tests.factories import (
    RI_DAY,
    at,
    feedback_details,
    make_feedback,
    make_monitoring,
    make_notification,
    make_subject,
    rc_grades,
    ri_grades,
)
from improvement.schools.models import Phase
from improvement.schools.tests.factories import SchoolFactory

pytestmark = pytest.mark.django_db


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, response.content.decode()[:2000]
    return len(context)


def _events(adviser, school, n: int, *, first_day: date) -> None:
    """n of each kind of event, a week apart."""
    for k in range(n):
        day = first_day + timedelta(weeks=k)
        notification = make_notification(adviser, school, called_at=at(day - timedelta(days=1)),
                                         told_la_at=at(day - timedelta(days=1), 15), inspection_starts_on=day)
        if day.year >= 2025:
            make_feedback(adviser, school, notification, inspection_date=day)
        else:
            services.record_feedback(actor=adviser, school=school, notification=notification, details=feedback_details(
                era="s5-2012", inspection_date=day, grades=ri_grades()))
        make_monitoring(adviser, school, visit_date=day + timedelta(days=1))
        make_subject(adviser, school, inspection_date=day + timedelta(days=2))


@pytest.mark.parametrize("first_day", [date(2026, 3, 10), RI_DAY], ids=["report cards", "2012 monitoring pack"])
def test_events_page_queries_do_not_grow_with_the_events(client_for, personas, school, django_assert_num_queries,
                                                         first_day):
    adviser = personas["senior_adviser"]
    client = client_for(personas["monitoring_officer"])
    url = reverse("ofsted_events:school", kwargs={"urn": school.urn})
    _events(adviser, school, 1, first_day=first_day)
    one = _queries(client, url)
    _events(adviser, school, 3, first_day=first_day + timedelta(weeks=1))
    with django_assert_num_queries(one):
        response = client.get(url)
    html = response.content.decode()
    assert html.count("Record the feedback") == 0  # every notification has its form
    assert html.count("Feedback form<span") == 4 and html.count("HMI monitoring visit</span>") == 4
    if first_day == RI_DAY:  # the engine's dates for each requires improvement inspection
        assert html.count("HMI monitoring visit expected") == 8  # on each notification and each form


def test_events_page_lists_everything_for_la_staff_with_links_to_add(client_for, personas, school):
    adviser = personas["senior_adviser"]
    make_notification(adviser, school)
    make_monitoring(adviser, school)
    make_subject(adviser, school)
    url = reverse("ofsted_events:school", kwargs={"urn": school.urn})
    html = client_for(personas["monitoring_officer"]).get(url).content.decode()
    for text in ("Log a notification of an inspection", "Record an inspection feedback form",
                 "Record HMI monitoring visit feedback", "Record subject, theme or survey inspection feedback",
                 "Record the feedback", "Mathematics", "Leaders are taking effective action"):
        assert text in html
    viewer = client_for(personas["la_viewer"]).get(url).content.decode()
    assert "Mathematics" in viewer and "Log a notification" not in viewer and "Record the feedback" not in viewer


def test_profile_link_shown_only_with_permission(client_for, personas, school):
    url = reverse("schools:detail", kwargs={"urn": school.urn})
    link = reverse("ofsted_events:school", kwargs={"urn": school.urn})
    assert link in client_for(personas["la_viewer"]).get(url).content.decode()
    assert link in client_for(personas["headteacher"]).get(url).content.decode()
    assert link not in client_for(personas["chair_of_governors"]).get(url).content.decode()


# Calibration -----------------------------------------------------------------------------------


def _calibration_forms(adviser, school, n: int, *, start: date) -> None:
    """n report-card forms: the school above Ofsted on achievement, equal elsewhere."""
    for k in range(n):
        make_feedback(adviser, school, inspection_date=start + timedelta(weeks=k), grades=rc_grades(
            achievement=services.GradeEntry("achievement", "strong_standard", "expected_standard", "Data overstated")))


def test_calibration_counts_above_equal_below_with_percentages(client_for, personas, school, sibling_school):
    adviser = personas["senior_adviser"]
    _calibration_forms(adviser, school, 3, start=date(2026, 3, 10))
    make_feedback(adviser, sibling_school, inspection_date=date(2026, 3, 10), grades=rc_grades(
        achievement=services.GradeEntry("achievement", "needs_attention", "expected_standard", "Too harsh")))
    # Another authority's forms never count.
    other_adviser = personas["other_la_officer"]
    other = SchoolFactory(authority=other_adviser.authority, urn="200009")
    make_feedback(other_adviser, other, grades=rc_grades(
        achievement=services.GradeEntry("achievement", "exceptional", "urgent_improvement", "x")))
    html = client_for(adviser).get(reverse("ofsted_events:calibration")).content.decode()
    assert "Report cards, from November 2025" in html and "4 feedback forms." in html
    row = html[html.index(">Achievement<"):]
    row = row[:row.index("</tr>")]
    cells = [c.split("<")[0] for c in row.split('govuk-table__cell--numeric">')[1:]]
    assert cells == ["4", "3", "75%", "0", "0%", "1", "25%"]


def test_calibration_filters_by_academic_year_and_phase(client_for, personas, school, sibling_school):
    adviser = personas["senior_adviser"]
    sibling_school.phase = Phase.SECONDARY
    sibling_school.save()
    _calibration_forms(adviser, school, 1, start=date(2026, 3, 10))  # 2025/26, primary
    _calibration_forms(adviser, sibling_school, 1, start=date(2026, 9, 15))  # 2026/27, secondary
    client = client_for(adviser)
    url = reverse("ofsted_events:calibration")
    assert "2 feedback forms." in client.get(url).content.decode()
    assert "1 feedback form." in client.get(url, {"academic_year": "2026/27"}).content.decode()
    primary = client.get(url, {"phase": "primary", "academic_year": "2026/27"}).content.decode()
    assert "No feedback forms with both" in primary
    bad = client.get(url, {"academic_year": "1999/00"})
    assert bad.status_code == 400 and "Select a valid choice" in bad.content.decode()


def test_calibration_queries_do_not_grow_with_the_forms(client_for, personas, school, django_assert_num_queries):
    adviser = personas["senior_adviser"]
    client = client_for(adviser)
    url = reverse("ofsted_events:calibration") + "?academic_year=2025/26&phase=primary"
    _calibration_forms(adviser, school, 1, start=date(2026, 3, 10))
    one = _queries(client, url)
    _calibration_forms(adviser, school, 4, start=date(2026, 3, 17))
    with django_assert_num_queries(one):
        html = client.get(url).content.decode()
    assert "5 feedback forms." in html


def test_calibration_is_in_the_navigation_for_senior_advisers_only(client_for, personas):
    url = reverse("ofsted_events:calibration")
    home = reverse("schools:list")
    assert url in client_for(personas["senior_adviser"]).get(home).content.decode()
    assert url not in client_for(personas["monitoring_officer"]).get(home).content.decode()
