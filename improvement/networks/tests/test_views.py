"""Network pages: the list of networks, one network's focus page with its year selector, and the
forms to add or remove a focus school, record support and allocate funding (bad input: a clear
error and nothing saved), with a fixed number of queries however many schools."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from improvement.accounts.roles import Role
from improvement.accounts.tests.factories import UserFactory
from improvement.inspections.tests.factories import InspectionFactory
from improvement.networks import services
from improvement.networks.models import (
    FocusSchoolAddition,
    FundingAllocation,
    SupportKind,
    SupportOffer,
)
from improvement.networks.tests.conftest import YEAR, good_school, ri_school
from improvement.schools.tests.factories import NetworkFactory, SchoolFactory

THIS_YEAR = "2026/27"


def _detail(network, year: str | None = YEAR) -> str:
    url = reverse("networks:detail", kwargs={"pk": network.pk})
    return f"{url}?{urlencode({'year': year})}" if year else url


def _html(response) -> str:
    return response.content.decode()


@pytest.fixture
def focus_network(authority, coventry, network, adviser, school, sibling_school):
    """North Network in 2023/24: an RI school (focus by policy), a school added by hand, and the
    fixtures' two Good schools; funding of 6,000 to the focus schools and 4,000 to the others."""
    ri = ri_school(authority, network, name="Rowan Primary School")
    added = good_school(authority, network, name="Holly Primary School")
    for s in (school, sibling_school):
        InspectionFactory(school=s)
    services.add_focus_school(actor=adviser, school=added, academic_year=YEAR, reason="New deputy headteacher",
                              added_on=date(2023, 10, 2))
    for s, amount in ((ri, 2500), (added, 3500), (school, 4000)):
        services.allocate_funding(actor=adviser, network=network, school=s, academic_year=YEAR, amount=amount,
                                  purpose="Network work")
    services.record_support_offer(actor=adviser, school=ri, academic_year=YEAR, kind=SupportKind.PAIRED_SCHOOL,
                                  partner_school=sibling_school, description="Joint reading reviews",
                                  provided_by="Head of Birch", start_date=date(2023, 10, 9))
    return {"ri": ri, "added": added}


# The list -------------------------------------------------------------------------------------


def test_network_list_shows_counts_funding_and_share(client_for, personas, focus_network, network):
    NetworkFactory(authority=network.authority, name="South Network")
    response = client_for(personas["la_viewer"]).get(reverse("networks:list"), {"year": YEAR})
    assert response.status_code == 200
    html = _html(response)
    north = next(s for s in response.context["overview"].networks if s.network == network)
    assert (north.schools, north.focus_schools, north.figures.total, north.figures.focus_share) == (
        4, 2, Decimal("10000.00"), Decimal("60.0"))
    assert "North Network" in html and "South Network" in html
    assert "£10,000.00" in html and "60.0%" in html
    assert f"Lead: {network.lead}" in html


def test_network_list_defaults_to_the_current_year_and_says_when_no_pack_decides(client_for, personas, network):
    response = client_for(personas["la_viewer"]).get(reverse("networks:list"))
    assert response.context["year"] == THIS_YEAR
    assert f"No policy pack that applies in {THIS_YEAR} decides network focus" in _html(response)


def test_nonsense_years_are_not_found(client_for, personas, network):
    client = client_for(personas["la_viewer"])
    assert client.get(reverse("networks:list"), {"year": "2024/26"}).status_code == 404
    assert client.get(_detail(network, "next year")).status_code == 404


def test_navigation_offers_networks_to_la_staff_only(client_for, personas, school):
    nav_link = 'class="govuk-service-navigation__link" href="/networks/"'
    assert nav_link in _html(client_for(personas["network_lead"]).get("/schools/"))
    assert nav_link not in _html(client_for(personas["headteacher"]).get(f"/schools/{school.urn}/"))


# The network page -----------------------------------------------------------------------------


