"""Permission expectations for network focus support (see core/tests/matrix.py).

Every LA role reads the networks and a network's focus page; senior advisers, LA administrators
and the network's own lead add and remove focus schools, record support and allocate funding (a
network lead who does not lead the network is refused). School-side users see none of it, and the
officer of another authority gets 404 for our networks (and their own authority's empty list).
"""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from improvement.core.tests.matrix import LA_STAFF, Expectation
from improvement.networks.models import (
    FocusSchoolAddition,
    SupportKind,
    SupportOffer,
    SupportStatus,
)
from improvement.schools.tests.factories import NetworkFactory

MANAGERS = frozenset({"la_admin", "senior_adviser", "network_lead"})
NOT_LEAD = frozenset({"la_admin", "senior_adviser"})
YEAR = "2026/27"


def _network(ctx, *, led: bool = True):
    network = NetworkFactory(authority=ctx.authority, lead=ctx.personas["network_lead"] if led else None)
    network.schools.add(ctx.school, ctx.sibling_school)
    return network


def _detail(ctx):
    return {"pk": _network(ctx).pk}


def _school(ctx):
    return {"pk": _network(ctx).pk, "urn": ctx.school.urn}


def _school_not_led(ctx):
    return {"pk": _network(ctx, led=False).pk, "urn": ctx.school.urn}


def _focus_data(ctx):
    # Each allowed role in turn adds the school: remove the previous role's addition first
    # (refused roles run before any exists, so this changes nothing for them).
    FocusSchoolAddition.objects.filter(school=ctx.school, removed_at__isnull=True).update(
        removed_at=timezone.now(), removed_by=ctx.personas["senior_adviser"], removal_reason="Matrix")
    return {"reason": "New deputy headteacher"}


def _addition(ctx, *, led: bool = True):
    network = _network(ctx, led=led)
    addition = FocusSchoolAddition.objects.create(school=ctx.school, academic_year=YEAR, reason="r",
                                                  added_by=ctx.personas["senior_adviser"])
    return {"pk": network.pk, "addition_pk": addition.pk}


def _offer(ctx):
    network = _network(ctx)
    offer = SupportOffer.objects.create(
        school=ctx.school, academic_year=YEAR, kind=SupportKind.TRAINING_EXPERTISE, description="Phonics training",
        provided_by="English hub", start_date=date(2026, 9, 14), recorded_by=ctx.personas["senior_adviser"])
    return {"pk": network.pk, "offer_pk": offer.pk}


def _support_data(ctx):
    return {"kind": SupportKind.MENTOR_NEW_HEADTEACHER, "partner_school": "", "description": "Half-termly mentoring",
            "provided_by": "Headteacher of Birch Primary", "start_date_day": "14", "start_date_month": "9",
            "start_date_year": "2026", "status": SupportStatus.IN_PLACE}


def _funding_data(ctx):
    return {"amount": "2500", "purpose": "Release time for the mentor"}


EXPECTATIONS = [
    Expectation("networks:list", allowed=LA_STAFF | {"other_la_officer"}, ok_statuses=(200,)),
    Expectation("networks:detail", build=_detail, allowed=LA_STAFF, ok_statuses=(200,)),
    Expectation("networks:focus_add", build=_school, allowed=MANAGERS, ok_statuses=(200,)),
    Expectation("networks:focus_add", build=_school_not_led, allowed=NOT_LEAD, ok_statuses=(200,),
                note="network led by someone else"),
    Expectation("networks:focus_add", method="POST", build=_school, data=_focus_data, allowed=MANAGERS,
                ok_statuses=(302,)),
    Expectation("networks:focus_remove", build=_addition, allowed=MANAGERS, ok_statuses=(200,)),
    Expectation("networks:focus_remove", build=lambda ctx: _addition(ctx, led=False), allowed=NOT_LEAD,
                ok_statuses=(200,), note="network led by someone else"),
    Expectation("networks:focus_remove", method="POST", build=_addition, data=lambda ctx: {"reason": "Settled"},
                allowed=MANAGERS, ok_statuses=(302,)),
    Expectation("networks:support_add", build=_school, allowed=MANAGERS, ok_statuses=(200,)),
    Expectation("networks:support_add", method="POST", build=_school, data=_support_data, allowed=MANAGERS,
                ok_statuses=(302,)),
    Expectation("networks:support_add", method="POST", build=_school_not_led, data=_support_data,
                allowed=NOT_LEAD, ok_statuses=(302,), note="network led by someone else"),
    Expectation("networks:support_change", build=_offer, allowed=MANAGERS, ok_statuses=(200,)),
    Expectation("networks:support_change", method="POST", build=_offer, data=_support_data, allowed=MANAGERS,
                ok_statuses=(302,)),
    Expectation("networks:funding", build=_school, allowed=MANAGERS, ok_statuses=(200,)),
    Expectation("networks:funding", method="POST", build=_school, data=_funding_data, allowed=MANAGERS,
                ok_statuses=(302,)),
    Expectation("networks:funding", method="POST", build=_school_not_led, data=_funding_data, allowed=NOT_LEAD,
                ok_statuses=(302,), note="network led by someone else"),
]
