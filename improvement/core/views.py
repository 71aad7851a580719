from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """LA staff and trust CEOs start at the school list; school users at their own school."""
    user = request.user
    if user.has_perm("schools.view_school_list"):
        return redirect("schools:list")
    if user.school_id:
        return redirect("schools:detail", urn=user.school.urn)
    return render(request, "core/no_access.html", status=403)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "core/403.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "core/404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # No request context: the template must not depend on the user or the database.
    return render(request, "core/500.html", status=500, context={"user": None})
