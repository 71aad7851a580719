"""Kent 2009/10: improvement partner time, visit calendar, NCA days, triggers, RTMs and JEMs."""

from __future__ import annotations

from datetime import date

import pytest

from improvement.policy.tests.builders import decide, full, school, sentences, sources

KENT = "kent-2009-10"
AS_OF = date(2010, 1, 15)
CATEGORY = {"inspection_type": "full", "start_date": "2009-06-10", "category_of_concern":
            "special_measures", "judgements": {"overall_effectiveness": "inadequate"}}
NOTICE = {**CATEGORY, "category_of_concern": "notice_to_improve"}


def kent(key, as_of=AS_OF, **fields):
    fields.setdefault("headteacher_start_date", "2004-09-01")
    return decide(KENT, school(**fields), as_of)[f"kent.{key}"]


@pytest.mark.parametrize(("fields", "days"), [
    ({}, 5),
    ({"new_improvement_partner": True}, 6),
    ({"headteacher_start_date": "2009-09-01"}, 6),
    ({"headteacher_start_date": "2009-01-15"}, 5),  # exactly one year: no longer new
    ({"new_improvement_partner": True, "headteacher_start_date": "2009-09-01"}, 6),
    ({"kent_support_level": "substantial"}, 7),
    ({"kent_support_level": "intensive"}, 10),
    ({"kent_support_level": "intensive", "new_improvement_partner": True}, 11),
    ({"kent_support_level": "outreach"}, 5),
])
def test_improvement_partner_days(fields, days):
    decision = kent("improvement_partner_days", **fields)
    assert (decision.status, decision.value) == ("decided", days)


def test_days_cannot_be_decided_without_the_support_level():
    decision = kent("improvement_partner_days", kent_support_level=None)
    assert decision.status == "cannot_decide"
    assert decision.missing_facts == ("kent_support_level",)


def test_visit_calendar_uses_the_handbook_term_dates():
    decision = kent("visit_calendar")
    items = {item["key"]: item for item in decision.value}
    assert "familiarisation" not in items
    assert (items["autumn"]["from"], items["autumn"]["to"]) == ("2009-11-02", "2009-12-18")
    assert items["headteacher_performance_management"]["to"] == "2009-12-31"
    assert (items["spring"]["from"], items["spring"]["to"]) == ("2010-01-04", "2010-04-01")
    assert (items["summer"]["from"], items["summer"]["to"]) == ("2010-04-19", "2010-07-23")
    assert (items["spring"]["in_school"], items["spring"]["out_of_school"]) == (0.5, 1)
    assert "at least 4 half-day visits" in sentences(decision)


def test_visit_calendar_2010_11_and_familiarisation_for_a_new_partner():
    decision = kent("visit_calendar", as_of=date(2010, 10, 1), new_improvement_partner=True)
    items = {item["key"]: item for item in decision.value}
    assert (items["familiarisation"]["from"], items["familiarisation"]["to"]) == (
        "2010-09-01", "2010-10-22")
    assert items["spring"]["from"] == "2011-01-04"
    assert items["headteacher_performance_management"]["to"] == "2010-12-31"


def test_visit_calendar_adds_round_table_and_joint_evaluation_meetings_for_category_schools():
    items = {i["key"] for i in kent("visit_calendar", inspections=[CATEGORY]).value}
    assert {"round_table_meetings", "joint_evaluation_meetings"} <= items


@pytest.mark.parametrize(("flags", "value"), [
    (["national_challenge"], {"min": 6, "max": 20}),
    ([], {"min": 0, "max": 0}),
])
def test_national_challenge_adviser_days(flags, value):
    assert kent("national_challenge_adviser_days", flags=flags).value == value


@pytest.mark.parametrize("flag", ["does_not_recognise_underperformance",
                                  "lacks_leadership_capacity", "at_risk_adverse_ofsted"])
def test_each_trigger_for_concern(flag):
    decision = kent("concern_triggers", flags=[flag])
    assert decision.value == [flag]
    assert "Senior Phase Adviser" in sentences(decision)


def test_no_triggers_and_unknown_flags():
    assert kent("concern_triggers").value == []
    unknown = kent("concern_triggers", flags=None)
    assert (unknown.status, unknown.missing_facts) == ("cannot_decide", ("flags",))


@pytest.mark.parametrize(("fields", "required", "clause"), [
    ({"inspections": [CATEGORY]}, True, "category schools"),
    ({"inspections": [NOTICE]}, True, "category schools"),
    ({"flags": ["causing_particular_concern"]}, True, "schools causing particular concern"),
    ({"flags": ["improving_schools_programme"]}, True, "Improving Schools' Programmes"),
    ({"kent_support_level": "substantial"}, True, "intensive or substantial support"),
    ({"kent_support_level": "general"}, False, None),
])
def test_round_table_meetings(fields, required, clause):
    decision = kent("round_table_meetings", **fields)
    assert decision.value["required"] is required
    if clause:
        assert decision.value["frequency"] == "every season (three times a year)"
        assert any(clause in s for s in sources(decision))


@pytest.mark.parametrize(("fields", "required"), [
    ({"inspections": [CATEGORY]}, True),
    ({"flags": ["leadership_significant_concern"]}, True),
    ({"inspections": [full("2009-06-10", "satisfactory")]}, False),
])
def test_joint_evaluation_meetings(fields, required):
    assert kent("joint_evaluation_meetings", **fields).value["required"] is required


@pytest.mark.parametrize(("flag", "trigger", "number"), [
    ("finance_difficulty", "financial_difficulty", 1),
    ("finance_impropriety_investigation", "financial_impropriety", 2),
    ("finance_personnel_difficulties", "personnel_difficulties", 3),
    ("finance_building_issues", "building_issues", 4),
    ("finance_fluctuating_rolls", "fluctuating_rolls", 5),
    ("finance_improvement_notice", "special_measures_or_improvement_notice", 6),
    ("finance_internal_audit_issues", "internal_audit", 7),
    ("finance_budget_monitoring", "budget_monitoring", 8),
])
def test_each_financial_trigger(flag, trigger, number):
    decision = kent("financial_triggers", flags=[flag])
    assert decision.value == [trigger]
    assert f"Kent SIP handbook 2009/10, section 12, trigger {number}" in sources(decision)


def test_special_measures_is_financial_trigger_six_without_a_flag():
    assert kent("financial_triggers", inspections=[CATEGORY]).value == [
        "special_measures_or_improvement_notice"]
    assert kent("financial_triggers", inspections=[NOTICE]).value == []


def test_several_financial_triggers_are_all_listed():
    decision = kent("financial_triggers", flags=["finance_budget_monitoring", "finance_difficulty"])
    assert decision.value == ["financial_difficulty", "budget_monitoring"]
