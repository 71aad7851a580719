"""Processes, meetings, outcomes and decisions: the services' rules and refusals."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from improvement.actions.models import Action, ActionProgress
from improvement.decisions.selectors import build_snapshots
from improvement.inspections.models import Inspection
from improvement.interventions import lifecycle, services
from improvement.interventions.models import (
    BoardRole,
    EscalationDecision,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Process,
    ProcessKind,
    ProcessStatus,
)
from improvement.interventions.tests.factories import at, held_meeting, open_sib
from improvement.schools.models import School
from improvement.visits.services import StaleRecord

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def adviser(personas):
    return personas["senior_adviser"]


@pytest.fixture
def head(personas):
    return personas["headteacher"]


def _save(chair, meeting, **fields):
    meeting = Meeting.objects.get(pk=meeting.pk)
    content = services_content(meeting, fields)
    return services.save_minutes(actor=chair, meeting=meeting, content=content, expected_version=meeting.version)


def services_content(meeting, fields):
    from improvement.visits.services import ensure_row_uids

    return ensure_row_uids(meeting.template, {**meeting.content, **fields})


def _through_accuracy_check(chair, head, meeting):
    services.take_step(actor=chair, meeting=meeting, step_name="send")
    return services.take_step(actor=head, meeting=meeting, step_name="confirm_accurate")


def test_opening_a_board_sets_up_its_members_first_meeting_and_status_row(adviser, school, personas):
    process = open_sib(adviser, school)
    roles = {m.role: m.user for m in process.members.all()}
    assert roles[BoardRole.CHAIR] == adviser
    assert roles[BoardRole.HEADTEACHER] == personas["headteacher"]
    assert roles[BoardRole.CHAIR_OF_GOVERNORS] == personas["chair_of_governors"]
    meeting = process.meetings.get()
    assert (meeting.kind, meeting.number, meeting.status) == (MeetingKind.SIB_ENTRY, 1, MeetingStatus.SCHEDULED)
    assert meeting.template_key == "coventry-sib-entry" and meeting.duration_minutes == 90
    assert process.private_and_confidential is True
    assert [c.to_status for c in process.status_changes.all()] == [ProcessStatus.OPEN]


def test_a_second_open_board_for_the_same_school_is_refused(adviser, school):
    open_sib(adviser, school)
    with pytest.raises(ValidationError, match="already has an open School Improvement Board"):
        open_sib(adviser, school)
    assert Process.objects.filter(school=school).count() == 1


def test_a_monitoring_officer_may_open_round_table_meetings_but_not_a_board(personas, school):
    officer = personas["monitoring_officer"]
    rtm = open_sib(officer, school, kind=ProcessKind.RTM)
    assert rtm.meetings.get().kind == MeetingKind.RTM and rtm.private_and_confidential is False
    with pytest.raises(Exception, match="cannot do this"):
        open_sib(officer, school)


def test_an_exit_meeting_needs_an_entry_meeting(adviser, school):
    process = open_sib(adviser, school)
    process.meetings.update(status=MeetingStatus.CANCELLED)
    with pytest.raises(ValidationError, match="An exit meeting needs an entry meeting first"):
        services.schedule_meeting(actor=adviser, process=process, kind=MeetingKind.SIB_EXIT,
                                  starts_at=at(TODAY + datetime.timedelta(days=30)), venue="School")


def test_no_meeting_can_be_added_to_a_closed_process(adviser, school):
    process = open_sib(adviser, school)
    services.change_process_status(actor=adviser, process=process, to_status=ProcessStatus.CLOSED, reason="Academy")
    with pytest.raises(ValidationError, match="this process is closed"):
        services.schedule_meeting(actor=adviser, process=process, kind=MeetingKind.SIB_STANDARD,
                                  starts_at=at(TODAY + datetime.timedelta(days=30)), venue="School")
    # Closing cancelled the scheduled meeting, with a status row saying why.
    meeting = process.meetings.get()
    assert meeting.status == MeetingStatus.CANCELLED
    assert "Process closed: Academy" in meeting.status_changes.last().comment
    with pytest.raises(ValidationError, match="closed and cannot be changed"):
        services.change_process_status(actor=adviser, process=process, to_status=ProcessStatus.OPEN, reason="Oops")


def test_a_status_change_needs_a_reason(adviser, school):
    process = open_sib(adviser, school)
    with pytest.raises(ValidationError, match="reason"):
        services.change_process_status(actor=adviser, process=process, to_status=ProcessStatus.PAUSED, reason=" ")
    assert Process.objects.get(pk=process.pk).status == ProcessStatus.OPEN


def test_a_meeting_before_the_previous_one_is_refused(adviser, school):
    process = open_sib(adviser, school)
    first = process.meetings.get()
    with pytest.raises(ValidationError, match="after the previous one"):
        services.schedule_meeting(actor=adviser, process=process, kind=MeetingKind.SIB_STANDARD,
                                  starts_at=first.starts_at - datetime.timedelta(days=1), venue="School")


def test_a_meeting_cannot_be_held_before_its_date(adviser, school):
    process = open_sib(adviser, school, first_meeting=TODAY + datetime.timedelta(days=3))
    with pytest.raises(lifecycle.IllegalStep, match="has not happened yet"):
        services.take_step(actor=adviser, meeting=process.meetings.get(), step_name="hold")


def test_the_next_meeting_must_be_after_this_one(adviser, school):
    meeting = held_meeting(adviser, school)
    with pytest.raises(ValidationError) as error:
        services.record_outcome(actor=adviser, meeting=meeting, outcome="next_term", confident_good="no",
                                next_starts_at=meeting.starts_at - datetime.timedelta(days=1), next_venue="School")
    assert "after this one" in str(error.value)
    assert Meeting.objects.count() == 1 and not Meeting.objects.get().outcome


def test_the_board_must_answer_the_fundamental_question(adviser, school):
    meeting = held_meeting(adviser, school)
    with pytest.raises(ValidationError, match="Answer the board's question"):
        services.record_outcome(actor=adviser, meeting=meeting, outcome="next_term", confident_good="",
                                next_starts_at=at(TODAY + datetime.timedelta(days=60)), next_venue="School")


@pytest.mark.parametrize(("outcome", "next_kind"), [
    ("next_half_term", MeetingKind.SIB_STANDARD),
    ("next_term", MeetingKind.SIB_STANDARD),
    ("exit_agenda", MeetingKind.SIB_EXIT),
])
def test_an_outcome_schedules_the_right_next_meeting(adviser, school, outcome, next_kind):
    meeting = held_meeting(adviser, school)
    proposed = services.proposed_next_date(meeting, outcome)
    services.record_outcome(actor=adviser, meeting=meeting, outcome=outcome, confident_good="yes",
                            next_starts_at=at(proposed), next_venue="School hall")
    meeting.refresh_from_db()
    following = meeting.next_meeting
    assert (following.kind, following.number, following.status) == (next_kind, 2, MeetingStatus.SCHEDULED)
    assert timezone.localtime(following.starts_at).date() == proposed and following.venue == "School hall"
    with pytest.raises(ValidationError, match="already been recorded"):
        services.record_outcome(actor=adviser, meeting=meeting, outcome=outcome, confident_good="yes",
                                next_starts_at=at(proposed), next_venue="School hall")


def test_the_proposed_date_follows_the_academic_calendar(adviser, school):
    meeting = held_meeting(adviser, school, first_meeting=datetime.date(2026, 11, 16),
                           opened_on=datetime.date(2026, 11, 2))
    # Held in the third week of the autumn second half-term: the third week of spring 1, a Monday.
    assert services.proposed_next_date(meeting, "next_half_term") == datetime.date(2027, 1, 18)
    assert services.proposed_next_date(meeting, "next_term").weekday() == 0


def test_an_exit_meeting_may_not_choose_an_entry_outcome(adviser, school):
    meeting = held_meeting(adviser, school)
    with pytest.raises(ValidationError):
        services.record_outcome(actor=adviser, meeting=meeting, outcome="exit_to_pci", confident_good="yes",
                                next_starts_at=at(TODAY + datetime.timedelta(days=60)), next_venue="School")


def test_exiting_the_board_opens_a_progress_check_in_with_its_first_meeting(adviser, school):
    meeting = held_meeting(adviser, school)
    sib = meeting.process
    Meeting.objects.filter(pk=meeting.pk).update(kind=MeetingKind.SIB_EXIT, template_key="coventry-sib-exit")
    meeting.refresh_from_db()
    services.record_outcome(actor=adviser, meeting=meeting, outcome="exit_to_pci", confident_good="yes",
                            next_starts_at=at(TODAY + datetime.timedelta(days=70)), next_venue="School")
    sib.refresh_from_db()
    assert (sib.status, sib.closed_how) == (ProcessStatus.CLOSED, "exited")
    pci = Process.objects.get(school=school, kind=ProcessKind.PCI)
    assert pci.follows == sib and pci.status == ProcessStatus.OPEN
    first = pci.meetings.get()
    assert first.kind == MeetingKind.PCI and first.duration_minutes == 60
    meeting.refresh_from_db()
    assert meeting.next_meeting == first
    # The policy engine sees the exit and the open PCI.
    snapshot = build_snapshots(School.objects.filter(pk=school.pk), as_of=TODAY)[school.pk]
    assert {(i.type, i.status) for i in snapshot.interventions} == {("sib", "exited"), ("pci", "open")}


def test_a_progress_check_in_closes_when_the_next_inspection_is_recorded(adviser, school):
    pci = open_sib(adviser, school, kind=ProcessKind.PCI)
    earlier = Inspection(school=school, era="eif-2019", inspection_type="full",
                         start_date=pci.opened_on - datetime.timedelta(days=10))
    assert services.close_on_inspection(actor=adviser, school=school, inspection=earlier) is None
    inspection = Inspection(school=school, era="eif-2019", inspection_type="full", start_date=TODAY)
    closed = services.close_on_inspection(actor=adviser, school=school, inspection=inspection)
    assert closed == pci
    pci.refresh_from_db()
    assert (pci.status, pci.closed_how, pci.closed_on) == (ProcessStatus.CLOSED, "inspection", TODAY)
    assert "next Ofsted inspection" in pci.status_changes.last().reason


def test_minutes_workflow_with_accuracy_check_and_stale_saves(adviser, head, school):
    meeting = held_meeting(adviser, school)
    assert meeting.status == MeetingStatus.DRAFT and meeting.snapshot["values"]
    stale_version = meeting.version
    _save(adviser, meeting, background="Judged RI with leadership RI")
    with pytest.raises(StaleRecord):
        services.save_minutes(actor=adviser, meeting=meeting, content={"background": "old tab"},
                              expected_version=stale_version)
    services.take_step(actor=adviser, meeting=meeting, step_name="send")
    with pytest.raises(services.RecordLocked):
        _save(adviser, meeting, background="changed after sending")
    with pytest.raises(lifecycle.IllegalStep, match="at least one section"):
        services.take_step(actor=head, meeting=meeting, step_name="comment")
    services.take_step(actor=head, meeting=meeting, step_name="comment",
                       section_comments={"context": "Attendance figure is last year's"})
    with pytest.raises(lifecycle.IllegalStep, match="Record the board's agreed outcome"):
        services.take_step(actor=adviser, meeting=meeting, step_name="finalise")
    assert Meeting.objects.get(pk=meeting.pk).content["background"] == "Judged RI with leadership RI"


def test_agreed_actions_carry_into_the_next_meeting_and_its_review_is_recorded(adviser, head, school):
    meeting = held_meeting(adviser, school)
    _save(adviser, meeting, agreed_actions=[{"text": "Leaders check reading daily", "lead_role": "Headteacher",
                                             "by_when": "31/03/2027"}])
    services.record_outcome(actor=adviser, meeting=meeting, outcome="next_half_term", confident_good="no",
                            next_starts_at=at(TODAY - datetime.timedelta(days=1)), next_venue="School")
    _through_accuracy_check(adviser, head, meeting)
    services.take_step(actor=adviser, meeting=meeting, step_name="finalise")
    action = Action.objects.get(source_meeting=meeting)
    assert action.text == "Leaders check reading daily" and action.due_date == datetime.date(2027, 3, 31)
    following = Meeting.objects.get(pk=meeting.pk).next_meeting
    services.take_step(actor=adviser, meeting=following, step_name="hold")
    assert list(services.carried_forward_actions(following)) == [action]
    following.refresh_from_db()
    services.save_minutes(actor=adviser, meeting=following, content=following.content,
                          expected_version=following.version,
                          action_reviews={str(action.pk): {"status": "on_track", "comment": "Daily checks seen"}})
    services.record_outcome(actor=adviser, meeting=following, outcome="exit_agenda", confident_good="yes",
                            next_starts_at=at(TODAY + datetime.timedelta(days=40)), next_venue="School")
    _through_accuracy_check(adviser, head, following)
    services.take_step(actor=adviser, meeting=following, step_name="finalise")
    progress = ActionProgress.objects.get(action=action)
    assert (progress.meeting, progress.status, progress.comment) == (following, "on_track", "Daily checks seen")


def test_sharing_notifies_the_board_with_a_link(adviser, head, school, mailoutbox, django_capture_on_commit_callbacks):
    meeting = held_meeting(adviser, school)
    services.record_outcome(actor=adviser, meeting=meeting, outcome="next_term", confident_good="no",
                            next_starts_at=at(TODAY + datetime.timedelta(days=60)), next_venue="School")
    _through_accuracy_check(adviser, head, meeting)
    services.take_step(actor=adviser, meeting=meeting, step_name="finalise")
    with django_capture_on_commit_callbacks(execute=True):
        services.take_step(actor=adviser, meeting=meeting, step_name="share", link="https://example.test/m/1")
    recipients = sorted(m.to[0] for m in mailoutbox if "shared" in m.subject)
    board = sorted(u.email for u in services.board_users(meeting.process) if u.pk != adviser.pk)
    assert recipients == board and all("https://example.test/m/1" in m.body for m in mailoutbox)
    assert not any(m.attachments for m in mailoutbox)


def test_only_the_schools_headteacher_answers_the_accuracy_check(adviser, school, personas):
    meeting = held_meeting(adviser, school)
    services.take_step(actor=adviser, meeting=meeting, step_name="send")
    with pytest.raises(Exception, match="cannot take this step"):
        services.take_step(actor=personas["chair_of_governors"], meeting=meeting, step_name="confirm_accurate")


def test_a_decision_is_locked_once_recorded_and_feeds_the_policy_snapshot(adviser, school):
    decision = services.record_decision(
        actor=adviser, school=school, kind="warning_notice", grounds="insufficient_progress",
        outcome="Warning notice", reasons="No progress", decided_by=adviser, decided_on=TODAY,
    )
    decision.outcome = "Changed"
    with pytest.raises(ValidationError, match="cannot be changed"):
        decision.save()
    with pytest.raises(ValidationError, match="cannot be deleted"):
        decision.delete()
    snapshot = build_snapshots(School.objects.filter(pk=school.pk), as_of=TODAY)[school.pk]
    assert [(i.type, i.status) for i in snapshot.interventions] == [("warning_notice", "open")]


@pytest.mark.parametrize(("changes", "message"), [
    ({"reasons": "  "}, "Give the reasons"),
    ({"outcome": ""}, "Enter the outcome"),
    ({"decided_on": TODAY + datetime.timedelta(days=1)}, "today or in the past"),
])
def test_a_decision_with_bad_input_is_refused_and_nothing_saved(adviser, school, changes, message):
    fields = {"kind": "sib_entry", "grounds": "lack_of_engagement", "outcome": "Enter SIB", "reasons": "Missed meetings",
              "decided_by": adviser, "decided_on": TODAY, **changes}
    with pytest.raises(ValidationError, match=message):
        services.record_decision(actor=adviser, school=school, **fields)
    assert not EscalationDecision.objects.exists()


def test_sib_entry_is_refused_when_the_school_is_already_on_a_board(adviser, school):
    open_sib(adviser, school)
    with pytest.raises(ValidationError, match="already in the School Improvement Board process"):
        services.record_decision(actor=adviser, school=school, kind="sib_entry", grounds="lack_of_engagement",
                                 outcome="Enter SIB", reasons="Missed meetings", decided_by=adviser, decided_on=TODAY)


def test_a_removed_board_member_loses_access_and_the_chair_cannot_be_removed(adviser, school, personas):
    process = open_sib(adviser, school)
    chair_of_governors = personas["chair_of_governors"]
    assert chair_of_governors.has_perm("interventions.view_process", process)
    member = process.members.get(user=chair_of_governors)
    services.remove_board_member(actor=adviser, member=member)
    assert not chair_of_governors.has_perm("interventions.view_process", process)
    with pytest.raises(ValidationError, match="chair cannot be removed"):
        services.remove_board_member(actor=adviser, member=process.members.get(role=BoardRole.CHAIR))


def test_recording_an_inspection_in_the_history_closes_the_progress_check_in(adviser, school, personas):
    from improvement.inspections.services import inspection_save

    pci = open_sib(adviser, school, kind=ProcessKind.PCI, opened_on=datetime.date(2024, 5, 1))
    inspection_save(actor=personas["la_admin"], school=school, era="eif-2019", inspection_type="full",
                    start_date=datetime.date(2024, 6, 4), publication_date=None,
                    judgements={"overall_effectiveness": "good", "quality_of_education": "good",
                                "behaviour_and_attitudes": "good", "personal_development": "good",
                                "leadership_and_management": "good", "safeguarding": "effective"})
    pci.refresh_from_db()
    assert (pci.status, pci.closed_how) == (ProcessStatus.CLOSED, "inspection")


def test_overdue_actions_agreed_at_a_board_reach_its_officer_members(adviser, head, school, personas):
    from improvement.actions.selectors import overdue_actions

    officer = personas["monitoring_officer"]
    meeting = held_meeting(adviser, school)
    services.add_board_member(actor=adviser, process=meeting.process, role=BoardRole.MONITORING_OFFICER, user=officer)
    _save(adviser, meeting, agreed_actions=[{"text": "Governors visit reading lessons", "by_when": "01/09/2026"}])
    services.record_outcome(actor=adviser, meeting=meeting, outcome="next_term", confident_good="no",
                            next_starts_at=at(TODAY + datetime.timedelta(days=60)), next_venue="School")
    _through_accuracy_check(adviser, head, meeting)
    services.take_step(actor=adviser, meeting=meeting, step_name="finalise")
    assert [a.text for a in overdue_actions(user=officer)] == ["Governors visit reading lessons"]
    assert list(overdue_actions(user=personas["network_lead"])) == []


def test_a_feedback_form_adding_a_provisional_inspection_closes_the_progress_check_in(adviser, school):
    from improvement.inspections.models import Inspection
    from improvement.inspections.services import inspection_save

    pci = open_sib(adviser, school, kind=ProcessKind.PCI, opened_on=datetime.date(2024, 5, 1))
    # The feedback form hands inspection_save a new, unsaved provisional inspection.
    inspection_save(actor=adviser, school=school, era="eif-2019", inspection_type="full",
                    start_date=datetime.date(2024, 6, 4), publication_date=None,
                    judgements={"overall_effectiveness": "good"},
                    instance=Inspection(school=school, is_provisional=True, source="Inspection feedback form"))
    pci.refresh_from_db()
    assert pci.closed_how == "inspection"


def test_a_stale_save_of_what_is_already_stored_is_not_a_conflict(adviser, school):
    meeting = held_meeting(adviser, school)
    version = Meeting.objects.get(pk=meeting.pk).version
    content = {**Meeting.objects.get(pk=meeting.pk).content, "background": "Same words"}
    services.save_minutes(actor=adviser, meeting=meeting, content=content, expected_version=version)
    # The Save button posts the same words with the version its page had (autosave got there first).
    saved = services.save_minutes(actor=adviser, meeting=meeting, content=content, expected_version=version)
    assert saved.content["background"] == "Same words"
    with pytest.raises(StaleRecord):
        services.save_minutes(actor=adviser, meeting=meeting, content={**content, "background": "Other words"},
                              expected_version=version)
