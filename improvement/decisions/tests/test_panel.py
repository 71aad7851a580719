"""The "Monitoring and support" panel on the school profile, and overrides."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from improvement.decisions import services
from improvement.decisions.models import DecisionOverride, SchoolFlag
from improvement.inspections.tests.factories import InspectionFactory
from improvement.schools.models import SchoolEvent

AS_OF = {"as_of_day": "15", "as_of_month": "1", "as_of_year": "2024"}
COVENTRY_2023 = {"2023/24": ["coventry-2023-24", "england-dfe-2022-not-making-necessary-improvements"]}


@pytest.fixture
def coventry(authority):
    authority.policy_packs = COVENTRY_2023
    authority.save()
    return authority


def _profile(client, school, **query):
    return client.get(reverse("schools:detail", kwargs={"urn": school.urn}), query)


def _panel(response) -> str:
    html = response.content.decode()
    start = html.index('id="monitoring-and-support"')
    return html[start:html.index('id="inspections"')]


def test_panel_shows_each_decision_with_reasons_rule_pack_and_source(client_for, personas, school, coventry):
    services.record_categorisation(actor=personas["senior_adviser"], school=school, academic_year="2023/24",
                                   la_category=2)
    services.agree_additional_visits(actor=personas["senior_adviser"], school=school, academic_year="2023/24",
                                     count=2, reason="New leadership team", agreed_on=date(2023, 9, 10))
    panel = _panel(_profile(client_for(personas["la_viewer"]), school, **AS_OF))
    assert "academic year 2023/24" in panel and "Packs chosen by the authority" in panel
    assert "Coventry 2023/24: CMO allocation and support levels" in panel
    assert "CMO visits this academic year" in panel
    assert "<br>5</dd>" in panel  # 3 for category 2, plus 2 agreed
    assert "Primary schools in category 2 have a default allocation of 3 CMO visits." in panel
    assert "coventry.visit_entitlement.primary.category_2" in panel
    assert "Coventry 2023/24, CMO allocation, primary: category 2 -&gt; 3 visits" in panel
    assert "2 additional visit(s) agreed by" in panel and "New leadership team" in panel
    assert "Not making necessary improvements" in panel or "dfe.not_making_necessary_improvements" in panel
    # A viewer reads but records nothing.
    assert "Override<span" not in panel and "Change<span" not in panel


def test_cannot_decide_names_the_missing_facts_and_where_to_record_them(client_for, personas, school, coventry):
    school.headteacher_start_date = None
    school.save()
    officer_panel = _panel(_profile(client_for(personas["monitoring_officer"]), school, **AS_OF))
    assert "Cannot decide" in officer_panel
    assert "The LA category is not recorded." in officer_panel
    assert "The LA category for the academic year" in officer_panel
    categorisation = reverse("decisions:categorisation", kwargs={"urn": school.urn}) + "?year=2023%2F24"
    assert categorisation in officer_panel
    assert "The headteacher&#x27;s start date" in officer_panel
    # Only LA administrators edit school details, so officers get no link for that fact.
    assert reverse("schools:edit", kwargs={"urn": school.urn}) not in officer_panel
    admin_panel = _panel(_profile(client_for(personas["la_admin"]), school, **AS_OF))
    assert reverse("schools:edit", kwargs={"urn": school.urn}) in admin_panel


def test_phase_without_a_rule_says_so_never_zero(client_for, personas, school, coventry):
    school.phase = "nursery"
    school.save()
    panel = _panel(_profile(client_for(personas["la_viewer"]), school, **AS_OF))
    assert "No rule" in panel and "Set the entitlement manually." in panel


def test_to_be_confirmed_pack_is_marked(client_for, personas, school):
    panel = _panel(_profile(client_for(personas["la_viewer"]), school,
                            as_of_day="15", as_of_month="1", as_of_year="2026"))
    assert "No packs have been chosen for 2025/26" in panel
    assert "England 2025/26" in panel
    assert "To be confirmed" in panel and "to be confirmed against current statutory guidance" in panel


def test_no_pack_for_the_year_is_said_plainly(client_for, personas, school, time_machine):
    time_machine.move_to(date(2031, 10, 1))
    panel = _panel(_profile(client_for(personas["la_viewer"]), school))
    assert "No policy pack covers 2031/32" in panel
    # ...and offers the latest year a pack covers.
    assert "as_of_day=31&amp;as_of_month=8&amp;as_of_year=2026" in panel
    assert "Show decisions as of 31 August 2026" in panel


def test_future_as_of_date_is_refused_and_today_used(client_for, personas, school):
    response = _profile(client_for(personas["la_viewer"]), school, as_of_day="1", as_of_month="1",
                        as_of_year="2999")
    panel = _panel(response)
    assert "cannot be in the future" in panel and "(today)" in panel


@pytest.mark.parametrize("role", ["headteacher", "chair_of_governors", "trust_ceo"])
def test_school_side_users_see_no_panel(client_for, personas, school, coventry, role):
    SchoolFlag.objects.create(school=school, key="lacks_leadership_capacity", note="Confidential",
                              raised_on=date(2023, 10, 1), raised_by=personas["senior_adviser"])
    html = _profile(client_for(personas[role]), school, **AS_OF).content.decode()
    assert "Monitoring and support" not in html
    assert "Lacks the leadership capacity" not in html


def test_override_page_shows_the_computed_decision(client_for, personas, school, coventry):
    url = reverse("decisions:override_create", kwargs={"urn": school.urn, "key": "coventry.visit_entitlement"})
    html = client_for(personas["monitoring_officer"]).get(url, AS_OF).content.decode()
    assert "Override: CMO visits this academic year" in html
    assert "Cannot decide" in html and "The LA category is not recorded." in html


def test_override_is_shown_beside_the_computed_value_and_audited(client_for, personas, school, coventry):
    services.record_categorisation(actor=personas["senior_adviser"], school=school, academic_year="2023/24",
                                   la_category=3)
    client = client_for(personas["monitoring_officer"])
    url = reverse("decisions:override_create", kwargs={"urn": school.urn, "key": "coventry.visit_entitlement"})
    response = client.post(url + "?as_of_day=15&as_of_month=1&as_of_year=2024",
                           {"value": "4 visits", "reason": "Agreed at the <b>board</b>"})
    assert response.status_code == 302
    assert response["Location"].endswith("#monitoring-and-support")
    override = DecisionOverride.objects.get()
    assert override.created_by == personas["monitoring_officer"]
    assert override.computed_value == "2"
    assert override.history.get().history_user == personas["monitoring_officer"]

    panel = _panel(_profile(client, school, **AS_OF))
    assert "Overridden value" in panel and "4 visits" in panel
    assert "Computed value" in panel and "<br>2</dd>" in panel
    assert personas["monitoring_officer"].full_name in panel
    assert "Agreed at the &lt;b&gt;board&lt;/b&gt;" in panel  # escaped
    assert "Revoke override" in panel


def test_override_without_a_value_or_reason_saves_nothing(client_for, personas, school, coventry):
    url = reverse("decisions:override_create", kwargs={"urn": school.urn, "key": "coventry.visit_entitlement"})
    response = client_for(personas["senior_adviser"]).post(url, {"value": "4", "reason": "  "})
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html and 'href="#id_reason"' in html
    assert DecisionOverride.objects.count() == 0 and DecisionOverride.history.count() == 0


def test_a_second_override_is_refused_while_one_is_active(client_for, personas, school, coventry):
    services.record_override(actor=personas["senior_adviser"], school=school,
                             decision_key="coventry.visit_entitlement", value="4", reason="r")
    url = reverse("decisions:override_create", kwargs={"urn": school.urn, "key": "coventry.visit_entitlement"})
    client = client_for(personas["monitoring_officer"])
    assert "Revoke that override" in client.get(url).content.decode()
    response = client.post(url, {"value": "5", "reason": "Mine"})
    assert response.status_code == 400 and "already has an active override" in response.content.decode()
    assert DecisionOverride.objects.count() == 1


def test_unknown_decision_or_other_authoritys_school_is_404(client_for, personas, school, other_school):
    client = client_for(personas["senior_adviser"])
    bad_key = reverse("decisions:override_create", kwargs={"urn": school.urn, "key": "coventry.nonsense"})
    other = reverse("decisions:override_create", kwargs={"urn": other_school.urn, "key": "dfe.ofsted_window"})
    assert client.get(bad_key).status_code == 404
    assert client.post(other, {"value": "x", "reason": "y"}).status_code == 404
    assert DecisionOverride.objects.count() == 0


def test_revoke_asks_first_then_restores_the_computed_value(client_for, personas, school, coventry):
    override = services.record_override(actor=personas["senior_adviser"], school=school,
                                        decision_key="coventry.visit_entitlement", value="4", reason="r")
    client = client_for(personas["la_admin"])
    url = reverse("decisions:override_revoke", kwargs={"urn": school.urn, "pk": override.pk})
    assert "Are you sure you want to revoke this override?" in client.get(url).content.decode()
    assert DecisionOverride.objects.get().is_active  # GET changes nothing
    response = client.post(url, {"reason": "Category reviewed"})
    assert response.status_code == 302
    override.refresh_from_db()
    assert override.revoked_by == personas["la_admin"] and override.revoked_reason == "Category reviewed"
    panel = _panel(_profile(client, school, **AS_OF))
    assert "Overridden value" not in panel
    # A second click is harmless.
    assert client.post(url, {"reason": "again"}).status_code == 302


def test_override_of_a_decision_not_made_this_year_stays_visible(client_for, personas, school, coventry):
    services.record_override(actor=personas["senior_adviser"], school=school,
                             decision_key="kent.round_table_meetings", value="Termly", reason="Agreed")
    panel = _panel(_profile(client_for(personas["senior_adviser"]), school, **AS_OF))
    assert "Overrides of decisions not made for 2023/24" in panel
    assert "Round Table Meetings" in panel and "Termly" in panel


def _profile_queries(client, school) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = _profile(client, school, **AS_OF)
    assert response.status_code == 200
    return len(queries)


def test_profile_panel_queries_do_not_grow_with_the_record(client_for, personas, school, coventry):
    client = client_for(personas["senior_adviser"])
    _profile(client, school, **AS_OF)  # warm caches (session, packs)
    small = _profile_queries(client, school)
    adviser = personas["senior_adviser"]
    for n in range(6):
        InspectionFactory(school=school, start_date=date(2012 + n, 3, 1), era="s5-2012",
                          judgements={"overall_effectiveness": "good", "leadership_and_management": "good"})
        SchoolEvent.objects.create(school=school, kind="headteacher_change", occurred_on=date(2015 + n, 9, 1))
        services.agree_additional_visits(actor=adviser, school=school, academic_year="2023/24", count=1,
                                         reason=f"r{n}", agreed_on=date(2023, 9, 1 + n))
    for key in ("cmo_visit_concerns", "performance_data_concern", "self_evaluation_concerns"):
        services.raise_flag(actor=adviser, school=school, key=key, note="n", raised_on=date(2023, 10, 1))
    for key in ("coventry.visit_entitlement", "coventry.support_level", "coventry.network_focus"):
        services.record_override(actor=adviser, school=school, decision_key=key, value="v", reason="r")
    assert _profile_queries(client, school) == small
