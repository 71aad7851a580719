"""Reads for concerns: LA staff only (the model has no school path, so school users see none)."""

from __future__ import annotations

from django.db.models import QuerySet

from improvement.concerns.models import OPEN_CONCERN_STATUSES, Concern


def concern_queue(*, user, status: str = "open") -> QuerySet[Concern]:
    queryset = Concern.objects.visible_to(user).select_related("school", "source_visit", "raised_by")
    if status == "open":
        return queryset.filter(status__in=OPEN_CONCERN_STATUSES)
    if status:
        return queryset.filter(status=status)
    return queryset


def open_concerns(*, user, school) -> list[Concern]:
    """Open concerns about one school (the profile flag; the policy engine's open concerns)."""
    return list(Concern.objects.visible_to(user).filter(school=school, status__in=OPEN_CONCERN_STATUSES))


def open_concern_categories(school) -> list[str]:
    """For the policy snapshot builder: categories of the school's open concerns (unscoped read)."""
    return list(
        Concern.objects.filter(school=school, status__in=OPEN_CONCERN_STATUSES).values_list("category", flat=True)
    )