def test_network_page_lists_focus_schools_first_with_reasons_support_and_funding(client_for, personas, network,
                                                                               focus_network, adviser):
    response = client_for(personas["la_viewer"]).get(_detail(network))
    assert response.status_code == 200
    html = _html(response)
    focus = response.context["focus"]
    assert [r.school.name for r in focus.focus_rows] == ["Holly Primary School", "Rowan Primary School"]
    assert [r.school.name for r in focus.other_rows] == ["Alder Primary School", "Birch Primary School"]
    assert html.index("Holly Primary School") < html.index("Rowan Primary School") < html.index(
        "Other schools (2)") < html.index("Alder Primary School")
    assert "Focus schools (2)" in html
    assert "New deputy headteacher" in html and f"{adviser}, 2 October 2023" in html
    assert "Added by hand" in html
    assert "Requires improvement" in html  # the engine's reason
    assert "Joint reading reviews" in html and "With Birch Primary School" in html
    assert "£6,000.00 to 2 schools: 60.0% of the network's funding" in html
    assert "Average per focus school" in html and "£3,000.00" in html
    assert "£2,000.00" in html  # 4,000 over the two other schools
    # A viewer reads; no actions.
    assert "Record support" not in html and "Remove" not in html


def test_network_page_offers_actions_to_managers(client_for, personas, network, focus_network):
    html = _html(client_for(personas["network_lead"]).get(_detail(network)))
    added = FocusSchoolAddition.objects.get()
    assert reverse("networks:focus_remove", kwargs={"pk": network.pk, "addition_pk": added.pk}) in html
    assert reverse("networks:focus_add", kwargs={"pk": network.pk, "urn": "100001"}) in html
    assert "Change funding" in html and "Allocate funding" in html


def test_network_page_defaults_to_the_current_year(client_for, personas, network):
    response = client_for(personas["la_viewer"]).get(_detail(network, None))
    assert response.context["year"] == THIS_YEAR
    assert f'<option value="{THIS_YEAR}" selected>' in _html(response)


def test_another_authoritys_network_is_not_found(client_for, personas, network):
    assert client_for(personas["other_la_officer"]).get(_detail(network)).status_code == 404


def _count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_pages_use_a_fixed_number_of_queries(client_for, personas, authority, coventry, network, adviser):
    client = client_for(personas["network_lead"])

    def grow(n: int) -> None:
        for i in range(n):
            ri = ri_school(authority, network)
            services.allocate_funding(actor=adviser, network=network, school=ri, academic_year=YEAR,
                                      amount=1000 + i, purpose="p")
            services.record_support_offer(actor=adviser, school=ri, academic_year=YEAR,
                                          kind=SupportKind.TRAINING_EXPERTISE, description="d", provided_by="Hub",
                                          start_date=date(2023, 10, 9))
            added = good_school(authority, network)
            services.add_focus_school(actor=adviser, school=added, academic_year=YEAR, reason="r")
            services.remove_focus_school(actor=adviser, addition=added.focus_additions.get(), reason="r")
            services.add_focus_school(actor=adviser, school=added, academic_year=YEAR, reason="again")

    grow(1)
    small = (_count_queries(client, _detail(network)), _count_queries(client, f"/networks/?year={YEAR}"))
    grow(5)
    large = (_count_queries(client, _detail(network)), _count_queries(client, f"/networks/?year={YEAR}"))
    assert small == large


# Focus schools added by hand ------------------------------------------------------------------


def _focus_add(network, school, year=YEAR) -> str:
    return reverse("networks:focus_add", kwargs={"pk": network.pk, "urn": school.urn}) + f"?year={year}"


def test_add_a_focus_school(client_for, lead, network, sibling_school):
    response = client_for(lead).post(_focus_add(network, sibling_school), {"reason": "New head from January"})
    assert response.status_code == 302
    assert response["Location"] == _detail(network) + f"#school-{sibling_school.urn}"
    addition = FocusSchoolAddition.objects.get()
    assert (addition.school, addition.academic_year, addition.added_by) == (sibling_school, YEAR, lead)


