"""The school profile: what it shows, to whom, escaping, and a constant number of queries."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from improvement.inspections import services as inspection_services
from improvement.inspections.tests.factories import InspectionFactory
from improvement.schools import services as school_services
from improvement.schools.models import Contact, ContextMeasure, Governance, SchoolEvent, Status
from improvement.schools.selectors import measures_table, refresh_latest_inspection
from improvement.schools.tests.factories import ContextMeasureFactory, NetworkFactory, SchoolFactory


@pytest.fixture
def admin(personas):
    return personas["la_admin"]


@pytest.fixture
def admin_client(admin, client_for):
    return client_for(admin)


def page(client, school) -> str:
    response = client.get(school.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_profile_summary(admin_client, authority, school):
    NetworkFactory(authority=authority, name="East Network").schools.add(school)
    Contact.objects.create(school=school, role="School business manager", name="Robin Example",
                           email="office@alder.example")
    html = page(admin_client, school)
    assert "<title>Alder Primary School – School Improvement Monitor</title>" in html
    assert "URN 100001 · DfE 901/2001" in html
    for text in ("Northmoor Learning Trust", "East Network", "Head of this school since 1 September 2019",
                 "School business manager", "mailto:office@alder.example", "Not inspected"):
        assert text in html


def test_inspection_history_is_grouped_by_era_newest_first(admin_client, school):
    InspectionFactory(school=school, era="s5-2012", start_date=date(2016, 5, 10),
                      judgements={"overall_effectiveness": "requires_improvement"})
    InspectionFactory(school=school, era="eif-2024", start_date=date(2025, 2, 4),
                      judgements={"quality_of_education": "good", "safeguarding": "effective"})
    InspectionFactory(school=school, era="report-card-2025", start_date=date(2026, 1, 20),
                      judgements={"inclusion": "strong_standard", "safeguarding": "met"},
                      category_of_concern="")
    refresh_latest_inspection(school)
    html = page(admin_client, school)
    eras = ["Report cards, from November 2025",
            "Education inspection framework without overall grade, 2024 to 2025",
            "Section 5, 2012 to 2019"]
    positions = [html.index(name) for name in eras]
    assert positions == sorted(positions)
    assert "Strong standard" in html and "Requires improvement" in html
    assert "Report cards give no overall grade" in html
    # The latest full inspection is a report card: honest "no overall grade", not a guess.
    assert "No overall grade" in html


def test_inspection_without_grades_says_so_outside_the_judgement_list(admin_client, school):
    """A <p> inside a <dl> breaks the definition list for screen readers (axe: definition-list)."""
    InspectionFactory(school=school, inspection_type="ungraded", judgements={}, start_date=date(2023, 6, 6))
    html = page(admin_client, school)
    assert "No grades recorded: ungraded inspection." in html
    for definition_list in re.findall(r"<dl.*?</dl>", html, re.S):
        assert "<p" not in definition_list


def test_predecessor_inspections_are_shown_as_the_predecessor(admin_client, authority, school):
    old = SchoolFactory(authority=authority, name="Old Alder Infants", urn="100900",
                        status=Status.CLOSED, close_date=date(2018, 8, 31))
    InspectionFactory(school=old, era="s5-2012", start_date=date(2015, 3, 3),
                      judgements={"overall_effectiveness": "inadequate"}, category_of_concern="special_measures")
    school.predecessor = old
    school.save()
    refresh_latest_inspection(school)
    html = page(admin_client, school)
    assert "As Old Alder Infants (URN 100900)" in html
    assert "Special measures" in html
    assert "Predecessor" in html


def test_measures_table_pivots_years_and_shows_the_trend(admin_client, school):
    for year, value in ((2022, "93.0"), (2023, "94.5"), (2024, "92.1")):
        ContextMeasureFactory(school=school, academic_year=year, measure="attendance_percent", value=Decimal(value))
    for year in (2023, 2024):
        ContextMeasureFactory(school=school, academic_year=year, measure="eal_percent", value=Decimal("12"))
    ContextMeasureFactory(school=school, academic_year=2024, measure="permanent_exclusions", value=None,
                          suppressed=True)

    years, rows = measures_table(school)
    assert years == [2022, 2023, 2024]
    by_measure = {row.measure: row for row in rows}
    assert by_measure["attendance_percent"].trend == "down"
    assert by_measure["eal_percent"].trend == "same"
    assert by_measure["eal_percent"].cells[0] is None
    assert by_measure["permanent_exclusions"].trend == ""

    html = page(admin_client, school)
    assert "2022/23" in html and "2024/25" in html
    assert 'title="Suppressed by the publisher">supp.' in html
    assert "Down" in html and "No change" in html


def test_edit_links_only_for_la_admin(admin_client, personas, client_for, school):
    ContextMeasureFactory(school=school)
    admin_html = page(admin_client, school)
    for text in ("Edit school details", "Add an inspection", "Add a context measure"):
        assert text in admin_html
    for role in ("senior_adviser", "la_viewer", "headteacher", "trust_ceo"):
        html = page(client_for(personas[role]), school)
        for text in ("Edit school details", "Add an inspection", "Add a context measure", "/measures/"):
            assert text not in html, f"{role} is offered {text!r}"


def test_school_side_users_see_their_own_school_and_not_the_list_link(personas, client_for, school):
    html = page(client_for(personas["headteacher"]), school)
    assert "Back to schools" not in html
    assert "Alder Primary School" in html


def test_school_side_user_asking_for_another_school_gets_a_styled_404(personas, client_for, sibling_school):
    for role in ("headteacher", "chair_of_governors", "trust_ceo"):
        response = client_for(personas[role]).get(sibling_school.get_absolute_url())
        assert response.status_code == 404, role
        html = response.content.decode()
        assert "Page not found" in html
        assert "Birch Primary School" not in html


def test_unknown_urn_is_404(admin_client):
    assert admin_client.get("/schools/999999/").status_code == 404


def test_user_supplied_text_is_escaped(admin_client, school):
    school.name = "<script>alert(1)</script>"
    school.headteacher_name = '<img src=x onerror="alert(2)">'
    school.save()
    Contact.objects.create(school=school, role="<b>Bursar</b>", name="<i>Someone</i>")
    html = page(admin_client, school)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img src=x" not in html
    assert "<b>Bursar</b>" not in html and "<i>Someone</i>" not in html


def test_recent_events_are_listed(admin_client, school):
    SchoolEvent.objects.create(school=school, kind=SchoolEvent.Kind.HEADTEACHER_CHANGE,
                               occurred_on=date(2024, 9, 1), detail="Headteacher: Sam Newhead")
    assert "Change of headteacher, 1 September 2024: Headteacher: Sam Newhead" in page(admin_client, school)


def _grow_profile(school, actor, count: int, offset: int) -> None:
    """count inspections, measures, contacts and events, each written through the services so
    that history rows (with users) exist as they would in real use."""
    for n in range(offset, offset + count):
        inspection_services.inspection_save(
            actor=actor, school=school, era="eif-2019", inspection_type="ungraded" if n % 2 else "full",
            start_date=date(2019, 10, 1) + (date(2019, 10, 2) - date(2019, 10, 1)) * (n * 20),
            publication_date=None,
            judgements={} if n % 2 else {"overall_effectiveness": "good", "quality_of_education": "good"},
        )
        school_services.measure_save(
            actor=actor,
            measure=ContextMeasure(school=school, academic_year=2000 + n // 10,
                                   measure=list(ContextMeasure._meta.get_field("measure").choices)[n % 10][0],
                                   value=Decimal(n % 90), source="Test"),
        )
        Contact.objects.create(school=school, role=f"Role {n}", name=f"Person {n}")
        SchoolEvent.objects.create(school=school, kind=SchoolEvent.Kind.LEADERSHIP_CHANGE, occurred_on=date(2020, 1, 1))
    school_services.school_update(actor=actor, school=school, data={"pupils_on_roll": 300 + offset})


def _profile_queries(client, school) -> int:
    page(client, school)  # warm up: the first request after sign-in also touches the session
    with CaptureQueriesContext(connection) as queries:
        page(client, school)
    return len(queries.captured_queries)


@pytest.mark.parametrize("role", ["la_admin", "headteacher"])
def test_profile_queries_do_not_grow_with_history(personas, client_for, authority, school, role):
    admin = personas["la_admin"]
    old = SchoolFactory(authority=authority, governance=Governance.LA_MAINTAINED, status=Status.CLOSED,
                        close_date=date(2019, 8, 31))
    InspectionFactory(school=old, era="s5-2012", start_date=date(2014, 1, 14),
                      judgements={"overall_effectiveness": "good"})
    school.predecessor = old
    school.save()
    NetworkFactory(authority=authority).schools.add(school)
    client = client_for(personas[role])

    _grow_profile(school, admin, 2, offset=0)
    small = _profile_queries(client, school)
    _grow_profile(school, admin, 18, offset=2)
    large = _profile_queries(client, school)
    assert small == large, f"{small} queries with 2 inspections and measures but {large} with 20"
