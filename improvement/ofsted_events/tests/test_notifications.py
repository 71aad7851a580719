"""Logging Ofsted's call: who is e-mailed (a link, not the content), due dates on the page,
editing, and bad input refused with nothing saved."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from improvement.accounts.roles import Role
from improvement.accounts.tests.factories import UserFactory
from improvement.ofsted_events import services
from improvement.ofsted_events.models import OfstedNotification
from improvement.ofsted_events.tests.factories import (
    at,
    date_fields,
    make_notification,
    notification_details,
    notification_post,
)
from improvement.planning import services as planning_services
from improvement.policy.calendar import academic_year_of

pytestmark = pytest.mark.django_db


def _add_url(school):
    return reverse("ofsted_events:notification_create", kwargs={"urn": school.urn})


def _assert_error(response, text: str) -> str:
    html = response.content.decode()
    assert response.status_code == 400, html[:3000]
    assert "There is a problem" in html and text in html, html[:6000]
    return html


@pytest.fixture
def officer_allocated(personas, school):
    """The school's monitoring officer this academic year (another officer is the actor)."""
    officer = personas["monitoring_officer"]
    planning_services.allocate_officer(actor=personas["senior_adviser"], school=school,
                                       academic_year=academic_year_of(timezone.localdate()), officer=officer)
    return officer


def test_logging_a_notification_emails_the_officer_and_senior_advisers_a_link_after_commit(
        client_for, personas, school, officer_allocated, django_capture_on_commit_callbacks):
    second_adviser = UserFactory(authority=school.authority, role=Role.SENIOR_ADVISER, email="adviser2@example.test")
    UserFactory(authority=school.authority, role=Role.SENIOR_ADVISER, email="gone@example.test", is_active=False)
    admin = personas["la_admin"]
    client = client_for(admin)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(_add_url(school), notification_post(lead_inspector="Pat Quill"))
    assert response.status_code == 302
    assert len(callbacks) == 1
    notification = OfstedNotification.objects.get()
    assert (notification.lead_inspector, notification.told_by, notification.logged_by) == (
        "Pat Quill", "Headteacher", admin)
    assert notification.called_at == at(date(2026, 3, 9), 12, 30)
    assert notification.told_la_at == at(date(2026, 3, 9), 13, 5)
    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert recipients == sorted([officer_allocated.email, personas["senior_adviser"].email, second_adviser.email])
    body = mail.outbox[0].body
    assert f"http://testserver{notification.get_absolute_url()}" in body
    assert "Pat Quill" not in body and "Headteacher" not in body  # a link, not the content
    assert notification.history.count() == 1 and notification.history.first().history_user == admin


def test_the_actor_is_not_emailed_and_other_authorities_never_are(personas, school, officer_allocated):
    officer = personas["monitoring_officer"]
    recipients = services.notification_recipients(school, actor=officer)
    assert recipients == [personas["senior_adviser"]]
    assert personas["other_la_officer"] not in recipients


