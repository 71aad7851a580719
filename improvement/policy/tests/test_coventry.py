"""Coventry 2023/24: CMO visit entitlement, support levels and network focus, clause by clause."""

from __future__ import annotations

from datetime import date

import pytest

from improvement.policy.tests.builders import decide, full, school, sentences, sources

AS_OF = date(2024, 1, 15)
GOOD = full("2022-03-01", "good", published="2022-04-10", leadership_and_management="good")
RI = full("2023-03-01", "requires_improvement", published="2023-04-10",
          leadership_and_management="requires_improvement")
RI_GOOD_LEADERSHIP = full("2023-03-01", "requires_improvement", published="2023-04-10",
                          leadership_and_management="good")
NEW_FRAMEWORK = full("2024-09-10", None, published="2024-10-20",
                     leadership_and_management="good", quality_of_education="good")


def entitlement(**fields):
    return decide("coventry-2023-24", school(**fields), AS_OF)["coventry.visit_entitlement"]


@pytest.mark.parametrize(("category", "visits"), [(1, 3), (2, 3), (3, 2), (4, 1)])
def test_primary_allocation_by_category(category, visits):
    decision = entitlement(phase="primary", la_category=category)
    assert (decision.status, decision.value) == ("decided", visits)
    assert f"Coventry 2023/24, CMO allocation, primary: category {category}" in " ".join(
        sources(decision))


def test_primary_without_category_cannot_be_decided_and_names_the_fact():
    decision = entitlement(phase="primary", la_category=None)
    assert decision.status == "cannot_decide"
    assert decision.value is None
    assert decision.missing_facts == ("la_category",)


def test_agreed_additional_visits_are_added_with_who_when_and_why():
    decision = entitlement(phase="primary", la_category=3, additional_visits=[
        {"count": 1, "reason": "New SENCo", "agreed_by": "Senior Advisor",
         "agreed_on": "2023-10-02"}])
    assert decision.value == 3
    assert "1 additional visit(s) agreed by Senior Advisor on 2 October 2023: New SENCo." in \
        sentences(decision)


def test_visits_agreed_after_the_as_of_date_are_not_counted_yet():
    decision = entitlement(phase="primary", la_category=3, additional_visits=[
        {"count": 2, "reason": "Later", "agreed_by": "Senior Advisor", "agreed_on": "2024-03-01"}])
    assert decision.value == 2


# Secondary: default one visit, a second if any criterion holds. Baseline: Good, LA-maintained
# (so not in a Coventry MAT: that criterion holds), so most cases use a local-trust academy.
LOCAL_ACADEMY = {"phase": "secondary", "governance": "academy",
                 "trust": {"name": "Coventry Trust", "is_local": True}}


@pytest.mark.parametrize(("fields", "visits", "criterion"), [
    ({**LOCAL_ACADEMY, "inspections": [GOOD]}, 1, None),
    ({**LOCAL_ACADEMY, "inspections": [GOOD, RI]}, 2, "most recent Ofsted judgement below Good"),
    ({**LOCAL_ACADEMY, "trust": {"name": "Far Trust", "is_local": False}, "inspections": [GOOD]},
     2, "not part of a Coventry-based MAT"),
    ({"phase": "secondary", "governance": "la_maintained", "inspections": [GOOD]}, 2,
     "not part of a Coventry-based MAT"),
    ({**LOCAL_ACADEMY, "inspections": [GOOD], "headteacher_start_date": "2022-09-01"}, 2,
     "headteacher in first two years"),
    # All three criteria together still give only one extra visit.
    ({"phase": "secondary", "governance": "la_maintained", "inspections": [GOOD, RI],
      "headteacher_start_date": "2023-01-01"}, 2, "headteacher in first two years"),
])
def test_secondary_second_visit_criteria(fields, visits, criterion):
    decision = entitlement(**fields)
    assert (decision.status, decision.value) == ("decided", visits)
    second_visit = "Secondary schools receive a second visit if they meet one of the criteria."
    if criterion:
        assert second_visit in sentences(decision)
        assert f"Coventry 2023/24, CMO allocation, secondary criterion: {criterion}" in \
            sources(decision)
    else:
        # No second visit, and each criterion says why it does not hold.
        assert second_visit not in sentences(decision)
        assert "Good or better" in sentences(decision)
        assert "which is based locally" in sentences(decision)
        assert "full year(s) of headship completed" in sentences(decision)


@pytest.mark.parametrize(("started", "visits"), [
    ("2022-01-15", 1),  # exactly two years before 15 January 2024: no longer in the first two
    ("2022-01-16", 2),  # one day short of two years
    ("2024-01-15", 2),  # started on the as-of date
])
def test_headship_two_year_boundary(started, visits):
    decision = entitlement(**LOCAL_ACADEMY, inspections=[GOOD], headteacher_start_date=started)
    assert decision.value == visits


def test_secondary_with_unknown_criteria_and_none_holding_cannot_decide():
    decision = entitlement(phase="secondary", governance="academy",
                           trust={"name": "Trust", "is_local": None}, inspections=[GOOD],
                           headteacher_start_date=None)
    assert decision.status == "cannot_decide"
    assert set(decision.missing_facts) == {"trust.is_local", "headteacher_start_date"}


def test_secondary_unknown_criterion_does_not_matter_once_another_holds():
    decision = entitlement(phase="secondary", governance="academy",
                           trust={"name": "Trust", "is_local": None}, inspections=[GOOD],
                           headteacher_start_date="2023-09-01")
    assert (decision.status, decision.value) == ("decided", 2)


