"""The authority boundary at the data-access layer (core/scoping.py), the object permissions
(core/permissions.py) and the account rules they rely on."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError

from improvement.accounts.roles import Role
from improvement.accounts.tests.factories import UserFactory
from improvement.inspections.models import Inspection
from improvement.inspections.tests.factories import InspectionFactory
from improvement.schools.models import Contact, ContextMeasure, Network, School, SchoolEvent, Trust
from improvement.schools.tests.factories import ContextMeasureFactory, NetworkFactory, TrustFactory


@pytest.fixture
def rows(authority, other_authority, school, sibling_school, other_school, trust):
    """One of each scoped row for each of the three schools."""
    for s in (school, sibling_school, other_school):
        InspectionFactory(school=s)
        ContextMeasureFactory(school=s)
        Contact.objects.create(school=s, role="Bursar", name=f"Bursar of {s.urn}")
        SchoolEvent.objects.create(school=s, kind=SchoolEvent.Kind.CLOSURE, occurred_on="2020-01-01")
    NetworkFactory(authority=authority)
    NetworkFactory(authority=other_authority)
    TrustFactory(authority=other_authority)


SCHOOL_OWNED = [School, Inspection, ContextMeasure, Contact, SchoolEvent]


def school_urns(model, user) -> set[str]:
    queryset = model.objects.visible_to(user)
    path = "urn" if model is School else "school__urn"
    return set(queryset.values_list(path, flat=True))


@pytest.mark.parametrize("model", SCHOOL_OWNED, ids=lambda m: m.__name__)
@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("la_admin", {"100001", "100002"}),
        ("la_viewer", {"100001", "100002"}),
        ("network_lead", {"100001", "100002"}),
        ("headteacher", {"100001"}),
        ("chair_of_governors", {"100001"}),
        ("trust_ceo", {"100001"}),
        ("other_la_officer", {"200001"}),
    ],
)
@pytest.mark.usefixtures("rows")
def test_school_owned_rows_are_scoped(personas, model, role, expected):
    assert school_urns(model, personas[role]) == expected


@pytest.mark.usefixtures("rows")
@pytest.mark.parametrize("model", [Trust, Network], ids=lambda m: m.__name__)
def test_authority_rows_are_for_la_staff_of_that_authority_only(personas, authority, model):
    assert set(model.objects.visible_to(personas["la_viewer"]).values_list("authority", flat=True)) == {authority.pk}
    assert not set(model.objects.visible_to(personas["other_la_officer"]).values_list(
        "authority", flat=True)) & {authority.pk}
    for role in ("headteacher", "chair_of_governors", "trust_ceo"):
        assert not model.objects.visible_to(personas[role]).exists(), f"{role} sees {model.__name__} rows"


@pytest.mark.usefixtures("rows")
def test_nobody_signed_in_or_deactivated_sees_nothing(personas):
    deactivated = personas["la_admin"]
    deactivated.is_active = False
    for user in (AnonymousUser(), deactivated):
        for model in SCHOOL_OWNED:
            assert not model.objects.visible_to(user).exists()


class TestObjectPermissions:
    def test_view_school(self, personas, school, sibling_school, other_school):
        for role in ("la_admin", "senior_adviser", "monitoring_officer", "network_lead", "la_viewer"):
            user = personas[role]
            assert user.has_perm("schools.view_school", school) and user.has_perm("schools.view_school", sibling_school)
            assert not user.has_perm("schools.view_school", other_school)
        for role in ("headteacher", "chair_of_governors", "trust_ceo"):
            user = personas[role]
            assert user.has_perm("schools.view_school", school)
            assert not user.has_perm("schools.view_school", sibling_school), role
        assert not personas["other_la_officer"].has_perm("schools.view_school", school)

    def test_a_trust_ceo_does_not_see_a_school_of_a_same_named_trust_elsewhere(self, personas, other_school):
        """Trust ids, not names, decide; and never across authorities."""
        ceo = personas["trust_ceo"]
        other_school.trust = TrustFactory(authority=other_school.authority, name=ceo.trust.name)
        other_school.save()
        assert not ceo.has_perm("schools.view_school", other_school)

    def test_only_la_admins_change_and_only_in_their_authority(self, personas, school, other_school):
        for perm in ("schools.change_school", "schools.change_measures", "inspections.change_inspections"):
            assert personas["la_admin"].has_perm(perm, school)
            assert not personas["la_admin"].has_perm(perm, other_school)
            for role in ("senior_adviser", "la_viewer", "headteacher", "trust_ceo"):
                assert not personas[role].has_perm(perm, school), f"{role} has {perm}"

    def test_change_history_is_for_la_staff(self, personas, school):
        assert personas["la_viewer"].has_perm("schools.view_school_history", school)
        assert not personas["headteacher"].has_perm("schools.view_school_history", school)

    def test_permissions_not_defined_are_refused(self, personas, school):
        assert not personas["la_admin"].has_perm("schools.delete_school", school)
        assert not personas["la_admin"].has_perm("anything.at_all")


class TestAccountRules:
    @pytest.mark.parametrize(
        ("fields", "message"),
        [
            ({"role": Role.HEADTEACHER}, "A headteacher or chair of governors needs a school."),
            ({"role": Role.TRUST_CEO}, "A trust CEO needs a trust."),
        ],
    )
    def test_school_side_accounts_need_their_school_or_trust(self, authority, fields, message):
        with pytest.raises(ValidationError, match=message):
            UserFactory.build(authority=authority, **fields).full_clean()

    def test_la_staff_are_not_tied_to_a_school(self, authority, school):
        user = UserFactory.build(authority=authority, role=Role.LA_VIEWER, school=school)
        with pytest.raises(ValidationError, match="LA staff accounts are not tied to a school or trust."):
            user.full_clean()

    def test_a_school_side_account_cannot_point_into_another_authority(self, authority, other_school):
        user = UserFactory.build(authority=authority, role=Role.HEADTEACHER, school=other_school)
        with pytest.raises(ValidationError, match="The school belongs to another authority."):
            user.full_clean()
