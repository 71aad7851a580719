"""England packs: the DfE 2022 measure, Ofsted window and early warning; report cards 2025/26;
Ofsted 2012 monitoring of requires-improvement schools."""

from __future__ import annotations

from datetime import date

import pytest

from improvement.policy import evaluate, load_pack
from improvement.policy.engine import early_warnings
from improvement.policy.tests.builders import decide, full, school, sentences, sources

DFE = "england-dfe-2022-not-making-necessary-improvements"
AS_OF = date(2024, 11, 1)

GOOD_2019 = full("2019-06-04", "good", published="2019-07-01")
RI_2020 = full("2020-02-04", "requires_improvement", published="2020-03-10")
INADEQUATE_2021 = full("2021-11-09", "inadequate", published="2021-12-15")
RI_2023 = full("2023-05-09", "requires_improvement", published="2023-06-20")
SATISFACTORY_2011 = full("2011-05-10", "satisfactory", published="2011-06-10")


def measure(as_of: date = AS_OF, **fields):
    return decide(DFE, school(**fields), as_of)["dfe.not_making_necessary_improvements"]


@pytest.mark.parametrize(("inspections", "value"), [
    ([RI_2020, RI_2023], "eligible"),
    ([INADEQUATE_2021, RI_2023], "eligible"),
    ([SATISFACTORY_2011, RI_2023], "eligible"),  # satisfactory counts as below Good
    ([GOOD_2019, RI_2023], "not_eligible"),
    ([RI_2020, INADEQUATE_2021], "not_eligible"),  # latest must be requires improvement
    ([RI_2023], "not_eligible"),  # only one inspection
    ([], "not_eligible"),
])
def test_measure_definition(inspections, value):
    decision = measure(inspections=inspections)
    assert (decision.status, decision.value) == ("decided", value)


def test_eligible_cites_both_limbs_and_says_the_power_is_discretionary():
    decision = measure(inspections=[RI_2020, RI_2023])
    assert "discretionary" in sentences(decision)
    assert any("Requires Improvement at the most recent" in s for s in sources(decision))
    assert any("below Good at the section 5 inspection immediately before" in s
               for s in sources(decision))


def test_only_full_inspections_count():
    monitoring = {"inspection_type": "monitoring", "start_date": "2022-06-01"}
    decision = measure(inspections=[RI_2020, monitoring, RI_2023])
    assert decision.value == "eligible"
    assert "20 March 2020" not in sentences(decision)
    assert "4 February 2020" in sentences(decision)


@pytest.mark.parametrize(("fields", "why"), [
    ({"phase": "sixteen_plus", "governance": "academy"}, "16-19 providers"),
    ({"phase": "nursery", "governance": "la_maintained"}, "maintained nursery schools"),
    ({"phase": "primary", "governance": "other"}, "applies to maintained schools, academies"),
])
def test_exclusions(fields, why):
    decision = measure(inspections=[RI_2020, RI_2023], **fields)
    assert (decision.status, decision.value) == ("decided", "not_applicable")
    assert why in sentences(decision)


@pytest.mark.parametrize("fields", [
    {"phase": "nursery", "governance": "academy"},  # not a maintained nursery
    {"phase": "pru_ap", "governance": "la_maintained"},
    {"phase": "special", "governance": "academy"},
    {"phase": "secondary", "governance": "free_school"},
])
def test_measure_covers_prus_special_schools_and_academies(fields):
    assert measure(inspections=[RI_2020, RI_2023], **fields).value == "eligible"


def test_inspection_on_2_september_2024_cannot_be_determined_under_this_framework():
    no_grade = full("2024-09-02", None, published="2024-10-01",
                    leadership_and_management="requires_improvement")
    decision = measure(inspections=[RI_2020, no_grade])
    assert decision.status == "cannot_decide"
    assert decision.value is None
    assert "Cannot be determined under this framework" in sentences(decision)
    assert decision.missing_facts == ()  # nothing is missing: the framework has no grade


