"""Permission expectations for the concerns queue (see core/tests/matrix.py): senior advisers only."""

from improvement.concerns.models import Concern
from improvement.core.tests.matrix import Expectation

ADVISERS = frozenset({"senior_adviser"})


def _concern(ctx):
    concern = Concern.objects.create(school=ctx.school, category="Safeguarding", description="Record keeping",
                                     raised_by=ctx.personas["monitoring_officer"])
    return {"pk": concern.pk}


EXPECTATIONS = [
    Expectation("concerns:queue", allowed=ADVISERS, ok_statuses=(200,)),
    Expectation("concerns:detail", build=_concern, allowed=ADVISERS, ok_statuses=(200,)),
    Expectation("concerns:detail", method="POST", build=_concern, allowed=ADVISERS,
                data=lambda ctx: {"status": "acknowledged", "note": "Called the school"}, ok_statuses=(302,)),
]
