"""Permission expectations for visits and their records (see core/tests/matrix.py).

Officers draft and edit the visits they made (the monitoring officer persona made every visit
built here); senior advisers see all of the authority's records, moderate, and may take the
officer's steps; the school's headteacher reads its records once sent for an accuracy check and
responds to them; chairs of governors and trust CEOs read finalised records distributed to them
(Coventry distributes to the headteacher and the trust CEO, Kent to the headteacher and the
chair). LA administrators, network leads and LA viewers see no records.
"""

import datetime

from improvement.core.tests.matrix import LA_STAFF, OWN_SCHOOL, Expectation
from improvement.visits.models import Visit
from improvement.visits.tests.factories import KENT_AUTUMN, make_visit, save, take

OFFICERS = frozenset({"monitoring_officer", "senior_adviser"})
DAY = datetime.date(2023, 10, 2)


def _draft(ctx):
    return make_visit(ctx.personas["monitoring_officer"], ctx.school, day=DAY)


def _sent(ctx):
    visit = _draft(ctx)
    take(ctx.personas["monitoring_officer"], visit, "send")
    return visit


def _distributed(ctx, template=None):
    officer = ctx.personas["monitoring_officer"]
    visit = make_visit(officer, ctx.school, day=datetime.date(2009, 10, 16) if template else DAY,
                       **({"template": template} if template else {}))
    save(officer, visit, further_actions=[{"text": "Embed phonics", "lead_role": "EYFS lead", "by_when": "1/3/2024"}])
    take(officer, visit, "send")
    take(ctx.personas["headteacher"], visit, "confirm_accurate")
    take(officer, visit, "finalise")
    take(officer, visit, "distribute")
    return visit


def _pk(visit):
    return {"pk": visit.pk}


def _edit_data(ctx):
    visit = Visit.objects.get(school=ctx.school)
    return {"version": visit.record.version, "achievement": "Typed in the matrix"}


EXPECTATIONS = [
    Expectation("visits:list", allowed=OFFICERS | OWN_SCHOOL | {"other_la_officer"}, ok_statuses=(200,)),
    Expectation("visits:school_visits", build=lambda ctx: {"urn": ctx.school.urn},
                allowed=OFFICERS | {"headteacher"}, ok_statuses=(200,)),
    Expectation("visits:create", build=lambda ctx: {"urn": ctx.school.urn}, allowed=OFFICERS, ok_statuses=(200,)),
    Expectation(
        "visits:create", method="POST", build=lambda ctx: {"urn": ctx.school.urn}, allowed=OFFICERS,
        data=lambda ctx: {"template": "coventry-cmo-record-of-visit@1", "date_day": "2", "date_month": "10",
                          "date_year": "2023", "focus": "SEND"},
        ok_statuses=(302,),
    ),
    Expectation("visits:detail", build=lambda ctx: _pk(_draft(ctx)), allowed=OFFICERS, ok_statuses=(200,),
                note="draft"),
    Expectation("visits:detail", build=lambda ctx: _pk(_sent(ctx)), allowed=OFFICERS | {"headteacher"},
                ok_statuses=(200,), note="sent for accuracy check"),
    Expectation("visits:detail", build=lambda ctx: _pk(_distributed(ctx)),
                allowed=OFFICERS | {"headteacher", "trust_ceo"}, ok_statuses=(200,),
                note="distributed, Coventry: headteacher and trust CEO"),
    Expectation("visits:detail", build=lambda ctx: _pk(_distributed(ctx, KENT_AUTUMN)),
                allowed=OFFICERS | {"headteacher", "chair_of_governors"}, ok_statuses=(200,),
                note="distributed, Kent: headteacher and chair"),
    Expectation("visits:download", build=lambda ctx: {**_pk(_sent(ctx)), "fmt": "pdf"},
                allowed=OFFICERS | {"headteacher"}, ok_statuses=(200,), note="PDF"),
    Expectation("visits:download", build=lambda ctx: {**_pk(_distributed(ctx)), "fmt": "docx"},
                allowed=OFFICERS | {"headteacher", "trust_ceo"}, ok_statuses=(200,), note="Word"),
    Expectation("visits:edit", build=lambda ctx: _pk(_draft(ctx)), allowed={"monitoring_officer"},
                ok_statuses=(200,)),
    Expectation("visits:edit", method="POST", build=lambda ctx: _pk(_draft(ctx)), data=_edit_data,
                allowed={"monitoring_officer"}, ok_statuses=(302,)),
    Expectation("visits:autosave", method="POST", build=lambda ctx: _pk(_draft(ctx)), data=_edit_data,
                allowed={"monitoring_officer"}, ok_statuses=(200,)),
    Expectation("visits:step", build=lambda ctx: {**_pk(_draft(ctx)), "step": "send"}, allowed=OFFICERS,
                ok_statuses=(200,)),
    Expectation("visits:step", method="POST", build=lambda ctx: {**_pk(_draft(ctx)), "step": "send"},
                allowed=OFFICERS, ok_statuses=(302, 400),
                note="the first allowed role sends it; the second is told it has been sent"),
    Expectation("visits:step", build=lambda ctx: {**_pk(_sent(ctx)), "step": "mark_inaccurate"},
                allowed={"headteacher"}, ok_statuses=(200,), note="accuracy response"),
    Expectation("visits:step", method="POST", build=lambda ctx: {**_pk(_sent(ctx)), "step": "confirm_accurate"},
                allowed={"headteacher"}, ok_statuses=(302,), note="accuracy response"),
    Expectation("visits:amend", build=lambda ctx: _pk(_distributed(ctx)), allowed=OFFICERS, ok_statuses=(200,)),
    Expectation("visits:good_practice", allowed=LA_STAFF | {"other_la_officer"}, ok_statuses=(200,)),
]

EXPECTATIONS += [
    Expectation("visits:share_with_chair", build=lambda ctx: _pk(_distributed(ctx)), allowed={"headteacher"},
                ok_statuses=(200,)),
    Expectation("visits:share_with_chair", method="POST", build=lambda ctx: _pk(_distributed(ctx)),
                allowed={"headteacher"}, ok_statuses=(302,)),
]


def _amend_data(ctx):
    visit = Visit.objects.get(school=ctx.school)
    return {"version": visit.record.version, "achievement": "Amended in the matrix", "reason": "Correction"}


EXPECTATIONS += [
    Expectation("visits:amend", method="POST", build=lambda ctx: _pk(_distributed(ctx)), data=_amend_data,
                allowed=OFFICERS, ok_statuses=(302, 409),
                note="the second allowed role posts the first's version: the conflict page"),
]