def test_inspection_on_1_september_2024_still_has_an_overall_grade():
    last_day = full("2024-09-01", "requires_improvement", published="2024-10-01")
    assert measure(inspections=[RI_2020, last_day]).value == "eligible"


def test_converted_academy_counts_its_predecessors_inspection():
    decision = measure(governance="academy", urn="140001", predecessor_urn="100001",
                       inspections=[{**RI_2020, "urn": "100001"}, {**RI_2023, "urn": "140001"}])
    assert decision.value == "eligible"
    assert "predecessor URN 100001" in sentences(decision)


def test_converted_academy_without_its_predecessors_inspections_cannot_decide():
    decision = measure(governance="academy", urn="140001", predecessor_urn="100001",
                       inspections=[{**RI_2023, "urn": "140001"}])
    assert decision.status == "cannot_decide"
    assert decision.missing_facts == ("inspections of predecessor URN 100001",)


def test_measure_is_not_in_force_before_september_2022():
    decision = measure(as_of=date(2022, 8, 31), inspections=[RI_2020, RI_2023])
    assert decision.status == "no_rule"


@pytest.mark.parametrize(("inspections", "value"), [
    ([GOOD_2019, INADEQUATE_2021], "may_mandate"),
    ([RI_2020, RI_2023], "may_mandate_if_beneficial"),
    ([GOOD_2019, RI_2023], "none"),
])
def test_regional_director_intervention(inspections, value):
    decision = decide(DFE, school(inspections=inspections), AS_OF)[
        "dfe.regional_director_intervention"]
    assert decision.value == value


# Ofsted window ------------------------------------------------------------------------------


def window(inspections, as_of=AS_OF, pack=DFE, key="dfe.ofsted_window"):
    return decide(pack, school(inspections=inspections), as_of)[key]


def test_window_below_good_counts_months_from_publication():
    decision = window([GOOD_2019, RI_2023])
    assert decision.value == {"basis": "below_good", "from": "2024-06-20", "to": "2025-12-20"}


def test_window_good_is_the_third_and_fourth_academic_years_after():
    decision = window([GOOD_2019, full("2022-10-04", "good", published="2022-11-01")])
    assert decision.value == {"basis": "good_or_better", "from": "2025-09-01", "to": "2027-08-31"}


def test_window_needs_the_publication_date_for_below_good():
    decision = window([full("2023-05-09", "requires_improvement")])
    assert decision.status == "cannot_decide"
    assert decision.missing_facts == ("latest full inspection: publication_date",)


def test_window_for_the_no_overall_grade_era_uses_the_dfe_equivalent():
    below = full("2024-09-10", None, published="2024-10-15",
                 leadership_and_management="requires_improvement", quality_of_education="good")
    assert window([below], as_of=date(2025, 1, 10)).value["basis"] == "below_good"


@pytest.mark.parametrize(("inspections", "phrase"), [
    ([], "No full inspection is recorded"),
    ([full("2011-03-01", "outstanding", published="2011-04-01")], "exempt from routine"),
])
def test_window_without_an_interval_says_set_manually(inspections, phrase):
    decision = window(inspections)
    assert decision.status == "no_rule"
    assert phrase in sentences(decision)


# Early warning ------------------------------------------------------------------------------


def test_early_warning_includes_the_window():
    decision = decide(DFE, school(inspections=[GOOD_2019, RI_2023]), AS_OF)["dfe.early_warning"]
    assert decision.value == {"at_risk": True, "ofsted_window": {
        "basis": "below_good", "from": "2024-06-20", "to": "2025-12-20"}}


