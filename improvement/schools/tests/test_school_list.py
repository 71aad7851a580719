"""The school list: scope, search, filters, sorting, pagination, escaping and query counts."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from improvement.inspections.tests.factories import InspectionFactory
from improvement.schools.models import Governance, Phase, Status
from improvement.schools.selectors import refresh_latest_inspection
from improvement.schools.tests.factories import (
    ContextMeasureFactory,
    NetworkFactory,
    SchoolFactory,
    TrustFactory,
)

LIST = reverse("schools:list")


def listed(response) -> list[str]:
    assert response.status_code == 200
    return [school.name for school in response.context["page"].object_list]


@pytest.fixture
def admin_client(personas, client_for):
    return client_for(personas["la_admin"])


def inspected(school, *, start: date, era: str = "eif-2019", **judgements):
    inspection = InspectionFactory(
        school=school, era=era, start_date=start, publication_date=None,
        judgements=judgements or {"overall_effectiveness": "good"},
    )
    refresh_latest_inspection(school)
    return inspection


class TestScope:
    def test_la_staff_see_their_authority_only(self, personas, client_for, school, sibling_school, other_school):
        names = listed(client_for(personas["monitoring_officer"]).get(LIST))
        assert names == ["Alder Primary School", "Birch Primary School"]

    def test_other_authority_officer_never_sees_our_schools(self, personas, client_for, school, other_school):
        response = client_for(personas["other_la_officer"]).get(LIST, {"q": school.name})
        assert listed(response) == []
        assert listed(client_for(personas["other_la_officer"]).get(LIST)) == ["Other LA School"]

    def test_other_authority_officer_cannot_find_our_school_by_dfe_number_or_urn(
        self, personas, client_for, school, other_school
    ):
        client = client_for(personas["other_la_officer"])
        assert listed(client.get(LIST, {"q": "901/2001"})) == []
        assert listed(client.get(LIST, {"q": school.urn})) == []

    def test_trust_ceo_sees_only_the_trusts_schools(self, personas, client_for, school, sibling_school):
        assert listed(client_for(personas["trust_ceo"]).get(LIST)) == ["Alder Primary School"]

    def test_trust_ceo_is_not_offered_the_export(self, personas, client_for, school):
        response = client_for(personas["trust_ceo"]).get(LIST)
        assert reverse("schools:export") not in response.content.decode()

    def test_network_filter_offers_only_the_authoritys_networks(self, admin_client, authority, other_authority):
        NetworkFactory(authority=authority, name="North Network")
        NetworkFactory(authority=other_authority, name="Foreign Network")
        html = admin_client.get(LIST).content.decode()
        assert "North Network" in html
        assert "Foreign Network" not in html

    def test_forged_network_from_another_authority_is_refused(self, admin_client, other_authority, school):
        foreign = NetworkFactory(authority=other_authority)
        foreign.schools.add(school)  # even if mis-linked, another LA's network is not a filter
        response = admin_client.get(LIST, {"network": foreign.pk})
        assert "Select a valid choice" in response.content.decode()


class TestSearch:
    @pytest.fixture(autouse=True)
    def schools(self, school, sibling_school, other_school):
        SchoolFactory(authority=school.authority, urn="100345", establishment_number="3456", name="Cedar Academy")

    @pytest.mark.parametrize(
        ("query", "expected"),
        [
            ("alder", ["Alder Primary School"]),
            ("  PRIMARY ", ["Alder Primary School", "Birch Primary School"]),
            ("100002", ["Birch Primary School"]),
            ("901/2001", ["Alder Primary School"]),
            ("901 / 3456", ["Cedar Academy"]),
            ("9013456", ["Cedar Academy"]),
            ("902/2001", []),  # the other authority's school with the same establishment number
            ("zzz", []),
            ("", ["Alder Primary School", "Birch Primary School", "Cedar Academy"]),
        ],
    )
    def test_search_by_name_urn_or_dfe_number(self, admin_client, query, expected):
        assert listed(admin_client.get(LIST, {"q": query})) == expected

    def test_no_results_says_so_and_offers_to_clear(self, admin_client):
        html = admin_client.get(LIST, {"q": "nothing like this"}).content.decode()
        assert "No schools match" in html
        assert "0</strong> schools found" in html


class TestFilters:
    @pytest.fixture(autouse=True)
    def register(self, authority, school, sibling_school):
        network = NetworkFactory(authority=authority, name="East Network")
        secondary = SchoolFactory(
            authority=authority, name="Cedar Academy", phase=Phase.SECONDARY, governance=Governance.ACADEMY
        )
        network.schools.add(secondary)
        SchoolFactory(authority=authority, name="Dene Closed School", status=Status.CLOSED, close_date=date(2020, 8, 31))
        SchoolFactory(authority=authority, name="Elm Proposed Closure", status=Status.PROPOSED_TO_CLOSE)
        inspected(school, start=date(2022, 3, 1), overall_effectiveness="requires_improvement")
        inspected(sibling_school, start=date(2025, 1, 15), era="eif-2024", quality_of_education="good")
        return network

    def test_phase(self, admin_client):
        assert listed(admin_client.get(LIST, {"phase": "secondary"})) == ["Cedar Academy"]

    def test_governance(self, admin_client):
        assert listed(admin_client.get(LIST, {"governance": "academy"})) == ["Cedar Academy"]

    def test_network(self, admin_client, register):
        assert listed(admin_client.get(LIST, {"network": register.pk})) == ["Cedar Academy"]

    @pytest.mark.parametrize(
        ("outcome", "expected"),
        [
            ("requires_improvement", ["Alder Primary School"]),
            ("no_overall_grade", ["Birch Primary School"]),
            ("not_inspected", ["Cedar Academy", "Elm Proposed Closure"]),
            ("good", []),
        ],
    )
    def test_latest_outcome(self, admin_client, outcome, expected):
        assert listed(admin_client.get(LIST, {"outcome": outcome})) == expected

    def test_status_defaults_to_open_schools_including_those_proposed_to_close(self, admin_client):
        names = listed(admin_client.get(LIST))
        assert "Dene Closed School" not in names
        assert "Elm Proposed Closure" in names

    def test_closed_and_all(self, admin_client):
        assert listed(admin_client.get(LIST, {"status": "closed"})) == ["Dene Closed School"]
        assert len(listed(admin_client.get(LIST, {"status": "all"}))) == 5

    def test_filters_combine(self, admin_client):
        assert listed(admin_client.get(LIST, {"phase": "primary", "outcome": "no_overall_grade"})) == [
            "Birch Primary School"
        ]

    @pytest.mark.parametrize("bad", [{"phase": "castle"}, {"status": "sideways"}, {"outcome": "brilliant"}])
    def test_bad_filter_values_show_an_error_not_a_crash(self, admin_client, bad):
        response = admin_client.get(LIST, bad)
        assert response.status_code == 200
        assert "There is a problem" in response.content.decode()


class TestSorting:
    """Alder Primary School (the personas' school: URN 100001, 2001, 300 pupils) is listed too."""

    @pytest.fixture(autouse=True)
    def register(self, authority, school):
        return {
            s.name: s
            for s in (
                SchoolFactory(authority=authority, name="Beta School", urn="100020", establishment_number="2300",
                              pupils_on_roll=500),
                SchoolFactory(authority=authority, name="Alpha School", urn="100030", establishment_number="2100",
                              pupils_on_roll=90),
                SchoolFactory(authority=authority, name="Gamma School", urn="100010", establishment_number="2200",
                              pupils_on_roll=None),
                school,
            )
        }

    @pytest.mark.parametrize(
        ("sort", "expected"),
        [
            ("name", ["Alder Primary School", "Alpha School", "Beta School", "Gamma School"]),
            ("-name", ["Gamma School", "Beta School", "Alpha School", "Alder Primary School"]),
            ("urn", ["Alder Primary School", "Gamma School", "Beta School", "Alpha School"]),
            ("dfe", ["Alder Primary School", "Alpha School", "Gamma School", "Beta School"]),
            # Unknown pupil numbers go last whichever way the column is sorted.
            ("pupils", ["Alpha School", "Alder Primary School", "Beta School", "Gamma School"]),
            ("-pupils", ["Beta School", "Alder Primary School", "Alpha School", "Gamma School"]),
            ("nonsense", ["Alder Primary School", "Alpha School", "Beta School", "Gamma School"]),
        ],
    )
    def test_sort(self, admin_client, sort, expected):
        assert listed(admin_client.get(LIST, {"sort": sort})) == expected

    def test_outcome_sorts_by_grade_not_alphabetically_and_ungraded_last(self, admin_client, register):
        inspected(register["Alpha School"], start=date(2022, 5, 1), overall_effectiveness="requires_improvement")
        inspected(register["Beta School"], start=date(2021, 5, 1), overall_effectiveness="outstanding")
        inspected(register["Gamma School"], start=date(2023, 5, 1), overall_effectiveness="good")
        inspected(register["Alder Primary School"], start=date(2025, 1, 15), era="eif-2024",
                  quality_of_education="good")
        assert listed(admin_client.get(LIST, {"sort": "outcome"})) == [
            "Beta School", "Gamma School", "Alpha School", "Alder Primary School"
        ]
        assert listed(admin_client.get(LIST, {"sort": "-outcome"})) == [
            "Alpha School", "Gamma School", "Beta School", "Alder Primary School"
        ]

    def test_most_recently_inspected_first_and_never_inspected_last(self, admin_client, register):
        inspected(register["Gamma School"], start=date(2021, 5, 1))
        inspected(register["Alpha School"], start=date(2023, 5, 1))
        names = listed(admin_client.get(LIST, {"sort": "-inspected"}))
        assert names[:2] == ["Alpha School", "Gamma School"]
        assert set(names[2:]) == {"Alder Primary School", "Beta School"}

    def test_column_headers_mark_the_current_sort_for_screen_readers(self, admin_client):
        html = admin_client.get(LIST, {"sort": "-name"}).content.decode()
        assert 'aria-sort="descending"' in html
        assert "sort=name" in html  # clicking again reverses it

    def test_sort_links_keep_the_filters(self, admin_client):
        html = admin_client.get(LIST, {"phase": "primary", "q": "School"}).content.decode()
        assert "phase=primary" in html and "q=School" in html and "sort=urn" in html


class TestPagination:
    @pytest.fixture(autouse=True)
    def register(self, authority, school):
        SchoolFactory.create_batch(50, authority=authority)  # 51 with the personas' school

    def test_fifty_a_page(self, admin_client):
        first = admin_client.get(LIST)
        assert len(listed(first)) == 50
        assert first.context["page"].paginator.count == 51
        assert len(listed(admin_client.get(LIST, {"page": 2}))) == 1

    @pytest.mark.parametrize(("page", "number"), [("999", 2), ("abc", 1), ("-1", 2)])
    def test_out_of_range_pages_do_not_crash(self, admin_client, page, number):
        response = admin_client.get(LIST, {"page": page})
        assert response.context["page"].number == number

    def test_page_links_keep_filters(self, admin_client):
        html = admin_client.get(LIST, {"phase": "primary"}).content.decode()
        assert "phase=primary&amp;page=2" in html or "page=2&amp;phase=primary" in html


def test_school_names_are_escaped(admin_client, authority):
    SchoolFactory(authority=authority, name="<script>alert(1)</script>")
    html = admin_client.get(LIST).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_search_terms_are_escaped_when_echoed(admin_client, school):
    html = admin_client.get(LIST, {"q": '"><img src=x onerror=alert(1)>'}).content.decode()
    assert "<img src=x onerror=alert(1)>" not in html


def _list_queries(client, **params) -> int:
    client.get(LIST, params)  # warm up: the first request after sign-in also touches the session
    with CaptureQueriesContext(connection) as queries:
        response = client.get(LIST, params)
    assert response.status_code == 200
    return len(queries.captured_queries)


def _grow_register(authority, count: int) -> None:
    trust = TrustFactory(authority=authority)
    network = NetworkFactory(authority=authority)
    for school in SchoolFactory.create_batch(count, authority=authority, trust=trust):
        school.networks.add(network)
        inspected(school, start=date(2021, 6, 1))
        InspectionFactory(school=school, start_date=date(2023, 6, 1), inspection_type="ungraded", judgements={})
        ContextMeasureFactory(school=school)


@pytest.mark.parametrize("params", [{}, {"q": "School"}, {"phase": "primary", "sort": "-outcome"}])
def test_list_queries_do_not_grow_with_the_register(admin_client, authority, params):
    _grow_register(authority, 5)
    small = _list_queries(admin_client, **params)
    _grow_register(authority, 35)
    large = _list_queries(admin_client, **params)
    assert small == large, f"{small} queries for 5 schools but {large} for 40: a query per row"
