"""`send_reminders`: what each user hears about, and never the same reminder twice."""

from __future__ import annotations

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.urls import reverse

from improvement.actions.models import Action
from improvement.planning import services
from improvement.planning.models import ReminderPreference, SentReminder
from improvement.planning.reminders import send_reminders
from improvement.planning.tests.test_diary import make_planned
from improvement.visits.tests.factories import KENT_AUTUMN, make_visit, take

MONDAY = date(2025, 11, 10)


@pytest.fixture
def officer(personas):
    return personas["monitoring_officer"]


def bodies(user) -> list[str]:
    return [m.body for m in mail.outbox if user.email in m.to]


def test_a_visit_next_week_not_agreed_is_reminded_once(officer, school):
    make_planned(school, officer, MONDAY + timedelta(days=3))
    make_planned(school, officer, MONDAY + timedelta(days=4), status="agreed", label="Agreed one")
    send_reminders(today=MONDAY)
    assert len(mail.outbox) == 1 and school.name in mail.outbox[0].body and "Agreed one" not in mail.outbox[0].body
    send_reminders(today=MONDAY)
    send_reminders(today=MONDAY + timedelta(days=1))
    assert len(mail.outbox) == 1
    assert SentReminder.objects.filter(user=officer).count() == 1


def test_a_moved_visit_is_reminded_again_for_its_new_date(officer, school):
    planned = make_planned(school, officer, MONDAY + timedelta(days=3))
    send_reminders(today=MONDAY)
    planned.date = MONDAY + timedelta(days=4)
    planned.save()
    send_reminders(today=MONDAY)
    assert len(mail.outbox) == 2


def test_records_past_their_deadline_remind_the_officers(officer, school):
    # Kent's note of visit states deadlines; Coventry's record states none.
    make_visit(officer, school, day=MONDAY - timedelta(days=60), template=KENT_AUTUMN)
    send_reminders(today=MONDAY)
    assert any("past its deadline" in b for b in bodies(officer))
    count = len(mail.outbox)
    send_reminders(today=MONDAY)
    assert len(mail.outbox) == count


def test_actions_due_this_week_remind_the_schools_officer(officer, school, personas):
    services.allocate_officer(actor=personas["senior_adviser"], school=school, academic_year="2025/26",
                              officer=officer)
    Action.objects.create(school=school, text="Publish the reading strategy", due_date=MONDAY + timedelta(days=2))
    Action.objects.create(school=school, text="Next month's action", due_date=MONDAY + timedelta(days=30))
    send_reminders(today=MONDAY)
    (body,) = bodies(officer)
    assert "Publish the reading strategy" in body and "Next month" not in body


def test_headteachers_hear_about_records_awaiting_their_check(officer, school, personas):
    visit = make_visit(officer, school, day=MONDAY - timedelta(days=2))
    take(officer, visit, "send")
    mail.outbox.clear()
    send_reminders(today=MONDAY)
    assert any("waiting for your accuracy check" in b for b in bodies(personas["headteacher"]))
    mail.outbox.clear()
    send_reminders(today=MONDAY)
    assert bodies(personas["headteacher"]) == []


def test_weekly_digest_waits_for_monday(officer, school):
    ReminderPreference.objects.create(user=officer, weekly_digest=True)
    make_planned(school, officer, MONDAY + timedelta(days=9))
    outcome = send_reminders(today=MONDAY + timedelta(days=3))  # a Thursday
    assert mail.outbox == [] and outcome.held_for_digest == 1
    send_reminders(today=MONDAY + timedelta(days=7))
    assert len(mail.outbox) == 1 and "weekly digest" in mail.outbox[0].subject
    send_reminders(today=MONDAY + timedelta(days=7))
    assert len(mail.outbox) == 1


def test_a_failed_send_records_nothing(officer, school, monkeypatch):
    make_planned(school, officer, MONDAY + timedelta(days=2))

    def broken(self, messages):
        raise OSError("SMTP down")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", broken)
    with pytest.raises(OSError):
        send_reminders(today=MONDAY)
    assert not SentReminder.objects.exists()


def test_the_command_and_its_bad_input(officer, school):
    make_planned(school, officer, MONDAY + timedelta(days=2))
    out = StringIO()
    call_command("send_reminders", "--today", MONDAY.isoformat(), "--dry-run", stdout=out)
    assert "Would send 1 reminder(s) in 1 e-mail(s)" in out.getvalue() and mail.outbox == []
    call_command("send_reminders", "--today", MONDAY.isoformat(), stdout=out)
    assert len(mail.outbox) == 1
    with pytest.raises(CommandError):
        call_command("send_reminders", "--today", "next tuesday")


def test_the_preference_page(client_for, officer):
    client = client_for(officer)
    assert client.post(reverse("planning:reminders"), {"frequency": "weekly"}).status_code == 302
    assert ReminderPreference.objects.get(user=officer).weekly_digest
    for data in ({}, {"frequency": "hourly"}):
        response = client.post(reverse("planning:reminders"), data)
        assert response.status_code == 400 and "Choose daily reminders or a weekly digest." in response.content.decode()
    assert ReminderPreference.objects.get(user=officer).weekly_digest
