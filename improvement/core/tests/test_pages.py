"""Site-wide pages and protections: start page, styled error pages, layout, CSRF."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from improvement.core import views
from improvement.schools.models import School
from improvement.schools.tests.form_data import school_form_data


@pytest.mark.parametrize(
    ("role", "target"),
    [
        ("la_admin", "/schools/"),
        ("la_viewer", "/schools/"),
        ("trust_ceo", "/schools/"),
        ("headteacher", "/schools/100001/"),
        ("chair_of_governors", "/schools/100001/"),
    ],
)
def test_home_sends_each_role_to_its_start_page(personas, client_for, role, target):
    assert client_for(personas[role]).get("/")["Location"] == target


def test_404_page_is_styled(personas, client_for):
    response = client_for(personas["la_viewer"]).get("/no-such-page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "core/404.html" in [t.name for t in response.templates]
    assert "<title>Page not found – School Improvement Monitor</title>" in html
    assert 'class="govuk-header"' in html and "Go to your start page" in html


def test_403_page_is_styled(personas, client_for):
    response = client_for(personas["la_viewer"]).get(reverse("schools:create"))
    html = response.content.decode()
    assert response.status_code == 403
    assert "core/403.html" in [t.name for t in response.templates]
    assert "<title>You do not have access to this page – School Improvement Monitor</title>" in html
    assert "contact your LA administrator" in html


def test_500_page_is_styled_and_needs_no_database_or_user():
    """No db fixture: pytest-django fails the test if the error page touches the database."""
    response = views.server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert "School Improvement Monitor" in response.content.decode()


def test_layout_names_the_product_and_the_users_authority_without_crown_or_logotype(personas, client_for):
    html = client_for(personas["la_viewer"]).get(reverse("schools:list")).content.decode()
    assert "School Improvement Monitor" in html
    assert "Northmoor" in html
    assert 'href="#main-content" class="govuk-skip-link"' in html
    assert "govuk-logo" not in html and "crown" not in html.lower()
    assert "<title>Schools – School Improvement Monitor</title>" in html


def test_navigation_only_offers_what_the_user_may_open(personas, client_for):
    assert 'href="/schools/"' in client_for(personas["la_viewer"]).get("/schools/").content.decode()
    head_page = client_for(personas["headteacher"]).get("/schools/100001/").content.decode()
    assert "govuk-service-navigation__link\" href=\"/schools/\"" not in head_page


def test_posts_without_a_csrf_token_are_refused(personas, school):
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas["la_admin"], backend="django.contrib.auth.backends.ModelBackend")
    before = School.objects.count()
    response = client.post(reverse("schools:create"), school_form_data())
    assert response.status_code == 403
    assert School.objects.count() == before


def test_pages_cannot_be_framed(personas, client_for):
    response = client_for(personas["la_viewer"]).get(reverse("schools:list"))
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
