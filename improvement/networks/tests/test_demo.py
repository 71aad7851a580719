"""The demo's network focus support (core/demo.py seed_network_support): deterministic content
through the services, and idempotent."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from improvement.accounts.roles import Role
from improvement.accounts.tests.factories import UserFactory
from improvement.core.demo import (
    CURRENT_YEAR_START,
    DEMO_EMAIL_DOMAIN,
    DEMO_NETWORK_YEAR,
    NETWORKS,
    seed_network_support,
)
from improvement.networks.models import FocusSchoolAddition, FundingAllocation, SupportOffer
from improvement.networks.selectors import network_focus
from improvement.schools.tests.factories import NetworkFactory, SchoolFactory


def _content(authority) -> dict[str, list[tuple]]:
    return {
        "additions": sorted(FocusSchoolAddition.objects.filter(school__authority=authority).values_list(
            "school__urn", "academic_year", "reason", "added_by__email", "added_on", "removed_at")),
        "support": sorted(SupportOffer.objects.filter(school__authority=authority).values_list(
            "school__urn", "kind", "partner_school__urn", "provided_by", "start_date", "status")),
        "funding": sorted(FundingAllocation.objects.filter(network__authority=authority).values_list(
            "network__name", "school__urn", "amount", "purpose", "allocated_by__email")),
    }


def test_seed_network_support_is_deterministic_and_idempotent(authority):
    adviser = UserFactory(authority=authority, role=Role.SENIOR_ADVISER, email=f"senior.adviser@{DEMO_EMAIL_DOMAIN}")
    lead = UserFactory(authority=authority, role=Role.NETWORK_LEAD, email=f"network.lead@{DEMO_EMAIL_DOMAIN}")
    north = NetworkFactory(authority=authority, name=NETWORKS[0], lead=lead)
    south = NetworkFactory(authority=authority, name=NETWORKS[1])
    for n in range(4):
        north.schools.add(SchoolFactory(authority=authority, urn=f"97000{n}",
                                        headteacher_start_date=CURRENT_YEAR_START if n == 2 else date(2015, 9, 1)))
        south.schools.add(SchoolFactory(authority=authority, urn=f"97100{n}"))

    seed_network_support(authority)
    first = _content(authority)
    seed_network_support(authority)
    assert _content(authority) == first, "seeding twice adds nothing"

    # North: the new head and the first other school, recorded by the network's own lead.
    assert [(a[0], a[3]) for a in first["additions"] if a[0].startswith("970")] == [
        ("970000", lead.email), ("970002", lead.email)]
    assert {f[4] for f in first["funding"] if f[0] == NETWORKS[1]} == {adviser.email}
    north_support = [(s[0], s[1], s[2], s[4], s[5]) for s in first["support"] if s[0].startswith("970")]
    assert north_support == [
        ("970000", "leadership_support", None, date(2026, 10, 5), "offered"),
        ("970000", "paired_school", "970001", date(2026, 9, 14), "in_place"),
        ("970002", "mentor_new_headteacher", None, date(2026, 9, 14), "in_place"),
    ]

    # Focus schools get the larger share: 2 x 3,000 of 6,000 + 2 x 1,200.
    result = network_focus(user=adviser, network=north, academic_year=DEMO_NETWORK_YEAR, as_of=date(2026, 11, 23))
    assert [row.is_focus for row in result.rows].count(True) == 2
    assert result.figures.total == Decimal("8400.00")
    assert result.figures.focus_share == Decimal("71.4")
