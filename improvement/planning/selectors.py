"""Reads for visit planning: who is each school's officer, and how continuous support has been."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, Prefetch, QuerySet

from improvement.accounts.models import User
from improvement.planning import handover as checklist
from improvement.planning.models import (
    CalendarFeed,
    Handover,
    HandoverTick,
    OfficerAllocation,
    PlannedVisit,
    PlannedVisitStatusChange,
    PlanStatus,
)
from improvement.planning.services import OFFICER_ROLES
from improvement.policy.calendar import academic_year_name, academic_year_start
from improvement.schools.models import School, Status

OPEN_STATUSES = (Status.OPEN, Status.PROPOSED_TO_CLOSE)

CONTINUITY_YEARS = 3


def continuity_years(academic_year: str) -> list[str]:
    """The academic year and the two before it, oldest first."""
    start = academic_year_start(academic_year)
    return [academic_year_name(start - n) for n in range(CONTINUITY_YEARS - 1, -1, -1)]


@dataclass
class AllocationState:
    current: OfficerAllocation | None = None  # in force for the year (may come from an earlier year)
    changes: int = 0  # officer changes within the continuity window


def allocation_states(school_ids: QuerySet | list[int], academic_year: str) -> dict[int, AllocationState]:
    """School id -> its officer for the year and its changes of officer in the last three years.

    One query: every allocation up to the year (from the year before the window, to know who
    was the officer when the window opened), walked in order in Python.
    """
    window = continuity_years(academic_year)
    first_year = academic_year_name(academic_year_start(window[0]) - 1)
    rows = (
        OfficerAllocation.objects.filter(
            school_id__in=school_ids, academic_year__gte=first_year, academic_year__lte=academic_year
        )
        .select_related("officer")
        .order_by("school_id", "academic_year", "allocated_at", "pk")
    )
    states: dict[int, AllocationState] = defaultdict(AllocationState)
    for row in rows:
        state = states[row.school_id]
        if state.current is not None and state.current.officer_id != row.officer_id and row.academic_year in window:
            state.changes += 1
        state.current = row
    return states


@dataclass
class AllocationRow:
    school: School
    state: AllocationState


@dataclass
class AllocationOverview:
    academic_year: str
    rows: list[AllocationRow]
    years: list[str] = field(default_factory=list)

    @property
    def total_changes(self) -> int:
        return sum(row.state.changes for row in self.rows)

    @property
    def schools_with_changes(self) -> int:
        return sum(1 for row in self.rows if row.state.changes)

    @property
    def unallocated(self) -> int:
        return sum(1 for row in self.rows if row.state.current is None)

    @property
    def average_changes(self) -> float:
        return self.total_changes / len(self.rows) if self.rows else 0.0


def allocation_overview(*, user: User, academic_year: str) -> AllocationOverview:
    schools = list(School.objects.visible_to(user).filter(status__in=OPEN_STATUSES).order_by("name", "urn"))
    states = allocation_states([s.pk for s in schools], academic_year)
    rows = [AllocationRow(school=s, state=states.get(s.pk, AllocationState())) for s in schools]
    return AllocationOverview(academic_year=academic_year, rows=rows, years=continuity_years(academic_year))


def officer_choices(user: User) -> QuerySet[User]:
    return User.objects.filter(authority_id=user.authority_id, role__in=OFFICER_ROLES, is_active=True).order_by(
        "full_name", "email")


def school_allocations(*, school: School) -> list[OfficerAllocation]:
    return list(
        OfficerAllocation.objects.filter(school=school)
        .select_related("officer", "allocated_by")
        .order_by("-academic_year", "-allocated_at", "-pk")
    )


@dataclass
class ChecklistLine:
    key: str
    label: str
    required: bool
    tick: HandoverTick | None


def handovers_for(school: School) -> list[Handover]:
    return list(
        Handover.objects.filter(school=school)
        .select_related("from_officer", "to_officer", "allocation")
        .prefetch_related(Prefetch("ticks", queryset=HandoverTick.objects.select_related("ticked_by")))
    )


def checklist_lines(handover: Handover) -> list[ChecklistLine]:
    ticks = {tick.item: tick for tick in handover.ticks.all()}
    return [ChecklistLine(i.key, i.label, i.required, ticks.get(i.key)) for i in checklist.CHECKLIST]


def is_handover_complete(handover: Handover) -> bool:
    return checklist.is_complete({tick.item for tick in handover.ticks.all()})


# The yearly plan --------------------------------------------------------------------------------


@dataclass
class PlanSummary:
    academic_year: str
    by_status: dict[str, int]
    outside_target: int

    @property
    def total(self) -> int:
        return sum(self.by_status.values())


def planned_visits(*, user: User, academic_year: str, officer_id: int | None = None,
                   status: str = "") -> QuerySet[PlannedVisit]:
    queryset = PlannedVisit.objects.visible_to(user).filter(academic_year=academic_year)
    if officer_id:
        queryset = queryset.filter(officer_id=officer_id)
    if status:
        queryset = queryset.filter(status=status)
    return queryset.select_related("school", "officer").order_by("date", "school__name", "pk")


def plan_summary(queryset: QuerySet[PlannedVisit], academic_year: str) -> PlanSummary:
    by_status = {s.value: 0 for s in PlanStatus}
    for status, count in queryset.order_by().values_list("status").annotate(n=Count("pk")):
        by_status[status] = count
    outside = queryset.filter(outside_target=True, status__in=(PlanStatus.PROPOSED, PlanStatus.AGREED)).count()
    return PlanSummary(academic_year, by_status, outside)


def planned_visit_for_user(*, user: User, pk: int) -> PlannedVisit:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(
        PlannedVisit.objects.visible_to(user).select_related("school", "officer", "visit").prefetch_related(
            Prefetch("status_changes", queryset=PlannedVisitStatusChange.objects.select_related("actor"))),
        pk=pk,
    )


# Diaries and feeds --------------------------------------------------------------------------------

FEED_HISTORY_DAYS = 365


def live_feed(token: str) -> CalendarFeed | None:
    from improvement.planning.services import token_digest

    if not token or len(token) > 100:
        return None
    return (CalendarFeed.objects.filter(token_digest=token_digest(token), revoked_at__isnull=True,
                                        officer__is_active=True)
            .select_related("officer").first())


def feed_visits(officer: User, *, today) -> list[PlannedVisit]:
    since = today - timedelta(days=FEED_HISTORY_DAYS)
    return list(PlannedVisit.objects.filter(officer=officer, date__gte=since, school__authority_id=officer.authority_id)
                .select_related("school", "officer", "visit").order_by("date", "pk"))


def diary_visits(*, user: User, officer: User | None, since, until) -> list[PlannedVisit]:
    """An officer's visits between two dates; school-side users see agreed visits to their school."""
    queryset = PlannedVisit.objects.visible_to(user).filter(date__gte=since, date__lte=until)
    if officer is not None:
        queryset = queryset.filter(officer=officer)
    else:
        queryset = queryset.filter(status__in=(PlanStatus.AGREED, PlanStatus.COMPLETED))
    return list(queryset.select_related("school", "officer").order_by("date", "school__name", "pk"))


def group_by_month(visits: list[PlannedVisit]) -> list[tuple[date, list[PlannedVisit]]]:
    months: dict[date, list[PlannedVisit]] = {}
    for visit in visits:
        months.setdefault(visit.date.replace(day=1), []).append(visit)
    return list(months.items())
