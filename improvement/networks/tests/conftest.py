"""Fixtures for network focus support: a network of the personas' authority, led by the network
lead persona, with the Coventry pack applying in 2023/24 so the policy engine decides focus."""

from __future__ import annotations

from datetime import date

import pytest

from improvement.inspections.tests.factories import InspectionFactory
from improvement.schools.tests.factories import NetworkFactory, SchoolFactory

YEAR = "2023/24"
AS_OF = date(2024, 1, 15)
RI = {"overall_effectiveness": "requires_improvement", "quality_of_education": "requires_improvement",
      "behaviour_and_attitudes": "good", "personal_development": "good",
      "leadership_and_management": "requires_improvement", "safeguarding": "effective"}


@pytest.fixture
def coventry(authority):
    authority.policy_packs = {YEAR: ["coventry-2023-24"]}
    authority.save()
    return authority


@pytest.fixture
def adviser(personas):
    return personas["senior_adviser"]


@pytest.fixture
def lead(personas):
    return personas["network_lead"]


@pytest.fixture
def network(authority, lead, school, sibling_school):
    network = NetworkFactory(authority=authority, name="North Network", lead=lead)
    network.schools.add(school, sibling_school)
    return network


def good_school(authority, network, **fields):
    """An open school of the network, judged Good, with a long-serving head: not a focus school."""
    school = SchoolFactory(authority=authority, **fields)
    InspectionFactory(school=school)
    network.schools.add(school)
    return school


def ri_school(authority, network, **fields):
    """Judged Requires improvement in 2022: a network focus school under the Coventry pack."""
    school = SchoolFactory(authority=authority, **fields)
    InspectionFactory(school=school, judgements=RI, start_date=date(2022, 11, 8), publication_date=date(2022, 12, 15))
    network.schools.add(school)
    return school