def test_add_a_focus_school_needs_a_reason(client_for, lead, network, school):
    response = client_for(lead).post(_focus_add(network, school), {"reason": "  "})
    assert response.status_code == 400
    assert "Enter why the school is a focus school." in _html(response)
    assert "govuk-error-summary" in _html(response)
    assert not FocusSchoolAddition.objects.exists()


def test_add_a_focus_school_twice_shows_the_services_error(client_for, adviser, lead, network, school):
    services.add_focus_school(actor=adviser, school=school, academic_year=YEAR, reason="r")
    response = client_for(lead).post(_focus_add(network, school), {"reason": "Again"})
    assert response.status_code == 400
    assert f"{school.name} is already a focus school added by hand for {YEAR}." in _html(response)
    assert FocusSchoolAddition.objects.count() == 1


def test_a_school_outside_the_network_is_not_found(client_for, adviser, authority, network):
    outsider = SchoolFactory(authority=authority)
    assert client_for(adviser).get(_focus_add(network, outsider)).status_code == 404


def test_a_network_lead_of_another_network_is_refused(client_for, authority, network, school):
    other_lead = UserFactory(authority=authority, role=Role.NETWORK_LEAD)
    client = client_for(other_lead)
    assert client.post(_focus_add(network, school), {"reason": "r"}).status_code == 403
    assert client.get(_detail(network)).status_code == 200  # but reads it, as every LA role does
    assert not FocusSchoolAddition.objects.exists()


def test_remove_a_focus_school_asks_for_confirmation_and_a_reason(client_for, adviser, lead, network, school):
    addition = services.add_focus_school(actor=adviser, school=school, academic_year=YEAR, reason="New head")
    url = reverse("networks:focus_remove", kwargs={"pk": network.pk, "addition_pk": addition.pk})
    client = client_for(lead)
    page = client.get(url)
    assert page.status_code == 200
    assert "Are you sure you want to remove this focus school?" in _html(page)
    assert "New head" in _html(page)

    response = client.post(url, {"reason": ""})
    assert response.status_code == 400
    assert "Enter why the school is no longer a focus school." in _html(response)
    addition.refresh_from_db()
    assert addition.is_active

    response = client.post(url, {"reason": "Settled in"})
    assert response.status_code == 302
    addition.refresh_from_db()
    assert (addition.is_active, addition.removed_by, addition.removal_reason) == (False, lead, "Settled in")
    # A second click says so rather than failing.
    again = client.post(url, {"reason": "Again"}, follow=True)
    assert "had already been removed" in _html(again)


# Support --------------------------------------------------------------------------------------


def _support_add(network, school) -> str:
    return reverse("networks:support_add", kwargs={"pk": network.pk, "urn": school.urn}) + f"?year={YEAR}"


SUPPORT_DATA = {"kind": SupportKind.PAIRED_SCHOOL, "description": "Joint reviews", "provided_by": "Head of Birch",
                "start_date_day": "9", "start_date_month": "10", "start_date_year": "2023", "status": "in_place"}


def test_record_support_with_a_partner_school(client_for, lead, network, school, sibling_school):
    response = client_for(lead).post(_support_add(network, school),
                                     {**SUPPORT_DATA, "partner_school": sibling_school.pk})
    assert response.status_code == 302
    offer = SupportOffer.objects.get()
    assert (offer.school, offer.academic_year, offer.partner_school, offer.start_date, offer.status) == (
        school, YEAR, sibling_school, date(2023, 10, 9), "in_place")


