"""The role x URL permission matrix.

Each app declares, in `improvement/<app>/tests/permission_expectations.py`, an `EXPECTATIONS`
list of `Expectation`s: which roles may use one URL (by name and HTTP method). The matrix test
(core/tests/test_permission_matrix.py) enumerates every URL pattern in the project and fails
when a pattern has no expectation, then checks every role against every expectation.

`build` receives a `MatrixContext` and returns the URL kwargs; it may create the objects it needs
(in the persona's authority: `ctx.school` is the headteacher's and chair's school, in the trust
CEO's trust). Roles not listed in `allowed` must be refused with 403 or 404 (or redirected to sign
in when anonymous). Allowed roles must get a status in `ok_statuses`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

ALL_ROLES = (
    "la_admin",
    "senior_adviser",
    "monitoring_officer",
    "network_lead",
    "la_viewer",
    "headteacher",
    "chair_of_governors",
    "trust_ceo",
    "other_la_officer",
    "anonymous",
)
LA_STAFF = frozenset({"la_admin", "senior_adviser", "monitoring_officer", "network_lead", "la_viewer"})
OWN_SCHOOL = frozenset({"headteacher", "chair_of_governors", "trust_ceo"})


@dataclass
class MatrixContext:
    authority: Any
    other_authority: Any
    school: Any
    sibling_school: Any
    other_school: Any
    trust: Any
    personas: dict[str, Any]


@dataclass(frozen=True)
class Expectation:
    url_name: str
    allowed: frozenset[str]
    build: Callable[[MatrixContext], dict[str, Any]] = field(default=lambda ctx: {})
    method: str = "GET"
    data: Callable[[MatrixContext], dict[str, Any]] | None = None
    ok_statuses: tuple[int, ...] = (200, 302)
    # Public URLs (sign-in page, calendar feeds with a secret token) need no session.
    public: bool = False
    note: str = ""

    def __post_init__(self) -> None:
        unknown = set(self.allowed) - set(ALL_ROLES)
        if unknown:
            raise ValueError(f"{self.url_name}: unknown roles {sorted(unknown)}")
