"""Template helpers for policy decisions."""

from __future__ import annotations

from urllib.parse import urlencode

from django import template
from django.urls import reverse
from django.utils.html import format_html

from improvement.decisions.presenters import MissingFact

register = template.Library()


@register.simple_tag
def missing_fact_link(fact: MissingFact, panel) -> str:
    """A missing fact's label, linked to where it is recorded when the user may record it."""
    urn = panel.school.urn
    url = ""
    if fact.where == "categorisation" and panel.can_record:
        url = reverse("decisions:categorisation", kwargs={"urn": urn}) + "?" + urlencode(
            {"year": panel.choice.academic_year})
    elif fact.where == "flags" and panel.can_record:
        url = reverse("decisions:flags", kwargs={"urn": urn})
    elif fact.where == "school" and panel.can_edit_school:
        url = reverse("schools:edit", kwargs={"urn": urn})
    if url:
        return format_html(
            '{} <a class="govuk-link" href="{}">Record it<span class="govuk-visually-hidden">: {}</span></a>',
            fact.label, url, fact.label)
    return format_html("{}", fact.label)