def test_inspections_after_the_as_of_date_are_ignored():
    snapshot = school(**LOCAL_ACADEMY, inspections=[GOOD, NEW_FRAMEWORK])
    # The September 2024 inspection is in the future on 15 January 2024: Good is the latest.
    decision = decide("coventry-2023-24", snapshot, AS_OF)["coventry.visit_entitlement"]
    assert decision.value == 1
    assert "1 March 2022" in sentences(decision)


@pytest.mark.parametrize(("governance", "visits"), [("la_maintained", 3), ("academy", 2)])
def test_special_two_visits_and_agreed_extras_only_for_maintained(governance, visits):
    decision = entitlement(phase="special", governance=governance, additional_visits=[
        {"count": 1, "reason": "Transition", "agreed_by": "Senior Advisor",
         "agreed_on": "2023-09-20"}])
    assert decision.value == visits


@pytest.mark.parametrize("phase", ["nursery", "middle", "all_through", "pru_ap", "sixteen_plus"])
def test_phases_the_document_does_not_cover_say_set_manually_never_zero(phase):
    decision = entitlement(phase=phase)
    assert decision.status == "no_rule"
    assert decision.value is None
    assert "No rule in this pack" in sentences(decision)
    assert "Set the entitlement manually" in sentences(decision)


def test_pack_does_not_apply_outside_2023_24():
    decision = decide("coventry-2023-24", school(), date(2024, 9, 2))["coventry.visit_entitlement"]
    assert decision.status == "no_rule"
    assert "2024/25" in sentences(decision)


# Support level ------------------------------------------------------------------------------


def support(**fields):
    return decide("coventry-2023-24", school(**fields), AS_OF)["coventry.support_level"]


@pytest.mark.parametrize(("fields", "level"), [
    ({"inspections": [GOOD, RI]}, "school_causing_concern"),
    ({"inspections": [GOOD], "flags": ["leadership_significant_concern"]},
     "school_causing_concern"),
    ({"inspections": [GOOD, RI_GOOD_LEADERSHIP]}, "focus_school"),
    ({"inspections": [RI_GOOD_LEADERSHIP],
      "interventions": [{"type": "sib", "status": "exited", "closed": "2023-12-01"}]},
     "focus_school"),
    ({"inspections": [GOOD], "headteacher_start_date": "2023-06-01"}, "focus_school"),
    ({"inspections": [GOOD], "events": [{"kind": "headteacher_change", "date": "2023-04-01"}]},
     "focus_school"),
    ({"inspections": [GOOD], "flags": ["significant_leadership_change"]}, "focus_school"),
    ({"inspections": [GOOD], "flags": ["performance_data_concern"]}, "focus_school"),
    ({"inspections": [GOOD], "flags": ["cmo_visit_concerns"]}, "focus_school"),
    ({"inspections": [GOOD], "flags": ["self_evaluation_concerns"]}, "focus_school"),
    ({"inspections": [GOOD]}, "universal"),
    # A change of headteacher more than 12 months ago is not a "change of headteacher" now.
    ({"inspections": [GOOD], "headteacher_start_date": "2022-12-01"}, "universal"),
    ({"inspections": [], "headteacher_start_date": "2010-09-01"}, "universal"),
])
def test_support_level_definitions(fields, level):
    decision = support(**fields)
    assert decision.status == "decided"
    assert decision.value["level"] == level


def test_causing_concern_names_support_and_escalation():
    decision = support(inspections=[GOOD, RI])
    assert decision.value["support"] == ["School Improvement Board process"]
    assert "Warning notice" in decision.value["escalation"]
    assert "Coventry, Support and Intervention, Schools Causing Concern: definition" in \
        sources(decision)


def test_focus_escalates_to_school_improvement_board():
    decision = support(inspections=[GOOD, RI_GOOD_LEADERSHIP])
    assert "Progress Check-In process" in decision.value["support"]
    assert decision.value["escalation"].startswith("School Improvement Board")


def test_support_level_is_for_maintained_schools_only():
    decision = support(governance="academy", inspections=[RI])
    assert decision.status == "no_rule"
    assert "Regional Director" in sentences(decision)


def test_support_level_without_flags_cannot_decide():
    decision = support(flags=None, inspections=[GOOD])
    assert decision.status == "cannot_decide"
    assert decision.missing_facts == ("flags",)


@pytest.mark.parametrize(("fields", "focus"), [
    ({"inspections": [GOOD, RI]}, True),
    ({"inspections": [GOOD], "flags": ["self_evaluation_concerns"]}, True),
    ({"inspections": [GOOD], "interventions": [{"type": "pci", "status": "open"}]}, True),
    ({"inspections": [GOOD], "interventions": [{"type": "sib", "status": "closed"}]}, False),
    ({"inspections": [GOOD], "headteacher_start_date": "2023-09-01"}, True),
    ({"inspections": [GOOD]}, False),
])
def test_network_focus(fields, focus):
    decision = decide("coventry-2023-24", school(**fields), AS_OF)["coventry.network_focus"]
    assert (decision.status, decision.value) == ("decided", focus)


def test_an_exit_recorded_after_the_as_of_date_has_not_happened_yet():
    exited_later = [{"type": "sib", "status": "exited", "opened": "2022-09-01",
                     "closed": "2024-03-01"}]
    # A Focus School anyway (RI with Good leadership), but the SIB exit is not a reason yet.
    decision = support(inspections=[RI_GOOD_LEADERSHIP], interventions=exited_later)
    assert decision.value["level"] == "focus_school"
    assert "Exited the School Improvement Board process" not in sentences(decision)