@pytest.mark.parametrize(("inspections", "value"), [
    ([GOOD_2019, INADEQUATE_2021], {"at_risk": True}),
    ([RI_2020, RI_2023], {"at_risk": False, "already_eligible": True}),
    ([RI_2020, GOOD_2019 | {"start_date": "2022-06-07", "publication_date": "2022-07-01"}],
     {"at_risk": False}),
])
def test_early_warning_cases(inspections, value):
    decision = decide(DFE, school(inspections=inspections), AS_OF)["dfe.early_warning"]
    assert {k: v for k, v in decision.value.items() if k != "ofsted_window"} == value


def test_early_warnings_are_sorted_by_window():
    pack = load_pack(DFE)
    later = school(urn="100002", inspections=[GOOD_2019, RI_2023])
    sooner = school(urn="100003", inspections=[GOOD_2019, INADEQUATE_2021])
    fine = school(urn="100004", inspections=[GOOD_2019])
    results = [(s, evaluate(pack, s, AS_OF)) for s in (later, fine, sooner)]
    assert [s.urn for s, _ in early_warnings(results)] == ["100003", "100002"]


# Report cards, 2025/26 ----------------------------------------------------------------------

RC = "england-2025-26"
RC_AS_OF = date(2026, 3, 2)
EXPECTED = dict.fromkeys(("inclusion", "curriculum_and_teaching", "achievement",
                          "attendance_and_behaviour", "personal_development",
                          "leadership_and_governance"), "expected_standard")


def report_card(start="2026-01-13", safeguarding="met", **grades):
    judgements = {**EXPECTED, **grades, "safeguarding": safeguarding}
    return {"inspection_type": "full", "start_date": start, "publication_date": "2026-02-20",
            "judgements": judgements}


@pytest.mark.parametrize(("inspection", "category"), [
    (report_card(leadership_and_governance="urgent_improvement", achievement="urgent_improvement"),
     "special_measures"),
    (report_card(safeguarding="not_met"), "special_measures"),
    (report_card(achievement="urgent_improvement"), "requires_significant_improvement"),
    (report_card(leadership_and_governance="urgent_improvement"),
     "requires_significant_improvement"),
    (report_card(achievement="needs_attention"), "none"),
    (report_card(), "none"),
])
def test_report_card_category_of_concern(inspection, category):
    decision = decide(RC, school(inspections=[inspection]), RC_AS_OF)[
        "report_card.category_of_concern"]
    assert (decision.status, decision.value) == ("decided", category)
    assert decision.pack_status == "to be confirmed against current statutory guidance"


def test_category_needs_every_area_graded_to_rule_out_special_measures():
    inspection = report_card(leadership_and_governance="urgent_improvement")
    del inspection["judgements"]["achievement"]
    decision = decide(RC, school(inspections=[inspection]), RC_AS_OF)[
        "report_card.category_of_concern"]
    assert decision.status == "cannot_decide"
    assert "latest full inspection: achievement" in decision.missing_facts


def test_report_card_rules_do_not_apply_to_older_inspections():
    decision = decide(RC, school(inspections=[RI_2023]), RC_AS_OF)["report_card.category_of_concern"]
    assert decision.status == "no_rule"


@pytest.mark.parametrize(("inspection", "expected"), [
    (report_card(inclusion="urgent_improvement"),
     {"programme": True, "type": "category_of_concern"}),
    (report_card(inclusion="needs_attention"), {"programme": True, "type": "needs_attention"}),
    (report_card(inclusion="strong_standard"), {"programme": False}),
])
def test_report_card_monitoring(inspection, expected):
    decision = decide(RC, school(inspections=[inspection]), RC_AS_OF)["report_card.monitoring"]
    assert decision.value == expected


LEADERSHIP_NEEDS_ATTENTION = report_card(leadership_and_governance="needs_attention")