def test_no_email_is_sent_when_the_transaction_rolls_back(personas, school, officer_allocated,
                                                          django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        make_notification(personas["la_admin"], school)
    assert len(callbacks) == 1 and mail.outbox == []


def test_notification_page_shows_the_feedback_due_date_and_offers_the_right_form(client_for, personas, school):
    notification = make_notification(personas["senior_adviser"], school)
    page = client_for(personas["monitoring_officer"]).get(notification.get_absolute_url()).content.decode()
    assert "Due by Friday 13 March 2026" in page and "Overdue" in page
    assert f"{reverse('ofsted_events:feedback_create', kwargs={'urn': school.urn})}?notification={notification.pk}" \
        in page
    viewer = client_for(personas["la_viewer"]).get(notification.get_absolute_url()).content.decode()
    assert "Due by Friday 13 March 2026" in viewer and "?notification=" not in viewer


def test_edit_changes_the_notification_and_keeps_history(client_for, personas, school):
    notification = make_notification(personas["senior_adviser"], school)
    client = client_for(personas["monitoring_officer"])
    url = reverse("ofsted_events:notification_edit", kwargs={"urn": school.urn, "pk": notification.pk})
    assert 'value="A Inspector"' in client.get(url).content.decode()
    response = client.post(url, notification_post(lead_inspector="B Inspector", called_at_time="11:45am"))
    assert response.status_code == 302
    notification.refresh_from_db()
    assert notification.lead_inspector == "B Inspector"
    assert notification.called_at == at(date(2026, 3, 9), 11, 45)
    assert notification.history.count() == 2


@pytest.mark.parametrize(("changes", "message"), [
    ({"called_at_day": "", "called_at_month": "", "called_at_year": "", "called_at_time": ""},
     "Enter a date and time."),
    ({"called_at_day": "31", "called_at_month": "2"}, "Enter a real date, like 27 3 2024."),
    ({"called_at_time": ""}, "Enter the time, like 14:30 or 2:30pm."),
    ({"told_la_at_time": "25:61"}, "Enter a real time, like 14:30 or 2:30pm."),
    ({"told_la_at_time": "12:00"}, "The LA cannot have been told before Ofsted&#x27;s call"),
    ({"inspection_starts_on_day": "8"}, "The inspection cannot start before Ofsted&#x27;s call."),
    ({"inspection_starts_on_month": "6"}, "The inspection must start within 28 days"),
    ({"inspection_starts_on_day": "", "inspection_starts_on_month": "", "inspection_starts_on_year": ""},
     "Enter a date."),
    ({"inspection_type": "inspection"}, "Select a valid choice"),
    ({"lead_inspector": " "}, "Enter the lead inspector&#x27;s name."),
    ({"told_by": ""}, "Enter who told the LA."),
])
def test_bad_input_is_refused_and_nothing_is_saved(client_for, personas, school, changes, message):
    response = client_for(personas["monitoring_officer"]).post(_add_url(school), notification_post(**changes))
    _assert_error(response, message)
    assert not OfstedNotification.objects.exists() and mail.outbox == []


def test_times_in_the_future_are_refused(client_for, personas, school):
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = client_for(personas["monitoring_officer"]).post(_add_url(school), notification_post(
        called_at_day=str(tomorrow.day), called_at_month=str(tomorrow.month), called_at_year=str(tomorrow.year),
        told_la_at_day=str(tomorrow.day), told_la_at_month=str(tomorrow.month), told_la_at_year=str(tomorrow.year),
        **date_fields("inspection_starts_on", tomorrow + timedelta(days=1))))
    html = _assert_error(response, "The call cannot be in the future.")
    assert "The time the LA was told cannot be in the future." in html
    assert not OfstedNotification.objects.exists()


def test_the_service_refuses_roles_that_do_not_record_and_other_authorities(personas, school, other_school):
    with pytest.raises(PermissionDenied):
        make_notification(personas["la_viewer"], school)
    with pytest.raises(PermissionDenied):
        make_notification(personas["monitoring_officer"], other_school)
    with pytest.raises(ValidationError):
        make_notification(personas["monitoring_officer"], school, told_la_at=at(date(2026, 3, 9), 9, 0))
    assert not OfstedNotification.objects.exists()


def test_a_school_in_another_authority_is_not_found(client_for, personas, other_school):
    client = client_for(personas["monitoring_officer"])
    assert client.get(_add_url(other_school)).status_code == 404
    assert client.post(_add_url(other_school), notification_post()).status_code == 404
    assert not OfstedNotification.objects.exists()


def test_services_details_are_cleaned(personas, school):
    notification = services.log_notification(
        actor=personas["senior_adviser"], school=school,
        details=notification_details(lead_inspector="  A Inspector ", told_by=" Business manager ", notes="  "))
    assert (notification.lead_inspector, notification.told_by, notification.notes) == (
        "A Inspector", "Business manager", "")
