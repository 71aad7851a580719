"""The life of a visit record, as data: which step moves it from which status to which, and
who takes that step. Pure Python; services.transition applies it and writes the status row.

draft -> sent for accuracy check -> accurate | inaccurate (comments per section)
inaccurate -> draft (the officer revises) | disagreement (the officer records it)
disagreement -> moderated (a senior adviser's judgement, final)
accurate | moderated -> finalised (locked; later changes are amendments) -> distributed
"""

from __future__ import annotations

# IllegalStep is re-exported: callers catch lifecycle.IllegalStep.
from improvement.core.workflow import IllegalStep as IllegalStep
from improvement.core.workflow import Step, Workflow

DRAFT = "draft"
SENT = "sent_for_accuracy_check"
ACCURATE = "accurate"
INACCURATE = "inaccurate"
DISAGREEMENT = "disagreement"
MODERATED = "moderated"
FINALISED = "finalised"
DISTRIBUTED = "distributed"

OFFICER = "officer"  # an officer who made the visit (or a senior adviser of the authority)
HEADTEACHER = "headteacher"  # the school's headteacher
SENIOR_ADVISER = "senior_adviser"


STEPS: dict[str, Step] = {
    step.name: step
    for step in (
        Step("send", "Send to the school for an accuracy check", frozenset({DRAFT}), SENT, OFFICER),
        Step("confirm_accurate", "Confirm the record is accurate", frozenset({SENT}), ACCURATE, HEADTEACHER),
        Step("mark_inaccurate", "Mark the record as inaccurate", frozenset({SENT}), INACCURATE, HEADTEACHER,
             needs_comment=True, comment_label="Anything else that is inaccurate (optional)"),
        Step("revise", "Revise the record", frozenset({INACCURATE}), DRAFT, OFFICER),
        Step("record_disagreement", "Record the disagreement and refer it to a senior adviser",
             frozenset({INACCURATE}), DISAGREEMENT, OFFICER, needs_comment=True,
             comment_label="Why the record stands as written"),
        Step("moderate", "Record the moderated judgement", frozenset({DISAGREEMENT}), MODERATED,
             SENIOR_ADVISER, needs_comment=True,
             comment_label="Moderated judgement (final, and recorded in the record)"),
        Step("finalise", "Finalise the record", frozenset({ACCURATE, MODERATED}), FINALISED, OFFICER),
        Step("distribute", "Distribute the record", frozenset({FINALISED}), DISTRIBUTED, OFFICER),
    )
}

STATUS_LABELS = {
    DRAFT: "Draft",
    SENT: "Sent for accuracy check",
    ACCURATE: "Confirmed accurate",
    INACCURATE: "Marked inaccurate",
    DISAGREEMENT: "Disagreement with senior adviser",
    MODERATED: "Moderated",
    FINALISED: "Finalised",
    DISTRIBUTED: "Distributed",
}


WORKFLOW = Workflow(STEPS.values(), STATUS_LABELS, noun="the record")
check_step = WORKFLOW.check
steps_from = WORKFLOW.steps_from


def is_unfinished(status: str) -> bool:
    """Versions before finalisation carry the 'DRAFT – for accuracy check' mark."""
    return status not in (FINALISED, DISTRIBUTED)
