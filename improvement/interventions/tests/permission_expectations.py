"""Permission expectations for support and intervention (see core/tests/matrix.py).

The process in these builds is a School Improvement Board chaired by the senior adviser; its
board holds the school's headteacher and chair of governors (their accounts), so they may see
the process but not the chair's draft minutes. Monitoring officers, network leads, viewers and
administrators see the process but not Private & Confidential minutes."""

from django.utils import timezone

from improvement.core.tests.matrix import LA_STAFF, Expectation
from improvement.interventions import services
from improvement.interventions.models import BoardPack, BoardRole
from improvement.interventions.tests.factories import held_meeting, open_sib

ADVISER = frozenset({"senior_adviser"})
OFFICERS = frozenset({"senior_adviser", "monitoring_officer"})
BOARD_SCHOOL_SIDE = frozenset({"headteacher", "chair_of_governors"})
SEES_PROCESS = LA_STAFF | BOARD_SCHOOL_SIDE


def _urn(ctx):
    return {"urn": ctx.school.urn}


def _process(ctx):
    return {"pk": open_sib(ctx.personas["senior_adviser"], ctx.school).pk}


def _scheduled(ctx):
    process = open_sib(ctx.personas["senior_adviser"], ctx.school)
    return {"pk": process.meetings.get().pk}


def _held(ctx):
    return {"pk": held_meeting(ctx.personas["senior_adviser"], ctx.school).pk}


def _member(ctx):
    process = open_sib(ctx.personas["senior_adviser"], ctx.school)
    member = process.members.get(role=BoardRole.CHAIR_OF_GOVERNORS)
    return {"pk": process.pk, "member_pk": member.pk}


def _pack(ctx):
    process = open_sib(ctx.personas["senior_adviser"], ctx.school)
    meeting = process.meetings.get()
    pack = BoardPack.objects.create(meeting=meeting, pdf=b"%PDF-1.4\n%%EOF\n", contents=[], pages=1, sha256="0" * 64)
    return {"pk": meeting.pk, "pack_pk": pack.pk}


def _step(step):
    def build(ctx):
        return {**_held(ctx), "step": step}
    return build


def _open_data(ctx):
    day = timezone.localdate()
    return {"kind": "rtm", "reason": "Intensive support", "opened_on_day": day.day, "opened_on_month": day.month,
            "opened_on_year": day.year, "chair": ctx.personas["senior_adviser"].pk, "date_day": day.day,
            "date_month": day.month, "date_year": day.year + 1, "time": "14:00", "venue": "At the school"}


def _decision_data(ctx):
    day = timezone.localdate()
    return {"kind": "warning_notice", "grounds": "insufficient_progress", "outcome": "Warning notice to be issued",
            "reasons": "No progress on the agreed actions", "decided_by": ctx.personas["senior_adviser"].pk,
            "decided_on_day": day.day, "decided_on_month": day.month, "decided_on_year": day.year, "confirm": "on"}


EXPECTATIONS = [
    Expectation("interventions:dashboard", allowed=ADVISER, ok_statuses=(200,)),
    Expectation("interventions:school_support", build=_urn, allowed=SEES_PROCESS, ok_statuses=(200,)),
    Expectation("interventions:process_open", build=_urn, allowed=OFFICERS, ok_statuses=(200,)),
    Expectation("interventions:process_open", method="POST", build=_urn, data=_open_data, allowed=OFFICERS,
                ok_statuses=(302, 400),
                note="the second allowed role finds the first one's open Round Table Meetings: refused with a message"),
    Expectation("interventions:decision_create", build=_urn, allowed=ADVISER, ok_statuses=(200,)),
    Expectation("interventions:decision_create", method="POST", build=_urn, data=_decision_data, allowed=ADVISER,
                ok_statuses=(302,)),
    Expectation("interventions:process", build=_process, allowed=SEES_PROCESS, ok_statuses=(200,)),
    Expectation("interventions:process_status", build=_process, allowed=ADVISER, ok_statuses=(200,)),
    Expectation("interventions:process_status", method="POST", build=_process, allowed=ADVISER,
                data=lambda ctx: {"to_status": "paused", "reason": "Headteacher on leave"}, ok_statuses=(302,)),
    Expectation("interventions:board_member_add", build=_process, allowed=ADVISER, ok_statuses=(200,)),
    Expectation("interventions:board_member_add", method="POST", build=_process, allowed=ADVISER,
                data=lambda ctx: {"name": "Deputy headteacher", "role": "other"}, ok_statuses=(302,)),
    Expectation("interventions:board_member_remove", build=_member, allowed=ADVISER, ok_statuses=(200,)),
    Expectation("interventions:board_member_remove", method="POST", build=_member, allowed=ADVISER,
                ok_statuses=(302,)),
    Expectation("interventions:meeting_schedule", build=_process, allowed=ADVISER, ok_statuses=(200,)),
    Expectation("interventions:meeting", build=_scheduled, allowed=SEES_PROCESS, ok_statuses=(200,)),
    Expectation("interventions:meeting_reschedule", build=_scheduled, allowed=ADVISER, ok_statuses=(200,)),
    Expectation("interventions:minutes_edit", build=_held, allowed=ADVISER, ok_statuses=(200,)),
    Expectation("interventions:minutes_autosave", method="POST", build=_held, allowed=ADVISER,
                data=lambda ctx: {"version": 1}, ok_statuses=(200,)),
    Expectation("interventions:minutes_pdf", build=_held, allowed=ADVISER, ok_statuses=(200,)),
    Expectation("interventions:meeting_outcome", build=_held, allowed=ADVISER, ok_statuses=(200,)),
    Expectation("interventions:meeting_step", build=_step("send"), allowed=ADVISER, ok_statuses=(200,)),
    Expectation("interventions:meeting_step", build=_step("confirm_accurate"), allowed=frozenset({"headteacher"}),
                ok_statuses=(200,), note="the headteacher answers the accuracy check"),
    Expectation("interventions:pack_send", build=_scheduled, allowed=ADVISER, ok_statuses=(200,)),
    Expectation("interventions:pack_download", build=_pack, allowed=ADVISER | BOARD_SCHOOL_SIDE, ok_statuses=(200,)),
]

# `services` is imported so a failing build names the service in its traceback.
__all__ = ["EXPECTATIONS", "services"]
