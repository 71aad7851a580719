"""Writes for visit planning. Keyword-only, atomic, take the acting user; the rows they write
(allocations, handover ticks) are immutable and say who did what and when."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from improvement.accounts.models import Authority, User
from improvement.accounts.roles import Role
from improvement.core.history import save_with_history
from improvement.decisions import services as decisions_services
from improvement.planning import handover as checklist
from improvement.planning import planner, time_activities
from improvement.planning.entitlements import VISIT_DECISION_KEYS, needs_for_school
from improvement.planning.models import (
    CalendarFeed,
    DailyRate,
    Handover,
    HandoverTick,
    OfficerAllocation,
    OfficerCapacity,
    PlannedVisit,
    PlannedVisitStatusChange,
    PlanStatus,
    ReminderPreference,
    TimeEntry,
)
from improvement.policy.calendar import (
    DEFAULT_CALENDAR,
    AcademicCalendar,
    academic_year_bounds,
    academic_year_of,
    academic_year_start,
)
from improvement.schools.models import School, Status
from improvement.visits.models import Visit

OPEN_SCHOOL_STATUSES = (Status.OPEN, Status.PROPOSED_TO_CLOSE)
OPEN_PLAN_STATUSES = (PlanStatus.PROPOSED, PlanStatus.AGREED)

ALLOCATING_ROLES = (Role.SENIOR_ADVISER, Role.LA_ADMIN)
OFFICER_ROLES = (Role.MONITORING_OFFICER, Role.SENIOR_ADVISER)


def previous_allocation(*, school: School, academic_year: str) -> OfficerAllocation | None:
    """The allocation in force for the year: the newest of the year, else the newest before it."""
    return (
        OfficerAllocation.objects.filter(school=school, academic_year__lte=academic_year)
        .select_related("officer")
        .order_by("-academic_year", "-allocated_at", "-pk")
        .first()
    )


@transaction.atomic
def allocate_officer(
    *, actor: User, school: School, academic_year: str, officer: User, reason: str = ""
) -> OfficerAllocation:
    """Make `officer` the school's officer for the year; a change of officer opens a handover."""
    if actor.role not in ALLOCATING_ROLES or actor.authority_id != school.authority_id:
        raise PermissionDenied("Only the authority's senior advisers and administrators allocate officers.")
    try:
        academic_year_start(academic_year)
    except ValueError as error:
        raise ValidationError({"academic_year": "Enter the academic year like 2025/26."}) from error
    if not school.is_open:
        raise ValidationError("This school is closed: it cannot be allocated an officer.")
    if officer.authority_id != school.authority_id or officer.role not in OFFICER_ROLES or not officer.is_active:
        raise ValidationError({"officer": "Choose an active officer of the authority."})
    # Lock the school's row so two simultaneous allocations cannot both see the same predecessor.
    School.objects.select_for_update().filter(pk=school.pk).first()
    before = previous_allocation(school=school, academic_year=academic_year)
    if before is not None and before.academic_year == academic_year and before.officer_id == officer.pk:
        raise ValidationError({"officer": f"{officer} is already the school's officer for {academic_year}."})
    allocation = OfficerAllocation.objects.create(
        school=school, academic_year=academic_year, officer=officer, reason=reason.strip(), allocated_by=actor,
    )
    if before is not None and before.officer_id != officer.pk:
        Handover.objects.create(allocation=allocation, school=school, from_officer=before.officer, to_officer=officer)
    if before is not None:
        # The allocation history is the best evidence of whether the partner is new this year.
        decisions_services.note_improvement_partner(
            actor=actor, school=school, academic_year=academic_year, is_new=before.officer_id != officer.pk
        )
    # The year's visits still to happen go to the new officer.
    for planned in PlannedVisit.objects.filter(school=school, academic_year=academic_year,
                                               status__in=OPEN_PLAN_STATUSES).exclude(officer=officer):
        planned.officer = officer
        save_with_history(planned, actor=actor, reason="New officer allocated", update_fields=["officer"])
    return allocation


def may_tick(user: User, handover: Handover) -> bool:
    if user.authority_id != handover.school.authority_id:
        return False
    return user.role in ALLOCATING_ROLES or user.pk in (handover.from_officer_id, handover.to_officer_id)


@transaction.atomic
def tick_handover_item(*, actor: User, handover: Handover, item: str, note: str = "") -> HandoverTick:
    if not may_tick(actor, handover):
        raise PermissionDenied("Only the two officers, senior advisers and administrators tick the handover.")
    if item not in checklist.ITEMS:
        raise ValidationError({"item": "Choose an item of the handover checklist."})
    try:
        with transaction.atomic():
            return HandoverTick.objects.create(handover=handover, item=item, note=note.strip()[:300], ticked_by=actor)
    except IntegrityError as error:
        raise ValidationError({"item": "That item has already been ticked."}) from error


