"""Meeting series rules: outcomes, the next meeting's kind and its proposed date (no database)."""

from datetime import date

import pytest

from improvement.policy import meetings as series
from improvement.policy import record_templates
from improvement.policy.calendar import DEFAULT_CALENDAR
from improvement.policy.packs import load_pack

TEMPLATE_OF = {"sib_entry": "coventry-sib-entry", "sib_standard": "coventry-sib-standard",
               "sib_exit": "coventry-sib-exit", "pci": "coventry-pci", "rtm": "kent-rtm"}


def _allowed(kind: str) -> tuple[str, ...]:
    """The outcomes the shipped minutes template of a meeting kind allows."""
    return record_templates.get_template(TEMPLATE_OF[kind], 1).outcomes


@pytest.mark.parametrize(("kind", "outcome", "next_kind", "new_process", "spacing"), [
    ("sib_entry", "next_half_term", "sib_standard", False, "half_term"),
    ("sib_standard", "next_term", "sib_standard", False, "term"),
    ("sib_standard", "exit_agenda", "sib_exit", False, "half_term"),
    ("sib_exit", "next_term", "sib_standard", False, "term"),
    ("sib_exit", "exit_to_pci", "pci", True, "term"),
    ("pci", "continue", "pci", False, "term"),
    ("rtm", "continue", "rtm", False, "term"),
])
def test_each_outcome_sets_the_next_meeting(kind, outcome, next_kind, new_process, spacing):
    step = series.next_step(kind, outcome, _allowed(kind))
    assert (step.meeting_kind, step.opens_new_process, step.spacing) == (next_kind, new_process, spacing)


@pytest.mark.parametrize(("kind", "outcome"), [
    ("sib_entry", "exit_to_pci"),  # only an exit meeting may agree to exit
    ("sib_exit", "exit_agenda"),
    ("pci", "next_half_term"),
])
def test_an_outcome_the_meeting_cannot_agree_is_refused(kind, outcome):
    with pytest.raises(series.OutcomeError, match="cannot agree"):
        series.next_step(kind, outcome, _allowed(kind))


def test_the_shipped_templates_carry_the_documents_outcomes_and_a_week_of_pre_reads():
    assert _allowed("sib_entry") == ("next_half_term", "next_term", "exit_agenda")
    assert _allowed("sib_exit") == ("next_half_term", "next_term", "exit_to_pci")
    assert _allowed("pci") == _allowed("rtm") == ("continue",)
    assert {record_templates.get_template(key, 1).pre_read_days for key in TEMPLATE_OF.values()} == {7}


def test_next_half_term_keeps_the_weekday_and_the_week():
    # Monday of the fourth week of autumn 2 (from 2 November 2026) -> fourth week of spring 1.
    assert series.proposed_date(DEFAULT_CALENDAR, date(2026, 11, 23), "half_term") == date(2027, 1, 25)


def test_a_date_past_the_end_of_the_next_term_moves_back_inside_it_and_off_a_bank_holiday():
    # The last day of autumn term -> the last Friday of spring term is Good Friday 2027, so the
    # Thursday before.
    assert series.proposed_date(DEFAULT_CALENDAR, date(2026, 12, 18), "term") == date(2027, 3, 25)


def test_kent_round_table_dates_follow_the_handbooks_terms():
    kent = load_pack("kent-2009-10").calendar
    proposed = series.proposed_date(kent, date(2009, 10, 5), "term")
    assert proposed == date(2010, 2, 1) and kent.is_school_day(proposed)
