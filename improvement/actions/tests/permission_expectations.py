"""Permission expectations for actions (see core/tests/matrix.py): the school's actions are
for the authority's staff and the school's own people; overdue lists are for officers."""

from improvement.core.tests.matrix import LA_STAFF, OWN_SCHOOL, Expectation

EXPECTATIONS = [
    Expectation("actions:school", build=lambda ctx: {"urn": ctx.school.urn}, allowed=LA_STAFF | OWN_SCHOOL,
                ok_statuses=(200,)),
    Expectation("actions:school", build=lambda ctx: {"urn": ctx.sibling_school.urn}, allowed=LA_STAFF,
                ok_statuses=(200,), note="a school outside the school-side users' school and trust"),
    Expectation("actions:overdue", allowed={"monitoring_officer", "senior_adviser", "other_la_officer"},
                ok_statuses=(200,)),
]
