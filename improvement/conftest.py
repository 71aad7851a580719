"""Shared personas: one user per role in authority A, plus an officer in authority B and a
school in each authority, so every test can check cross-authority and cross-school refusal."""

from __future__ import annotations

import pytest

from improvement.accounts.roles import Role
from improvement.accounts.tests.factories import TEST_PASSWORD, AuthorityFactory, UserFactory
from improvement.schools.tests.factories import SchoolFactory, TrustFactory


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """PBKDF2 costs ~0.25 s a user; tests check behaviour, not hash strength."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session")
def _session_upload_root(tmp_path_factory):
    return tmp_path_factory.mktemp("uploads")


@pytest.fixture(autouse=True)
def _uploads_in_temporary_folder(settings, _session_upload_root):
    """Uploaded documents (the demo's, the permission matrix's) never land in var/uploads.
    Tests that look at the files use documents/tests' per-test `upload_root` instead."""
    settings.UPLOAD_ROOT = _session_upload_root


@pytest.fixture
def authority(db):
    return AuthorityFactory(code="901", name="Northmoor")


@pytest.fixture
def other_authority(db):
    return AuthorityFactory(code="902", name="Southdale")


@pytest.fixture
def trust(authority):
    return TrustFactory(authority=authority, name="Northmoor Learning Trust")


@pytest.fixture
def school(authority, trust):
    return SchoolFactory(authority=authority, trust=trust, urn="100001", establishment_number="2001",
                         name="Alder Primary School")


@pytest.fixture
def sibling_school(authority):
    """Another school in the same authority, outside the personas' school and trust."""
    return SchoolFactory(authority=authority, urn="100002", establishment_number="2002", name="Birch Primary School")


@pytest.fixture
def other_school(other_authority):
    return SchoolFactory(authority=other_authority, urn="200001", establishment_number="2001", name="Other LA School")


@pytest.fixture
def personas(authority, other_authority, school, trust):
    """role value -> signed-in-able user, all in `authority`; 'other_la_officer' is in another."""
    users = {
        role.value: UserFactory(authority=authority, role=role, email=f"{role.value}@example.test")
        for role in (Role.LA_ADMIN, Role.SENIOR_ADVISER, Role.MONITORING_OFFICER, Role.NETWORK_LEAD, Role.LA_VIEWER)
    }
    users[Role.HEADTEACHER.value] = UserFactory(
        authority=authority, role=Role.HEADTEACHER, school=school, email="headteacher@example.test"
    )
    users[Role.CHAIR_OF_GOVERNORS.value] = UserFactory(
        authority=authority, role=Role.CHAIR_OF_GOVERNORS, school=school, email="chair@example.test"
    )
    users[Role.TRUST_CEO.value] = UserFactory(
        authority=authority, role=Role.TRUST_CEO, trust=trust, email="ceo@example.test"
    )
    users["other_la_officer"] = UserFactory(
        authority=other_authority, role=Role.MONITORING_OFFICER, email="officer@other.example.test"
    )
    return users


@pytest.fixture
def client_for(client):
    """client_for(user) -> the test client signed in as that user."""

    def sign_in(user):
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return sign_in


@pytest.fixture
def test_password() -> str:
    return TEST_PASSWORD
