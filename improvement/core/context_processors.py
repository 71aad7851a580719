from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse

# (label, url name, permission needed). Apps add their entries here as they arrive.
NAVIGATION: list[tuple[str, str, str | None]] = [
    ("Schools", "schools:list", "schools.view_school_list"),
    ("Portfolio", "decisions:portfolio", "decisions.view_portfolio"),
    ("Boards and meetings", "interventions:dashboard", "interventions.view_dashboard"),
    ("Visits", "visits:list", "visits.view_visit_list"),
    ("Overdue actions", "actions:overdue", "actions.view_overdue_actions"),
    ("Diary", "planning:diary", "planning.view_diary"),
    ("Visit plan", "planning:plan", "planning.view_plan"),
    ("Coverage", "planning:coverage", "planning.view_plan"),
    ("Time", "planning:time", "planning.view_time_summary"),
    ("Officers", "planning:allocations", "planning.view_allocations"),
    ("Networks", "networks:list", "networks.view_networks"),
    ("Good practice", "visits:good_practice", "visits.view_good_practice"),
    ("Concerns", "concerns:queue", "concerns.view_concern_queue"),
    ("Calibration", "ofsted_events:calibration", "ofsted_events.view_calibration"),
    ("Imports", "imports:list", "imports.view_import_log"),
    ("Policy packs", "decisions:packs", "decisions.change_policy_packs"),
]


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    items = []
    for label, url_name, perm in NAVIGATION:
        if perm and not user.has_perm(perm):
            continue
        url = reverse(url_name)
        items.append({"label": label, "url": url, "active": request.path.startswith(url)})
    return {"navigation": items}
