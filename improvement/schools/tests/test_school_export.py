"""CSV export of the filtered school list: contents, scope, filters and formula injection."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from improvement.core.csv_export import spreadsheet_safe
from improvement.inspections.tests.factories import InspectionFactory
from improvement.schools.models import Phase
from improvement.schools.selectors import refresh_latest_inspection
from improvement.schools.tests.factories import SchoolFactory, TrustFactory

EXPORT = reverse("schools:export")
HEADER = [
    "URN", "DfE number", "Name", "Phase", "Governance", "Status", "Trust",
    "Latest full inspection", "Latest outcome", "Pupils on roll", "Headteacher",
]


def rows(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="schools-')
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff"), "Excel needs the byte-order mark to read UTF-8 names"
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))


@pytest.fixture
def officer(personas, client_for):
    return client_for(personas["monitoring_officer"])


def test_export_contents(officer, school, sibling_school, other_school):
    school.headteacher_name = "Pat Example"
    school.pupils_on_roll = 312
    school.save()
    InspectionFactory(school=school, start_date=date(2022, 3, 15),
                      judgements={"overall_effectiveness": "requires_improvement"})
    refresh_latest_inspection(school)

    table = rows(officer.get(EXPORT))
    assert table[0] == HEADER
    by_urn = {row[0]: row for row in table[1:]}
    assert set(by_urn) == {"100001", "100002"}, "only the officer's own authority"
    assert by_urn["100001"] == [
        "100001", "901/2001", "Alder Primary School", "Primary", "LA maintained", "Open",
        "Northmoor Learning Trust", "2022-03-15", "Requires improvement", "312", "Pat Example",
    ]
    assert by_urn["100002"][7:9] == ["", "Not inspected"]


def test_other_authority_export_never_contains_our_schools(personas, client_for, school, sibling_school, other_school):
    table = rows(client_for(personas["other_la_officer"]).get(EXPORT, {"status": "all"}))
    assert [row[0] for row in table[1:]] == ["200001"]


def test_export_follows_the_list_filters_and_search(officer, authority, school, sibling_school):
    SchoolFactory(authority=authority, name="Cedar Academy", phase=Phase.SECONDARY)
    assert [r[2] for r in rows(officer.get(EXPORT, {"phase": "secondary"}))[1:]] == ["Cedar Academy"]
    assert [r[2] for r in rows(officer.get(EXPORT, {"q": "901/2002"}))[1:]] == ["Birch Primary School"]
    assert [r[2] for r in rows(officer.get(EXPORT, {"sort": "-name"}))[1:]] == [
        "Cedar Academy", "Birch Primary School", "Alder Primary School"
    ]


def test_list_page_links_to_the_export_with_its_filters(officer, school):
    html = officer.get(reverse("schools:list"), {"phase": "primary", "q": "Alder"}).content.decode()
    assert f"{EXPORT}?phase=primary&amp;q=Alder" in html


@pytest.mark.parametrize(
    "name",
    ['=HYPERLINK("http://evil.example","Click")', "+SUM(A1:A9)", "-2+3", "@cmd", "\tTabbed", "\rReturn"],
)
def test_formula_injection_is_neutralised(officer, authority, name):
    SchoolFactory(authority=authority, name=name, headteacher_name="=1+1")
    table = rows(officer.get(EXPORT, {"q": name.strip()[:6]}))
    exported = next(row for row in table[1:] if row[2].lstrip("'") == name)
    assert exported[2] == "'" + name
    assert exported[10] == "'=1+1"


def test_spreadsheet_safe_keeps_numbers_and_plain_text():
    assert spreadsheet_safe(-5) == -5
    assert spreadsheet_safe(3.5) == 3.5
    assert spreadsheet_safe(None) == ""
    assert spreadsheet_safe("Alder Primary") == "Alder Primary"
    assert spreadsheet_safe("a=b") == "a=b"


def test_export_queries_do_not_grow_with_the_register(officer, authority):
    trust = TrustFactory(authority=authority)

    def grow(count: int) -> None:
        for school in SchoolFactory.create_batch(count, authority=authority, trust=trust):
            InspectionFactory(school=school)
            refresh_latest_inspection(school)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            rows(officer.get(EXPORT))
        return len(queries.captured_queries)

    grow(3)
    small = count()
    grow(30)
    assert count() == small
