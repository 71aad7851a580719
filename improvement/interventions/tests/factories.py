"""Builders for intervention tests: a School Improvement Board chaired by a senior adviser,
with its first meeting in the past (so it can be held) unless told otherwise."""

from __future__ import annotations

import datetime

from django.utils import timezone

from improvement.interventions import services
from improvement.interventions.models import ProcessKind


def at(day: datetime.date, hour: int = 14) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def open_sib(chair, school, *, kind=ProcessKind.SIB, first_meeting: datetime.date | None = None,
             opened_on: datetime.date | None = None):
    today = timezone.localdate()
    opened_on = opened_on or today - datetime.timedelta(days=30)
    first_meeting = first_meeting or today - datetime.timedelta(days=7)
    return services.open_process(
        actor=chair, school=school, kind=kind, opened_on=opened_on, reason="Inspection judged leadership RI",
        chair=chair, first_meeting_at=at(first_meeting), venue="At the school",
    )


def held_meeting(chair, school, **kwargs):
    process = open_sib(chair, school, **kwargs)
    meeting = process.meetings.get()
    return services.take_step(actor=chair, meeting=meeting, step_name="hold")
