"""The section 5 feedback form: the provisional inspection it adds, editing, confirming
publication, confidentiality, the follow-on hook, the 2012 monitoring dates, and bad input
refused with nothing half-saved."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from improvement.inspections.models import Inspection
from improvement.inspections.tests.factories import InspectionFactory
from improvement.ofsted_events import services
from improvement.ofsted_events.models import FeedbackGrade, InspectionFeedback
from improvement.ofsted_events.tests.factories import (
    RC_DAY,
    RI_DAY,
    at,
    date_fields,
    feedback_details,
    feedback_post,
    make_feedback,
    make_notification,
    rc_grades,
    ri_grades,
)
from improvement.policy import frameworks

pytestmark = pytest.mark.django_db

DIFFER = "Explain why the school&#x27;s self-evaluation differs from Ofsted&#x27;s grade for"


def _add_url(school, query: str = ""):
    return reverse("ofsted_events:feedback_create", kwargs={"urn": school.urn}) + query


def _assert_error(response, text: str) -> str:
    html = response.content.decode()
    assert response.status_code == 400, html[:3000]
    assert "There is a problem" in html and text in html, html[:8000]
    return html


@pytest.fixture
def hook_calls(monkeypatch):
    calls = []
    monkeypatch.setattr(services, "inspection_recorded", lambda **kwargs: calls.append(kwargs))
    return calls


def test_recording_the_form_adds_a_provisional_inspection_with_ofsteds_grades(client_for, personas, school,
                                                                               hook_calls):
    officer = personas["monitoring_officer"]
    client = client_for(officer)
    # Step 1: the date decides the framework; step 2 asks for that framework's judgements.
    step1 = client.get(_add_url(school)).content.decode()
    assert "When did the inspection start?" in step1
    step2 = client.get(_add_url(school), date_fields("inspection_date", RC_DAY)).content.decode()
    assert "Report cards, from November 2025" in step2
    for area in frameworks.get_era("report-card-2025").areas:
        assert area.label in step2
    grades = rc_grades(inclusion=services.GradeEntry("inclusion", "strong_standard", "expected_standard",
                                                     "The school's SEND data was not yet validated."))
    response = client.post(_add_url(school), feedback_post(feedback_details(grades=grades)))
    assert response.status_code == 302
    feedback = InspectionFeedback.objects.get()
    inspection = feedback.inspection
    assert inspection.is_provisional and inspection.publication_date is None
    assert (inspection.era, inspection.inspection_type, inspection.start_date, inspection.source) == (
        "report-card-2025", "full", RC_DAY, "Inspection feedback form")
    assert inspection.judgements["inclusion"] == "expected_standard"
    assert inspection.judgements["safeguarding"] == "met"
    assert "early_years" not in inspection.judgements  # not graded, so not judged
    assert inspection.history.first().history_user == officer
    school.refresh_from_db()
    assert school.latest_full_inspection == inspection
    row = FeedbackGrade.objects.get(feedback=feedback, area="inclusion")
    assert (row.self_evaluation, row.ofsted_grade) == ("strong_standard", "expected_standard")
    # The follow-on hook heard of the new inspection once.
    assert hook_calls == [{"actor": officer, "school": school, "inspection": inspection}]
    page = client.get(feedback.get_absolute_url()).content.decode()
    assert "Confidential until the report is published" in page and "Grades differ" in page
    profile = client.get(reverse("schools:detail", kwargs={"urn": school.urn})).content.decode()
    assert "Provisional" in profile and reverse("ofsted_events:school", kwargs={"urn": school.urn}) in profile


def test_editing_while_provisional_updates_the_same_inspection_without_the_hook(personas, school, hook_calls):
    adviser = personas["senior_adviser"]
    feedback = make_feedback(adviser, school)
    assert len(hook_calls) == 1
    inspection_pk = feedback.inspection_id
    services.record_feedback(
        actor=personas["monitoring_officer"], school=school, instance=feedback,
        details=feedback_details(grades=rc_grades(achievement=services.GradeEntry(
            "achievement", "expected_standard", "needs_attention", "Reading outcomes lower than thought.")),
            category_of_concern=""),
    )
    assert Inspection.objects.count() == 1
    inspection = Inspection.objects.get()
    assert inspection.pk == inspection_pk and inspection.is_provisional
    assert inspection.judgements["achievement"] == "needs_attention"
    assert FeedbackGrade.objects.get(feedback=feedback, area="achievement").ofsted_grade == "needs_attention"
    assert len(hook_calls) == 1


def test_confirming_publication_makes_the_inspection_final_and_the_form_readable_by_the_head(
        client_for, personas, school):
    feedback = make_feedback(personas["senior_adviser"], school)
    head = client_for(personas["headteacher"])
    assert head.get(feedback.get_absolute_url()).status_code == 404  # confidential: not even its existence
    events = head.get(reverse("ofsted_events:school", kwargs={"urn": school.urn})).content.decode()
    assert "No inspection feedback forms are published yet" in events and "Feedback form" not in events

    officer = client_for(personas["monitoring_officer"])
    url = reverse("ofsted_events:feedback_confirm", kwargs={"urn": school.urn, "pk": feedback.pk})
    response = officer.post(url, date_fields("publication_date", date(2026, 4, 20)))
    assert response.status_code == 302
    feedback.refresh_from_db()
    inspection = feedback.inspection
    assert not inspection.is_provisional and inspection.publication_date == date(2026, 4, 20)
    assert feedback.confirmed_by == personas["monitoring_officer"]
    # Read only from now on, for everyone.
    edit = reverse("ofsted_events:feedback_edit", kwargs={"urn": school.urn, "pk": feedback.pk})
    assert officer.get(edit).status_code == 403
    with pytest.raises(PermissionDenied):
        services.record_feedback(actor=personas["senior_adviser"], school=school, instance=feedback,
                                 details=feedback_details(lead_inspector="Changed"))
    assert officer.get(url).status_code == 403  # cannot confirm twice

    head = client_for(personas["headteacher"])
    page = head.get(feedback.get_absolute_url())
    assert page.status_code == 200
    html = page.content.decode()
    assert "Report published" in html and "Pupils achieve well in reading." in html
    assert "Edit the feedback form" not in html and "Form completed by" not in html
    events = head.get(reverse("ofsted_events:school", kwargs={"urn": school.urn})).content.decode()
    assert feedback.get_absolute_url() in events and "Notifications" not in events
    chair = client_for(personas["chair_of_governors"])
    assert chair.get(feedback.get_absolute_url()).status_code in (403, 404)


@pytest.mark.parametrize(("day", "message"), [
    (date(2026, 3, 20), "The report cannot be published before the inspection started"),
    (None, "The publication date cannot be in the future."),
])
def test_confirm_refuses_impossible_publication_dates(client_for, personas, school, day, message):
    feedback = make_feedback(personas["senior_adviser"], school, inspection_date=date(2026, 3, 24))
    day = day or timezone.localdate() + timedelta(days=1)
    url = reverse("ofsted_events:feedback_confirm", kwargs={"urn": school.urn, "pk": feedback.pk})
    _assert_error(client_for(personas["senior_adviser"]).post(url, date_fields("publication_date", day)), message)
    inspection = Inspection.objects.get()
    assert inspection.is_provisional and inspection.publication_date is None


def test_a_form_from_a_notification_links_it_and_the_notification_shows_it_received(client_for, personas, school):
    notification = make_notification(personas["senior_adviser"], school)
    client = client_for(personas["monitoring_officer"])
    # The notification gives the date, so the form opens at step 2 with the lead inspector filled in.
    page = client.get(_add_url(school, f"?notification={notification.pk}")).content.decode()
    assert 'value="A Inspector"' in page and "Report cards, from November 2025" in page
    response = client.post(_add_url(school, f"?notification={notification.pk}"), feedback_post())
    assert response.status_code == 302
    feedback = InspectionFeedback.objects.get()
    assert feedback.notification == notification
    detail = client.get(notification.get_absolute_url()).content.decode()
    assert "Received late" in detail and feedback.get_absolute_url() in detail


def test_a_published_inspection_already_in_the_history_is_linked_not_changed(personas, school, hook_calls):
    existing = InspectionFactory(school=school, era="report-card-2025", start_date=RC_DAY,
                                 publication_date=date(2026, 4, 14),
                                 judgements={"inclusion": "strong_standard", "safeguarding": "met"})
    feedback = make_feedback(personas["senior_adviser"], school)
    existing.refresh_from_db()
    assert feedback.inspection == existing and feedback.is_published
    assert existing.judgements == {"inclusion": "strong_standard", "safeguarding": "met"}
    assert hook_calls == []
    with pytest.raises(ValidationError) as error:
        make_feedback(personas["monitoring_officer"], school)
    assert "A feedback form is already recorded for the inspection of 10 March 2026." in str(error.value)
    assert InspectionFeedback.objects.count() == 1


BAD = [
    ({"inclusion_commentary": ""} | {"inclusion_self": "strong_standard"}, f"{DIFFER} Inclusion."),
    ({"inclusion_ofsted": "good"}, "Choose a grade for Inclusion from the list."),
    ({"achievement_self": "outstanding"}, "Choose a grade for Achievement from the list."),
    ({"curriculum_and_teaching_ofsted": ""}, "Enter Ofsted&#x27;s grade at feedback for Curriculum and teaching."),
    ({"category_of_concern": "notice_to_improve"}, "Select a valid choice"),
    ({"main_findings": ""}, "Enter the main findings."),
    ({"lead_inspector": ""}, "Enter the lead inspector&#x27;s name."),
    ({"inspection_date_day": "", "inspection_date_month": "", "inspection_date_year": ""}, "Enter a date."),
    ({"inspection_date_day": "30", "inspection_date_month": "2"}, "Enter a real date, like 27 3 2024."),
    ({"inspection_date_month": "10", "inspection_date_year": "2025"},
     "The Report cards, from November 2025 framework ran from 10 November 2025 to today"),
]


@pytest.mark.parametrize(("changes", "message"), BAD)
def test_bad_input_is_refused_and_no_inspection_is_created(client_for, personas, school, hook_calls, changes,
                                                           message):
    response = client_for(personas["monitoring_officer"]).post(_add_url(school), feedback_post(**changes))
    _assert_error(response, message)
    assert not InspectionFeedback.objects.exists() and not Inspection.objects.exists()
    assert not FeedbackGrade.objects.exists() and hook_calls == []


def test_commentary_error_sits_on_the_row_and_every_differing_row_is_named(client_for, personas, school):
    response = client_for(personas["monitoring_officer"]).post(_add_url(school), feedback_post(
        inclusion_self="strong_standard", achievement_self="needs_attention"))
    html = _assert_error(response, f"{DIFFER} Inclusion.")
    assert f"{DIFFER} Achievement." in html
    assert 'href="#id_inclusion_commentary"' in html and 'id="id_inclusion_commentary-error"' in html
    assert not Inspection.objects.exists()


def test_a_future_date_or_one_before_section_5_is_refused_at_step_one(client_for, personas, school):
    client = client_for(personas["monitoring_officer"])
    future = timezone.localdate() + timedelta(days=3)
    _assert_error(client.get(_add_url(school), date_fields("inspection_date", future)),
                  "The inspection start date cannot be in the future.")
    _assert_error(client.get(_add_url(school), date_fields("inspection_date", date(2004, 6, 1))),
                  "Enter a date from 1 September 2005")


def test_an_edit_that_moves_the_date_onto_another_inspection_is_refused_with_nothing_changed(personas, school):
    InspectionFactory(school=school, era="report-card-2025", start_date=date(2026, 3, 3), judgements={})
    feedback = make_feedback(personas["senior_adviser"], school)
    with pytest.raises(ValidationError) as error:
        services.record_feedback(actor=personas["senior_adviser"], school=school, instance=feedback,
                                 details=feedback_details(inspection_date=date(2026, 3, 3)))
    assert "already has a full inspection starting on 3 March 2026" in str(error.value)
    feedback.refresh_from_db()
    assert feedback.inspection_date == RC_DAY and feedback.inspection.start_date == RC_DAY


def test_feedback_for_a_school_in_another_authority_is_not_found(client_for, personas, other_school):
    client = client_for(personas["monitoring_officer"])
    assert client.get(_add_url(other_school)).status_code == 404
    assert client.post(_add_url(other_school), feedback_post()).status_code == 404
    with pytest.raises(PermissionDenied):
        make_feedback(personas["monitoring_officer"], other_school)
    assert not Inspection.objects.exists() and not InspectionFeedback.objects.exists()


def test_a_hook_failure_saves_nothing(monkeypatch, personas, school):
    def fail(**kwargs):
        raise RuntimeError("follow-on failed")

    monkeypatch.setattr(services, "inspection_recorded", fail)
    with pytest.raises(RuntimeError):
        make_feedback(personas["senior_adviser"], school)
    assert not Inspection.objects.exists() and not InspectionFeedback.objects.exists()


def test_the_hook_does_nothing_yet():
    assert services.inspection_recorded(actor=None, school=None, inspection=None) is None


# The 2012 rule: HMI monitoring of requires improvement ------------------------------------------


def _ri_feedback(personas, school, leadership="requires_improvement"):
    return services.record_feedback(
        actor=personas["senior_adviser"], school=school,
        details=feedback_details(era="s5-2012", inspection_date=RI_DAY, grades=ri_grades(leadership)),
    )


def test_ri_with_leadership_not_good_shows_the_engines_hmi_window_and_action_plan_dates(client_for, personas,
                                                                                         school):
    notification = make_notification(personas["senior_adviser"], school, called_at=at(date(2013, 1, 14), 12),
                                      told_la_at=at(date(2013, 1, 14), 14), inspection_starts_on=RI_DAY)
    feedback = services.record_feedback(
        actor=personas["senior_adviser"], school=school, notification=notification,
        details=feedback_details(era="s5-2012", inspection_date=RI_DAY, grades=ri_grades()))
    client = client_for(personas["la_viewer"])
    # The pack's dates: inspection 15-16 January 2013; action plan 10-15 working days after,
    # HMI visit 4-6 weeks after (see policy/tests/test_england.py).
    for page in (client.get(notification.get_absolute_url()), client.get(feedback.get_absolute_url()),
                 client.get(reverse("ofsted_events:school", kwargs={"urn": school.urn}))):
        html = page.content.decode()
        assert "Action plan shared with the LA" in html and "30 Jan 2013 to 6 Feb 2013" in html
        assert "HMI monitoring visit expected" in html and "13 Feb 2013 to 27 Feb 2013" in html


def test_ri_with_good_leadership_shows_no_hmi_dates(client_for, personas, school):
    feedback = _ri_feedback(personas, school, leadership="good")
    html = client_for(personas["la_viewer"]).get(feedback.get_absolute_url()).content.decode()
    assert "HMI monitoring visit expected" not in html


def test_a_full_inspection_notification_shows_no_dates_from_an_earlier_inspection(client_for, personas, school):
    _ri_feedback(personas, school)  # RI in January 2013
    later = make_notification(personas["senior_adviser"], school, called_at=at(date(2013, 5, 13), 12),
                              told_la_at=at(date(2013, 5, 13), 13), inspection_starts_on=date(2013, 5, 14))
    html = client_for(personas["la_viewer"]).get(later.get_absolute_url()).content.decode()
    assert "HMI monitoring visit expected" not in html
    # A monitoring visit notified after it does show the window of the inspection it follows.
    visit = make_notification(personas["senior_adviser"], school, called_at=at(date(2013, 2, 18), 12),
                              told_la_at=at(date(2013, 2, 18), 13), inspection_starts_on=date(2013, 2, 20),
                              inspection_type="monitoring")
    html = client_for(personas["la_viewer"]).get(visit.get_absolute_url()).content.decode()
    assert "13 Feb 2013 to 27 Feb 2013" in html and "after the full inspection of 15 January 2013" in html
