"""Permission expectations for Ofsted inspection events (see core/tests/matrix.py).

Every LA role of the authority reads notifications, feedback forms and HMI and subject
feedback; monitoring officers, senior advisers and LA administrators log and record them. A
section 5 feedback form is confidential until the report is confirmed published; then the
school's headteacher may read it (the events page lists only such forms for them). Calibration
is for senior advisers and LA administrators. Chairs of governors and trust CEOs see none of it;
another authority's officer gets 404.
"""

from __future__ import annotations

from datetime import date

from improvement.core.tests.matrix import LA_STAFF, Expectation
from improvement.inspections.models import Inspection
from improvement.ofsted_events import services
from improvement.ofsted_events.models import InspectionFeedback
from improvement.ofsted_events.tests.factories import (
    feedback_post,
    make_feedback,
    make_monitoring,
    make_notification,
    make_subject,
    monitoring_post,
    notification_post,
    subject_post,
)

RECORDERS = frozenset({"la_admin", "senior_adviser", "monitoring_officer"})
CALIBRATORS = frozenset({"la_admin", "senior_adviser"})
HEAD = frozenset({"headteacher"})


def _adviser(ctx):
    return ctx.personas["senior_adviser"]


def _school(ctx):
    return {"urn": ctx.school.urn}


def _notification(ctx):
    return {"urn": ctx.school.urn, "pk": make_notification(_adviser(ctx), ctx.school).pk}


def _feedback(ctx):
    return {"urn": ctx.school.urn, "pk": make_feedback(_adviser(ctx), ctx.school).pk}


def _published_feedback(ctx):
    feedback = make_feedback(_adviser(ctx), ctx.school)
    services.confirm_published(actor=_adviser(ctx), feedback=feedback, publication_date=date(2026, 4, 20))
    return {"urn": ctx.school.urn, "pk": feedback.pk}


def _new_feedback_data(ctx):
    # Each allowed role in turn records the same inspection's form: remove the previous role's
    # (refused roles run first, when there is none, so this changes nothing for them).
    for feedback in InspectionFeedback.objects.filter(school=ctx.school):
        Inspection.objects.filter(pk=feedback.inspection_id).delete()
        feedback.delete()
    return feedback_post()


def _confirm_data(ctx):
    # Each allowed role confirms in turn: make the inspection provisional again first (a no-op
    # for refused roles, who run while it still is).
    Inspection.objects.filter(feedback_form__school=ctx.school).update(is_provisional=True)
    return {"publication_date_day": "20", "publication_date_month": "4", "publication_date_year": "2026"}


def _monitoring(ctx):
    return {"urn": ctx.school.urn, "pk": make_monitoring(_adviser(ctx), ctx.school).pk}


def _subject(ctx):
    return {"urn": ctx.school.urn, "pk": make_subject(_adviser(ctx), ctx.school).pk}


EXPECTATIONS = [
    Expectation("ofsted_events:school", build=_school, allowed=LA_STAFF | HEAD, ok_statuses=(200,)),
    Expectation("ofsted_events:notification_create", build=_school, allowed=RECORDERS, ok_statuses=(200,)),
    Expectation("ofsted_events:notification_create", method="POST", build=_school, allowed=RECORDERS,
                data=lambda ctx: notification_post(), ok_statuses=(302,)),
    Expectation("ofsted_events:notification_detail", build=_notification, allowed=LA_STAFF, ok_statuses=(200,)),
    Expectation("ofsted_events:notification_edit", build=_notification, allowed=RECORDERS, ok_statuses=(200,)),
    Expectation("ofsted_events:notification_edit", method="POST", build=_notification, allowed=RECORDERS,
                data=lambda ctx: notification_post(lead_inspector="B Inspector"), ok_statuses=(302,)),
    Expectation("ofsted_events:feedback_create", build=_school, allowed=RECORDERS, ok_statuses=(200,)),
    Expectation("ofsted_events:feedback_create", method="POST", build=_school, allowed=RECORDERS,
                data=_new_feedback_data, ok_statuses=(302,)),
    Expectation("ofsted_events:feedback_detail", build=_feedback, allowed=LA_STAFF, ok_statuses=(200,),
                note="provisional: LA staff only"),
    Expectation("ofsted_events:feedback_detail", build=_published_feedback, allowed=LA_STAFF | HEAD,
                ok_statuses=(200,), note="published: and the school's headteacher"),
    Expectation("ofsted_events:feedback_edit", build=_feedback, allowed=RECORDERS, ok_statuses=(200,)),
    Expectation("ofsted_events:feedback_edit", method="POST", build=_feedback, allowed=RECORDERS,
                data=lambda ctx: feedback_post(lead_inspector="B Inspector"), ok_statuses=(302,)),
    Expectation("ofsted_events:feedback_edit", build=_published_feedback, allowed=frozenset(), ok_statuses=(200,),
                note="published: read only for everyone"),
    Expectation("ofsted_events:feedback_confirm", build=_feedback, allowed=RECORDERS, ok_statuses=(200,)),
    Expectation("ofsted_events:feedback_confirm", method="POST", build=_feedback, allowed=RECORDERS,
                data=_confirm_data, ok_statuses=(302,)),
    Expectation("ofsted_events:monitoring_create", build=_school, allowed=RECORDERS, ok_statuses=(200,)),
    Expectation("ofsted_events:monitoring_create", method="POST", build=_school, allowed=RECORDERS,
                data=lambda ctx: monitoring_post(), ok_statuses=(302,)),
    Expectation("ofsted_events:monitoring_detail", build=_monitoring, allowed=LA_STAFF, ok_statuses=(200,)),
    Expectation("ofsted_events:monitoring_edit", build=_monitoring, allowed=RECORDERS, ok_statuses=(200,)),
    Expectation("ofsted_events:monitoring_edit", method="POST", build=_monitoring, allowed=RECORDERS,
                data=lambda ctx: monitoring_post(lead_inspector="B HMI"), ok_statuses=(302,)),
    Expectation("ofsted_events:subject_create", build=_school, allowed=RECORDERS, ok_statuses=(200,)),
    Expectation("ofsted_events:subject_create", method="POST", build=_school, allowed=RECORDERS,
                data=lambda ctx: subject_post(), ok_statuses=(302,)),
    Expectation("ofsted_events:subject_detail", build=_subject, allowed=LA_STAFF, ok_statuses=(200,)),
    Expectation("ofsted_events:subject_edit", build=_subject, allowed=RECORDERS, ok_statuses=(200,)),
    Expectation("ofsted_events:subject_edit", method="POST", build=_subject, allowed=RECORDERS,
                data=lambda ctx: subject_post(focus="Geography"), ok_statuses=(302,)),
    Expectation("ofsted_events:calibration", allowed=CALIBRATORS, ok_statuses=(200,)),
]
