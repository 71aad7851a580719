"""The workflow checker shared by visit records and meeting minutes (no database)."""

import pytest

from improvement.core.workflow import IllegalStep, Step, Workflow

FLOW = Workflow(
    [Step("send", "Send the minutes", frozenset({"draft"}), "sent", "chair"),
     Step("finalise", "Finalise the minutes", frozenset({"accurate", "commented"}), "finalised", "chair")],
    {"draft": "Draft", "sent": "Sent", "accurate": "Accurate", "commented": "Commented", "finalised": "Final"},
    noun="the meeting",
)


def test_a_step_from_an_allowed_status_is_returned():
    assert FLOW.check("send", "draft").target == "sent"


def test_a_step_from_another_status_says_what_it_needs():
    with pytest.raises(IllegalStep) as error:
        FLOW.check("finalise", "draft")
    assert str(error.value) == ("You cannot finalise the minutes now: the meeting is draft, and this step "
                                "needs it to be accurate or commented.")


def test_an_unknown_step_is_refused():
    with pytest.raises(IllegalStep, match="There is no step called 'publish'"):
        FLOW.check("publish", "draft")


def test_steps_open_from_a_status():
    assert [s.name for s in FLOW.steps_from("commented")] == ["finalise"]
    assert FLOW.steps_from("final") == []
