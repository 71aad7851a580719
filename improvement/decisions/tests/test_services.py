"""Services: every write checks the actor, refuses bad input whole, and leaves an audit trail."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from improvement.decisions import services
from improvement.decisions.models import (
    AdditionalVisits,
    Categorisation,
    DecisionOverride,
    PackSettingChange,
    SchoolFlag,
)

TODAY = timezone.localdate


@pytest.fixture
def officer(personas):
    return personas["monitoring_officer"]


def _counts():
    return tuple(m.objects.count() for m in (SchoolFlag, Categorisation, AdditionalVisits, DecisionOverride,
                                              PackSettingChange))


# Who may write ------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["network_lead", "la_viewer", "headteacher", "chair_of_governors", "trust_ceo"])
def test_only_officers_record(personas, school, role):
    with pytest.raises(PermissionDenied):
        services.raise_flag(actor=personas[role], school=school, key="cmo_visit_concerns", note="n",
                            raised_on=TODAY())
    with pytest.raises(PermissionDenied):
        services.record_override(actor=personas[role], school=school, decision_key="dfe.ofsted_window",
                                 value="x", reason="y")
    assert _counts() == (0, 0, 0, 0, 0)


def test_officers_of_another_authority_are_refused(personas, other_school):
    with pytest.raises(PermissionDenied):
        services.record_categorisation(actor=personas["senior_adviser"], school=other_school,
                                       academic_year="2023/24", la_category=1)
    assert Categorisation.objects.count() == 0


# Flags ----------------------------------------------------------------------------------------


def test_flag_raised_and_cleared_with_history(officer, school):
    flag = services.raise_flag(actor=officer, school=school, key="at_risk_adverse_ofsted", note=" Data ",
                               raised_on=date(2024, 1, 2))
    assert flag.note == "Data" and flag.is_active and flag.raised_by == officer
    services.clear_flag(actor=officer, flag=flag, reason="Inspection went well", cleared_on=date(2024, 3, 1))
    flag.refresh_from_db()
    assert not flag.is_active and flag.cleared_by == officer and flag.cleared_reason == "Inspection went well"
    history = list(flag.history.order_by("history_id"))
    assert [h.history_user for h in history] == [officer, officer]
    assert history[-1].history_change_reason == "Flag cleared: Inspection went well"


@pytest.mark.parametrize(("key", "note", "raised_on", "field"), [
    ("not_a_flag", "n", date(2024, 1, 1), "key"),
    ("cmo_visit_concerns", "   ", date(2024, 1, 1), "note"),
    ("cmo_visit_concerns", "n", TODAY() + timedelta(days=1), "raised_on"),
])
def test_bad_flags_save_nothing(officer, school, key, note, raised_on, field):
    with pytest.raises(ValidationError) as error:
        services.raise_flag(actor=officer, school=school, key=key, note=note, raised_on=raised_on)
    assert field in error.value.message_dict
    assert SchoolFlag.objects.count() == 0 and SchoolFlag.history.count() == 0


def test_a_flag_cannot_be_raised_twice_or_cleared_twice(officer, school):
    flag = services.raise_flag(actor=officer, school=school, key="cmo_visit_concerns", note="n",
                               raised_on=date(2024, 1, 1))
    with pytest.raises(ValidationError, match="already raised"):
        services.raise_flag(actor=officer, school=school, key="cmo_visit_concerns", note="again",
                            raised_on=date(2024, 1, 2))
    with pytest.raises(ValidationError):
        services.clear_flag(actor=officer, flag=flag, reason="", cleared_on=date(2024, 2, 1))
    with pytest.raises(ValidationError):
        services.clear_flag(actor=officer, flag=flag, reason="Too early", cleared_on=date(2023, 12, 31))
    services.clear_flag(actor=officer, flag=flag, reason="Resolved")
    with pytest.raises(ValidationError, match="already been cleared"):
        services.clear_flag(actor=officer, flag=flag, reason="Again")
    # Once cleared, the same flag can be raised again.
    services.raise_flag(actor=officer, school=school, key="cmo_visit_concerns", note="back", raised_on=TODAY())
    assert SchoolFlag.objects.filter(school=school).count() == 2


# Categorisation and agreed visits -------------------------------------------------------------


def test_categorisation_is_one_row_per_year_with_history(officer, school, personas):
    services.record_categorisation(actor=officer, school=school, academic_year="2023/24", la_category=3)
    row = services.record_categorisation(actor=personas["senior_adviser"], school=school,
                                         academic_year="2023/24", la_category=2, new_improvement_partner=False)
    assert Categorisation.objects.count() == 1
    assert (row.la_category, row.new_improvement_partner, row.recorded_by) == (2, False, personas["senior_adviser"])
    assert [h.la_category for h in row.history.order_by("history_id")] == [3, 2]


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"academic_year": "2023/25", "la_category": 1}, "academic_year"),
    ({"academic_year": "2023-24", "la_category": 1}, "academic_year"),
    ({"academic_year": "2023/24", "la_category": 5}, "la_category"),
    ({"academic_year": "2023/24", "la_category": 0}, "la_category"),
    ({"academic_year": "2023/24", "la_category": 1, "kent_support_level": "extreme"}, "kent_support_level"),
    ({"academic_year": "2023/24", "la_category": None}, "at least one"),
])
def test_bad_categorisation_saves_nothing(officer, school, kwargs, message):
    with pytest.raises(ValidationError) as error:
        services.record_categorisation(actor=officer, school=school, **kwargs)
    assert message in str(error.value)
    assert Categorisation.objects.count() == 0


@pytest.mark.parametrize(("count", "reason", "agreed_on", "field"), [
    (0, "r", date(2023, 9, 1), "count"),
    (-1, "r", date(2023, 9, 1), "count"),
    (True, "r", date(2023, 9, 1), "count"),
    (21, "r", date(2023, 9, 1), "count"),
    (1, "  ", date(2023, 9, 1), "reason"),
    (1, "r", TODAY() + timedelta(days=1), "agreed_on"),
])
def test_bad_additional_visits_save_nothing(officer, school, count, reason, agreed_on, field):
    with pytest.raises(ValidationError) as error:
        services.agree_additional_visits(actor=officer, school=school, academic_year="2023/24", count=count,
                                         reason=reason, agreed_on=agreed_on)
    assert field in error.value.message_dict
    assert AdditionalVisits.objects.count() == 0


def test_additional_visits_are_withdrawn_not_deleted(officer, school):
    visits = services.agree_additional_visits(actor=officer, school=school, academic_year="2023/24", count=2,
                                              reason="New head", agreed_on=date(2023, 9, 1))
    with pytest.raises(ValidationError):
        services.withdraw_additional_visits(actor=officer, visits=visits, reason=" ")
    services.withdraw_additional_visits(actor=officer, visits=visits, reason="Entered twice")
    visits.refresh_from_db()
    assert not visits.is_active and visits.withdrawn_by == officer
    assert visits.history.count() == 2


# Overrides ------------------------------------------------------------------------------------


def test_override_recorded_once_and_revoked(officer, school, personas):
    override = services.record_override(actor=officer, school=school, decision_key="coventry.visit_entitlement",
                                        value="4", reason="Agreed at SIB", computed_value="3")
    assert override.is_active and override.created_by == officer and override.computed_value == "3"
    with pytest.raises(ValidationError, match="already has an active override"):
        services.record_override(actor=officer, school=school, decision_key="coventry.visit_entitlement",
                                 value="5", reason="Again")
    services.revoke_override(actor=personas["senior_adviser"], override=override, reason="Category changed")
    override.refresh_from_db()
    assert override.revoked_by == personas["senior_adviser"] and override.revoked_reason == "Category changed"
    with pytest.raises(ValidationError, match="already been revoked"):
        services.revoke_override(actor=officer, override=override)
    services.record_override(actor=officer, school=school, decision_key="coventry.visit_entitlement",
                             value="2", reason="New year")
    assert DecisionOverride.objects.count() == 2
    assert [h.history_user for h in override.history.order_by("history_id")] == [officer, personas["senior_adviser"]]


@pytest.mark.parametrize(("key", "value", "reason", "field"), [
    ("coventry.no_such_decision", "4", "r", "decision_key"),
    ("coventry.visit_entitlement", " ", "r", "value"),
    ("coventry.visit_entitlement", "4", "", "reason"),
    ("coventry.visit_entitlement", "x" * 501, "r", "value"),
])
def test_bad_overrides_save_nothing(officer, school, key, value, reason, field):
    with pytest.raises(ValidationError) as error:
        services.record_override(actor=officer, school=school, decision_key=key, value=value, reason=reason)
    assert field in error.value.message_dict
    assert DecisionOverride.objects.count() == 0


# Pack settings --------------------------------------------------------------------------------


def test_packs_chosen_per_year_and_logged(personas, authority):
    admin = personas["la_admin"]
    services.set_policy_packs(actor=admin, authority=authority, academic_year="2023/24",
                              pack_ids=["coventry-2023-24", "england-dfe-2022-not-making-necessary-improvements"])
    authority.refresh_from_db()
    assert authority.policy_packs == {
        "2023/24": ["coventry-2023-24", "england-dfe-2022-not-making-necessary-improvements"]}
    services.set_policy_packs(actor=admin, authority=authority, academic_year="2023/24", pack_ids=[])
    authority.refresh_from_db()
    assert authority.policy_packs == {}
    log = list(PackSettingChange.objects.order_by("pk").values_list("before", "after", "changed_by"))
    assert log == [([], ["coventry-2023-24", "england-dfe-2022-not-making-necessary-improvements"], admin.pk),
                   (["coventry-2023-24", "england-dfe-2022-not-making-necessary-improvements"], [], admin.pk)]


@pytest.mark.parametrize(("year", "packs", "message"), [
    ("2023/24", ["no-such-pack"], "Unknown policy pack: no-such-pack"),
    ("2023/24", ["../../etc/passwd"], "Unknown policy pack"),
    ("2023-24", ["coventry-2023-24"], "like 2023/24"),
    ("2023/25", ["coventry-2023-24"], "like 2023/24"),
    ("2024/25", ["coventry-2023-24"], "applies to 2023/24 only"),
])
def test_bad_pack_settings_change_nothing(personas, authority, year, packs, message):
    with pytest.raises(ValidationError, match=message):
        services.set_policy_packs(actor=personas["la_admin"], authority=authority, academic_year=year,
                                  pack_ids=packs)
    authority.refresh_from_db()
    assert authority.policy_packs == {} and PackSettingChange.objects.count() == 0


@pytest.mark.parametrize("role", ["senior_adviser", "monitoring_officer", "other_la_officer"])
def test_only_the_authoritys_admin_chooses_packs(personas, authority, role):
    with pytest.raises(PermissionDenied):
        services.set_policy_packs(actor=personas[role], authority=authority, academic_year="2023/24",
                                  pack_ids=["coventry-2023-24"])


def test_an_admin_cannot_choose_for_another_authority(personas, other_authority):
    with pytest.raises(PermissionDenied):
        services.set_policy_packs(actor=personas["la_admin"], authority=other_authority,
                                  academic_year="2023/24", pack_ids=["coventry-2023-24"])
