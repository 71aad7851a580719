"""Reads for actions. Every read starts from the authority scope."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from improvement.accounts.roles import Role
from improvement.actions.models import OPEN_STATUSES, Action, ActionProgress


def school_actions(*, user, school) -> list[Action]:
    """Every action of the school, open first, with its progress entries (three queries)."""
    actions = list(
        Action.objects.visible_to(user)
        .filter(school=school)
        .select_related("source_visit")
        .prefetch_related(Prefetch("progress", queryset=ActionProgress.objects.select_related("visit")))
        .order_by("status", "due_date", "pk")
    )
    today = timezone.localdate()
    for action in actions:
        action.overdue = action.is_overdue(today)
    actions.sort(key=lambda a: (not a.is_open, a.due_date is None, a.due_date or today, a.pk))
    return actions


def overdue_actions(*, user) -> QuerySet[Action]:
    """Open actions past their due date: an officer's own visits; a senior adviser's whole authority."""
    queryset = Action.objects.visible_to(user).filter(
        status__in=OPEN_STATUSES, due_date__lt=timezone.localdate()
    )
    if user.role != Role.SENIOR_ADVISER:
        queryset = queryset.filter(source_visit__officers=user)
    return queryset.select_related("school", "source_visit").order_by("due_date", "pk").distinct()
