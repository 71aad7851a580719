"""Permission expectations for school documents (see core/tests/matrix.py).

Uploads in the matrix are real (UPLOAD_ROOT is a temporary folder in every test: conftest.py).
"""

from improvement.core.tests.matrix import LA_STAFF, OWN_SCHOOL, Expectation
from improvement.documents.tests.builders import TINY_PDF, make_document, upload

UPLOADERS = frozenset({"headteacher", "monitoring_officer", "senior_adviser", "la_admin"})
WITHDRAW_ANY = frozenset({"senior_adviser", "la_admin"})


def _school(ctx):
    return {"urn": ctx.school.urn}


def _document(uploader: str, school: str = "school"):
    def build(ctx):
        document = make_document(ctx.personas[uploader], getattr(ctx, school))
        return {"pk": document.pk}
    return build


def _upload(ctx):
    return {"kind": "self_evaluation", "title": "", "file": upload("sef.pdf", TINY_PDF)}


EXPECTATIONS = [
    Expectation("documents:list", build=_school, allowed=LA_STAFF | OWN_SCHOOL, ok_statuses=(200,)),
    Expectation("documents:list", method="POST", build=_school, data=_upload, allowed=UPLOADERS,
                ok_statuses=(302,), note="upload"),
    Expectation("documents:download", build=_document("la_admin"), allowed=LA_STAFF | OWN_SCHOOL,
                ok_statuses=(200,)),
    Expectation("documents:download", build=_document("la_admin", "sibling_school"), allowed=LA_STAFF,
                ok_statuses=(200,), note="another school of the authority"),
    Expectation("documents:withdraw", build=_document("monitoring_officer"),
                allowed=WITHDRAW_ANY | {"monitoring_officer"}, ok_statuses=(200,), note="the uploader"),
    Expectation("documents:withdraw", method="POST", build=_document("monitoring_officer"),
                data=lambda ctx: {"reason": "Uploaded to the wrong school"},
                allowed=WITHDRAW_ANY | {"monitoring_officer"}, ok_statuses=(302,), note="the uploader"),
    Expectation("documents:withdraw", method="POST", build=_document("headteacher"),
                data=lambda ctx: {"reason": "Replaced by the governors' version"},
                allowed=WITHDRAW_ANY | {"headteacher"}, ok_statuses=(302,), note="the head's own upload"),
]
