"""Pure rules of Ofsted events: due dates, calibration counting, HMI wording, time parsing.
No database."""

from __future__ import annotations

from datetime import date, time

import pytest

from improvement.ofsted_events import calibration, deadlines, judgements
from improvement.ofsted_events.forms import parse_time
from improvement.policy import frameworks


def test_feedback_is_due_two_working_days_after_a_two_day_full_inspection():
    # Tuesday 10 and Wednesday 11 March 2026 on site: due Friday 13 March.
    assert deadlines.inspection_last_day(date(2026, 3, 10), frameworks.FULL) == date(2026, 3, 11)
    assert deadlines.feedback_due(date(2026, 3, 10), frameworks.FULL) == date(2026, 3, 13)
    # A one-day monitoring visit on Thursday 12 March: due Monday 16 March (the weekend skipped).
    assert deadlines.feedback_due(date(2026, 3, 12), frameworks.MONITORING) == date(2026, 3, 16)


def test_feedback_due_skips_bank_holidays():
    # Thursday 2 April 2026 monitoring visit: Good Friday 3 April and Easter Monday 6 April are
    # not working days, so the form is due Wednesday 8 April.
    assert deadlines.feedback_due(date(2026, 4, 2), frameworks.MONITORING) == date(2026, 4, 8)


@pytest.mark.parametrize(("received", "today", "state"), [
    (None, date(2026, 3, 13), deadlines.DUE),
    (None, date(2026, 3, 14), deadlines.OVERDUE),
    (date(2026, 3, 13), date(2026, 5, 1), deadlines.RECEIVED),
    (date(2026, 3, 16), date(2026, 5, 1), deadlines.RECEIVED_LATE),
])
def test_feedback_state(received, today, state):
    due = deadlines.feedback_state(date(2026, 3, 10), frameworks.FULL, received_on=received, today=today)
    assert (due.due, due.state) == (date(2026, 3, 13), state)
    assert due.label and due.tag.startswith("govuk-tag--")


def test_window_state():
    start, end = date(2013, 2, 13), date(2013, 2, 27)
    assert deadlines.window_state(start, end, today=date(2013, 2, 1)) == deadlines.UPCOMING
    assert deadlines.window_state(start, end, today=date(2013, 2, 20)) == deadlines.OPEN
    assert deadlines.window_state(start, end, today=date(2013, 3, 1)) == deadlines.PASSED


def test_compare_uses_the_scale_order_above_means_the_school_rated_itself_better():
    scale = frameworks.FOUR_POINT_2012
    assert calibration.compare(scale, "good", "requires_improvement") == calibration.ABOVE
    assert calibration.compare(scale, "good", "good") == calibration.EQUAL
    assert calibration.compare(scale, "requires_improvement", "outstanding") == calibration.BELOW
    assert calibration.compare(scale, "", "good") is None
    assert calibration.compare(scale, "satisfactory", "good") is None  # not on this scale
    report_card = frameworks.REPORT_CARD
    assert calibration.compare(report_card, "strong_standard", "needs_attention") == calibration.ABOVE


def test_tally_counts_per_era_and_area_with_percentages():
    rows = [
        (1, "eif-2019", "quality_of_education", "good", "requires_improvement"),
        (2, "eif-2019", "quality_of_education", "good", "good"),
        (3, "eif-2019", "quality_of_education", "requires_improvement", "good"),
        (1, "eif-2019", "overall_effectiveness", "good", "good"),
        (4, "report-card-2025", "inclusion", "expected_standard", "expected_standard"),
        (4, "report-card-2025", "no_such_area", "expected_standard", "expected_standard"),
        (5, "eif-2019", "quality_of_education", "", "good"),  # not compared
    ]
    result = calibration.tally(rows)
    assert [c.era.key for c in result] == ["report-card-2025", "eif-2019"]  # newest era first
    eif = result[1]
    assert eif.forms == 3
    assert [t.label for t in eif.areas] == ["Overall effectiveness", "Quality of education"]  # the era's order
    quality = eif.areas[1]
    assert (quality.above, quality.equal, quality.below, quality.total) == (1, 1, 1, 3)
    assert (quality.above_percent, quality.equal_percent, quality.below_percent) == (33, 33, 33)
    assert (eif.overall.above, eif.overall.equal, eif.overall.below) == (1, 2, 1)


def test_percent_rounds_halves_up_and_never_divides_by_zero():
    assert calibration.percent(1, 8) == 13  # 12.5
    assert calibration.percent(2, 3) == 67
    assert calibration.percent(0, 0) == 0


def test_progress_wording_follows_the_era():
    assert [k for k, _ in judgements.progress_choices(frameworks.get_era("s5-2005"))] == [
        "good_progress", "satisfactory_progress", "inadequate_progress"]
    assert [k for k, _ in judgements.progress_choices(frameworks.get_era("eif-2019"))] == [
        "effective_action", "not_effective_action"]


def test_hmi_judgements_use_the_eras_four_point_words_where_there_are_some():
    assert judgements.hmi_judgement_choices(frameworks.get_era("s5-2005"))[2] == (3, "3 – Satisfactory")
    assert judgements.hmi_judgement_choices(frameworks.get_era("s5-2012"))[2] == (3, "3 – Requires improvement")
    assert judgements.hmi_judgement_choices(frameworks.get_era("report-card-2025"))[0] == (1, "1 (highest)")
    assert judgements.hmi_judgement_label(None, None) == "Not given"


@pytest.mark.parametrize(("text", "expected"), [
    ("14:30", time(14, 30)), ("14.30", time(14, 30)), ("2:30pm", time(14, 30)), ("2.30 PM", time(14, 30)),
    ("9am", time(9, 0)), ("noon", time(12, 0)), ("25:00", None), ("half two", None), ("", None),
])
def test_parse_time(text, expected):
    assert parse_time(text) == expected
