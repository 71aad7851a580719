"""Permission expectations for visit planning (see core/tests/matrix.py).

Allocation and continuity are LA intelligence: every LA role reads them, school-side users see
none of it. Senior advisers and LA administrators allocate officers; the handover checklist is
ticked by them or by the two officers of the handover (here the monitoring officer is the new
officer). The officer of another authority gets 404 for our schools and handovers.
"""

from __future__ import annotations

from django.utils import timezone

from improvement.core.tests.matrix import LA_STAFF, Expectation
from improvement.planning.handover import CHECKLIST
from improvement.planning.models import Handover, HandoverTick, OfficerAllocation
from improvement.policy.calendar import academic_year_of

ALLOCATORS = frozenset({"la_admin", "senior_adviser"})
YEAR = "2025/26"


def _school(ctx):
    return {"urn": ctx.school.urn}


def _allocation_data(ctx):
    # Each allowed role in turn allocates: always someone other than the current officer.
    # The page's year defaults to the current academic year.
    year = academic_year_of(timezone.localdate())
    current = OfficerAllocation.objects.filter(school=ctx.school, academic_year=year).order_by("-pk").first()
    officer = ctx.personas["monitoring_officer"]
    if current is not None and current.officer_id == officer.pk:
        officer = ctx.personas["senior_adviser"]
    return {"officer": officer.pk, "reason": "Caseload"}


def _handover(ctx):
    first = OfficerAllocation.objects.create(school=ctx.school, academic_year="2024/25",
                                             officer=ctx.personas["senior_adviser"],
                                             allocated_by=ctx.personas["la_admin"])
    second = OfficerAllocation.objects.create(school=ctx.school, academic_year=YEAR,
                                              officer=ctx.personas["monitoring_officer"],
                                              allocated_by=ctx.personas["la_admin"])
    item = Handover.objects.create(allocation=second, school=ctx.school, from_officer=first.officer,
                                   to_officer=second.officer)
    return {"pk": item.pk}


def _tick_data(ctx):
    ticked = set(HandoverTick.objects.values_list("item", flat=True))
    return {"item": next(i.key for i in CHECKLIST if i.key not in ticked), "note": "Done by e-mail"}


EXPECTATIONS = [
    Expectation("planning:allocations", LA_STAFF | {"other_la_officer"},
                note="another authority's officer sees their own (empty) allocation"),
    Expectation("planning:school_allocation", LA_STAFF, build=_school),
    Expectation("planning:school_allocation", ALLOCATORS, build=_school, method="POST", data=_allocation_data),
    Expectation("planning:handover", LA_STAFF, build=_handover),
    Expectation("planning:handover", ALLOCATORS | {"monitoring_officer"}, build=_handover, method="POST",
                data=_tick_data),
]
