"""Officer allocation, continuity and the handover checklist."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from improvement.accounts.roles import Role
from improvement.accounts.tests.factories import UserFactory
from improvement.planning import selectors, services
from improvement.planning.handover import CHECKLIST
from improvement.planning.models import Handover, HandoverTick, OfficerAllocation
from improvement.schools.models import Status
from improvement.schools.tests.factories import SchoolFactory

YEAR = "2025/26"


@pytest.fixture
def adviser(personas):
    return personas["senior_adviser"]


@pytest.fixture
def officer_a(personas):
    return personas["monitoring_officer"]


@pytest.fixture
def officer_b(authority):
    return UserFactory(authority=authority, role=Role.MONITORING_OFFICER, full_name="Officer B")


def allocate(adviser, school, officer, year=YEAR):
    return services.allocate_officer(actor=adviser, school=school, academic_year=year, officer=officer)


def test_first_allocation_opens_no_handover(adviser, school, officer_a):
    allocation = allocate(adviser, school, officer_a)
    assert allocation.allocated_by == adviser
    assert not Handover.objects.exists()
    assert selectors.allocation_states([school.pk], YEAR)[school.pk].current == allocation


def test_changing_the_officer_starts_the_handover(adviser, school, officer_a, officer_b):
    allocate(adviser, school, officer_a, "2024/25")
    allocation = allocate(adviser, school, officer_b)
    handover = allocation.handover
    assert (handover.from_officer, handover.to_officer, handover.school) == (officer_a, officer_b, school)
    assert selectors.allocation_states([school.pk], YEAR)[school.pk].current.officer == officer_b


def test_same_officer_next_year_is_no_change(adviser, school, officer_a):
    allocate(adviser, school, officer_a, "2024/25")
    allocate(adviser, school, officer_a, YEAR)
    assert not Handover.objects.exists()
    assert selectors.allocation_states([school.pk], YEAR)[school.pk].changes == 0


@pytest.mark.parametrize("case", ["same officer", "not an officer", "other authority", "inactive", "bad year"])
def test_refused_allocations_save_nothing(case, adviser, school, officer_a, personas, other_authority):
    allocate(adviser, school, officer_a)
    officer, year = {
        "same officer": (officer_a, YEAR),
        "not an officer": (personas["la_viewer"], YEAR),
        "other authority": (personas["other_la_officer"], YEAR),
        "inactive": (UserFactory(authority=school.authority, is_active=False), YEAR),
        "bad year": (personas["senior_adviser"], "2025-26"),
    }[case]
    with pytest.raises(ValidationError):
        allocate(adviser, school, officer, year)
    assert OfficerAllocation.objects.count() == 1 and not Handover.objects.exists()


def test_only_senior_advisers_and_admins_allocate(school, officer_a, personas):
    with pytest.raises(PermissionDenied):
        services.allocate_officer(actor=officer_a, school=school, academic_year=YEAR, officer=officer_a)
    assert not OfficerAllocation.objects.exists()


def test_a_closed_school_gets_no_officer(adviser, authority, officer_a):
    closed = SchoolFactory(authority=authority, status=Status.CLOSED)
    with pytest.raises(ValidationError):
        allocate(adviser, closed, officer_a)


def test_continuity_counts_changes_in_the_last_three_years(adviser, school, officer_a, officer_b, personas):
    other = personas["senior_adviser"]
    allocate(adviser, school, officer_a, "2021/22")
    allocate(adviser, school, officer_b, "2022/23")  # before the window: not counted
    allocate(adviser, school, officer_b, "2023/24")
    allocate(adviser, school, officer_a, "2024/25")  # 1
    allocate(adviser, school, other, "2025/26")  # 2
    allocate(adviser, school, officer_b, "2025/26")  # 3: a change within the year
    state = selectors.allocation_states([school.pk], YEAR)[school.pk]
    assert state.changes == 3 and state.current.officer == officer_b
    # In 2024/25 the window is 2022/23 to 2024/25: the changes into 2022/23 and into 2024/25.
    assert selectors.allocation_states([school.pk], "2024/25")[school.pk].changes == 2


def test_allocations_are_immutable(adviser, school, officer_a, officer_b):
    allocation = allocate(adviser, school, officer_a)
    allocation.officer = officer_b
    with pytest.raises(ValidationError):
        allocation.save()
    with pytest.raises(ValidationError):
        allocation.delete()


@pytest.fixture
def handover(adviser, school, officer_a, officer_b):
    allocate(adviser, school, officer_a, "2024/25")
    return allocate(adviser, school, officer_b).handover


def test_ticking_records_who_and_when(handover, officer_a):
    tick = services.tick_handover_item(actor=officer_a, handover=handover, item="notes_sent", note="By e-mail")
    assert tick.ticked_by == officer_a and tick.ticked_at is not None and tick.note == "By e-mail"


def test_handover_is_complete_when_every_required_item_is_ticked(handover, adviser):
    for item in CHECKLIST:
        if item.required:
            assert not selectors.is_handover_complete(Handover.objects.get(pk=handover.pk))
            services.tick_handover_item(actor=adviser, handover=handover, item=item.key)
    assert selectors.is_handover_complete(Handover.objects.get(pk=handover.pk))


def test_an_item_is_ticked_once_and_unknown_items_are_refused(handover, adviser):
    services.tick_handover_item(actor=adviser, handover=handover, item="briefing_call")
    for item in ("briefing_call", "make_tea"):
        with pytest.raises(ValidationError):
            services.tick_handover_item(actor=adviser, handover=handover, item=item)
    assert HandoverTick.objects.count() == 1


def test_officers_outside_the_handover_cannot_tick(handover, authority):
    stranger = UserFactory(authority=authority, role=Role.MONITORING_OFFICER)
    with pytest.raises(PermissionDenied):
        services.tick_handover_item(actor=stranger, handover=handover, item="briefing_call")


# Pages -----------------------------------------------------------------------------------------


def test_changing_the_officer_on_the_page_leads_to_the_checklist(client_for, adviser, school, officer_a, officer_b):
    allocate(adviser, school, officer_a)
    url = reverse("planning:school_allocation", kwargs={"urn": school.urn}) + f"?year={YEAR}"
    response = client_for(adviser).post(url, {"officer": officer_b.pk, "reason": "Headteacher asked"})
    handover = Handover.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("planning:handover", args=[handover.pk])
    page = client_for(adviser).get(response["Location"])
    for item in CHECKLIST:
        assert item.label in page.content.decode()


@pytest.mark.parametrize("data, message", [
    ({}, "Choose the officer for this school."),
    ({"officer": "999999"}, "Choose an officer from the list."),
    ({"officer": "x"}, "Choose an officer from the list."),
    ({"officer": "same"}, "already the school&#x27;s officer"),
])
def test_bad_allocation_input_shows_an_error_and_saves_nothing(data, message, client_for, adviser, school, officer_a):
    allocate(adviser, school, officer_a)
    if data.get("officer") == "same":
        data = {"officer": officer_a.pk}
    url = reverse("planning:school_allocation", kwargs={"urn": school.urn}) + f"?year={YEAR}"
    response = client_for(adviser).post(url, data)
    assert response.status_code == 400
    assert "There is a problem" in response.content.decode() and message in response.content.decode()
    assert OfficerAllocation.objects.count() == 1 and not Handover.objects.exists()


@pytest.mark.parametrize("data", [{}, {"item": "make_tea"}, {"item": "briefing_call", "note": "x" * 301}])
def test_bad_tick_input_shows_an_error_and_saves_nothing(data, client_for, handover, adviser):
    response = client_for(adviser).post(reverse("planning:handover", args=[handover.pk]), data)
    assert response.status_code == 400 and "There is a problem" in response.content.decode()
    assert not HandoverTick.objects.exists()


def test_ticking_twice_on_the_page_is_refused(client_for, handover, adviser):
    url = reverse("planning:handover", args=[handover.pk])
    assert client_for(adviser).post(url, {"item": "briefing_call"}).status_code == 302
    response = client_for(adviser).post(url, {"item": "briefing_call"})
    assert response.status_code == 400 and "already been ticked" in response.content.decode()
    assert HandoverTick.objects.count() == 1


def test_allocation_overview_shows_officers_and_continuity(client_for, adviser, school, sibling_school,
                                                            officer_a, officer_b):
    allocate(adviser, school, officer_a, "2024/25")
    allocate(adviser, school, officer_b)
    page = client_for(adviser).get(reverse("planning:allocations") + f"?year={YEAR}").content.decode()
    assert str(officer_b) in page and "No officer" in page  # the sibling school has none
    assert "1 across 1 school" in page


def test_allocation_overview_uses_a_constant_number_of_queries(client_for, adviser, authority, officer_a,
                                                               officer_b):
    def count() -> int:
        client = client_for(adviser)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("planning:allocations") + f"?year={YEAR}").status_code == 200
        return len(queries)

    for _ in range(2):
        s = SchoolFactory(authority=authority)
        allocate(adviser, s, officer_a, "2024/25")
        allocate(adviser, s, officer_b)
    few = count()
    for _ in range(8):
        s = SchoolFactory(authority=authority)
        allocate(adviser, s, officer_a, "2024/25")
        allocate(adviser, s, officer_b)
    assert count() == few
