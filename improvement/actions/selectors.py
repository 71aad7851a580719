"""Reads for actions. Every read starts from the authority scope."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from improvement.accounts.roles import Role
from improvement.actions.models import OPEN_STATUSES, Action, ActionProgress


def school_actions(*, user, school) -> list[Action]:
    """Every action of the school, open first, with its progress entries (three queries)."""
    actions = list(
        Action.objects.visible_to(user)
        .filter(school=school)
        .select_related("source_visit", "source_meeting")
        .prefetch_related(Prefetch("progress", queryset=ActionProgress.objects.select_related("visit", "meeting")))
        .order_by("status", "due_date", "pk")
    )
    today = timezone.localdate()
    for action in actions:
        action.overdue = action.is_overdue(today)
    actions.sort(key=lambda a: (not a.is_open, a.due_date is None, a.due_date or today, a.pk))
    return actions


def overdue_actions(*, user) -> QuerySet[Action]:
    """Open actions past their due date: for an officer, those agreed at their own visits or at
    meetings of boards they sit on; for a senior adviser, the whole authority's."""
    queryset = Action.objects.visible_to(user).filter(
        status__in=OPEN_STATUSES, due_date__lt=timezone.localdate()
    )
    if user.role != Role.SENIOR_ADVISER:
        queryset = queryset.filter(
            Q(source_visit__officers=user)
            | Q(source_meeting__process__members__user=user, source_meeting__process__members__left_at__isnull=True)
        )
    return queryset.select_related("school", "source_visit", "source_meeting").order_by("due_date", "pk").distinct()
