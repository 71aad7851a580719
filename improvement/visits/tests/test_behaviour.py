"""Who sees which record, deadlines and overdue flags, Kent recommendations carried into the next
note, era-aware self-evaluation rows, good practice search."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.urls import reverse

from improvement.accounts.roles import Role
from improvement.accounts.tests.factories import UserFactory
from improvement.visits import selectors, services
from improvement.visits.content import judgement_areas
from improvement.visits.models import VisitRecord
from improvement.visits.tests.factories import KENT_AUTUMN, finalise, make_visit, save, take

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(personas):
    return personas["monitoring_officer"]


@pytest.fixture
def head(personas):
    return personas["headteacher"]


def _visible(user):
    return set(selectors.visible_visits(user).values_list("pk", flat=True))


def test_who_sees_which_record(officer, head, personas, school, authority):
    second_officer = UserFactory(authority=authority, role=Role.MONITORING_OFFICER)
    draft = make_visit(officer, school)
    sent = make_visit(officer, school)
    take(officer, sent, "send")
    distributed = make_visit(officer, school)
    finalise(officer, head, distributed)
    take(officer, distributed, "distribute")
    others = make_visit(second_officer, school)

    assert _visible(officer) == {draft.pk, sent.pk, distributed.pk}
    assert _visible(second_officer) == {others.pk}
    assert _visible(personas["senior_adviser"]) == {draft.pk, sent.pk, distributed.pk, others.pk}
    assert _visible(head) == {sent.pk, distributed.pk}
    assert _visible(personas["trust_ceo"]) == {distributed.pk}  # Coventry distributes to the CEO
    assert _visible(personas["chair_of_governors"]) == set()  # ...and the head shares with the chair
    for role in ("la_admin", "network_lead", "la_viewer", "other_la_officer"):
        assert _visible(personas[role]) == set()


def test_headteacher_of_another_school_sees_nothing(officer, head, sibling_school, authority):
    other_head = UserFactory(authority=authority, role=Role.HEADTEACHER, school=sibling_school)
    visit = make_visit(officer, sibling_school)
    take(officer, visit, "send")
    assert _visible(other_head) == {visit.pk} and _visible(head) == set()


def test_kent_deadlines_and_overdue_flags_on_the_officers_list(client_for, officer, head, school):
    visit = make_visit(officer, school, template=KENT_AUTUMN, day=datetime.date(2009, 10, 16))
    with time_machine.travel(datetime.datetime(2009, 10, 26, 9, tzinfo=datetime.UTC)):
        draft_due, circulated_due = selectors.due_dates(visit)
        assert (draft_due.due, draft_due.overdue) == (datetime.date(2009, 10, 23), True)
        assert (circulated_due.due, circulated_due.overdue) == (datetime.date(2009, 11, 6), False)
        page = client_for(officer).get(reverse("visits:list") + "?show=overdue").content.decode()
        assert "Overdue" in page and school.name in page
        take(officer, visit, "send")
        visit.refresh_from_db()
        assert [d.met for d in selectors.due_dates(visit)] == [True, False]
    # Coventry states no deadline, so none is shown.
    coventry = make_visit(officer, school)
    assert selectors.due_dates(coventry) == []


def test_kent_recommendations_are_imported_into_the_next_note(officer, head, school):
    autumn = make_visit(officer, school, template=KENT_AUTUMN, day=datetime.date(2009, 10, 16))
    save(officer, autumn, recommendations=[
        {"text": "Raise attainment in writing at KS2", "lead_role": "Deputy headteacher", "lead_initials": "EF",
         "success_measure": "75% at level 4", "by_when": "July 2010"},
    ])
    finalise(officer, head, autumn)
    spring = make_visit(officer, school, template="kent-note-of-visit-spring", day=datetime.date(2010, 2, 3))
    carried = list(services.carried_forward_actions(spring))
    assert [a.text for a in carried] == ["Raise attainment in writing at KS2"]
    assert carried[0].success_measure == "75% at level 4" and carried[0].due_date == datetime.date(2010, 7, 31)
    view = selectors.record_display(visit=spring, role="monitoring_officer")
    assert view.carried_forward_title == "Recommendations from earlier notes of visit"
    assert view.carried_forward[0]["lead"] == "Deputy headteacher (EF)"


def test_self_evaluation_rows_follow_the_framework_era(officer, school):
    eif = make_visit(officer, school, day=datetime.date(2023, 10, 2))
    report_card = make_visit(officer, school, day=datetime.date(2025, 12, 1))
    kent = make_visit(officer, school, template=KENT_AUTUMN, day=datetime.date(2009, 10, 16))
    assert [a.key for a in judgement_areas(eif)][:2] == ["overall_effectiveness", "quality_of_education"]
    assert "inclusion" in [a.key for a in judgement_areas(report_card)]
    assert "overall_effectiveness" not in [a.key for a in judgement_areas(report_card)]
    assert "capacity_to_improve" in [a.key for a in judgement_areas(kent)]


def test_good_practice_is_searchable_across_the_authority(client_for, officer, head, personas, school):
    visit = make_visit(officer, school)
    save(officer, visit, good_practice=[{"area": "SEND", "description": "Provision maps shared with parents"},
                                        {"area": "Reading", "description": "Reading ambassadors"}])
    finalise(officer, head, visit)
    client = client_for(personas["network_lead"])
    page = client.get(reverse("visits:good_practice") + "?q=provision").content.decode()
    assert "Provision maps shared with parents" in page and "Reading ambassadors" not in page
    page = client.get(reverse("visits:good_practice") + "?area=Reading").content.decode()
    assert "Reading ambassadors" in page and "Provision maps" not in page
    other = client_for(personas["other_la_officer"]).get(reverse("visits:good_practice")).content.decode()
    assert "Reading ambassadors" not in other


def test_distributed_record_is_emailed_and_readable_by_its_recipients(client_for, officer, head, personas, school,
                                                                      mailoutbox, django_capture_on_commit_callbacks):
    visit = make_visit(officer, school)
    finalise(officer, head, visit)
    client = client_for(officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("visits:step", kwargs={"pk": visit.pk, "step": "distribute"}))
    assert response.status_code == 302
    assert {m.to[0] for m in mailoutbox} == {"headteacher@example.test", "ceo@example.test"}
    assert f"/visits/{visit.pk}/" in mailoutbox[0].body
    assert client_for(personas["trust_ceo"]).get(reverse("visits:detail", kwargs={"pk": visit.pk})).status_code == 200


def test_the_record_page_hides_concerns_from_trust_ceos(client_for, officer, head, personas, school):
    visit = make_visit(officer, school)
    save(officer, visit, concerns=[{"category": "Complaints", "description": "Parental complaints rising"}])
    finalise(officer, head, visit)
    take(officer, visit, "distribute")
    assert "Parental complaints rising" in client_for(head).get(
        reverse("visits:detail", kwargs={"pk": visit.pk})).content.decode()
    assert "Parental complaints rising" not in client_for(personas["trust_ceo"]).get(
        reverse("visits:detail", kwargs={"pk": visit.pk})).content.decode()


def test_staff_present_in_the_record_is_the_visits(officer, school):
    visit = make_visit(officer, school)
    save(officer, visit, school_staff_present=[{"role": "Headteacher", "name": "HT"}, {"role": "", "name": ""}])
    visit.refresh_from_db()
    assert visit.staff_present == [{"role": "Headteacher", "name": "HT"}]
    assert VisitRecord.objects.get(visit=visit).content["school_staff_present"][0]["role"] == "Headteacher"


def test_headteacher_shares_a_coventry_record_with_the_chair(client_for, officer, head, personas, school, mailoutbox,
                                                             django_capture_on_commit_callbacks):
    visit = make_visit(officer, school)
    finalise(officer, head, visit)
    url = reverse("visits:share_with_chair", kwargs={"pk": visit.pk})
    response = client_for(head).post(url)
    assert response.status_code == 400 and "once it has been distributed" in response.content.decode()
    take(officer, visit, "distribute")
    assert client_for(personas["chair_of_governors"]).get(
        reverse("visits:detail", kwargs={"pk": visit.pk})).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        assert client_for(head).post(url).status_code == 302
    assert [m.to[0] for m in mailoutbox] == ["chair@example.test"]
    assert client_for(personas["chair_of_governors"]).get(
        reverse("visits:detail", kwargs={"pk": visit.pk})).status_code == 200