# The yearly plan ----------------------------------------------------------------------------------

MAX_VISITS_PER_WEEK = 25


@dataclass
class PlanRun:
    academic_year: str
    created: list[PlannedVisit] = field(default_factory=list)
    unplaced: list[tuple[School, planner.Unplaced]] = field(default_factory=list)
    undecided: list[tuple[School, str]] = field(default_factory=list)


def _plan_calendar(choice_packs, decisions_packs: set[str]) -> AcademicCalendar:
    """The term dates of the pack that decides the visits (Kent's handbook dates), else England's."""
    for pack in choice_packs:
        if pack.id in decisions_packs:
            return pack.calendar
    return DEFAULT_CALENDAR


@transaction.atomic
def plan_visits(*, actor: User, academic_year: str, visits_per_week: int, today: date | None = None) -> PlanRun:
    """Add to the year's plan every entitled visit not yet planned (idempotent)."""
    from improvement.decisions.selectors import evaluate_schools

    if actor.role not in ALLOCATING_ROLES:
        raise PermissionDenied("Only senior advisers and LA administrators run the planner.")
    try:
        first_day, last_day = academic_year_bounds(academic_year)
    except ValueError as error:
        raise ValidationError({"academic_year": "Enter the academic year like 2025/26."}) from error
    if not 1 <= visits_per_week <= MAX_VISITS_PER_WEEK:
        raise ValidationError({"visits_per_week": f"Enter a number of visits a week from 1 to {MAX_VISITS_PER_WEEK}."})
    today = today or timezone.localdate()
    if today > last_day:
        raise ValidationError({"academic_year": f"{academic_year} is over: plan this year or next."})
    # One planner run at a time per authority: runs queue on the authority's row.
    authority = Authority.objects.select_for_update().get(pk=actor.authority_id)
    schools = School.objects.filter(authority=authority, status__in=OPEN_SCHOOL_STATUSES).order_by("name", "urn")
    as_of = min(max(today, first_day), last_day)
    evaluation = evaluate_schools(schools, authority=authority, as_of=as_of)
    visit_packs = {d.pack for se in evaluation.schools for d in se.decisions if d.key in VISIT_DECISION_KEYS}
    calendar = _plan_calendar(evaluation.choice.packs, visit_packs)

    from improvement.planning.selectors import allocation_states

    by_id = {se.school.pk: se.school for se in evaluation.schools}
    states = allocation_states(list(by_id), academic_year)
    run = PlanRun(academic_year)
    needs: list[planner.VisitNeed] = []
    for se in evaluation.schools:
        school_needs, undecided = needs_for_school(
            school_id=se.school.pk, decisions=se.decisions, overrides=se.overrides, calendar=calendar,
            academic_year=academic_year)
        needs.extend(school_needs)
        run.undecided.extend((se.school, label) for label in undecided)
    existing = [
        planner.PlannedSlot(school_id, kind, sequence, day, officer_id, status == PlanStatus.CANCELLED)
        for school_id, kind, sequence, day, officer_id, status in PlannedVisit.objects.filter(
            school__authority=authority, academic_year=academic_year,
        ).values_list("school_id", "kind", "sequence", "date", "officer_id", "status")
    ]
    officer_of = {pk: state.current.officer_id for pk, state in states.items() if state.current is not None}
    capacity = dict(OfficerCapacity.objects.filter(officer__authority=authority).values_list(
        "officer_id", "visits_per_week"))
    plan = planner.plan_year(
        academic_year=academic_year, needs=needs, calendar=calendar, officer_of=officer_of, existing=existing,
        capacity=capacity, default_capacity=visits_per_week, not_before=max(first_day, today + timedelta(days=1)),
    )
    rows = [
        PlannedVisit(school_id=p.school_id, academic_year=academic_year, kind=p.kind, sequence=p.sequence,
                     label=p.label, target_half_term=p.target_half_term, outside_target=p.outside_target,
                     date=p.day, officer_id=p.officer_id, status=PlanStatus.PROPOSED)
        for p in plan.proposals
    ]
    run.created = bulk_create_with_history(rows, PlannedVisit, default_user=actor,
                                           default_change_reason="Proposed by the planner")
    created = list(PlannedVisit.objects.filter(
        school__authority=authority, academic_year=academic_year, status_changes__isnull=True))
    PlannedVisitStatusChange.objects.bulk_create([
        PlannedVisitStatusChange(planned_visit=row, from_status="", to_status=PlanStatus.PROPOSED, actor=actor,
                                 reason="Proposed by the planner")
        for row in created
    ])
    run.unplaced = [(by_id[u.school_id], u) for u in plan.unplaced]
    return run