@pytest.mark.parametrize(("previous", "status", "value"), [
    (RI_2023, "decided", {"candidate": True}),
    (GOOD_2019, "decided", {"candidate": False}),
    (full("2024-10-01", None, published="2024-11-01", quality_of_education="requires_improvement",
          leadership_and_management="good"), "decided", {"candidate": True}),
    (full("2024-10-01", None, published="2024-11-01", quality_of_education="good",
          leadership_and_management="good"), "decided", {"candidate": False}),
    (report_card(start="2025-11-20", achievement="needs_attention"), "cannot_decide", None),
])
def test_targeted_intervention_candidate(previous, status, value):
    decision = decide(RC, school(inspections=[previous, LEADERSHIP_NEEDS_ATTENTION]), RC_AS_OF)[
        "report_card.targeted_intervention"]
    assert (decision.status, decision.value) == (status, value)


def test_report_card_early_warning_counts_the_2024_equivalent():
    below = full("2025-01-14", None, published="2025-02-20", quality_of_education="inadequate",
                 leadership_and_management="requires_improvement")
    decision = decide(RC, school(inspections=[below]), RC_AS_OF)["report_card.early_warning"]
    assert decision.value["at_risk"] is True
    assert decision.value["ofsted_window"] == {"basis": "below_good", "from": "2026-02-20",
                                               "to": "2027-08-20"}


def test_report_card_window_is_not_invented():
    decision = decide(RC, school(inspections=[report_card()]), RC_AS_OF)["report_card.ofsted_window"]
    assert decision.status == "no_rule"
    assert "not found" in sentences(decision)


# Ofsted 2012: HMI monitoring of requires improvement ----------------------------------------

RI_MONITORING = "england-ofsted-2012-ri-monitoring"


def monitoring(inspection, as_of=date(2013, 3, 1)):
    return decide(RI_MONITORING, school(inspections=[inspection]), as_of)[
        "ofsted2012.ri_monitoring"]


def test_ri_with_leadership_not_good_gets_the_hmi_schedule():
    inspection = full("2013-01-15", "requires_improvement", end="2013-01-16",
                      leadership_and_management="requires_improvement")
    decision = monitoring(inspection)
    items = {item["key"]: item for item in decision.value}
    assert decision.status == "decided"
    assert (items["hmi_visit"]["from"], items["hmi_visit"]["to"]) == ("2013-02-13", "2013-02-27")
    # Two to three working weeks: 10 to 15 working days after 16 January 2013.
    assert (items["action_intentions"]["from"], items["action_intentions"]["to"]) == (
        "2013-01-30", "2013-02-06")
    assert items["next_section_5"]["to"] == "2015-01-16"
    assert "up to 5 days" in items["notice"]["label"]
    assert "contact the LA" in items["notice"]["label"]


def test_working_weeks_skip_bank_holidays():
    inspection = full("2013-03-26", "requires_improvement", end="2013-03-27",
                      leadership_and_management="inadequate")
    items = {i["key"]: i for i in monitoring(inspection, as_of=date(2013, 4, 20)).value}
    # Good Friday 29 March and Easter Monday 1 April 2013 are not working days.
    assert items["action_intentions"]["from"] == "2013-04-12"


def test_missing_end_date_assumes_a_two_day_inspection_and_says_so():
    inspection = full("2013-01-17", "requires_improvement",
                      leadership_and_management="requires_improvement")
    decision = monitoring(inspection)
    items = {i["key"]: i for i in decision.value}
    assert items["hmi_visit"]["from"] == "2013-02-15"  # from Friday 18 January
    assert "assumed 18 January 2013" in sentences(decision)


@pytest.mark.parametrize("inspection", [
    full("2013-01-15", "requires_improvement", leadership_and_management="good"),
    full("2013-01-15", "good", leadership_and_management="good"),
    full("2012-05-15", "satisfactory", leadership_and_management="satisfactory"),
])
def test_no_hmi_monitoring_otherwise(inspection):
    decision = monitoring(inspection)
    assert (decision.status, decision.value) == ("decided", [])


def test_leadership_not_recorded_cannot_decide():
    decision = monitoring(full("2013-01-15", "requires_improvement"))
    assert decision.status == "cannot_decide"
    assert decision.missing_facts == ("latest full inspection: leadership_and_management",)
