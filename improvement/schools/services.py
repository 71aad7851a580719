"""Writes to the school register: atomic, attributed, audited."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from improvement.core.history import save_with_history
from improvement.schools.models import ContextMeasure, School, SchoolEvent


def _record_headteacher_change(*, school: School, actor) -> None:
    # Policy rules read these events ("change of headteacher", "new headteacher").
    SchoolEvent.objects.create(
        school=school,
        kind=SchoolEvent.Kind.HEADTEACHER_CHANGE,
        occurred_on=school.headteacher_start_date or timezone.localdate(),
        detail=f"Headteacher: {school.headteacher_name}",
        recorded_by=actor,
    )


@transaction.atomic
def school_create(*, actor, authority, data: dict[str, Any], networks=()) -> School:
    school = School(authority=authority, **data)
    school.full_clean()
    save_with_history(school, actor=actor, reason="Added by LA administrator")
    school.networks.set(networks)
    if school.headteacher_name:
        _record_headteacher_change(school=school, actor=actor)
    return school


@transaction.atomic
def school_update(*, actor, school: School, data: dict[str, Any], networks=None) -> School:
    previous_head = school.headteacher_name
    for field, value in data.items():
        setattr(school, field, value)
    school.full_clean()
    save_with_history(school, actor=actor, reason="Edited by LA administrator")
    if networks is not None:
        school.networks.set(networks)
    if school.headteacher_name and school.headteacher_name != previous_head:
        _record_headteacher_change(school=school, actor=actor)
    return school


@transaction.atomic
def measure_save(*, actor, measure: ContextMeasure) -> ContextMeasure:
    measure.full_clean()
    save_with_history(measure, actor=actor, reason="Entered by LA administrator")
    return measure
