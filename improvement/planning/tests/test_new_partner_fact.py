"""The officer allocation tells the policy engine whether a school's improvement partner is new
this year (Kent: familiarisation visit, six days instead of five)."""

import pytest

from improvement.decisions.models import Categorisation
from improvement.decisions.selectors import build_snapshots
from improvement.planning import services
from improvement.schools.models import School


@pytest.fixture
def officers(personas):
    from improvement.accounts.tests.factories import UserFactory

    second = UserFactory(authority=personas["monitoring_officer"].authority, role="monitoring_officer",
                         email="second.officer@example.test")
    return personas["monitoring_officer"], second


def snapshot_for(school, day):
    return build_snapshots(School.objects.filter(pk=school.pk), as_of=day)[school.pk]


@pytest.mark.django_db
def test_a_change_of_officer_makes_the_partner_new_and_keeps_the_category(personas, school, officers):
    adviser = personas["senior_adviser"]
    services.allocate_officer(actor=adviser, school=school, academic_year="2025/26", officer=officers[0])
    Categorisation.objects.create(school=school, academic_year="2026/27", la_category=2, recorded_by=adviser)
    services.allocate_officer(actor=adviser, school=school, academic_year="2026/27", officer=officers[1])

    row = Categorisation.objects.get(school=school, academic_year="2026/27")
    assert row.new_improvement_partner is True
    assert row.la_category == 2
    assert row.history.first().history_change_reason == "New improvement partner, from the officer allocation"


@pytest.mark.django_db
def test_the_same_officer_again_means_the_partner_is_not_new(personas, school, officers):
    adviser = personas["senior_adviser"]
    services.allocate_officer(actor=adviser, school=school, academic_year="2025/26", officer=officers[0])
    services.allocate_officer(actor=adviser, school=school, academic_year="2026/27", officer=officers[0])
    assert Categorisation.objects.get(school=school, academic_year="2026/27").new_improvement_partner is False


@pytest.mark.django_db
def test_a_first_allocation_says_nothing_about_the_partner(personas, school, officers):
    services.allocate_officer(actor=personas["senior_adviser"], school=school, academic_year="2026/27",
                              officer=officers[0])
    assert not Categorisation.objects.filter(school=school).exists()
