"""Reminders by e-mail (`python manage.py send_reminders`, run daily by cron).

What each user needs to hear about today:
- officers: their visits in the next 7 days still only proposed (not agreed with the school);
  records of their visits past a deadline of the record template; open actions of their schools
  (the school's allocated officer, else the officers of the visit that raised the action) due
  this week;
- headteachers: records of their school waiting for their accuracy check.

Each item has a key naming what it is about (and the date that makes it due); a SentReminder row
per user and key means it is never sent twice, however often the command runs. Users who chose
the weekly digest get theirs on Mondays, everything not yet sent in one e-mail.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Prefetch

from improvement.accounts.models import User
from improvement.accounts.roles import Role
from improvement.actions.models import OPEN_STATUSES, Action
from improvement.planning.models import (
    OfficerAllocation,
    PlannedVisit,
    PlanStatus,
    ReminderPreference,
    SentReminder,
)
from improvement.policy.calendar import academic_year_of
from improvement.visits.models import LOCKED_STATUSES, Visit, VisitStatus
from improvement.visits.selectors import due_dates

RECORD_LOOKBACK_DAYS = 120


@dataclass(frozen=True)
class Item:
    key: str
    text: str


def _officers_of_schools(school_ids: set[int], today: date) -> dict[int, int]:
    """School id -> its officer this academic year (one query)."""
    year = academic_year_of(today)
    current: dict[int, int] = {}
    for school_id, officer_id in (OfficerAllocation.objects.filter(school_id__in=school_ids, academic_year__lte=year)
                                  .order_by("academic_year", "allocated_at", "pk")
                                  .values_list("school_id", "officer_id")):
        current[school_id] = officer_id
    return current


def collect(today: date) -> dict[int, list[Item]]:
    """User id -> what to remind them of today (before removing what was already sent)."""
    items: dict[int, list[Item]] = defaultdict(list)
    week_end = today + timedelta(days=7)
    for planned in (PlannedVisit.objects.filter(status=PlanStatus.PROPOSED, date__gte=today, date__lte=week_end,
                                                officer__isnull=False).select_related("school")):
        items[planned.officer_id].append(Item(
            f"visit-not-agreed:{planned.pk}:{planned.date}",
            f"{planned.label} at {planned.school.name} on {planned.date:%-d %B %Y} is not yet agreed with the school."))

    visits = (Visit.objects.filter(date__gte=today - timedelta(days=RECORD_LOOKBACK_DAYS), date__lte=today)
              .exclude(status__in=LOCKED_STATUSES).select_related("school")
              .prefetch_related(Prefetch("officers", queryset=User.objects.only("pk"))))
    for visit in visits:
        for due in due_dates(visit, today):
            if due.overdue:
                for officer in visit.officers.all():
                    items[officer.pk].append(Item(
                        f"record-deadline:{visit.pk}:{due.label}:{due.due}"[:200],
                        f"The record of your visit to {visit.school.name} on {visit.date:%-d %B %Y} is past its "
                        f"deadline: {due.label} (due {due.due:%-d %B %Y})."))

    monday = today - timedelta(days=today.weekday())
    actions = list(Action.objects.filter(status__in=OPEN_STATUSES, due_date__gte=monday,
                                         due_date__lte=monday + timedelta(days=6))
                   .select_related("school").prefetch_related(
                       Prefetch("source_visit__officers", queryset=User.objects.only("pk"))))
    allocated = _officers_of_schools({a.school_id for a in actions}, today)
    for action in actions:
        if action.school_id in allocated:
            officer_ids = [allocated[action.school_id]]
        elif action.source_visit is not None:
            officer_ids = [o.pk for o in action.source_visit.officers.all()]
        else:
            officer_ids = []
        for officer_id in officer_ids:
            items[officer_id].append(Item(
                f"action-due:{action.pk}:{action.due_date}",
                f"An action for {action.school.name} is due on {action.due_date:%-d %B %Y}: {action.text[:200]}"))

    waiting = list(Visit.objects.filter(status=VisitStatus.SENT).select_related("school"))
    heads: dict[int, list[int]] = defaultdict(list)
    for user_id, school_id in User.objects.filter(role=Role.HEADTEACHER, is_active=True,
                                                   school_id__in={v.school_id for v in waiting}).values_list(
                                                       "pk", "school_id"):
        heads[school_id].append(user_id)
    for visit in waiting:
        for user_id in heads.get(visit.school_id, []):
            items[user_id].append(Item(
                f"accuracy-check:{visit.pk}:{visit.first_sent_at:%Y-%m-%d}",
                f"The record of the visit on {visit.date:%-d %B %Y} is waiting for your accuracy check."))
    return items


@dataclass
class Outcome:
    emails: int = 0
    reminders: int = 0
    held_for_digest: int = 0


def send_reminders(*, today: date, dry_run: bool = False) -> Outcome:
    """Send today's reminders that were never sent before (idempotent)."""
    outcome = Outcome()
    items = collect(today)
    if not items:
        return outcome
    users = {u.pk: u for u in User.objects.filter(pk__in=items, is_active=True).exclude(email="")}
    digest = set(ReminderPreference.objects.filter(user_id__in=users, weekly_digest=True)
                 .values_list("user_id", flat=True))
    keys = {item.key for user_items in items.values() for item in user_items}
    sent = set(SentReminder.objects.filter(user_id__in=users, key__in=keys).values_list("user_id", "key"))
    connection = get_connection()
    for user_id, user_items in sorted(items.items()):
        user = users.get(user_id)
        fresh = list({i.key: i for i in user_items if (user_id, i.key) not in sent}.values()) if user else []
        if not fresh:
            continue
        if user_id in digest and today.weekday() != 0:
            outcome.held_for_digest += len(fresh)
            continue
        subject = ("Your weekly digest" if user_id in digest else "Reminders") + " – School Improvement Monitor"
        body = "\n".join(["Hello,", "", *(f"- {i.text}" for i in fresh), "",
                          "You can choose a weekly digest instead of daily reminders in the product."])
        if dry_run:
            outcome.emails += 1
            outcome.reminders += len(fresh)
            continue
        with transaction.atomic():
            SentReminder.objects.bulk_create([SentReminder(user_id=user_id, key=i.key) for i in fresh])
            connection.send_messages([EmailMessage(subject=subject, body=body,
                                                   from_email=settings.DEFAULT_FROM_EMAIL, to=[user.email])])
        outcome.emails += 1
        outcome.reminders += len(fresh)
    return outcome
