"""Signing in and out: GOV.UK errors, throttling, idle expiry and POST-only sign-out."""

from __future__ import annotations

import runpy
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

LOGIN = reverse("accounts:login")
LOGOUT = reverse("accounts:logout")
SCHOOLS = reverse("schools:list")


@pytest.fixture
def officer(personas):
    return personas["monitoring_officer"]


def sign_in(client, email: str, password: str):
    return client.post(LOGIN, {"username": email, "password": password})


def is_signed_in(client) -> bool:
    return client.get(SCHOOLS).status_code == 200


class TestSignIn:
    def test_correct_password_signs_in_whatever_the_email_case(self, client, officer, test_password):
        response = sign_in(client, "Monitoring_Officer@Example.TEST", test_password)
        assert response.status_code == 302
        assert response["Location"] == reverse("home")
        assert is_signed_in(client)

    @pytest.mark.parametrize("email", ["monitoring_officer@example.test", "nobody@example.test"])
    def test_wrong_password_or_unknown_email_show_the_same_govuk_error(self, client, officer, email):
        response = sign_in(client, email, "not-the-password")
        html = response.content.decode()
        assert response.status_code == 200
        assert "<title>Error: Sign in – School Improvement Monitor</title>" in html
        assert "govuk-error-summary" in html
        assert "Enter a correct email address and password." in html
        assert not is_signed_in(client)

    def test_malformed_email_is_a_field_error(self, client, officer):
        html = sign_in(client, "not an email", "whatever").content.decode()
        assert "Enter a valid email address." in html
        assert 'href="#id_username"' in html

    def test_deactivated_account_cannot_sign_in(self, client, officer, test_password):
        officer.is_active = False
        officer.save()
        assert "Enter a correct email address and password." in sign_in(
            client, officer.email, test_password
        ).content.decode()
        assert not is_signed_in(client)

    def test_next_must_stay_on_this_site(self, client, officer, test_password):
        response = client.post(
            LOGIN, {"username": officer.email, "password": test_password, "next": "https://evil.example/"}
        )
        assert response["Location"] == reverse("home")

    def test_next_within_the_site_is_followed(self, client, officer, test_password):
        response = client.post(LOGIN, {"username": officer.email, "password": test_password, "next": SCHOOLS})
        assert response["Location"] == SCHOOLS

    def test_anonymous_users_are_sent_to_sign_in_and_back(self, client):
        response = client.get(SCHOOLS)
        assert response["Location"] == f"{LOGIN}?next={SCHOOLS}"

    def test_signed_in_users_skip_the_sign_in_page(self, client, officer, client_for):
        assert client_for(officer).get(LOGIN)["Location"] == reverse("home")


class TestThrottling:
    def test_locked_after_repeated_failures_even_with_the_right_password(self, client, officer, test_password):
        limit = settings.AXES_FAILURE_LIMIT
        for attempt in range(limit - 1):
            response = sign_in(client, officer.email, f"wrong-{attempt}")
            assert "Enter a correct email address and password." in response.content.decode()
        response = sign_in(client, officer.email, "wrong-last")
        assert response.status_code == 429
        assert "Sign-in is locked for now" in response.content.decode()

        response = sign_in(client, officer.email, test_password)
        assert response.status_code == 429
        assert not is_signed_in(client)

    def test_lockout_is_per_account_not_for_everyone(self, client, officer, personas, test_password):
        for attempt in range(settings.AXES_FAILURE_LIMIT):
            sign_in(client, officer.email, f"wrong-{attempt}")
        assert sign_in(client, personas["la_viewer"].email, test_password).status_code == 302

    def test_success_before_the_limit_resets_the_count(self, client, officer, test_password, client_for):
        for attempt in range(settings.AXES_FAILURE_LIMIT - 1):
            sign_in(client, officer.email, f"wrong-{attempt}")
        assert sign_in(client, officer.email, test_password).status_code == 302
        client.post(LOGOUT)
        for attempt in range(settings.AXES_FAILURE_LIMIT - 1):
            assert sign_in(client, officer.email, f"again-{attempt}").status_code == 200
        assert sign_in(client, officer.email, test_password).status_code == 302


class TestSessions:
    def test_idle_expiry_comes_from_the_environment(self, monkeypatch):
        monkeypatch.setenv("SESSION_IDLE_MINUTES", "15")
        values = runpy.run_path(str(Path(settings.BASE_DIR) / "improvement" / "settings.py"))
        assert values["SESSION_COOKIE_AGE"] == 15 * 60
        assert values["SESSION_SAVE_EVERY_REQUEST"] is True

    def test_session_ends_after_idle_time_but_activity_keeps_it_alive(self, client, officer, test_password):
        idle = timedelta(seconds=settings.SESSION_COOKIE_AGE)
        assert settings.SESSION_SAVE_EVERY_REQUEST
        with time_machine.travel(timezone.now(), tick=False) as traveller:
            sign_in(client, officer.email, test_password)
            for _ in range(3):  # active for longer than the idle limit in total
                traveller.shift(idle - timedelta(minutes=1))
                assert is_signed_in(client)
            traveller.shift(idle + timedelta(minutes=1))
            response = client.get(SCHOOLS)
            assert response.status_code == 302
            assert response["Location"].startswith(LOGIN)


class TestSignOut:
    def test_sign_out_is_post_only(self, client, officer, client_for):
        client = client_for(officer)
        assert client.get(LOGOUT).status_code == 405
        assert is_signed_in(client), "a link or image must not be able to sign anyone out"

    def test_sign_out(self, client, officer, client_for):
        client = client_for(officer)
        response = client.post(LOGOUT)
        assert response["Location"] == LOGIN
        assert not is_signed_in(client)

    def test_every_page_offers_sign_out_as_a_form(self, officer, client_for):
        html = client_for(officer).get(SCHOOLS).content.decode()
        assert f'<form method="post" action="{LOGOUT}"' in html


@pytest.mark.parametrize(
    "password", ["short-pw", "password1234", "123456789012", "monitoring_officer"]
)
def test_weak_passwords_are_refused(officer, password):
    with pytest.raises(ValidationError):
        validate_password(password, user=officer)


def test_strong_password_is_accepted(officer):
    validate_password("quiet-otter-lantern-42", user=officer)
