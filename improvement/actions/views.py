from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from improvement.actions import selectors
from improvement.schools.selectors import school_for_user


@require_GET
def school_actions(request: HttpRequest, urn: str) -> HttpResponse:
    school = school_for_user(user=request.user, urn=urn)
    if not request.user.has_perm("actions.view_school_actions", school):
        raise PermissionDenied
    actions = selectors.school_actions(user=request.user, school=school)
    return render(request, "actions/school_actions.html", {
        "school": school,
        "open_actions": [a for a in actions if a.is_open],
        "closed_actions": [a for a in actions if not a.is_open],
    })


@require_GET
def overdue_actions(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("actions.view_overdue_actions"):
        raise PermissionDenied
    return render(request, "actions/overdue_actions.html", {
        "actions": list(selectors.overdue_actions(user=request.user)[:500]),
    })
