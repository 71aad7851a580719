"""The life of a meeting's minutes, as data. Pure Python; services.take_step applies it.

scheduled -> held (minutes in draft; the chair writes them) -> sent for accuracy check
sent -> accurate | commented (the headteacher's comments, section by section)
commented -> draft (the chair revises) ; accurate | commented -> finalised (locked) -> shared
scheduled -> cancelled (with a reason)

Coventry: "Following the meeting, the Chair will complete the notes and these will be sent for
an accuracy check to the headteacher before being finalised and shared with the board."
"""

from __future__ import annotations

# IllegalStep is re-exported: callers catch lifecycle.IllegalStep.
from improvement.core.workflow import IllegalStep as IllegalStep
from improvement.core.workflow import Step, Workflow

SCHEDULED = "scheduled"
DRAFT = "draft"
SENT = "sent_for_accuracy_check"
ACCURATE = "accurate"
COMMENTED = "commented"
FINALISED = "finalised"
SHARED = "shared"
CANCELLED = "cancelled"

CHAIR = "chair"  # the process's chair (or a senior adviser of the authority)
HEADTEACHER = "headteacher"  # the school's headteacher

STATUS_LABELS = {
    SCHEDULED: "Scheduled",
    DRAFT: "Minutes in draft",
    SENT: "Sent for accuracy check",
    ACCURATE: "Confirmed accurate",
    COMMENTED: "Headteacher's comments received",
    FINALISED: "Finalised",
    SHARED: "Shared with the board",
    CANCELLED: "Cancelled",
}


STEPS: dict[str, Step] = {
    step.name: step
    for step in (
        Step("hold", "Record that the meeting was held and start the minutes", frozenset({SCHEDULED}), DRAFT, CHAIR),
        Step("send", "Send the minutes to the headteacher for an accuracy check", frozenset({DRAFT}), SENT, CHAIR),
        Step("confirm_accurate", "Confirm the minutes are accurate", frozenset({SENT}), ACCURATE, HEADTEACHER),
        Step("comment", "Send comments on the minutes", frozenset({SENT}), COMMENTED, HEADTEACHER,
             needs_comment=True, comment_label="Anything else to correct (optional)"),
        Step("revise", "Revise the minutes", frozenset({COMMENTED}), DRAFT, CHAIR),
        Step("finalise", "Finalise the minutes", frozenset({ACCURATE, COMMENTED}), FINALISED, CHAIR),
        Step("share", "Share the minutes with the board", frozenset({FINALISED}), SHARED, CHAIR),
        Step("cancel", "Cancel the meeting", frozenset({SCHEDULED}), CANCELLED, CHAIR,
             needs_comment=True, comment_label="Why the meeting is cancelled"),
    )
}


WORKFLOW = Workflow(STEPS.values(), STATUS_LABELS, noun="the meeting")
check_step = WORKFLOW.check
steps_from = WORKFLOW.steps_from


# The meeting page's task list: each task and the statuses by which it is done.
TASKS: tuple[tuple[str, frozenset[str]], ...] = (
    ("Meeting held", frozenset({DRAFT, SENT, ACCURATE, COMMENTED, FINALISED, SHARED})),
    ("Minutes drafted and sent for accuracy check", frozenset({SENT, ACCURATE, COMMENTED, FINALISED, SHARED})),
    ("Accuracy check by the headteacher", frozenset({ACCURATE, COMMENTED, FINALISED, SHARED})),
    ("Minutes finalised", frozenset({FINALISED, SHARED})),
    ("Minutes shared with the board", frozenset({SHARED})),
)
