"""Permission expectations for core's URLs (see core/tests/matrix.py)."""

from improvement.core.tests.matrix import ALL_ROLES, Expectation

SIGNED_IN = frozenset(ALL_ROLES) - {"anonymous"}

EXPECTATIONS = [
    # Everyone signed in is sent to their start page: the list, or their own school.
    Expectation("home", allowed=SIGNED_IN, ok_statuses=(302,), note="redirects to the start page"),
]
