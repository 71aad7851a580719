"""Meeting templates (School Improvement Boards, Progress Check-Ins, Round Table Meetings) share
the record template engine with visit records but are never offered as visit records."""

from __future__ import annotations

import datetime
from types import SimpleNamespace

import pytest
from django.urls import reverse

from improvement.policy import record_templates
from improvement.visits import services
from improvement.visits.models import Visit

MEETING_IDENTS = {"coventry-sib-entry@1", "coventry-sib-standard@1", "coventry-sib-exit@1",
                  "coventry-pci@1", "kent-rtm@1"}


def _idents(templates) -> set[str]:
    return {t.ident for t in templates}


def test_the_registry_holds_meeting_templates_the_visit_screens_leave_out():
    assert MEETING_IDENTS <= set(record_templates.registry())
    # An authority that has chosen no pack sees every shipped template: every visit template only.
    offered = services.usable_templates(authority=SimpleNamespace(code="901", policy_packs={}),
                                        day=datetime.date(2023, 10, 2))
    assert offered and all(t.record_kind == "visit" for t in offered)
    assert not _idents(offered) & MEETING_IDENTS
    assert _idents(offered) == {t.ident for t in record_templates.registry().values() if t.record_kind == "visit"}


def test_a_pack_or_la_code_that_has_meeting_templates_offers_only_its_visit_templates():
    coventry = SimpleNamespace(code="901", policy_packs={"2023/24": ["coventry-2023-24"]})
    offered = services.usable_templates(authority=coventry, day=datetime.date(2023, 10, 2))
    assert _idents(offered) == {"coventry-cmo-record-of-visit@1"}
    coventry_by_code = SimpleNamespace(code="331", policy_packs={})
    offered = services.usable_templates(authority=coventry_by_code, day=datetime.date(2023, 10, 2))
    assert _idents(offered) == {"coventry-cmo-record-of-visit@1"}
    kent = SimpleNamespace(code="886", policy_packs={})
    offered = services.usable_templates(authority=kent, day=datetime.date(2009, 10, 16))
    assert [t.key for t in offered] == [
        "kent-note-of-visit-familiarisation", "kent-note-of-visit-autumn",
        "kent-note-of-visit-spring", "kent-note-of-visit-summer",
    ]


@pytest.mark.django_db
def test_the_new_visit_page_neither_lists_nor_accepts_a_meeting_template(client_for, personas, school):
    client = client_for(personas["monitoring_officer"])
    url = reverse("visits:create", kwargs={"urn": school.urn})
    page = client.get(url).content.decode()
    assert "Coventry Monitoring Office (CMO) 2023-24 Record of Visit" in page
    for title in ("School Improvement Board", "Progress Check-In", "Round Table Meeting"):
        assert title not in page
    for ident in sorted(MEETING_IDENTS):
        assert ident not in page
        response = client.post(url, {"template": ident, "date_day": "2", "date_month": "10",
                                     "date_year": "2023"})
        assert response.status_code == 200  # the form is shown again with the choice refused
    assert not Visit.objects.exists()
