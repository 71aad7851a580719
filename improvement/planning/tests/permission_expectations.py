"""Permission expectations for visit planning (see core/tests/matrix.py).

Allocation and continuity are LA intelligence: every LA role reads them, school-side users see
none of it. Senior advisers and LA administrators allocate officers; the handover checklist is
ticked by them or by the two officers of the handover (here the monitoring officer is the new
officer). The officer of another authority gets 404 for our schools and handovers.
"""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from improvement.core.tests.matrix import ALL_ROLES, LA_STAFF, OWN_SCHOOL, Expectation
from improvement.planning.handover import CHECKLIST
from improvement.planning.models import (
    Handover,
    HandoverTick,
    OfficerAllocation,
    PlannedVisit,
    PlannedVisitStatusChange,
    PlanStatus,
)
from improvement.planning.services import create_calendar_feed
from improvement.policy.calendar import academic_year_of

ALLOCATORS = frozenset({"la_admin", "senior_adviser"})
ADMIN_ONLY = frozenset({"la_admin"})
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


def _planned(ctx, status=PlanStatus.PROPOSED):
    officer = ctx.personas["monitoring_officer"]
    item = PlannedVisit.objects.create(school=ctx.school, academic_year="2025/26", kind="visit",
                                       sequence=PlannedVisit.objects.count() + 1, label="Visit",
                                       target_half_term=2, date=date(2025, 11, 12), officer=officer, status=status)
    PlannedVisitStatusChange.objects.create(planned_visit=item, to_status=status, actor=officer)
    return {"pk": item.pk}


def _agree(ctx):
    PlannedVisit.objects.filter(status=PlanStatus.AGREED).update(status=PlanStatus.PROPOSED)
    return {"to_status": "agreed"}


def _move(ctx):
    # Alternate between two school days so that every allowed role really moves the visit.
    current = PlannedVisit.objects.get().date
    day = date(2025, 11, 13) if current != date(2025, 11, 13) else date(2025, 11, 14)
    return {"day_day": day.day, "day_month": day.month, "day_year": day.year}


PLAN_CHANGERS = ALLOCATORS | {"monitoring_officer"}  # the monitoring officer is the visit's officer

EXPECTATIONS += [
    Expectation("planning:plan", LA_STAFF | {"other_la_officer"},
                note="another authority's officer sees their own (empty) plan"),
    Expectation("planning:plan_run", ALLOCATORS, method="POST",
                data=lambda ctx: {"visits_per_week": 5}),
    Expectation("planning:visit", LA_STAFF, build=_planned),
    Expectation("planning:visit_status", PLAN_CHANGERS, build=_planned, method="POST", data=_agree),
    Expectation("planning:visit_move", PLAN_CHANGERS, build=_planned, method="POST", data=_move),
]


def _feed(ctx):
    _, token = create_calendar_feed(actor=ctx.personas["monitoring_officer"])
    return {"token": token}


DIARY_OWNERS = frozenset({"senior_adviser", "monitoring_officer", "other_la_officer"})

EXPECTATIONS += [
    Expectation("planning:visit_ics", LA_STAFF, build=_planned),
    Expectation("planning:diary", DIARY_OWNERS | OWN_SCHOOL,
                note="officers their own diary; school-side users the agreed visits to their school"),
    Expectation("planning:diary_feed", DIARY_OWNERS),
    Expectation("planning:diary_feed", DIARY_OWNERS, method="POST"),
    Expectation("planning:diary_feed_revoke", DIARY_OWNERS, method="POST"),
    Expectation("planning:feed", frozenset(ALL_ROLES), build=_feed, public=True,
                note="the secret token is the credential"),
]

EXPECTATIONS += [
    Expectation("planning:coverage", LA_STAFF | {"other_la_officer"},
                note="another authority's officer sees their own authority's coverage"),
    Expectation("planning:coverage_export", LA_STAFF | {"other_la_officer"}, build=lambda ctx: {"fmt": "xlsx"}),
    Expectation("planning:plan_export", LA_STAFF | {"other_la_officer"}, build=lambda ctx: {"fmt": "csv"}),
]


def _officer(ctx):
    return {"pk": ctx.personas["monitoring_officer"].pk}


EXPECTATIONS += [
    Expectation("planning:officer_capacity", ALLOCATORS, build=_officer),
    Expectation("planning:officer_capacity", ALLOCATORS, build=_officer, method="POST",
                data=lambda ctx: {"visits_per_week": "3"}),
]

EXPECTATIONS += [
    Expectation("planning:reminders", DIARY_OWNERS | {"headteacher"}),
    Expectation("planning:reminders", DIARY_OWNERS | {"headteacher"}, method="POST",
                data=lambda ctx: {"frequency": "weekly"}),
]


def _time_data(ctx):
    today = timezone.localdate()
    return {"activity": "autumn_visit", "day_day": today.day, "day_month": today.month, "day_year": today.year,
            "in_school": "0.5", "out_of_school": "1"}


def _own_time_data(ctx):
    return {**_time_data(ctx), "activity": "briefing"}


TIME_READERS = frozenset({"senior_adviser", "monitoring_officer", "la_admin", "other_la_officer"})
TIME_LOGGERS = frozenset({"senior_adviser", "monitoring_officer"})

EXPECTATIONS += [
    Expectation("planning:school_time", LA_STAFF, build=_school),
    Expectation("planning:school_time", TIME_LOGGERS, build=_school, method="POST", data=_time_data),
    Expectation("planning:time", TIME_READERS),
    Expectation("planning:time", TIME_LOGGERS | {"other_la_officer"}, method="POST", data=_own_time_data),
    Expectation("planning:time_export", TIME_READERS, build=lambda ctx: {"fmt": "csv"}),
    Expectation("planning:rates", ADMIN_ONLY),
    Expectation("planning:rates", ADMIN_ONLY, method="POST",
                data=lambda ctx: {"rate_role": "improvement_partner", "amount": "450"}),
]