@pytest.mark.parametrize(("changes", "message"), [
    ({"kind": ""}, "Choose the kind of support."),
    ({"description": ""}, "Describe the support."),
    ({"provided_by": ""}, "Enter who provides the support."),
    ({"start_date_day": "31", "start_date_month": "2"}, "Enter a real date, like 27 3 2024."),
    ({"start_date_day": "", "start_date_month": "", "start_date_year": ""}, "Enter the date the support starts."),
    ({"status": "maybe"}, "Select a valid choice."),
    ({"kind": SupportKind.TRAINING_EXPERTISE, "partner_school": "SIBLING"},
     "Choose a partner school only for working with a school that met similar challenges."),
    ({"partner_school": "OTHER_LA"}, "Choose an open school of your authority."),
])
def test_record_support_refuses_bad_input(client_for, lead, network, school, sibling_school, other_school,
                                          changes, message):
    ids = {"SIBLING": sibling_school.pk, "OTHER_LA": other_school.pk}
    data = {**SUPPORT_DATA, **{k: ids.get(v, v) for k, v in changes.items()}}
    response = client_for(lead).post(_support_add(network, school), data)
    assert response.status_code == 400
    assert message in _html(response)
    assert not SupportOffer.objects.exists()


def test_change_support_status(client_for, adviser, lead, network, school):
    offer = services.record_support_offer(actor=adviser, school=school, academic_year=YEAR,
                                          kind=SupportKind.LEADERSHIP_SUPPORT, description="Coaching",
                                          provided_by="Deputy of Birch", start_date=date(2023, 10, 9))
    url = reverse("networks:support_change", kwargs={"pk": network.pk, "offer_pk": offer.pk})
    client = client_for(lead)
    page = client.get(url)
    assert 'value="Deputy of Birch"' in _html(page)
    response = client.post(url, {"kind": SupportKind.LEADERSHIP_SUPPORT, "description": "Coaching",
                                 "provided_by": "Deputy of Birch", "start_date_day": "9", "start_date_month": "10",
                                 "start_date_year": "2023", "status": "ended"})
    assert response.status_code == 302
    assert response["Location"] == _detail(network) + f"#school-{school.urn}"
    offer.refresh_from_db()
    assert offer.status == "ended"


# Funding --------------------------------------------------------------------------------------


def _funding(network, school) -> str:
    return reverse("networks:funding", kwargs={"pk": network.pk, "urn": school.urn}) + f"?year={YEAR}"


def test_allocate_then_change_funding_as_people_type_it(client_for, lead, network, school):
    client = client_for(lead)
    assert client.post(_funding(network, school), {"amount": "£1,500.50", "purpose": "Mentoring"}).status_code == 302
    assert FundingAllocation.objects.get().amount == Decimal("1500.50")
    page = client.get(_funding(network, school))
    assert "Currently £1,500.50" in _html(page) and 'value="1500.50"' in _html(page)
    assert client.post(_funding(network, school), {"amount": "2000", "purpose": "Mentoring"}).status_code == 302
    allocation = FundingAllocation.objects.get()
    assert allocation.amount == Decimal("2000.00")
    assert allocation.history.count() == 2


@pytest.mark.parametrize(("data", "message"), [
    ({"amount": "-5", "purpose": "p"}, "Enter an amount of £0 or more."),
    ({"amount": "lots", "purpose": "p"}, "Enter the amount in pounds, like 1500 or 1500.50."),
    ({"amount": "", "purpose": "p"}, "Enter the amount in pounds."),
    ({"amount": "10.999", "purpose": "p"}, "Enter the amount to the nearest penny, like 1500.50."),
    ({"amount": "123456789", "purpose": "p"}, "Enter an amount of less than £100,000,000."),
    ({"amount": "100", "purpose": " "}, "Enter what the funding is for."),
])
def test_allocate_funding_refuses_bad_input(client_for, lead, network, school, data, message):
    response = client_for(lead).post(_funding(network, school), data)
    assert response.status_code == 400
    assert message in _html(response)
    assert not FundingAllocation.objects.exists()
