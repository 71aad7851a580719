"""Network focus support services: focus schools added by hand and removed, support offers,
funding; each refuses bad input with a clear sentence and saves nothing, and keeps history."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from improvement.accounts.roles import Role
from improvement.accounts.tests.factories import UserFactory
from improvement.networks import services
from improvement.networks.models import (
    FocusSchoolAddition,
    FundingAllocation,
    SupportKind,
    SupportOffer,
    SupportStatus,
)
from improvement.schools.models import Status
from improvement.schools.tests.factories import NetworkFactory, SchoolFactory

YEAR = "2026/27"


def messages_of(error: ValidationError) -> dict[str, list[str]] | list[str]:
    return error.message_dict if hasattr(error, "error_dict") else error.messages


# Focus schools added by hand ------------------------------------------------------------------


def test_add_focus_school_records_who_why_and_history(adviser, network, school):
    addition = services.add_focus_school(actor=adviser, school=school, academic_year=YEAR,
                                         reason="  New deputy headteacher  ", added_on=date(2026, 9, 4))
    assert (addition.school, addition.academic_year, addition.reason, addition.added_by, addition.added_on) == (
        school, YEAR, "New deputy headteacher", adviser, date(2026, 9, 4))
    assert addition.is_active
    history = addition.history.get()
    assert (history.history_user, history.history_change_reason) == (adviser, "Focus school added")


def test_the_network_lead_adds_a_focus_school_of_their_own_network(lead, network, school):
    assert services.add_focus_school(actor=lead, school=school, academic_year=YEAR, reason="New head").pk


@pytest.mark.parametrize("role", ["monitoring_officer", "la_viewer", "headteacher", "other_la_officer"])
def test_other_roles_may_not_add_focus_schools(personas, network, school, role):
    with pytest.raises((PermissionDenied, ValidationError)):
        services.add_focus_school(actor=personas[role], school=school, academic_year=YEAR, reason="r")
    assert not FocusSchoolAddition.objects.exists()


def test_a_network_lead_may_not_add_a_school_of_a_network_they_do_not_lead(authority, network):
    other_lead = UserFactory(authority=authority, role=Role.NETWORK_LEAD)
    with pytest.raises(PermissionDenied):
        services.add_focus_school(actor=other_lead, school=network.schools.first(), academic_year=YEAR,
                                  reason="r")
    assert not FocusSchoolAddition.objects.exists()


@pytest.mark.parametrize(("reason", "year", "expected"), [
    ("   ", YEAR, {"reason": ["Enter why the school is a focus school."]}),
    ("New head", "2026/28", {"academic_year": ["Enter the academic year like 2026/27."]}),
    ("New head", "", {"academic_year": ["Enter the academic year like 2026/27."]}),
])
def test_add_focus_school_refuses_bad_input(adviser, school, reason, year, expected):
    with pytest.raises(ValidationError) as error:
        services.add_focus_school(actor=adviser, school=school, academic_year=year, reason=reason)
    assert messages_of(error.value) == expected
    assert not FocusSchoolAddition.objects.exists()


def test_add_focus_school_refuses_a_duplicate_for_the_same_school_and_year(adviser, school):
    services.add_focus_school(actor=adviser, school=school, academic_year=YEAR, reason="New head")
    with pytest.raises(ValidationError) as error:
        services.add_focus_school(actor=adviser, school=school, academic_year=YEAR, reason="Again")
    assert error.value.messages == [f"{school.name} is already a focus school added by hand for {YEAR}."]
    assert FocusSchoolAddition.objects.count() == 1
    # Another year is another addition.
    services.add_focus_school(actor=adviser, school=school, academic_year="2027/28", reason="Still new")
    assert FocusSchoolAddition.objects.count() == 2


def test_add_focus_school_refuses_a_school_of_another_authority(adviser, other_school):
    with pytest.raises(ValidationError) as error:
        services.add_focus_school(actor=adviser, school=other_school, academic_year=YEAR, reason="r")
    assert messages_of(error.value) == {"school": ["Choose a school in your authority."]}
    assert not FocusSchoolAddition.objects.exists()


def test_add_focus_school_refuses_a_closed_school(adviser, authority):
    closed = SchoolFactory(authority=authority, name="Old Mill School", status=Status.CLOSED,
                           close_date=date(2024, 7, 31))
    with pytest.raises(ValidationError) as error:
        services.add_focus_school(actor=adviser, school=closed, academic_year=YEAR, reason="r")
    assert messages_of(error.value) == {"school": ["Old Mill School is closed: choose an open school."]}
    assert not FocusSchoolAddition.objects.exists()


def test_add_focus_school_refuses_a_date_in_the_future(adviser, school):
    with pytest.raises(ValidationError) as error:
        services.add_focus_school(actor=adviser, school=school, academic_year=YEAR, reason="r",
                                  added_on=date(2999, 1, 1))
    assert "added_on" in error.value.message_dict
    assert not FocusSchoolAddition.objects.exists()


def test_remove_focus_school_records_the_removal_and_never_deletes(adviser, lead, network, school):
    addition = services.add_focus_school(actor=adviser, school=school, academic_year=YEAR, reason="New head")
    services.remove_focus_school(actor=lead, addition=addition, reason=" Settled in well ")
    addition.refresh_from_db()
    assert not addition.is_active
    assert (addition.removed_by, addition.removal_reason) == (lead, "Settled in well")
    assert addition.history.first().history_change_reason == "Focus school removed: Settled in well"
    # The school can be added again later in the year.
    services.add_focus_school(actor=adviser, school=school, academic_year=YEAR, reason="Circumstances changed")
    assert FocusSchoolAddition.objects.filter(school=school).count() == 2


def test_remove_focus_school_needs_a_reason_and_refuses_a_second_removal(adviser, school):
    addition = services.add_focus_school(actor=adviser, school=school, academic_year=YEAR, reason="New head")
    with pytest.raises(ValidationError) as error:
        services.remove_focus_school(actor=adviser, addition=addition, reason=" ")
    assert messages_of(error.value) == {"reason": ["Enter why the school is no longer a focus school."]}
    addition.refresh_from_db()
    assert addition.is_active
    services.remove_focus_school(actor=adviser, addition=addition, reason="Done")
    with pytest.raises(ValidationError, match="already been removed"):
        services.remove_focus_school(actor=adviser, addition=addition, reason="Again")


def test_remove_focus_school_is_refused_to_a_monitoring_officer(adviser, personas, school):
    addition = services.add_focus_school(actor=adviser, school=school, academic_year=YEAR, reason="New head")
    with pytest.raises(PermissionDenied):
        services.remove_focus_school(actor=personas["monitoring_officer"], addition=addition, reason="r")
    addition.refresh_from_db()
    assert addition.is_active


# Support offers -------------------------------------------------------------------------------

SUPPORT = {"kind": SupportKind.MENTOR_NEW_HEADTEACHER, "description": "Half-termly mentoring",
           "provided_by": "Headteacher of Birch Primary", "start_date": date(2026, 9, 14)}


def test_record_support_offer(adviser, school):
    offer = services.record_support_offer(actor=adviser, school=school, academic_year=YEAR, **SUPPORT)
    assert (offer.kind, offer.status, offer.recorded_by, offer.partner_school) == (
        SupportKind.MENTOR_NEW_HEADTEACHER, SupportStatus.OFFERED, adviser, None)
    assert offer.history.get().history_change_reason == "Support recorded"


def test_record_support_offer_with_a_partner_school(adviser, school, sibling_school):
    offer = services.record_support_offer(
        actor=adviser, school=school, academic_year=YEAR, **{**SUPPORT, "kind": SupportKind.PAIRED_SCHOOL},
        partner_school=sibling_school, status=SupportStatus.IN_PLACE)
    assert (offer.partner_school, offer.status) == (sibling_school, SupportStatus.IN_PLACE)


def test_record_support_offer_lists_every_problem_at_once_and_saves_nothing(adviser, school):
    with pytest.raises(ValidationError) as error:
        services.record_support_offer(actor=adviser, school=school, academic_year=YEAR, kind="coffee",
                                      description=" ", provided_by="", start_date=None, status="maybe")
    assert messages_of(error.value) == {
        "kind": ["Choose the kind of support."],
        "status": ["Choose whether the support is offered, in place or ended."],
        "start_date": ["Enter the date the support starts."],
        "description": ["Describe the support."],
        "provided_by": ["Enter who provides the support."],
    }
    assert not SupportOffer.objects.exists()


@pytest.mark.parametrize(("kind", "partner", "message"), [
    (SupportKind.TRAINING_EXPERTISE, "sibling",
     "Choose a partner school only for working with a school that met similar challenges."),
    (SupportKind.PAIRED_SCHOOL, "self", "Choose a partner school other than the school itself."),
    (SupportKind.PAIRED_SCHOOL, "other_la", "Choose a partner school in your authority."),
    (SupportKind.PAIRED_SCHOOL, "closed", "Closed Infant School is closed: choose an open partner school."),
])
def test_record_support_offer_refuses_a_wrong_partner_school(adviser, authority, school, sibling_school,
                                                             other_school, kind, partner, message):
    partners = {"sibling": sibling_school, "self": school, "other_la": other_school,
                "closed": SchoolFactory(authority=authority, name="Closed Infant School", status=Status.CLOSED,
                                        close_date=date(2023, 7, 31))}
    with pytest.raises(ValidationError) as error:
        services.record_support_offer(actor=adviser, school=school, academic_year=YEAR,
                                      **{**SUPPORT, "kind": kind}, partner_school=partners[partner])
    assert messages_of(error.value) == {"partner_school": [message]}
    assert not SupportOffer.objects.exists()


def test_record_support_offer_refuses_a_school_of_another_authority(adviser, other_school):
    with pytest.raises(ValidationError):
        services.record_support_offer(actor=adviser, school=other_school, academic_year=YEAR, **SUPPORT)
    assert not SupportOffer.objects.exists()


def test_update_support_offer_changes_status_with_history(adviser, lead, network, school):
    offer = services.record_support_offer(actor=adviser, school=school, academic_year=YEAR, **SUPPORT)
    services.update_support_offer(actor=lead, offer=offer, **SUPPORT, status=SupportStatus.IN_PLACE)
    offer.refresh_from_db()
    assert (offer.status, offer.recorded_by) == (SupportStatus.IN_PLACE, lead)
    assert offer.history.first().history_change_reason == "Support status changed"
    # Saving the same values again writes nothing.
    services.update_support_offer(actor=lead, offer=offer, **SUPPORT, status=SupportStatus.IN_PLACE)
    assert offer.history.count() == 2


def test_update_support_offer_refuses_bad_input_and_keeps_the_offer(adviser, school):
    offer = services.record_support_offer(actor=adviser, school=school, academic_year=YEAR, **SUPPORT)
    with pytest.raises(ValidationError):
        services.update_support_offer(actor=adviser, offer=offer, **{**SUPPORT, "provided_by": ""},
                                      status=SupportStatus.ENDED)
    offer.refresh_from_db()
    assert (offer.status, offer.provided_by) == (SupportStatus.OFFERED, SUPPORT["provided_by"])


# Funding --------------------------------------------------------------------------------------


def test_allocate_and_change_funding_keeps_every_amount_in_history(adviser, lead, network, school):
    allocation = services.allocate_funding(actor=lead, network=network, school=school, academic_year=YEAR,
                                           amount=Decimal("2500"), purpose="Mentor release time")
    assert (allocation.amount, allocation.allocated_by) == (Decimal("2500.00"), lead)
    services.allocate_funding(actor=adviser, network=network, school=school, academic_year=YEAR,
                              amount="3000.50", purpose="Mentor release time")
    allocation.refresh_from_db()
    assert (allocation.amount, allocation.allocated_by) == (Decimal("3000.50"), adviser)
    assert FundingAllocation.objects.count() == 1
    assert [h.history_change_reason for h in allocation.history.order_by("history_id")] == [
        "Funding allocated", "Funding changed from £2,500.00 to £3,000.50"]


def test_funding_of_nothing_is_allowed(adviser, network, school):
    allocation = services.allocate_funding(actor=adviser, network=network, school=school, academic_year=YEAR,
                                           amount=0, purpose="Not needed this year")
    assert allocation.amount == Decimal("0.00")


@pytest.mark.parametrize(("amount", "message"), [
    (Decimal("-1"), "Enter an amount of £0 or more."),
    ("abc", "Enter the amount in pounds, like 1500 or 1500.50."),
    (None, "Enter the amount in pounds, like 1500 or 1500.50."),
    ("NaN", "Enter the amount in pounds, like 1500 or 1500.50."),
    ("12.345", "Enter the amount to the nearest penny, like 1500.50."),
    ("100000000", "Enter an amount of less than £100,000,000."),
])
def test_allocate_funding_refuses_a_bad_amount(adviser, network, school, amount, message):
    with pytest.raises(ValidationError) as error:
        services.allocate_funding(actor=adviser, network=network, school=school, academic_year=YEAR,
                                  amount=amount, purpose="p")
    assert messages_of(error.value) == {"amount": [message]}
    assert not FundingAllocation.objects.exists()


def test_allocate_funding_refuses_a_missing_purpose_and_a_school_outside_the_network(adviser, authority, network,
                                                                                    school):
    with pytest.raises(ValidationError) as error:
        services.allocate_funding(actor=adviser, network=network, school=school, academic_year=YEAR,
                                  amount=100, purpose="  ")
    assert messages_of(error.value) == {"purpose": ["Enter what the funding is for."]}
    outsider = SchoolFactory(authority=authority, name="Elm Primary School")
    with pytest.raises(ValidationError) as error:
        services.allocate_funding(actor=adviser, network=network, school=outsider, academic_year=YEAR,
                                  amount=100, purpose="p")
    assert messages_of(error.value) == {"school": ["Elm Primary School is not a school of the North Network."]}
    assert not FundingAllocation.objects.exists()


def test_allocate_funding_refuses_another_authoritys_network_and_other_roles(personas, adviser, other_authority,
                                                                            other_school, network, school):
    theirs = NetworkFactory(authority=other_authority)
    theirs.schools.add(other_school)
    with pytest.raises(ValidationError) as error:
        services.allocate_funding(actor=adviser, network=theirs, school=other_school, academic_year=YEAR,
                                  amount=100, purpose="p")
    assert messages_of(error.value) == {"network": ["Choose a network of your authority."]}
    for role in ("monitoring_officer", "la_viewer"):
        with pytest.raises(PermissionDenied):
            services.allocate_funding(actor=personas[role], network=network, school=school, academic_year=YEAR,
                                      amount=100, purpose="p")
    other_lead = UserFactory(authority=network.authority, role=Role.NETWORK_LEAD)
    with pytest.raises(PermissionDenied):
        services.allocate_funding(actor=other_lead, network=network, school=school, academic_year=YEAR,
                                  amount=100, purpose="p")
    assert not FundingAllocation.objects.exists()
