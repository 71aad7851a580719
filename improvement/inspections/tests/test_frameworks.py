"""The framework era registry and its helpers: pure rules, no database."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest

from improvement.policy import frameworks


@dataclass(frozen=True)
class Snap:
    era: str
    start_date: date
    inspection_type: str = frameworks.FULL
    judgements: dict[str, str] = field(default_factory=dict)


def full(era: str, day: date, overall: str | None = None, **judgements: str) -> Snap:
    if overall:
        judgements["overall_effectiveness"] = overall
    return Snap(era=era, start_date=day, judgements=judgements)


@pytest.mark.parametrize(
    ("day", "era"),
    [
        (date(2005, 8, 31), None),
        (date(2005, 9, 1), "s5-2005"),
        (date(2012, 8, 31), "s5-2005"),
        (date(2012, 9, 1), "s5-2012"),
        (date(2019, 8, 31), "s5-2012"),
        (date(2019, 9, 1), "eif-2019"),
        (date(2024, 9, 1), "eif-2019"),
        (date(2024, 9, 2), "eif-2024"),
        (date(2025, 11, 9), "eif-2024"),
        (date(2025, 11, 10), "report-card-2025"),
        (date(2030, 1, 1), "report-card-2025"),
    ],
)
def test_era_for_date(day, era):
    found = frameworks.era_for_date(day)
    assert (found.key if found else None) == era


def test_eras_follow_each_other_without_gaps_or_overlaps():
    for earlier, later in zip(frameworks.ERAS, frameworks.ERAS[1:], strict=False):
        assert earlier.ends is not None
        assert later.starts == earlier.ends + timedelta(days=1), f"{earlier.key} -> {later.key}"
    assert frameworks.ERAS[-1].ends is None


def test_scales_per_era():
    assert frameworks.get_era("s5-2005").area("overall_effectiveness").scale.keys == (
        "outstanding", "good", "satisfactory", "inadequate")
    assert "requires_improvement" in frameworks.get_era("s5-2012").area("overall_effectiveness").scale.keys
    assert frameworks.get_era("eif-2024").area("overall_effectiveness") is None
    report_card = frameworks.get_era("report-card-2025")
    assert report_card.area("inclusion").scale.keys == (
        "exceptional", "strong_standard", "expected_standard", "needs_attention", "urgent_improvement")
    assert report_card.area("safeguarding").scale.keys == ("met", "not_met")
    assert dict(report_card.categories_of_concern) == {
        "requires_significant_improvement": "Requires significant improvement",
        "special_measures": "Special measures",
    }


def test_unknown_era_is_a_clear_error():
    with pytest.raises(KeyError, match="Unknown inspection framework era 'eif-1999'"):
        frameworks.get_era("eif-1999")


def test_judgement_errors():
    assert frameworks.judgement_errors("eif-2019", {"overall_effectiveness": "good"}) == {}
    errors = frameworks.judgement_errors(
        "eif-2019", {"overall_effectiveness": "satisfactory", "inclusion": "exceptional"}
    )
    assert errors["overall_effectiveness"].startswith("Overall effectiveness must be one of: Outstanding")
    assert "has no judgement area 'inclusion'" in errors["inclusion"]
    assert frameworks.judgement_errors("nope", {}) == {"era": "Unknown framework era 'nope'."}


HISTORY = [
    full("s5-2012", date(2014, 2, 3), "requires_improvement"),
    Snap("eif-2019", date(2021, 5, 4), frameworks.UNGRADED),
    full("eif-2019", date(2019, 11, 12), "good"),
    Snap("eif-2019", date(2023, 1, 10), frameworks.MONITORING),
]


def test_latest_and_previous_full_inspection_ignore_other_types_and_order():
    assert frameworks.latest_full_inspection(HISTORY).start_date == date(2019, 11, 12)
    assert frameworks.previous_full_inspection(HISTORY).start_date == date(2014, 2, 3)
    assert frameworks.latest_full_inspection([]) is None
    assert frameworks.previous_full_inspection(HISTORY[:1]) is None


@pytest.mark.parametrize(
    ("inspection", "value", "reason"),
    [
        (full("eif-2019", date(2022, 3, 1), "requires_improvement"), True, "Requires improvement"),
        (full("eif-2019", date(2022, 3, 1), "inadequate"), True, "below Good"),
        (full("eif-2019", date(2022, 3, 1), "good"), False, "Good or better"),
        (full("s5-2012", date(2013, 3, 1), "outstanding"), False, "Good or better"),
        (full("s5-2005", date(2010, 3, 1), "satisfactory"), True, "Satisfactory"),
        (full("eif-2024", date(2025, 1, 15), quality_of_education="inadequate"), None,
         "Not determinable: inspections under 'Education inspection framework without overall grade"),
        (full("report-card-2025", date(2026, 1, 15), inclusion="urgent_improvement"), None,
         "Not determinable: inspections under 'Report cards, from November 2025' give no overall"),
        (full("eif-2019", date(2022, 3, 1)), None, "The overall effectiveness judgement is not recorded."),
        (None, None, "No full inspection is recorded."),
    ],
)
def test_is_below_good_answers_honestly(inspection, value, reason):
    answer = frameworks.is_below_good(inspection)
    assert answer.value is value
    assert answer.determinable is (value is not None)
    assert reason in answer.reason


def test_is_below_good_never_guesses_from_area_grades_after_september_2024():
    """Every area inadequate still gives no overall verdict: there was no overall grade."""
    era = frameworks.get_era("eif-2024")
    all_inadequate = full("eif-2024", date(2025, 3, 3), **{a.key: "inadequate" for a in era.areas
                                                           if a.scale.grade("inadequate")})
    assert frameworks.is_below_good(all_inadequate).value is None


@pytest.mark.parametrize(
    ("inspection", "label", "key"),
    [
        (None, "Not inspected", "not_inspected"),
        (full("eif-2019", date(2022, 3, 1), "good"), "Good", "good"),
        (full("eif-2024", date(2025, 1, 15)), "No overall grade", "no_overall_grade"),
        (full("report-card-2025", date(2026, 1, 15)), "No overall grade", "no_overall_grade"),
        (full("eif-2019", date(2022, 3, 1)), "Overall grade not recorded", "no_overall_grade"),
    ],
)
def test_outcome_label_and_key(inspection, label, key):
    assert frameworks.outcome_label(inspection) == label
    assert frameworks.outcome_key(inspection) == key


def test_judgement_rows_list_every_area_of_the_era():
    rows = frameworks.judgement_rows(full("eif-2019", date(2022, 3, 1), "good", safeguarding="effective"))
    assert [area.key for area, _ in rows][:2] == ["overall_effectiveness", "quality_of_education"]
    graded = {area.key: grade.label for area, grade in rows if grade}
    assert graded == {"overall_effectiveness": "Good", "safeguarding": "Effective"}
