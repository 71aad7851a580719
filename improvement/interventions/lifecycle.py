"""The life of a meeting's minutes, as data. Pure Python; services.take_step applies it.

scheduled -> held (minutes in draft; the chair writes them) -> sent for accuracy check
sent -> accurate | commented (the headteacher's comments, section by section)
commented -> draft (the chair revises) ; accurate | commented -> finalised (locked) -> shared
scheduled -> cancelled (with a reason)

Coventry: "Following the meeting, the Chair will complete the notes and these will be sent for
an accuracy check to the headteacher before being finalised and shared with the board."
"""

from __future__ import annotations

from dataclasses import dataclass

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


@dataclass(frozen=True)
class Step:
    name: str
    label: str
    sources: frozenset[str]
    target: str
    actor: str
    needs_comment: bool = False
    comment_label: str = ""


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


class IllegalStep(Exception):
    """A step that the meeting's status does not allow, with a message people can read."""


def check_step(name: str, current: str) -> Step:
    step = STEPS.get(name)
    if step is None:
        raise IllegalStep(f"There is no step called {name!r}.")
    if current not in step.sources:
        allowed = " or ".join(STATUS_LABELS[s].lower() for s in sorted(step.sources))
        raise IllegalStep(
            f"You cannot {step.label[0].lower()}{step.label[1:]} now: the meeting is "
            f"{STATUS_LABELS.get(current, current).lower()}, and this step needs it to be {allowed}."
        )
    return step


def steps_from(current: str) -> list[Step]:
    return [s for s in STEPS.values() if current in s.sources]


# The meeting page's task list: each task and the statuses by which it is done.
TASKS: tuple[tuple[str, frozenset[str]], ...] = (
    ("Meeting held", frozenset({DRAFT, SENT, ACCURATE, COMMENTED, FINALISED, SHARED})),
    ("Minutes drafted and sent for accuracy check", frozenset({SENT, ACCURATE, COMMENTED, FINALISED, SHARED})),
    ("Accuracy check by the headteacher", frozenset({ACCURATE, COMMENTED, FINALISED, SHARED})),
    ("Minutes finalised", frozenset({FINALISED, SHARED})),
    ("Minutes shared with the board", frozenset({SHARED})),
)
