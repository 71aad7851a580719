"""The portfolio: every open school with its main decisions, filters, sorting, CSV, totals,
the early-warning list, and a fixed number of queries however many schools."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from improvement.decisions import services
from improvement.decisions.presenters import DETAIL, PORTFOLIO_ROLES
from improvement.inspections.tests.factories import InspectionFactory
from improvement.policy.packs import available_packs, load_pack
from improvement.schools.models import Phase, Status
from improvement.schools.tests.factories import NetworkFactory, SchoolFactory

AS_OF = {"as_of_day": "15", "as_of_month": "1", "as_of_year": "2024"}
PORTFOLIO = "/portfolio/"
RI = {"overall_effectiveness": "requires_improvement", "quality_of_education": "requires_improvement",
      "behaviour_and_attitudes": "good", "personal_development": "good",
      "leadership_and_management": "requires_improvement", "safeguarding": "effective"}
RI_LEADERSHIP_GOOD = {**RI, "leadership_and_management": "good"}


@pytest.fixture
def coventry(authority):
    authority.policy_packs = {"2023/24": ["coventry-2023-24", "england-dfe-2022-not-making-necessary-improvements"]}
    authority.save()
    return authority


@pytest.fixture
def adviser(personas):
    return personas["senior_adviser"]


@pytest.fixture
def portfolio_schools(authority, school, sibling_school, adviser, coventry):
    """school: primary, category 1, good; sibling: primary, category 4, RI (causing concern, at
    risk); secondary: RI with good leadership (focus school, at risk) and an overridden
    entitlement; plus a closed school that must not appear."""
    network = NetworkFactory(authority=authority, name="East network")
    school.networks.add(network)
    services.record_categorisation(actor=adviser, school=school, academic_year="2023/24", la_category=1)
    services.record_categorisation(actor=adviser, school=sibling_school, academic_year="2023/24", la_category=4)
    InspectionFactory(school=school)
    InspectionFactory(school=sibling_school, judgements=RI, start_date=date(2022, 11, 8),
                      publication_date=date(2022, 12, 15))
    secondary = SchoolFactory(authority=authority, urn="100003", name="=Cedar Secondary", phase=Phase.SECONDARY,
                              headteacher_start_date=date(2015, 9, 1))
    InspectionFactory(school=secondary, judgements=RI_LEADERSHIP_GOOD, start_date=date(2023, 5, 9), publication_date=date(2023, 6, 20))
    services.record_override(actor=adviser, school=secondary, decision_key="coventry.visit_entitlement",
                             value="3", reason="Agreed at SIB")
    SchoolFactory(authority=authority, urn="100004", name="Closed Primary", status=Status.CLOSED,
                  close_date=date(2020, 7, 31))
    return {"school": school, "sibling": sibling_school, "secondary": secondary, "network": network}


def _get(client, url=PORTFOLIO, **query):
    return client.get(url, {**AS_OF, **query})


def _names(response) -> list[str]:
    return [row.school.name for row in response.context["page"].object_list]


def test_every_shipped_decision_has_a_portfolio_role():
    for pack_id in available_packs():
        for key in load_pack(pack_id).keys:
            assert key in PORTFOLIO_ROLES, f"{key} ({pack_id}) has no portfolio role"
    assert PORTFOLIO_ROLES["kent.visit_calendar"][0] == DETAIL


def test_portfolio_lists_open_schools_with_main_decisions_and_totals(client_for, personas, portfolio_schools):
    response = _get(client_for(personas["la_viewer"]))
    assert response.status_code == 200
    assert _names(response) == ["=Cedar Secondary", "Alder Primary School", "Birch Primary School"]
    html = response.content.decode()
    assert "Closed Primary" not in html
    rows = {r.school.urn: r for r in response.context["page"].object_list}
    alder, birch, cedar = rows["100001"], rows["100002"], rows["100003"]
    assert [e.text for e in alder.entitlements] == ["3"] and alder.support_level[0] == "universal"
    assert [e.text for e in birch.entitlements] == ["1"] and birch.support_level[0] == "school_causing_concern"
    assert birch.early_warning and birch.window_from == "2023-12-15"
    assert any(t.startswith("Network focus school") for t in birch.triggers)
    assert cedar.entitlements[0].overridden and cedar.entitlements[0].text == "3"
    # Totals: 3 + 1 + 3 (overridden) visits; one of each support level.
    portfolio = response.context["portfolio"]
    totals = {t.label: t for t in portfolio.entitlement_totals}
    assert totals["CMO visits this academic year"].total == 7
    levels = {key: n for key, _, n in portfolio.support_levels}
    assert levels == {"school_causing_concern": 1, "focus_school": 1, "universal": 1}
    assert portfolio.early_warnings == 2  # Birch and Cedar: latest below Good
    assert "7 across 3 schools" in html and "School Causing Concern: 1" in html


@pytest.mark.parametrize(("query", "expected"), [
    ({"phase": "secondary"}, ["=Cedar Secondary"]),
    ({"support_level": "school_causing_concern"}, ["Birch Primary School"]),
    ({"triggers": "yes"}, ["=Cedar Secondary", "Birch Primary School"]),
    ({"triggers": "no"}, ["Alder Primary School"]),
    ({"early_warning": "yes"}, ["=Cedar Secondary", "Birch Primary School"]),
    ({"q": "birch"}, ["Birch Primary School"]),
    ({"q": "100001"}, ["Alder Primary School"]),
])
def test_filters(client_for, personas, portfolio_schools, query, expected):
    assert _names(_get(client_for(personas["la_viewer"]), **query)) == expected


def test_network_filter(client_for, personas, portfolio_schools):
    network = portfolio_schools["network"]
    assert _names(_get(client_for(personas["la_viewer"]), network=str(network.pk))) == ["Alder Primary School"]


def test_forged_filter_values_show_an_error_not_a_crash(client_for, personas, portfolio_schools, other_authority):
    other_network = NetworkFactory(authority=other_authority)
    response = _get(client_for(personas["la_viewer"]), support_level="made_up", network=str(other_network.pk))
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert len(_names(response)) == 3


@pytest.mark.parametrize(("sort", "expected"), [
    ("category", ["Alder Primary School", "Birch Primary School", "=Cedar Secondary"]),
    ("-category", ["Birch Primary School", "Alder Primary School", "=Cedar Secondary"]),  # unknown last
    ("-entitlement", ["Alder Primary School", "=Cedar Secondary", "Birch Primary School"]),
    ("support", ["Birch Primary School", "=Cedar Secondary", "Alder Primary School"]),
    ("window", ["Birch Primary School", "=Cedar Secondary", "Alder Primary School"]),
    ("nonsense", ["=Cedar Secondary", "Alder Primary School", "Birch Primary School"]),
])
def test_sorting(client_for, personas, portfolio_schools, sort, expected):
    assert _names(_get(client_for(personas["la_viewer"]), sort=sort)) == expected


def test_csv_export_is_filtered_and_formula_safe(client_for, personas, portfolio_schools):
    response = _get(client_for(personas["network_lead"]), reverse("decisions:portfolio_export"), phase="secondary")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["URN", "School", "Phase"] and len(rows) == 2
    assert rows[1][1] == "'=Cedar Secondary"  # a leading = would run as a formula
    assert "CMO visits this academic year: 3 (overridden)" in rows[1]


def test_early_warning_list_is_sorted_by_window(client_for, personas, portfolio_schools):
    response = _get(client_for(personas["la_viewer"]), reverse("decisions:early_warning"))
    rows = response.context["page"].object_list
    assert [r.school.urn for r in rows] == ["100002", "100003"]
    assert [r.window_from for r in rows] == ["2023-12-15", "2024-06-20"]
    assert "15 December 2023 to 15 June 2025" in response.content.decode()


def test_a_year_no_pack_covers_offers_the_latest_covered(client_for, personas, school, time_machine):
    time_machine.move_to(date(2031, 10, 1))
    response = client_for(personas["la_admin"]).get(PORTFOLIO)
    html = response.content.decode()
    assert "No policy pack covers 2031/32" in html and "Show them as of 31 August 2026" in html
    assert response.context["portfolio"].rows[0].entitlements == []


def test_officer_of_another_authority_sees_only_their_own(client_for, personas, portfolio_schools, other_school):
    response = _get(client_for(personas["other_la_officer"]))
    assert _names(response) == ["Other LA School"]


def _portfolio_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = _get(client)
        assert response.status_code == 200
    return len(queries)


def test_portfolio_queries_do_not_grow_with_the_number_of_schools(client_for, personas, authority, coventry, adviser):
    client = client_for(personas["la_viewer"])
    network = NetworkFactory(authority=authority)

    def add(n, offset):
        for i in range(n):
            s = SchoolFactory(authority=authority, urn=f"{400000 + offset + i}")
            s.networks.add(network)
            InspectionFactory(school=s, judgements=RI)
            services.record_categorisation(actor=adviser, school=s, academic_year="2023/24", la_category=1 + i % 4)
            services.raise_flag(actor=adviser, school=s, key="performance_data_concern", note="n",
                                raised_on=date(2023, 10, 1))
            services.record_override(actor=adviser, school=s, decision_key="coventry.network_focus", value="No",
                                     reason="r")

    add(3, 0)
    _get(client)  # warm the session and pack caches
    small = _portfolio_queries(client)
    add(30, 100)
    assert _portfolio_queries(client) == small
    assert _get(client).context["page"].paginator.count == 34  # with the personas' school
