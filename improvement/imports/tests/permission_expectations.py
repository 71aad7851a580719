"""Permission expectations for imports (see core/tests/matrix.py).

Only LA administrators use imports, and only their own authority's import log and runs. Upload
happy paths are tested in test_web.py with a temporary MEDIA_ROOT; here the upload POST is a
form with no file (the form error page), so the matrix writes no files.
"""

from improvement.core.tests.matrix import Expectation
from improvement.imports.models import ImportKind, ImportRun

ADMIN = frozenset({"la_admin"})

PREVIEW = {
    "kind": "GIAS", "source": "edubasealldata20250422.csv", "counted": "schools", "rows_read": 2,
    "by_la": {"901": {"created": 1, "updated": 0, "unchanged": 0, "closed": 0, "skipped": 0, "errors": 1}},
    "problems": [{"line": 3, "column": "OpenDate", "value": "31-02-2020", "reason": "must be a real date",
                  "la": "901", "file": ""}],
    "invalid_rows": 1, "outcome": "rejected",
}


def _run(status, **fields):
    def build(ctx):
        run = ImportRun.objects.create(
            authority=ctx.authority, kind=ImportKind.GIAS, status=status, file_name="edubasealldata20250422.csv",
            created_by=ctx.personas["la_admin"], preview=PREVIEW, **fields,
        )
        return {"pk": run.pk}
    return build


EXPECTATIONS = [
    Expectation("imports:list", allowed=ADMIN, ok_statuses=(200,)),
    Expectation("imports:create", allowed=ADMIN, ok_statuses=(200,)),
    Expectation("imports:create", method="POST", allowed=ADMIN, data=lambda ctx: {"kind": "gias"},
                ok_statuses=(200,), note="no file: the form's error page"),
    Expectation("imports:detail", build=_run(ImportRun.Status.CHECKED), allowed=ADMIN, ok_statuses=(200,)),
    Expectation("imports:confirm", method="POST", build=_run(ImportRun.Status.CHECKED), allowed=ADMIN,
                data=lambda ctx: {"skip_invalid": "on"}, ok_statuses=(302,)),
    Expectation("imports:cancel", method="POST", build=_run(ImportRun.Status.CHECKED), allowed=ADMIN,
                ok_statuses=(302,)),
    Expectation("imports:errors", build=_run(ImportRun.Status.CHECKED), allowed=ADMIN, ok_statuses=(200,)),
]
