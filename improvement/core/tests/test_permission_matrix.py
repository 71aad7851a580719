"""The role x URL permission matrix (the contract is in core/tests/matrix.py).

1. Every URL pattern of the project has at least one expectation, and every expectation names
   a real URL: a new URL without one fails here.
2. For each expectation, every role is tried: allowed roles get one of its ok statuses (and a
   redirect that is not to the sign-in page); refused roles get 403 or 404, and 404 whenever
   the object in the URL is outside their scope (never reveal that it exists); anonymous users
   are sent to sign in. A refused POST changes nothing in the database.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.conf import settings
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.views import static

from improvement.core.tests.matrix import ALL_ROLES, Expectation, MatrixContext
from improvement.schools.models import School

EXPECTATIONS_MODULE = "tests.permission_expectations"


def collect_expectations() -> list[Expectation]:
    """EXPECTATIONS from every installed app's tests/permission_expectations.py."""
    found: list[Expectation] = []
    for app in apps.get_app_configs():
        module_name = f"{app.name}.{EXPECTATIONS_MODULE}"
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as error:
            # Only "this app has no such module" is allowed; a broken import must fail loudly.
            if error.name and module_name.startswith(error.name) and error.name.startswith(app.name):
                continue
            raise
        found.extend(module.EXPECTATIONS)
    return found


def iter_url_names(patterns=None, namespace: str = "") -> Iterator[str]:
    """Every URL pattern's full name (namespace:name); unnamed patterns as '<unnamed ...>'."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from iter_url_names(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern):
            if getattr(entry.callback, "__wrapped__", entry.callback) is static.serve:
                continue  # Django's development static serving, if ever routed
            yield f"{namespace}{entry.name}" if entry.name else f"<unnamed {entry.pattern}>"


EXPECTATIONS = collect_expectations()


def _id(expectation: Expectation) -> str:
    label = f"{expectation.method} {expectation.url_name}"
    return f"{label} ({expectation.note})" if expectation.note else label


def test_expectations_are_found_in_every_app_that_declares_them():
    declared = {e.url_name.split(":")[0] for e in EXPECTATIONS if ":" in e.url_name}
    assert {"accounts", "schools", "inspections"} <= declared


def test_every_url_pattern_has_an_expectation():
    url_names = set(iter_url_names())
    covered = {e.url_name for e in EXPECTATIONS}
    missing = sorted(url_names - covered)
    assert not missing, (
        "These URLs have no permission expectation; add one to the app's "
        f"tests/permission_expectations.py: {', '.join(missing)}"
    )
    stale = sorted(covered - url_names)
    assert not stale, f"Expectations name URLs that do not exist: {', '.join(stale)}"


@pytest.fixture
def matrix_context(authority, other_authority, school, sibling_school, other_school, trust, personas):
    return MatrixContext(
        authority=authority,
        other_authority=other_authority,
        school=school,
        sibling_school=sibling_school,
        other_school=other_school,
        trust=trust,
        personas=personas,
    )


def database_fingerprint() -> dict[str, list[dict]]:
    """Every row of the product's own tables (history included), sign-in time aside."""
    rows = {}
    for model in apps.get_models():
        if not model.__module__.startswith("improvement."):
            continue
        values = model._base_manager.order_by("pk").values()
        rows[model._meta.label] = [{k: v for k, v in row.items() if k != "last_login"} for row in values]
    return rows


def _request(client: Client, expectation: Expectation, url: str, ctx: MatrixContext):
    if expectation.method == "GET":
        return client.get(url)
    if expectation.method == "POST":
        data = expectation.data(ctx) if expectation.data else {}
        return client.post(url, data)
    raise AssertionError(f"{_id(expectation)}: the matrix does not know method {expectation.method}")


def _object_hidden_from(user, kwargs: dict) -> bool:
    """Whether the school named in the URL is outside the user's scope."""
    urn = kwargs.get("urn")
    return urn is not None and not School.objects.visible_to(user).filter(urn=urn).exists()


@pytest.mark.parametrize("expectation", EXPECTATIONS, ids=[_id(e) for e in EXPECTATIONS])
def test_role_matrix(expectation: Expectation, matrix_context: MatrixContext):
    ctx = matrix_context
    kwargs = expectation.build(ctx)
    url = reverse(expectation.url_name, kwargs=kwargs)
    login_path = resolve_url(settings.LOGIN_URL)
    label = f"{expectation.method} {url} ({expectation.url_name})"

    # Refused roles first, so that an allowed POST has not yet changed anything.
    refused = [r for r in ALL_ROLES if r not in expectation.allowed]
    allowed = [r for r in ALL_ROLES if r in expectation.allowed]
    for role in refused + allowed:
        client = Client()
        user = ctx.personas.get(role)
        if role != "anonymous":
            client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        before = database_fingerprint() if role in refused and expectation.method != "GET" else None
        response = _request(client, expectation, url, ctx)
        status = response.status_code
        location = urlsplit(response.get("Location", ""))
        # LoginRequiredMiddleware sends refused anonymous requests to sign in with ?next=.
        sent_to_sign_in = status == 302 and location.path == login_path and "next=" in location.query

        if role in allowed:
            assert status in expectation.ok_statuses, (
                f"{role} should be allowed {label}: got {status}, expected one of {expectation.ok_statuses}"
            )
            assert not (sent_to_sign_in and role != "anonymous"), (
                f"{role} should be allowed {label} but was sent to sign in"
            )
        elif role == "anonymous":
            assert sent_to_sign_in, (
                f"anonymous should be sent to sign in for {label}: got {status} {location.geturl()!r}"
            )
        else:
            expected = (404,) if _object_hidden_from(user, kwargs) else (403, 404)
            assert status in expected, f"{role} should be refused {label} with {expected}: got {status}"

        if before is not None:
            assert database_fingerprint() == before, f"{role} was refused {label} but data changed"
