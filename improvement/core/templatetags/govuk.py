from __future__ import annotations

from django import template

from improvement.schools.presenters import outcome_tag_class

register = template.Library()


@register.filter
def outcome_tag(outcome_key: str) -> str:
    """GOV.UK tag colour modifier for an outcome or grade key."""
    return outcome_tag_class(outcome_key or "")


@register.simple_tag(takes_context=True)
def query_with(context, **changes) -> str:
    """The current query string with some parameters replaced (for sort and page links)."""
    query = context["request"].GET.copy()
    for key, value in changes.items():
        query[key] = value
    return query.urlencode()


@register.filter
def page_window(paginator, current: int) -> list[int | None]:
    """Page numbers to show: first, last and two either side of the current; None = ellipsis."""
    return [
        None if number == paginator.ELLIPSIS else number
        for number in paginator.get_elided_page_range(current, on_each_side=2, on_ends=1)
    ]
