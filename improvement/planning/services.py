"""Writes for visit planning. Keyword-only, atomic, take the acting user; the rows they write
(allocations, handover ticks) are immutable and say who did what and when."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from improvement.accounts.models import User
from improvement.accounts.roles import Role
from improvement.planning import handover as checklist
from improvement.planning.models import Handover, HandoverTick, OfficerAllocation
from improvement.policy.calendar import academic_year_start
from improvement.schools.models import School

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
