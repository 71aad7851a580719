"""HMI monitoring visit feedback (key issues with 1-4 judgements, the era's overall wording)
and subject, theme or survey inspection feedback: recording, editing and bad input."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from improvement.ofsted_events.models import (
    MonitoringKeyIssue,
    MonitoringVisitFeedback,
    SubjectFeedback,
)
from improvement.ofsted_events.tests.factories import (
    at,
    date_fields,
    make_monitoring,
    make_notification,
    monitoring_post,
    subject_post,
)

pytestmark = pytest.mark.django_db


def _url(name, school, **kwargs):
    return reverse(f"ofsted_events:{name}", kwargs={"urn": school.urn, **kwargs})


def _assert_error(response, text: str) -> str:
    html = response.content.decode()
    assert response.status_code == 400, html[:3000]
    assert "There is a problem" in html and text in html, html[:8000]
    return html


def test_record_hmi_visit_feedback_with_key_issues(client_for, personas, school):
    client = client_for(personas["monitoring_officer"])
    page = client.get(_url("monitoring_create", school)).content.decode()
    assert "Leaders are taking effective action" in page  # today's framework wording
    response = client.post(_url("monitoring_create", school), monitoring_post(
        key_issue_2="", hmi_judgement_2="", key_issue_3="Improve attendance", hmi_judgement_3="2",
        comments_3="Persistent absence down"))
    assert response.status_code == 302
    feedback = MonitoringVisitFeedback.objects.get()
    assert (feedback.days, feedback.lessons_observed, feedback.overall_progress) == (
        Decimal("1.5"), 6, "effective_action")
    # Blank rows are dropped and the issues renumbered without gaps.
    assert list(feedback.key_issues.values_list("position", "key_issue", "hmi_judgement", "comments")) == [
        (1, "Raise attainment in mathematics", 3, ""), (2, "Improve attendance", 2, "Persistent absence down")]
    detail = client.get(feedback.get_absolute_url()).content.decode()
    assert "Raise attainment in mathematics" in detail and "Leaders are taking effective action" in detail
    # Report cards have no four-point words: the judgement is the number.
    assert [issue.judgement_label for issue in feedback.key_issues.all()] == ["3", "2"]


def test_a_2009_visit_uses_the_handbooks_progress_wording(client_for, personas, school):
    client = client_for(personas["senior_adviser"])
    data = monitoring_post(**date_fields("visit_date", date(2010, 3, 2)), overall_progress="effective_action")
    # The date's framework changes the choices: the page says so instead of saving.
    html = _assert_error(client.post(_url("monitoring_create", school), data),
                         "Choose HMI&#x27;s overall judgement from the list.")
    assert "Satisfactory progress" in html and "3 – Satisfactory" in html
    assert not MonitoringVisitFeedback.objects.exists()
    response = client.post(_url("monitoring_create", school), {**data, "overall_progress": "satisfactory_progress"})
    assert response.status_code == 302
    assert MonitoringVisitFeedback.objects.get().overall_progress_label == "Satisfactory progress"


def test_editing_replaces_the_key_issues(client_for, personas, school):
    feedback = make_monitoring(personas["senior_adviser"], school)
    client = client_for(personas["monitoring_officer"])
    url = _url("monitoring_edit", school, pk=feedback.pk)
    assert "Raise attainment in mathematics" in client.get(url).content.decode()
    response = client.post(url, monitoring_post(key_issue_1="Strengthen governance", hmi_judgement_1="4"))
    assert response.status_code == 302
    assert list(MonitoringKeyIssue.objects.values_list("position", "key_issue", "hmi_judgement")) == [
        (1, "Strengthen governance", 4)]


@pytest.mark.parametrize(("changes", "message"), [
    ({"key_issue_1": "", "hmi_judgement_1": ""}, "Enter at least one key issue with HMI&#x27;s judgement."),
    ({"hmi_judgement_1": ""}, "Choose HMI&#x27;s judgement (1 to 4) for key issue 1."),
    ({"hmi_judgement_1": "5"}, "Choose HMI&#x27;s judgement for key issue 1 from the list."),
    ({"key_issue_1": "", "key_issue_2": "", "hmi_judgement_2": "2"}, "Enter key issue 2, or clear its judgement."),
    ({"days": ""}, "Enter the days on site."),
    ({"days": "0"}, "Enter at least half a day."),
    ({"days": "1.2"}, "Enter the days on site in half days, from 0.5 to 10."),
    ({"days": "lots"}, "Enter the days on site as a number, like 1 or 1.5."),
    ({"lessons_observed": "six"}, "Enter the number of lessons as a whole number."),
    ({"context": ""}, "Choose why HMI visited."),
    ({"overall_progress": ""}, "Choose HMI&#x27;s overall judgement."),
    ({"visit_date_day": "", "visit_date_month": "", "visit_date_year": ""}, "Enter a date."),
    ({"visit_date_year": "2004"}, "Enter a date from 1 September 2005"),
])
def test_bad_hmi_visit_input_is_refused_and_nothing_saved(client_for, personas, school, changes, message):
    response = client_for(personas["monitoring_officer"]).post(_url("monitoring_create", school),
                                                               monitoring_post(**changes))
    _assert_error(response, message)
    assert not MonitoringVisitFeedback.objects.exists() and not MonitoringKeyIssue.objects.exists()


def test_a_future_visit_is_refused(client_for, personas, school):
    future = timezone.localdate() + timedelta(days=2)
    response = client_for(personas["monitoring_officer"]).post(
        _url("monitoring_create", school), monitoring_post(**date_fields("visit_date", future)))
    _assert_error(response, "The visit cannot be in the future.")
    assert not MonitoringVisitFeedback.objects.exists()


def test_hmi_feedback_from_a_monitoring_notification(client_for, personas, school):
    notification = make_notification(personas["senior_adviser"], school, inspection_type="monitoring",
                                      called_at=at(date(2026, 4, 16)), told_la_at=at(date(2026, 4, 16), 14),
                                      inspection_starts_on=date(2026, 4, 21))
    client = client_for(personas["monitoring_officer"])
    url = _url("monitoring_create", school) + f"?notification={notification.pk}"
    assert 'value="A Inspector"' in client.get(url).content.decode()
    assert client.post(url, monitoring_post()).status_code == 302
    assert MonitoringVisitFeedback.objects.get().notification == notification
    # A section 5 form is not offered this notification.
    page = client.get(_url("feedback_create", school) + f"?notification={notification.pk}").content.decode()
    assert "When did the inspection start?" in page


def test_record_and_edit_subject_feedback(client_for, personas, school):
    client = client_for(personas["monitoring_officer"])
    assert client.post(_url("subject_create", school), subject_post()).status_code == 302
    feedback = SubjectFeedback.objects.get()
    assert (feedback.focus, feedback.hmi_judgement) == ("Mathematics", 2)
    assert "Strong subject leadership." in client.get(feedback.get_absolute_url()).content.decode()
    response = client.post(_url("subject_edit", school, pk=feedback.pk), subject_post(hmi_judgement="", focus="Art"))
    assert response.status_code == 302
    feedback.refresh_from_db()
    assert (feedback.focus, feedback.hmi_judgement, feedback.judgement_label) == ("Art", None, "Not given")
    assert feedback.history.count() == 2


@pytest.mark.parametrize(("changes", "message"), [
    ({"focus": ""}, "Enter the focus of the inspection."),
    ({"outcomes": " "}, "Enter the outcomes HMI gave at feedback."),
    ({"hmi_judgement": "7"}, "Choose HMI&#x27;s judgement from the list."),
    ({"inspection_date_month": "13"}, "Enter a real date, like 27 3 2024."),
    ({"lead_inspector": ""}, "Enter the lead inspector&#x27;s name."),
])
def test_bad_subject_input_is_refused_and_nothing_saved(client_for, personas, school, changes, message):
    response = client_for(personas["monitoring_officer"]).post(_url("subject_create", school),
                                                               subject_post(**changes))
    _assert_error(response, message)
    assert not SubjectFeedback.objects.exists()


def test_other_authority_schools_are_not_found(client_for, personas, other_school):
    client = client_for(personas["monitoring_officer"])
    for name, data in (("monitoring_create", monitoring_post()), ("subject_create", subject_post())):
        assert client.post(_url(name, other_school), data).status_code == 404
    assert not MonitoringVisitFeedback.objects.exists() and not SubjectFeedback.objects.exists()
