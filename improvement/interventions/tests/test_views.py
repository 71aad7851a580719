"""Support and intervention pages: board-only visibility, forms with bad input, query counts."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from improvement.interventions import services
from improvement.interventions.models import (
    BoardMember,
    EscalationDecision,
    Meeting,
    MeetingStatus,
    Process,
    ProcessStatusChange,
)
from improvement.interventions.tests.factories import at, held_meeting, open_sib
from improvement.schools.models import School

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def _shared_minutes(personas, school):
    adviser, head = personas["senior_adviser"], personas["headteacher"]
    meeting = held_meeting(adviser, school)
    services.save_minutes(actor=adviser, meeting=meeting, content={"background": "Confidential background"},
                          expected_version=Meeting.objects.get(pk=meeting.pk).version)
    services.record_outcome(actor=adviser, meeting=meeting, outcome="next_term", confident_good="no",
                            next_starts_at=at(TODAY + datetime.timedelta(days=60)), next_venue="School")
    services.take_step(actor=adviser, meeting=meeting, step_name="send")
    services.take_step(actor=head, meeting=meeting, step_name="confirm_accurate")
    services.take_step(actor=adviser, meeting=meeting, step_name="finalise")
    return meeting


def test_confidential_minutes_are_read_only_by_the_board_and_senior_advisers(client_for, personas, school):
    meeting = _shared_minutes(personas, school)
    url = reverse("interventions:meeting", kwargs={"pk": meeting.pk})
    # Finalised but not shared: the headteacher (accuracy checker) reads them, the chair of governors not yet.
    assert "Confidential background" in client_for(personas["headteacher"]).get(url).content.decode()
    assert "Confidential background" not in client_for(personas["chair_of_governors"]).get(url).content.decode()
    services.take_step(actor=personas["senior_adviser"], meeting=meeting, step_name="share")
    for role in ("senior_adviser", "headteacher", "chair_of_governors"):
        page = client_for(personas[role]).get(url)
        assert page.status_code == 200 and "Confidential background" in page.content.decode(), role
    for role in ("monitoring_officer", "network_lead", "la_viewer", "la_admin"):
        page = client_for(personas[role]).get(url)
        assert page.status_code == 200, role
        assert "Confidential background" not in page.content.decode(), role
        pdf = client_for(personas[role]).get(reverse("interventions:minutes_pdf", kwargs={"pk": meeting.pk}))
        assert pdf.status_code == 403, role
    assert client_for(personas["trust_ceo"]).get(url).status_code == 404  # not on the board


def test_minutes_pdf_downloads_for_the_board(client_for, personas, school):
    meeting = _shared_minutes(personas, school)
    response = client_for(personas["headteacher"]).get(reverse("interventions:minutes_pdf", kwargs={"pk": meeting.pk}))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert response["Cache-Control"] == "private, no-store"


def test_a_school_user_sees_only_processes_whose_board_they_sit_on(client_for, personas, school):
    process = open_sib(personas["senior_adviser"], school)
    member = process.members.get(user=personas["chair_of_governors"])
    services.remove_board_member(actor=personas["senior_adviser"], member=member)
    url = reverse("interventions:school_support", kwargs={"urn": school.urn})
    assert "School Improvement Board" not in client_for(personas["chair_of_governors"]).get(url).content.decode()
    assert client_for(personas["chair_of_governors"]).get(process.get_absolute_url()).status_code == 404
    assert "School Improvement Board" in client_for(personas["headteacher"]).get(url).content.decode()


def test_opening_with_missing_answers_shows_errors_and_saves_nothing(client_for, personas, school):
    response = client_for(personas["senior_adviser"]).post(
        reverse("interventions:process_open", kwargs={"urn": school.urn}), {"kind": "sib", "time": "25:99"})
    assert response.status_code == 400
    body = response.content.decode()
    for message in ("Give the reason the process is being started", "Choose the chair",
                    "Enter a time like 14:00 or 2pm", "Enter where the first meeting will take place"):
        assert message in body
    assert not Process.objects.exists()


def test_opening_a_second_board_through_the_form_is_refused_with_the_reason(client_for, personas, school):
    open_sib(personas["senior_adviser"], school)
    day = TODAY
    response = client_for(personas["senior_adviser"]).post(
        reverse("interventions:process_open", kwargs={"urn": school.urn}),
        {"kind": "sib", "reason": "Again", "opened_on_day": day.day, "opened_on_month": day.month, "opened_on_year": day.year,
         "chair": personas["senior_adviser"].pk, "date_day": day.day, "date_month": day.month, "date_year": day.year,
         "time": "2pm", "venue": "School"})
    assert response.status_code == 400
    assert "at most one open process of each type" in response.content.decode()
    assert Process.objects.count() == 1


def test_recording_the_outcome_proposes_a_date_and_rejects_an_earlier_one(client_for, personas, school):
    meeting = held_meeting(personas["senior_adviser"], school)
    client = client_for(personas["senior_adviser"])
    url = reverse("interventions:meeting_outcome", kwargs={"pk": meeting.pk})
    proposed = services.proposed_next_date(meeting, "exit_agenda")
    page = client.get(url + "?outcome=exit_agenda").content.decode()
    assert f'value="{proposed.day}"' in page and f'value="{proposed.year}"' in page
    earlier = TODAY - datetime.timedelta(days=30)
    response = client.post(url, {"outcome": "exit_agenda", "confident_good": "yes", "date_day": earlier.day,
                                 "date_month": earlier.month, "date_year": earlier.year, "time": "14:00", "venue": "School"})
    assert response.status_code == 400 and "The next meeting must be after this one" in response.content.decode()
    assert Meeting.objects.count() == 1


def test_the_minutes_form_saves_and_a_stale_form_is_not_silently_applied(client_for, personas, school):
    meeting = held_meeting(personas["senior_adviser"], school)
    client = client_for(personas["senior_adviser"])
    url = reverse("interventions:minutes_edit", kwargs={"pk": meeting.pk})
    assert client.get(url).status_code == 200
    version = Meeting.objects.get(pk=meeting.pk).version
    assert client.post(url, {"version": version, "background": "First"}).status_code == 302
    response = client.post(url, {"version": version, "background": "From an old tab"})
    assert response.status_code == 409
    assert Meeting.objects.get(pk=meeting.pk).content["background"] == "First"
    page = response.content.decode()
    assert "changed by someone else" in page and "From an old tab" in page
    # Saving the kept text again is the explicit choice to replace the other change.
    current = Meeting.objects.get(pk=meeting.pk).version
    assert f'value="{current}"' in page
    assert client.post(url, {"version": current, "background": "From an old tab"}).status_code == 302
    assert Meeting.objects.get(pk=meeting.pk).content["background"] == "From an old tab"


def _populate(chair, schools):
    for school in schools:
        meeting = held_meeting(chair, school)
        services.record_outcome(actor=chair, meeting=meeting, outcome="next_half_term", confident_good="no",
                                next_starts_at=at(TODAY + datetime.timedelta(days=10)), next_venue="School")
        services.take_step(actor=chair, meeting=meeting, step_name="send")


def test_dashboard_queries_do_not_grow_with_the_number_of_meetings(client_for, personas, authority):
    chair = personas["senior_adviser"]
    client = client_for(chair)
    counts = []
    for n in (1, 4):
        schools = [School.objects.create(authority=authority, urn=f"9{n}{i:04d}", name=f"Dash {n} {i}",
                                         phase="primary", governance="la_maintained") for i in range(n)]
        _populate(chair, schools)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("interventions:dashboard"))
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
    body = response.content.decode()
    assert "Minutes awaiting the headteacher's accuracy check (5)" in body
    assert Meeting.objects.filter(status=MeetingStatus.SCHEDULED).count() == 5


def test_support_tab_queries_do_not_grow_with_the_history(client_for, personas, school):
    chair = personas["senior_adviser"]
    client = client_for(chair)
    url = reverse("interventions:school_support", kwargs={"urn": school.urn})
    process = open_sib(chair, school)
    with CaptureQueriesContext(connection) as first:
        client.get(url)
    for day in (20, 40, 60):
        services.schedule_meeting(actor=chair, process=process, kind="sib_standard",
                                  starts_at=at(TODAY + datetime.timedelta(days=day)), venue="School")
    services.record_decision(actor=chair, school=school, kind="warning_notice", grounds="insufficient_progress",
                             outcome="Notice", reasons="No progress", decided_by=chair, decided_on=TODAY)
    with CaptureQueriesContext(connection) as second:
        response = client.get(url)
    assert len(first) == len(second)
    assert response.content.decode().count("School Improvement Board: standard meeting") >= 3


def test_the_support_tab_shows_what_the_policy_packs_say_with_reasons(client_for, personas, school):
    from improvement.inspections.tests.factories import InspectionFactory
    from improvement.interventions.selectors import SUPPORT_DECISION_KEYS, policy_prompts

    requires_improvement = {"overall_effectiveness": "requires_improvement", "quality_of_education": "requires_improvement",
                            "behaviour_and_attitudes": "good", "personal_development": "good",
                            "leadership_and_management": "requires_improvement", "safeguarding": "effective"}
    InspectionFactory(school=school, judgements=requires_improvement, start_date=datetime.date(2022, 11, 8),
                      publication_date=datetime.date(2022, 12, 15))
    prompts = policy_prompts(school=school, as_of=datetime.date(2024, 3, 1))
    assert prompts and {d.key for d in prompts} <= set(SUPPORT_DECISION_KEYS)
    assert all(d.reasons for d in prompts)
    # School-side users see the processes they sit on, not the LA's policy reading.
    page = client_for(personas["headteacher"]).get(reverse("interventions:school_support", kwargs={"urn": school.urn}))
    assert "What the policy packs say" not in page.content.decode()


def test_the_dashboard_lists_schools_the_policy_packs_point_to_without_a_process(personas, authority, school,
                                                                                 sibling_school):
    from improvement.decisions import services as decision_services
    from improvement.interventions.selectors import policy_suggestions

    authority.policy_packs = {"2023/24": ["coventry-2023-24"]}
    authority.save()
    adviser = personas["senior_adviser"]
    # Leadership a significant concern makes a maintained school a School Causing Concern (Coventry 2023/24).
    for target in (school, sibling_school):
        decision_services.raise_flag(actor=adviser, school=target, key="leadership_significant_concern",
                                     note="From monitoring", raised_on=datetime.date(2023, 10, 2))
    open_sib(adviser, sibling_school)
    suggestions = policy_suggestions(user=adviser, as_of=datetime.date(2024, 3, 1))
    assert [(s.school, s.kind) for s in suggestions if s.kind == "sib"] == [(school, "sib")]
    assert "School Causing Concern" in suggestions[0].label and suggestions[0].reason


def _date_fields(prefix: str, day: datetime.date) -> dict[str, str]:
    return {f"{prefix}_day": str(day.day), f"{prefix}_month": str(day.month), f"{prefix}_year": str(day.year)}


def _snapshot_of_interventions() -> list:
    return [list(model.objects.order_by("pk").values()) for model in
            (Process, Meeting, BoardMember, ProcessStatusChange, EscalationDecision)]


@pytest.mark.parametrize(("url_name", "data", "message"), [
    ("process_status", {"to_status": "paused", "reason": " "}, "Give the reason for the change"),
    ("process_status", {"to_status": "open", "reason": "Already open"}, "Select a valid choice"),
    ("board_member_add", {"role": "other"}, "Choose an account or enter the member&#x27;s name"),
    ("meeting_schedule", {"kind": "sib_exit", "time": "10:00", "venue": "School",
                          **_date_fields("date", TODAY + datetime.timedelta(days=20))}, "needs an entry meeting first"),
    ("meeting_schedule", {"kind": "sib_standard", "time": "10:00", "venue": "School",
                          **_date_fields("date", TODAY - datetime.timedelta(days=60))}, "must be after the previous one"),
    ("meeting_schedule", {"kind": "sib_standard", "time": "10:00", "venue": "",
                          "date_day": "31", "date_month": "2", "date_year": "2027"}, "Enter a real date"),
])
def test_process_forms_refuse_bad_input_and_change_nothing(client_for, personas, school, url_name, data, message):
    process = open_sib(personas["senior_adviser"], school)
    if url_name == "meeting_schedule" and data["kind"] == "sib_exit":
        process.meetings.update(status=MeetingStatus.CANCELLED)
    before = _snapshot_of_interventions()
    response = client_for(personas["senior_adviser"]).post(
        reverse(f"interventions:{url_name}", kwargs={"pk": process.pk}), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert _snapshot_of_interventions() == before


def test_moving_a_meeting_before_the_previous_one_is_refused(client_for, personas, school):
    adviser = personas["senior_adviser"]
    meeting = held_meeting(adviser, school)
    services.record_outcome(actor=adviser, meeting=meeting, outcome="next_term", confident_good="no",
                            next_starts_at=at(TODAY + datetime.timedelta(days=60)), next_venue="School")
    following = Meeting.objects.get(pk=meeting.pk).next_meeting
    before = _snapshot_of_interventions()
    response = client_for(adviser).post(
        reverse("interventions:meeting_reschedule", kwargs={"pk": following.pk}),
        {**_date_fields("date", TODAY - datetime.timedelta(days=30)), "time": "10:00", "venue": "School",
         "reason": "Head away"})
    assert response.status_code == 400 and "must be after the previous one" in response.content.decode()
    assert _snapshot_of_interventions() == before


def test_a_decision_needs_the_confirmation_that_it_will_lock(client_for, personas, school):
    response = client_for(personas["senior_adviser"]).post(
        reverse("interventions:decision_create", kwargs={"urn": school.urn}),
        {"kind": "warning_notice", "grounds": "insufficient_progress", "outcome": "Notice", "reasons": "No progress",
         "decided_by": personas["senior_adviser"].pk, **_date_fields("decided_on", TODAY)})
    assert response.status_code == 400
    assert "Confirm that you understand the decision will be locked" in response.content.decode()
    assert not EscalationDecision.objects.exists()