def may_change_plan(user: User, planned: PlannedVisit) -> bool:
    if user.authority_id != planned.school.authority_id:
        return False
    return user.role in ALLOCATING_ROLES or (user.role in OFFICER_ROLES and planned.officer_id == user.pk)


_NEXT = {
    PlanStatus.PROPOSED: {PlanStatus.AGREED, PlanStatus.CANCELLED},
    PlanStatus.AGREED: {PlanStatus.COMPLETED, PlanStatus.CANCELLED},
    PlanStatus.COMPLETED: set(),
    PlanStatus.CANCELLED: set(),
}


def allowed_steps(planned: PlannedVisit) -> set[str]:
    return set(_NEXT[PlanStatus(planned.status)])


@transaction.atomic
def change_plan_status(
    *, actor: User, planned: PlannedVisit, to_status: str, reason: str = "", today: date | None = None
) -> PlannedVisitStatusChange:
    """proposed -> agreed -> completed, or cancelled (with a reason) from either open status."""
    if not may_change_plan(actor, planned):
        raise PermissionDenied("Only the visit's officer, senior advisers and administrators change the plan.")
    planned = PlannedVisit.objects.select_for_update().get(pk=planned.pk)
    if to_status not in _NEXT[PlanStatus(planned.status)]:
        raise ValidationError(f"A {planned.get_status_display().lower()} visit cannot become {to_status}.")
    reason = reason.strip()
    if to_status == PlanStatus.CANCELLED and not reason:
        raise ValidationError({"reason": "Enter why the visit is cancelled."})
    if to_status == PlanStatus.COMPLETED:
        if planned.date > (today or timezone.localdate()):
            raise ValidationError("A visit cannot be completed before its date. Move it first if it happened earlier.")
        planned.visit = (Visit.objects.filter(school_id=planned.school_id, date=planned.date)
                         .filter(planned_visit__isnull=True).order_by("pk").first())
    change = PlannedVisitStatusChange.objects.create(
        planned_visit=planned, from_status=planned.status, to_status=to_status, reason=reason, actor=actor)
    planned.status = to_status
    save_with_history(planned, actor=actor, reason=reason or PlanStatus(to_status).label,
                      update_fields=["status", "visit"])
    return change


@transaction.atomic
def move_planned_visit(*, actor: User, planned: PlannedVisit, day: date, calendar: AcademicCalendar | None = None
                       ) -> PlannedVisit:
    """A new date on a school day of the same year; an agreed visit must then be agreed again."""
    if not may_change_plan(actor, planned):
        raise PermissionDenied("Only the visit's officer, senior advisers and administrators change the plan.")
    planned = PlannedVisit.objects.select_for_update().get(pk=planned.pk)
    if not planned.is_open:
        raise ValidationError("Only proposed or agreed visits can be moved.")
    if academic_year_of(day) != planned.academic_year:
        raise ValidationError({"day": f"Choose a date in {planned.academic_year}."})
    calendar = calendar or DEFAULT_CALENDAR
    if not calendar.is_school_day(day):
        raise ValidationError({"day": "Choose a school day: not a weekend, school holiday or bank holiday."})
    if day == planned.date:
        raise ValidationError({"day": "The visit is already on that date."})
    old = planned.date
    planned.date = day
    half_term = calendar.half_term_containing(day)
    planned.outside_target = half_term is None or half_term.number != planned.target_half_term
    reason = f"Moved from {old:%-d %B %Y} to {day:%-d %B %Y}"
    if planned.status == PlanStatus.AGREED:
        PlannedVisitStatusChange.objects.create(
            planned_visit=planned, from_status=PlanStatus.AGREED, to_status=PlanStatus.PROPOSED, actor=actor,
            reason=f"{reason}: to be agreed with the school again")
        planned.status = PlanStatus.PROPOSED
    save_with_history(planned, actor=actor, reason=reason, update_fields=["date", "outside_target", "status"])
    return planned


# Calendar feeds -----------------------------------------------------------------------------------


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def create_calendar_feed(*, actor: User) -> tuple[CalendarFeed, str]:
    """A new secret feed address for the officer's own diary; the previous one stops working."""
    if actor.role not in OFFICER_ROLES:
        raise PermissionDenied("Only officers have a diary feed.")
    CalendarFeed.objects.filter(officer=actor, revoked_at__isnull=True).update(revoked_at=timezone.now())
    token = secrets.token_urlsafe(32)
    return CalendarFeed.objects.create(officer=actor, token_digest=token_digest(token)), token


@transaction.atomic
def revoke_calendar_feed(*, actor: User) -> int:
    """Stop the officer's feed address: calendar apps using it get 404 from now on."""
    return CalendarFeed.objects.filter(officer=actor, revoked_at__isnull=True).update(revoked_at=timezone.now())


