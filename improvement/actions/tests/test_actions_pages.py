from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from improvement.accounts.roles import Role
from improvement.accounts.tests.factories import UserFactory
from improvement.actions.models import Action, ActionProgress
from improvement.visits.tests.factories import finalise, make_visit, save

pytestmark = pytest.mark.django_db


def _agree(officer, head, school, *actions):
    visit = make_visit(officer, school, day=datetime.date(2023, 10, 2))
    save(officer, visit, further_actions=list(actions))
    finalise(officer, head, visit)
    return visit


def test_school_actions_page_lists_open_and_closed_with_overdue_flags(client_for, personas, school):
    officer, head = personas["monitoring_officer"], personas["headteacher"]
    _agree(officer, head, school,
           {"text": "Overdue phonics action", "lead_role": "EYFS lead", "by_when": "1/12/2023"},
           {"text": "Later action", "lead_role": "DHT", "by_when": "1/12/2099"})
    Action.objects.filter(text="Later action").update(status="complete")
    page = client_for(head).get(reverse("actions:school", kwargs={"urn": school.urn})).content.decode()
    open_part, closed_part = page.split("Closed (")
    assert "Overdue phonics action" in open_part and "Overdue" in open_part
    assert "Later action" in closed_part


def test_overdue_actions_for_the_officer_and_the_senior_adviser(client_for, personas, school, authority):
    officer, head = personas["monitoring_officer"], personas["headteacher"]
    _agree(officer, head, school, {"text": "Mine and overdue", "by_when": "1/12/2023"},
           {"text": "Mine, not due", "by_when": "1/12/2099"})
    colleague = UserFactory(authority=authority, role=Role.MONITORING_OFFICER)
    assert "Mine and overdue" in client_for(officer).get(reverse("actions:overdue")).content.decode()
    page = client_for(colleague).get(reverse("actions:overdue")).content.decode()
    assert "Mine and overdue" not in page and "No actions are overdue" in page
    page = client_for(personas["senior_adviser"]).get(reverse("actions:overdue")).content.decode()
    assert "Mine and overdue" in page and "Mine, not due" not in page


def test_action_rules():
    assert Action(text="x", status="open", due_date=datetime.date(2020, 1, 1)).is_overdue(datetime.date(2021, 1, 1))
    assert not Action(text="x", status="complete", due_date=datetime.date(2020, 1, 1)).is_overdue(datetime.date(2021, 1, 1))
    with pytest.raises(ValidationError, match="Enter the action"):
        Action(text="  ").clean()


def test_progress_entries_are_immutable(personas, school):
    officer, head = personas["monitoring_officer"], personas["headteacher"]
    _agree(officer, head, school, {"text": "An action", "by_when": "1/12/2023"})
    entry = ActionProgress.objects.create(action=Action.objects.get(), status="on_track", actor=officer)
    entry.comment = "rewritten"
    with pytest.raises(ValidationError):
        entry.save()
