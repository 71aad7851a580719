"""Writing checks are pure functions: tested without a database."""

from __future__ import annotations

from datetime import date

import pytest

from improvement.policy import record_templates
from improvement.visits import lifecycle
from improvement.visits.writing_checks import (
    check_record,
    named_individuals,
    parse_by_when,
    proportion_conflicts,
    suggest_phrase,
)

COVENTRY = record_templates.get_template("coventry-cmo-record-of-visit", 1)


@pytest.mark.parametrize(
    ("sentence", "conflicts"),
    [
        ("Most pupils (85%) attend well.", False),
        ("Most pupils (60%) attend well.", True),
        ("Almost all pupils, 98 per cent, made expected progress.", False),
        ("Almost all pupils, 90 per cent, made expected progress.", True),
        ("A small minority (25%) are persistently absent.", False),
        ("A small minority (40%) are persistently absent.", True),  # 40% is a minority, not small
        ("A minority (40%) are persistently absent.", False),
        ("A large majority (70%) reached the standard.", False),
        ("The majority (70%) reached the standard.", True),
        ("Few pupils (10%) are excluded.", False),
        ("Very few pupils (2%) are excluded.", False),
        ("Very few pupils (10%) are excluded.", True),
        ("Almost none (0%) were late.", False),
        ("Almost none were late, and most (85%) arrive early.", False),
        ("Attendance is 96.2% and most pupils are punctual.", False),
        ("Attendance is 50.5% and most pupils are punctual.", True),
        ("Most pupils attend well.", False),  # no figure, nothing to contradict
        ("Utmost care is taken; 10% of staff are new.", False),  # "utmost" is not "most"
    ],
)
def test_proportion_words_against_percentages(sentence, conflicts):
    assert bool(proportion_conflicts(sentence)) is conflicts


def test_conflict_message_names_the_range_and_a_better_word():
    [message] = proportion_conflicts("Most pupils (60%) attend well. Few (10%) do not.")
    assert "80 to 96%" in message and "60%" in message and "majority" in message


def test_boundaries_follow_the_handbook_table():
    assert [suggest_phrase(p) for p in (100, 97, 96, 80, 79, 65, 64, 51, 49, 35, 34, 20, 19, 4, 3, 0)] == [
        "almost all", "almost all", "most", "most", "large majority", "large majority", "majority",
        "majority", "minority", "minority", "small minority", "small minority", "few", "few",
        "almost none", "almost none",
    ]


def test_named_individuals():
    known = [("Jane Smith", "the headteacher"), ("Bo", "caretaker")]
    found = named_individuals("Jane Smith led the tour with Mr Peter Jones.", known)
    assert found == [
        "“Jane Smith” is named: refer to them as the headteacher (JS).",
        "“Mr Peter Jones” is named: refer to them by role and initials (PJ).",
    ]
    assert named_individuals("The headteacher (JS) led the tour.", known) == []
    assert named_individuals("Dr. Amara Okafor-Reid visited.") == [
        "“Dr. Amara Okafor-Reid” is named: refer to them by role and initials (AOR).",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("31/03/2024", date(2024, 3, 31)),
        ("31 March 2024", date(2024, 3, 31)),
        ("31st March 2024", date(2024, 3, 31)),
        ("by 1 Feb 2024", date(2024, 2, 1)),
        ("2024-07-19", date(2024, 7, 19)),
        ("July 2024", date(2024, 7, 31)),
        ("end of February 2024", date(2024, 2, 29)),
        ("ongoing", None),
        ("asap", None),
        ("end of term", None),
        ("31/02/2024", None),
        ("", None),
    ],
)
def test_by_when_must_be_a_date(text, expected):
    assert parse_by_when(text) == expected


def test_check_record_collects_every_warning():
    content = {
        "achievement": "Most pupils (55%) reached the expected standard.",
        "behaviour": "Mrs Alice Brown runs the nurture room.",
        "further_actions": [
            {"text": f"Action {n}", "lead_role": "DHT", "lead_initials": "AB", "by_when": "31/3/2024"}
            for n in range(4)
        ] + [{"text": "Fifth", "by_when": "ongoing"}],
        "self_evaluation": {
            "quality_of_education": {"school": "good", "officer": "requires_improvement", "comment": ""},
            "personal_development": {"school": "good", "officer": "requires_improvement",
                                     "comment": "Curriculum for RSE not yet in place."},
            "behaviour_and_attitudes": {"school": "good", "officer": "good", "comment": ""},
        },
    }
    warnings = check_record(COVENTRY, content, judgement_labels={"quality_of_education": "The quality of education"})
    messages = [w.message for w in warnings]
    assert any("“Most” means 80 to 96%" in m for m in messages)
    assert any("Mrs Alice Brown" in m for m in messages)
    assert any("There are 5 actions" in m for m in messages)
    assert "Action 5 needs a lead." in messages
    assert any("“ongoing” is not a date" in m for m in messages)
    assert any(m.startswith("The quality of education: the school's judgement differs") for m in messages)
    assert not any("Personal development" in m or "personal_development" in m for m in messages)


def test_check_record_is_quiet_for_a_clean_record():
    content = {
        "achievement": "A large majority (70%) reached the expected standard.",
        "further_actions": [{"text": "Embed phonics", "lead_role": "EYFS lead", "lead_initials": "AB",
                             "by_when": "31 March 2024"}],
    }
    assert check_record(COVENTRY, content) == []


def test_every_step_is_reachable_and_has_a_known_target():
    targets = {step.target for step in lifecycle.STEPS.values()}
    assert targets | {lifecycle.DRAFT} == set(lifecycle.STATUS_LABELS)
    assert [s.name for s in lifecycle.steps_from(lifecycle.INACCURATE)] == ["revise", "record_disagreement"]
    with pytest.raises(lifecycle.IllegalStep, match="record is finalised"):
        lifecycle.check_step("send", lifecycle.FINALISED)
    with pytest.raises(lifecycle.IllegalStep, match="no step"):
        lifecycle.check_step("publish", lifecycle.DRAFT)
