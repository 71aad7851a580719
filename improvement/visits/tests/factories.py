from __future__ import annotations

import datetime

from improvement.policy import record_templates
from improvement.visits import services

COVENTRY = "coventry-cmo-record-of-visit"
KENT_AUTUMN = "kent-note-of-visit-autumn"


def make_visit(officer, school, *, day=datetime.date(2023, 10, 2), template=COVENTRY, focus="SEND & Inclusion", **kwargs):
    return services.create_visit(
        actor=officer, school=school, template=record_templates.get_template(template, 1), day=day,
        focus=focus, **kwargs,
    )


def save(officer, visit, **fields):
    """Save fields into the draft on top of what is there (as the form would)."""
    record = visit.record.__class__.objects.get(visit=visit)
    content = {**record.content, **fields}
    content = services.ensure_row_uids(visit.template, content)
    return services.save_record(actor=officer, visit=visit, content=content, expected_version=record.version)


def take(actor, visit, step, **kwargs):
    return services.transition(actor=actor, visit=visit, step_name=step, **kwargs)


def finalise(officer, headteacher, visit):
    take(officer, visit, "send")
    take(headteacher, visit, "confirm_accurate")
    return take(officer, visit, "finalise")
