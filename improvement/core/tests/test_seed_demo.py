"""seed_demo: a fictional authority with the variety the product needs, deterministic and
idempotent, refusing to seed published passwords on a production configuration."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from improvement.accounts.models import Authority, User
from improvement.accounts.roles import Role
from improvement.core.demo import DEMO_LA_CODE, DEMO_PASSWORD
from improvement.inspections.models import Inspection
from improvement.policy import frameworks
from improvement.schools.models import (
    ContextMeasure,
    Governance,
    Network,
    Phase,
    School,
    SchoolEvent,
    Trust,
)


def seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def demo_content() -> dict[str, list[tuple]]:
    """The demo authority's rows by natural key, without database ids or timestamps."""
    authority = Authority.objects.get(code=DEMO_LA_CODE)
    schools = School.objects.filter(authority=authority)
    return {
        "schools": sorted(schools.values_list(
            "urn", "establishment_number", "name", "phase", "governance", "status", "trust__reference",
            "predecessor__urn", "headteacher_name", "headteacher_start_date", "pupils_on_roll",
            "latest_outcome", "latest_full_inspection__start_date", "postcode",
        )),
        "networks": sorted(schools.values_list("urn", "networks__name")),
        "inspections": sorted(
            (urn, str(start), kind, era, sorted(judgements.items()), category)
            for urn, start, kind, era, judgements, category in Inspection.objects.filter(
                school__authority=authority
            ).values_list("school__urn", "start_date", "inspection_type", "era", "judgements", "category_of_concern")
        ),
        "measures": sorted(ContextMeasure.objects.filter(school__authority=authority).values_list(
            "school__urn", "academic_year", "measure", "value", "suppressed")),
        "events": sorted(SchoolEvent.objects.filter(school__authority=authority).values_list(
            "school__urn", "kind", "occurred_on", "detail")),
        "users": sorted(User.objects.filter(authority=authority).values_list(
            "email", "role", "school__urn", "trust__reference")),
        "trusts": sorted(Trust.objects.filter(authority=authority).values_list("reference", "name", "is_local")),
    }


def counts() -> dict[str, int]:
    from improvement.actions.models import Action
    from improvement.visits.models import Visit

    return {model.__name__: model.objects.count()
            for model in (Authority, User, School, Network, Trust, Inspection, ContextMeasure, SchoolEvent,
                          Visit, Action)}


@pytest.fixture
def debug_on(settings):
    settings.DEBUG = True


@pytest.mark.usefixtures("debug_on")
def test_seed_demo(db, client):
    """One test, because each seed costs seconds: determinism, variety, then idempotence."""
    with transaction.atomic():
        first_output = seed()
        first_content = demo_content()
        transaction.set_rollback(True)  # cheaper than deleting thousands of rows
    assert not Authority.objects.filter(code=DEMO_LA_CODE).exists()

    output = seed()
    assert output == first_output
    assert demo_content() == first_content, "a fresh seed must give exactly the same demo"
    assert_demo_has_the_variety_the_product_needs(client)

    seeded_counts = counts()
    seed()
    assert counts() == seeded_counts, "running seed_demo twice must not add rows"
    assert demo_content() == first_content

    # The command prints every demo login, with the shared password.
    assert DEMO_PASSWORD in output
    for email, *_ in first_content["users"]:
        assert email in output


def assert_demo_has_the_variety_the_product_needs(client) -> None:
    authority = Authority.objects.get(code=DEMO_LA_CODE)
    schools = School.objects.filter(authority=authority)

    assert 110 <= schools.count() <= 130
    assert set(schools.values_list("phase", flat=True)) == set(Phase.values)
    assert set(schools.values_list("governance", flat=True)) == set(Governance.values)
    assert Network.objects.filter(authority=authority).count() == 6
    assert set(Trust.objects.filter(authority=authority).values_list("is_local", flat=True)) == {True, False}
    assert schools.filter(headteacher_start_date__year=2026).exists(), "heads new this year"
    assert schools.filter(predecessor__isnull=False).exists(), "an academy conversion"

    users = User.objects.filter(authority=authority)
    roles = list(users.values_list("role", flat=True))
    assert set(roles) == set(Role.values), "a user for every role"
    assert roles.count(Role.MONITORING_OFFICER) == 2, "two officers, so the demo shows a handover"
    for user in users:
        user.full_clean()  # school-side users are tied to a school or trust of this authority

    inspections = Inspection.objects.filter(school__authority=authority)
    assert set(inspections.values_list("era", flat=True)) == {era.key for era in frameworks.ERAS}
    outcomes = set(schools.values_list("latest_outcome", flat=True))
    assert {"outstanding", "good", "requires_improvement", "inadequate", "no_overall_grade"} <= outcomes
    assert inspections.filter(category_of_concern="special_measures").exists()
    assert set(ContextMeasure.objects.filter(school__authority=authority)
               .values_list("academic_year", flat=True)) == {2023, 2024, 2025}
    assert ContextMeasure.objects.filter(school__authority=authority, suppressed=True).exists()

    # Requires improvement after a below-good inspection, as the policy rules will need.
    histories: dict[str, list[str]] = {}
    for urn, key in inspections.filter(inspection_type="full").order_by("start_date").values_list(
        "school__urn", "judgements__overall_effectiveness"
    ):
        histories.setdefault(urn, []).append(key)
    assert any(
        later == "requires_improvement" and earlier in ("inadequate", "requires_improvement", "satisfactory")
        for keys in histories.values()
        for earlier, later in zip(keys, keys[1:], strict=False)
    )

    # Every inspection is valid for its era: the demo obeys the same rules as the forms.
    for inspection in inspections:
        inspection.full_clean()

    # Visit records at different points of their life, and actions carried forward.
    from improvement.actions.models import Action
    from improvement.visits.models import Visit

    visits = Visit.objects.filter(school__authority=authority)
    assert set(visits.values_list("status", flat=True)) == {"draft", "sent_for_accuracy_check", "distributed"}
    assert Action.objects.filter(school__authority=authority).count() >= 2

    # Officers allocated for two years; three schools change officer, each with a handover.
    from improvement.planning.models import Handover, OfficerAllocation

    assert OfficerAllocation.objects.filter(school__authority=authority, academic_year="2026/27").count() == (
        schools.exclude(status="closed").count()
    )
    assert Handover.objects.filter(school__authority=authority).count() == 3

    # The printed logins work.
    response = client.post("/accounts/login/", {"username": "admin@marlowevale.example", "password": DEMO_PASSWORD})
    assert response.status_code == 302


def test_refuses_to_seed_published_passwords_with_debug_off(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="Refusing to seed demo users"):
        call_command("seed_demo", stdout=io.StringIO())
    assert not Authority.objects.filter(code=DEMO_LA_CODE).exists()