@transaction.atomic
def set_officer_capacity(*, actor: User, officer: User, visits_per_week: int | None) -> OfficerCapacity | None:
    """Set (or, with None, remove) an officer's own weekly limit of visits."""
    if actor.role not in ALLOCATING_ROLES or actor.authority_id != officer.authority_id:
        raise PermissionDenied("Only the authority's senior advisers and administrators set capacity.")
    if officer.role not in OFFICER_ROLES:
        raise ValidationError("Only officers have a visit capacity.")
    current = OfficerCapacity.objects.filter(officer=officer).first()
    if visits_per_week is None:
        if current is not None:
            current._history_user = actor
            current.delete()
        return None
    if isinstance(visits_per_week, bool) or not 1 <= visits_per_week <= MAX_VISITS_PER_WEEK:
        raise ValidationError({"visits_per_week": f"Enter a number of visits a week from 1 to {MAX_VISITS_PER_WEEK}."})
    capacity = current or OfficerCapacity(officer=officer)
    capacity.visits_per_week = visits_per_week
    save_with_history(capacity, actor=actor, reason="Weekly capacity set")
    return capacity


@transaction.atomic
def set_reminder_preference(*, actor: User, weekly_digest: bool) -> ReminderPreference:
    """The user's own choice: daily reminders or a Monday digest."""
    preference, _ = ReminderPreference.objects.select_for_update().get_or_create(user=actor)
    preference.weekly_digest = weekly_digest
    preference.save(update_fields=["weekly_digest", "updated_at"])
    return preference


# Kent time accounting -------------------------------------------------------------------------------

MAX_DAYS_AN_ENTRY = Decimal("5")
QUARTER = Decimal("0.25")


def _days(value: Decimal, field_name: str) -> Decimal:
    if value is None:
        return Decimal(0)
    if abs(value) > MAX_DAYS_AN_ENTRY or (value / QUARTER) % 1 != 0:
        raise ValidationError({field_name: "Enter days in quarter days, like 0.5 or 1.25, up to 5."})
    return value


@transaction.atomic
def log_time(
    *, actor: User, activity: str, day: date, in_school: Decimal | None, out_of_school: Decimal | None,
    school: School | None = None, note: str = "", today: date | None = None,
) -> TimeEntry:
    """The acting officer logs their own time on an activity (for a school when it is one)."""
    if actor.role not in OFFICER_ROLES:
        raise PermissionDenied("Only officers log time.")
    kind = time_activities.BY_KEY.get(activity)
    if kind is None:
        raise ValidationError({"activity": "Choose an activity from the list."})
    if kind.for_school and school is None:
        raise ValidationError({"activity": "This activity is for a school: log it on the school's time page."})
    if not kind.for_school and school is not None:
        raise ValidationError({"activity": "This activity is not for one school: log it on your own time page."})
    if school is not None and school.authority_id != actor.authority_id:
        raise PermissionDenied("That school is not in your authority.")
    if day > (today or timezone.localdate()):
        raise ValidationError({"day": "The date cannot be in the future."})
    inside, outside = _days(in_school, "in_school"), _days(out_of_school, "out_of_school")
    if inside == 0 and outside == 0:
        raise ValidationError("Enter the days in school, out of school, or both.")
    note = note.strip()
    if (inside < 0 or outside < 0) and not note:
        raise ValidationError({"note": "Say what a correction (negative days) corrects."})
    return TimeEntry.objects.create(
        officer=actor, school=school, academic_year=academic_year_of(day), date=day, activity=activity,
        in_school=inside, out_of_school=outside, note=note[:300])


@transaction.atomic
def set_daily_rate(*, actor: User, academic_year: str, rate_role: str, amount: Decimal) -> DailyRate:
    if actor.role != Role.LA_ADMIN:
        raise PermissionDenied("Only LA administrators set daily rates.")
    try:
        academic_year_start(academic_year)
    except ValueError as error:
        raise ValidationError({"academic_year": "Enter the academic year like 2025/26."}) from error
    if rate_role not in time_activities.RATE_ROLES:
        raise ValidationError({"rate_role": "Choose a role."})
    if amount is None or amount <= 0 or amount > Decimal("5000"):
        raise ValidationError({"amount": "Enter a daily rate in pounds, more than 0 and at most 5,000."})
    rate = (DailyRate.objects.select_for_update().filter(
        authority_id=actor.authority_id, academic_year=academic_year, rate_role=rate_role).first()
        or DailyRate(authority_id=actor.authority_id, academic_year=academic_year, rate_role=rate_role))
    rate.amount = amount
    save_with_history(rate, actor=actor, reason="Daily rate set")
    return rate
