"""Formatting of register data for templates: no rules, no queries."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

from improvement.inspections.models import Inspection
from improvement.policy import frameworks

OUTCOME_TAG_COLOURS = {
    "outstanding": "govuk-tag--green",
    "good": "govuk-tag--green",
    "expected_standard": "govuk-tag--green",
    "strong_standard": "govuk-tag--green",
    "exceptional": "govuk-tag--green",
    "requires_improvement": "govuk-tag--yellow",
    "satisfactory": "govuk-tag--yellow",
    "needs_attention": "govuk-tag--yellow",
    "inadequate": "govuk-tag--red",
    "urgent_improvement": "govuk-tag--red",
    frameworks.NO_OVERALL_GRADE: "govuk-tag--grey",
    frameworks.NOT_INSPECTED: "govuk-tag--grey",
}


def outcome_tag_class(key: str) -> str:
    return OUTCOME_TAG_COLOURS.get(key, "govuk-tag--grey")


@dataclass(frozen=True)
class EraGroup:
    era: frameworks.Era
    inspections: list[Inspection]


def inspections_by_era(inspections: list[Inspection]) -> list[EraGroup]:
    """Newest era first, each with its inspections newest first."""
    groups: OrderedDict[str, list[Inspection]] = OrderedDict()
    for inspection in sorted(inspections, key=lambda i: i.start_date, reverse=True):
        groups.setdefault(inspection.era, []).append(inspection)
    return [EraGroup(frameworks.get_era(key), items) for key, items in groups.items()]
