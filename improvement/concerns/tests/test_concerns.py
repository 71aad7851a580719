from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from improvement.concerns import services
from improvement.concerns.models import Concern, ConcernUpdate
from improvement.visits.tests.factories import make_visit, save, take

pytestmark = pytest.mark.django_db

FLAG = 'id="concern-flag-title"'


@pytest.fixture
def concern(personas, school):
    officer = personas["monitoring_officer"]
    visit = make_visit(officer, school)
    save(officer, visit, concerns=[{"category": "Safeguarding", "description": "Single central record gaps"}])
    take(officer, visit, "send")
    return Concern.objects.get(source_visit=visit)


def test_concern_lands_in_the_queue_and_flags_the_profile(client_for, personas, school, concern):
    adviser = client_for(personas["senior_adviser"])
    assert "Single central record gaps" in adviser.get(reverse("concerns:queue")).content.decode()
    profile = adviser.get(reverse("schools:detail", kwargs={"urn": school.urn})).content.decode()
    assert FLAG in profile and "1 open concern shared with the LA: Safeguarding." in profile
    viewer_profile = client_for(personas["la_viewer"]).get(reverse("schools:detail", kwargs={"urn": school.urn}))
    assert FLAG in viewer_profile.content.decode()
    head_profile = client_for(personas["headteacher"]).get(reverse("schools:detail", kwargs={"urn": school.urn}))
    assert FLAG not in head_profile.content.decode()


def test_status_changes_are_recorded_with_notes_and_closing_removes_the_flag(client_for, personas, school, concern):
    client = client_for(personas["senior_adviser"])
    url = reverse("concerns:detail", kwargs={"pk": concern.pk})
    response = client.post(url, {"status": "acknowledged", "note": "Called the headteacher"})
    assert response.status_code == 302
    response = client.post(url, {"status": "acknowledged", "note": ""})
    assert response.status_code == 400 and "Change the status or add a note" in response.content.decode()
    client.post(url, {"status": "closed", "note": "Audit complete"})
    concern.refresh_from_db()
    assert concern.status == "closed"
    assert list(ConcernUpdate.objects.values_list("to_status", "note")) == [
        ("acknowledged", "Called the headteacher"), ("closed", "Audit complete")]
    profile = client.get(reverse("schools:detail", kwargs={"urn": school.urn})).content.decode()
    assert FLAG not in profile


def test_bad_status_and_wrong_role_are_refused(personas, concern):
    with pytest.raises(ValidationError):
        services.update_concern(actor=personas["senior_adviser"], concern=concern, status="solved")
    with pytest.raises(PermissionDenied):
        services.update_concern(actor=personas["monitoring_officer"], concern=concern, status="closed")
    concern.refresh_from_db()
    assert concern.status == "new" and not ConcernUpdate.objects.exists()
