"""Permission expectations for sign-in and sign-out (see core/tests/matrix.py)."""

from improvement.core.tests.matrix import ALL_ROLES, Expectation

EXPECTATIONS = [
    # Signed-in users are sent on to their start page; everyone else sees the form.
    Expectation("accounts:login", allowed=frozenset(ALL_ROLES), public=True),
    Expectation(
        "accounts:logout",
        method="POST",
        allowed=frozenset(ALL_ROLES) - {"anonymous"},
        data=lambda ctx: {},
        ok_statuses=(302,),
    ),
]
