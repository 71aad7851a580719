"""The small "Visits and actions" panel on a school's profile (with the open-concern flag)."""

from __future__ import annotations

from django import template

from improvement.concerns.selectors import open_concerns

register = template.Library()


@register.inclusion_tag("visits/includes/school_panel.html", takes_context=True)
def school_visits_panel(context, school) -> dict:
    user = context["request"].user
    show_flag = user.has_perm("concerns.view_concern_flag", school)
    return {
        "school": school,
        "can_see_visits": user.has_perm("visits.view_school_visits", school),
        "can_see_actions": user.has_perm("actions.view_school_actions", school),
        "concerns": open_concerns(user=user, school=school) if show_flag else [],
        "can_open_queue": user.has_perm("concerns.view_concern_queue"),
    }
