"""Reads for visits. Every read starts from the authority scope, then narrows by role:
officers see the visits they made, senior advisers all of the authority's, a headteacher their
school's records once sent for an accuracy check, chairs and trust CEOs the records distributed
to them, and nobody else any."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import F, Prefetch, QuerySet, Window
from django.db.models.functions import RowNumber
from django.http import Http404
from django.utils import timezone

from improvement.accounts.models import User
from improvement.accounts.roles import Role
from improvement.policy import record_templates
from improvement.visits import lifecycle
from improvement.visits.models import Visit, VisitStatus


def visible_visits(user: User) -> QuerySet[Visit]:
    queryset = Visit.objects.visible_to(user)
    role = getattr(user, "role", None)
    if role == Role.SENIOR_ADVISER:
        return queryset
    if role == Role.MONITORING_OFFICER:
        return queryset.filter(officers=user)
    if role == Role.HEADTEACHER:
        return queryset.filter(first_sent_at__isnull=False)
    if role in (Role.CHAIR_OF_GOVERNORS, Role.TRUST_CEO):
        return queryset.filter(distributions__recipient=user)
    return queryset.none()


def visit_for_user(*, user: User, pk: int) -> Visit:
    """The visit with its record, or 404 for anyone who may not see it."""
    visit = (
        visible_visits(user)
        .select_related("school__authority", "school__trust", "record", "created_by")
        .prefetch_related("officers")
        .filter(pk=pk)
        .first()
    )
    if visit is None:
        raise Http404("No such visit")
    return visit


def visit_number(visit: Visit) -> int:
    """The visit's number within its school's academic year (by date, then creation)."""
    earlier = Visit.objects.filter(school_id=visit.school_id, academic_year=visit.academic_year)
    return earlier.filter(date__lt=visit.date).count() + earlier.filter(date=visit.date, pk__lte=visit.pk).count()


def with_visit_numbers(queryset: QuerySet[Visit]) -> QuerySet[Visit]:
    """Annotate `number` with a window function: no query per row.

    The window runs over the school's visits in the year, so the queryset must hold all of a
    school's visits in the year for the numbers to be right (lists filter afterwards).
    """
    return queryset.annotate(
        number=Window(
            RowNumber(),
            partition_by=[F("school_id"), F("academic_year")],
            order_by=[F("date").asc(), F("pk").asc()],
        )
    )


def school_visits(*, user: User, school) -> list[Visit]:
    numbered = with_visit_numbers(Visit.objects.filter(school=school))
    numbers = dict(numbered.values_list("pk", "number"))
    visits = list(
        visible_visits(user).filter(school=school).prefetch_related("officers").order_by("-date", "-pk")
    )
    for visit in visits:
        visit.number = numbers.get(visit.pk)
    return visits


@dataclass(frozen=True)
class DueDate:
    label: str
    due: date
    met: bool
    overdue: bool
    source: str


_STATUS_ORDER = list(lifecycle.STATUS_LABELS)


def due_dates(visit: Visit, today: date | None = None) -> list[DueDate]:
    """The template's deadlines for this visit (none where the template states none)."""
    today = today or timezone.localdate()
    template = record_templates.get_template(visit.template_key, visit.template_version)
    result = []
    for deadline, due in record_templates.deadline_dates(template, visit.date):
        met = bool(deadline.met_by) and deadline.met_by in _STATUS_ORDER and (
            _STATUS_ORDER.index(visit.status) >= _STATUS_ORDER.index(deadline.met_by)
            or (deadline.met_by == VisitStatus.SENT and visit.first_sent_at is not None)
        )
        result.append(DueDate(deadline.label, due, met, not met and due < today, deadline.source))
    return result


def officer_visits(*, user: User) -> list[Visit]:
    """The visits the user may see, newest first, with due dates and overdue flags."""
    visits = list(
        visible_visits(user)
        .select_related("school__authority")
        .prefetch_related(Prefetch("officers", queryset=User.objects.only("pk", "full_name", "email")))
        .order_by("-date", "-pk")[:500]
    )
    today = timezone.localdate()
    for visit in visits:
        visit.due_dates = due_dates(visit, today)
        visit.is_overdue = any(d.overdue for d in visit.due_dates)
    return visits


def record_display(*, visit: Visit, role: str):
    """The presenter's view of a visit's record for a role, in a constant number of queries."""
    from improvement.visits import presenters
    from improvement.visits.services import carried_forward_actions

    record = visit.record
    if visit.is_locked:
        latest = visit.revisions.order_by("-number").first()
        carried = presenters.frozen_carried_forward(latest.action_reviews if latest else [])
    else:
        carried = presenters.carried_forward_rows(list(carried_forward_actions(visit)), record.action_reviews or {})
    return presenters.record_view(
        visit=visit,
        record=record,
        template=visit.template,
        role=role,
        carried_forward=carried,
        number=visit_number(visit),
        officers=[str(o) for o in visit.officers.all()],
    )
