"""Coverage against entitlement, and the plan and coverage downloads."""

from __future__ import annotations

from datetime import date
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from improvement.planning import selectors, services
from improvement.planning.models import PlannedVisit
from improvement.planning.tests.test_plan import START, YEAR, entitle, run
from improvement.schools.tests.factories import SchoolFactory


@pytest.fixture
def setup(authority, school, sibling_school, personas):
    authority.policy_packs = {YEAR: ["coventry-2023-24"]}
    authority.save()
    adviser, officer = personas["senior_adviser"], personas["monitoring_officer"]
    services.allocate_officer(actor=adviser, school=school, academic_year=YEAR, officer=officer)
    entitle(school, 3, adviser)
    run(adviser)
    first, second, _ = PlannedVisit.objects.filter(school=school).order_by("sequence")
    services.change_plan_status(actor=officer, planned=first, to_status="agreed")
    services.change_plan_status(actor=officer, planned=first, to_status="completed", today=date(2024, 8, 1))
    services.change_plan_status(actor=officer, planned=second, to_status="agreed")
    entitle(sibling_school, 2, adviser)  # entitled after the planner ran: nothing planned yet
    return adviser, officer


def test_coverage_by_school_term_and_officer(setup, school, sibling_school):
    adviser, officer = setup
    data = selectors.coverage(user=adviser, academic_year=YEAR, today=date(2024, 1, 10))
    rows = {row.school: row for row in data.rows}
    a, b = rows[school].counts, rows[sibling_school].counts
    assert (a.entitled, a.planned, a.agreed, a.completed) == (3, 3, 2, 1)
    assert (b.entitled, b.planned) == (2, 0)
    assert a.overdue == 0  # the autumn visit is completed; the others are still to come
    assert {term: c.entitled for term, c in data.by_term.items()} == {"autumn": 2, "spring": 2, "summer": 1}
    assert {term: c.planned for term, c in data.by_term.items()} == {"autumn": 1, "spring": 1, "summer": 1}
    assert [row.school for row in data.behind] == [sibling_school]
    officers = dict(data.by_officer)
    assert officers[officer].entitled == 3 and officers[None].entitled == 2
    assert (data.total.entitled, data.total.planned, data.total.completed) == (5, 3, 1)


def test_overdue_visits_put_a_school_behind(setup, school):
    adviser, _ = setup
    data = selectors.coverage(user=adviser, academic_year=YEAR, today=date(2024, 8, 1))
    row = next(r for r in data.rows if r.school == school)
    assert row.counts.overdue == 2 and row.behind


def test_the_coverage_page_uses_a_constant_number_of_queries(setup, client_for, authority):
    adviser, officer = setup

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = client_for(adviser).get(reverse("planning:coverage") + f"?year={YEAR}")
        assert response.status_code == 200
        return len(queries)

    count()
    few = count()
    for _ in range(10):
        s = SchoolFactory(authority=authority)
        services.allocate_officer(actor=adviser, school=s, academic_year=YEAR, officer=officer)
        entitle(s, 2, adviser)
    run(adviser, today=START)
    assert count() == few


def test_exports_are_formula_safe_in_csv_and_excel(setup, client_for, school):
    adviser, _ = setup
    school.name = '=HYPERLINK("http://evil.example","Click")'
    school.save()
    csv_text = b"".join(client_for(adviser).get(
        reverse("planning:plan_export", args=["csv"]) + f"?year={YEAR}").streaming_content).decode("utf-8-sig")
    lines = csv_text.strip().splitlines()
    assert lines[0].startswith("Date,School,URN") and len(lines) == 4
    assert "'=HYPERLINK" in csv_text
    response = client_for(adviser).get(reverse("planning:coverage_export", args=["xlsx"]) + f"?year={YEAR}")
    sheet = load_workbook(BytesIO(response.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0][:4] == ["School", "URN", "Officer", "Entitled"]
    names = [row[0] for row in values[1:]]
    assert "'=HYPERLINK(\"http://evil.example\",\"Click\")" in names
    assert all(not str(n).startswith("=") for n in names)


def test_unknown_formats_are_404(setup, client_for):
    adviser, _ = setup
    assert client_for(adviser).get(reverse("planning:plan_export", args=["pdf"])).status_code == 404
    assert client_for(adviser).get(reverse("planning:coverage_export", args=["exe"])).status_code == 404
