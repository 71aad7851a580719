"""Reads for visit planning: who is each school's officer, and how continuous support has been."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, Prefetch, QuerySet

from improvement.accounts.models import User
from improvement.planning import handover as checklist
from improvement.planning.models import (
    CalendarFeed,
    Handover,
    HandoverTick,
    OfficerAllocation,
    OfficerCapacity,
    PlannedVisit,
    PlannedVisitStatusChange,
    PlanStatus,
    TimeEntry,
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
class OfficerLoad:
    officer: User
    schools: int
    visits_per_week: int | None  # None: the number given when the planner runs


@dataclass
class AllocationOverview:
    academic_year: str
    rows: list[AllocationRow]
    years: list[str] = field(default_factory=list)
    officers: list[OfficerLoad] = field(default_factory=list)

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
    per_officer: dict[int, int] = defaultdict(int)
    for row in rows:
        if row.state.current is not None:
            per_officer[row.state.current.officer_id] += 1
    capacity = dict(OfficerCapacity.objects.filter(officer__authority_id=user.authority_id).values_list(
        "officer_id", "visits_per_week"))
    officers = [OfficerLoad(o, per_officer.get(o.pk, 0), capacity.get(o.pk)) for o in officer_choices(user)]
    return AllocationOverview(academic_year=academic_year, rows=rows, years=continuity_years(academic_year),
                              officers=officers)


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


# Coverage -------------------------------------------------------------------------------------------

TERMS = ("autumn", "spring", "summer")


def term_of(half_term: int) -> str:
    return TERMS[(half_term - 1) // 2] if 1 <= half_term <= 6 else TERMS[0]


@dataclass
class Counts:
    entitled: int = 0
    planned: int = 0  # proposed, agreed or completed (not cancelled)
    agreed: int = 0  # agreed or completed
    completed: int = 0
    cancelled: int = 0
    overdue: int = 0  # planned date passed, not completed

    def add(self, other: Counts) -> None:
        for name in ("entitled", "planned", "agreed", "completed", "cancelled", "overdue"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class CoverageRow:
    school: School
    officer: User | None
    counts: Counts
    undecided: list[str]
    ofsted_window_opens: date | None = None

    @property
    def not_fully_planned(self) -> bool:
        return self.counts.planned < self.counts.entitled

    @property
    def behind(self) -> bool:
        return self.not_fully_planned or self.counts.overdue > 0


@dataclass
class Coverage:
    academic_year: str
    as_of: date
    rows: list[CoverageRow]
    by_term: dict[str, Counts]
    by_officer: list[tuple[User | None, Counts]]
    total: Counts

    @property
    def behind(self) -> list[CoverageRow]:
        return [row for row in self.rows if row.behind]

    @property
    def ofsted_windows(self) -> list[CoverageRow]:
        """Schools whose Ofsted window opens this year, soonest first."""
        return sorted((row for row in self.rows if row.ofsted_window_opens),
                      key=lambda row: (row.ofsted_window_opens, row.school.name))


def coverage(*, user: User, academic_year: str, today: date) -> Coverage:
    """Entitled, planned, agreed and completed visits per school, term and officer: a fixed
    number of queries whatever the number of schools."""
    from improvement.decisions.selectors import evaluate_schools
    from improvement.planning.entitlements import needs_for_school, ofsted_window_opening
    from improvement.planning.planner import entitled_half_terms
    from improvement.planning.services import OPEN_SCHOOL_STATUSES, _plan_calendar
    from improvement.policy.calendar import academic_year_bounds

    first_day, last_day = academic_year_bounds(academic_year)
    as_of = min(max(today, first_day), last_day)
    schools = School.objects.visible_to(user).filter(status__in=OPEN_SCHOOL_STATUSES).order_by("name", "urn")
    evaluation = evaluate_schools(schools, authority=user.authority, as_of=as_of)
    from improvement.planning.entitlements import VISIT_DECISION_KEYS

    packs = {d.pack for se in evaluation.schools for d in se.decisions if d.key in VISIT_DECISION_KEYS}
    calendar = _plan_calendar(evaluation.choice.packs, packs)
    states = allocation_states([se.school.pk for se in evaluation.schools], academic_year)

    per_school: dict[int, Counts] = defaultdict(Counts)
    by_term: dict[str, Counts] = {term: Counts() for term in TERMS}
    by_officer: dict[int | None, Counts] = defaultdict(Counts)
    undecided: dict[int, list[str]] = {}
    officer_of = {pk: s.current.officer for pk, s in states.items() if s.current is not None}
    for se in evaluation.schools:
        needs, undecided[se.school.pk] = needs_for_school(
            school_id=se.school.pk, decisions=se.decisions, overrides=se.overrides, calendar=calendar,
            academic_year=academic_year)
        for _, _, _, half_term in entitled_half_terms(needs):
            per_school[se.school.pk].entitled += 1
            by_term[term_of(half_term)].entitled += 1
            officer = officer_of.get(se.school.pk)
            by_officer[officer.pk if officer else None].entitled += 1

    officers = {o.pk: o for o in officer_of.values()}
    rows = PlannedVisit.objects.filter(school__in=schools, academic_year=academic_year).select_related("officer")
    for planned in rows.only("school_id", "target_half_term", "status", "date", "officer"):
        counts = Counts()
        if planned.status == PlanStatus.CANCELLED:
            counts.cancelled = 1
        else:
            counts.planned = 1
            counts.agreed = int(planned.status in (PlanStatus.AGREED, PlanStatus.COMPLETED))
            counts.completed = int(planned.status == PlanStatus.COMPLETED)
            counts.overdue = int(planned.status != PlanStatus.COMPLETED and planned.date < today)
        per_school[planned.school_id].add(counts)
        by_term[term_of(planned.target_half_term)].add(counts)
        by_officer[planned.officer_id].add(counts)
        if planned.officer is not None:
            officers.setdefault(planned.officer_id, planned.officer)

    total = Counts()
    for counts in by_term.values():
        total.add(counts)
    coverage_rows = [
        CoverageRow(se.school, officer_of.get(se.school.pk), per_school[se.school.pk], undecided[se.school.pk],
                    ofsted_window_opening(se.decisions, first_day, last_day))
        for se in evaluation.schools
    ]
    officer_rows = sorted(((officers.get(pk), counts) for pk, counts in by_officer.items()),
                          key=lambda pair: (pair[0] is None, str(pair[0] or "")))
    return Coverage(academic_year, as_of, coverage_rows, by_term, officer_rows, total)


# Kent time accounting -------------------------------------------------------------------------------

ALLOCATED_DAYS_KEY = "kent.improvement_partner_days"


def term_of_day(day: date, calendar=None) -> str:
    """The term a day's work belongs to: the term in progress, or the one just finished when the
    day is in a holiday (report writing in half-term counts for the term visited)."""
    from improvement.policy.calendar import DEFAULT_CALENDAR, academic_year_of

    calendar = calendar or DEFAULT_CALENDAR
    started = [h for h in calendar.half_terms(academic_year_of(day)) if h.start <= day]
    return started[-1].term if started else TERMS[0]


@dataclass
class ActivityTime:
    label: str
    in_school: Decimal
    out_of_school: Decimal

    @property
    def total(self) -> Decimal:
        return self.in_school + self.out_of_school


@dataclass
class SchoolTime:
    academic_year: str
    allocated: Decimal | None  # None: the packs do not allocate days to this school
    allocation_source: str  # "pack", "override" or ""
    activities: list[ActivityTime]
    entries: list[TimeEntry]

    @property
    def logged(self) -> Decimal:
        return sum((a.total for a in self.activities), Decimal(0))

    @property
    def remaining(self) -> Decimal | None:
        return None if self.allocated is None else self.allocated - self.logged


def _as_days(value) -> Decimal | None:
    try:
        days = Decimal(str(value).strip())
    except (ArithmeticError, TypeError, ValueError):
        return None
    return days if days.is_finite() and days >= 0 else None


def school_time(*, school: School, academic_year: str, today: date) -> SchoolTime:
    from improvement.decisions.selectors import evaluate_schools
    from improvement.planning.time_activities import BY_KEY, IMPROVEMENT_PARTNER
    from improvement.policy.calendar import academic_year_bounds

    first_day, last_day = academic_year_bounds(academic_year)
    evaluation = evaluate_schools(School.objects.filter(pk=school.pk), authority=school.authority,
                                  as_of=min(max(today, first_day), last_day))
    allocated, source = None, ""
    if evaluation.schools:
        found = evaluation.schools[0]
        override = found.overrides.get(ALLOCATED_DAYS_KEY)
        if override is not None and _as_days(override.value) is not None:
            allocated, source = _as_days(override.value), "override"
        else:
            for decision in found.decisions:
                if decision.key == ALLOCATED_DAYS_KEY and decision.status == "decided":
                    allocated, source = _as_days(decision.value), "pack"
    entries = list(TimeEntry.objects.filter(school=school, academic_year=academic_year)
                   .select_related("officer").order_by("date", "pk"))
    sums: dict[str, ActivityTime] = {}
    for entry in entries:
        activity = BY_KEY.get(entry.activity)
        if activity is None or activity.rate_role != IMPROVEMENT_PARTNER:
            continue
        line = sums.setdefault(entry.activity, ActivityTime(activity.label, Decimal(0), Decimal(0)))
        line.in_school += entry.in_school
        line.out_of_school += entry.out_of_school
    return SchoolTime(academic_year, allocated, source, list(sums.values()), entries)


@dataclass
class TermLine:
    term: str
    rate_role: str
    in_school: Decimal
    out_of_school: Decimal
    rate: Decimal | None

    @property
    def days(self) -> Decimal:
        return self.in_school + self.out_of_school

    @property
    def amount(self) -> Decimal | None:
        return None if self.rate is None else (self.days * self.rate).quantize(Decimal("0.01"))


def officer_time(*, officer: User, academic_year: str) -> tuple[list[TermLine], list[TimeEntry]]:
    """An officer's days by term and rate, for invoicing, and the entries behind them."""
    from improvement.planning.models import DailyRate
    from improvement.planning.time_activities import BY_KEY, IMPROVEMENT_PARTNER

    entries = list(TimeEntry.objects.filter(officer=officer, academic_year=academic_year)
                   .select_related("school").order_by("date", "pk"))
    rates = dict(DailyRate.objects.filter(authority_id=officer.authority_id, academic_year=academic_year)
                 .values_list("rate_role", "amount"))
    lines: dict[tuple[str, str], TermLine] = {}
    for entry in entries:
        activity = BY_KEY.get(entry.activity)
        role = activity.rate_role if activity else IMPROVEMENT_PARTNER
        term = term_of_day(entry.date)
        entry.term = term
        entry.rate_role = role
        line = lines.setdefault((term, role), TermLine(term, role, Decimal(0), Decimal(0), rates.get(role)))
        line.in_school += entry.in_school
        line.out_of_school += entry.out_of_school
    ordered = sorted(lines.values(), key=lambda line: (TERMS.index(line.term), line.rate_role))
    return ordered, entries
