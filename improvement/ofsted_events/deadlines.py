"""When feedback is due after an inspection, and whether it came in time: pure rules.

The Kent improvement partner handbook 2009/10 (section 17, "The OfSTED feedback form") asks
for the feedback form "within 2 days of the inspection". We count 2 working days (weekdays that
are not bank holidays) after the inspection's last day. A full (section 5) inspection is taken
to last two school days, as the 2012 monitoring pack assumes when an end date is not recorded;
other inspections one day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from improvement.policy import frameworks
from improvement.policy.calendar import DEFAULT_CALENDAR, add_working_days

FEEDBACK_WORKING_DAYS = 2

DUE, OVERDUE, RECEIVED, RECEIVED_LATE = "due", "overdue", "received", "received_late"
STATE_LABELS = {
    DUE: "Due",
    OVERDUE: "Overdue",
    RECEIVED: "Received",
    RECEIVED_LATE: "Received late",
}
STATE_TAGS = {
    DUE: "govuk-tag--blue",
    OVERDUE: "govuk-tag--red",
    RECEIVED: "govuk-tag--green",
    RECEIVED_LATE: "govuk-tag--yellow",
}


def inspection_last_day(start: date, inspection_type: str) -> date:
    if inspection_type == frameworks.FULL:
        return DEFAULT_CALENDAR.add_school_days(start, 1)
    return start


def feedback_due(start: date, inspection_type: str) -> date:
    """The day the feedback form is due: 2 working days after the inspection's last day."""
    return add_working_days(inspection_last_day(start, inspection_type), FEEDBACK_WORKING_DAYS)


@dataclass(frozen=True)
class FeedbackDue:
    due: date
    state: str
    received_on: date | None = None

    @property
    def label(self) -> str:
        return STATE_LABELS[self.state]

    @property
    def tag(self) -> str:
        return STATE_TAGS[self.state]


def feedback_state(start: date, inspection_type: str, *, received_on: date | None, today: date) -> FeedbackDue:
    due = feedback_due(start, inspection_type)
    if received_on is not None:
        return FeedbackDue(due, RECEIVED if received_on <= due else RECEIVED_LATE, received_on)
    return FeedbackDue(due, OVERDUE if today > due else DUE)


# Windows from the policy engine (HMI monitoring visit, action plan): where today falls.
UPCOMING, OPEN, PASSED = "upcoming", "open", "passed"
WINDOW_LABELS = {UPCOMING: "Upcoming", OPEN: "Due now", PASSED: "Passed"}
WINDOW_TAGS = {UPCOMING: "govuk-tag--grey", OPEN: "govuk-tag--blue", PASSED: "govuk-tag--grey"}


def window_state(start: date | None, end: date | None, *, today: date) -> str:
    if start is not None and today < start:
        return UPCOMING
    if end is not None and today > end:
        return PASSED
    return OPEN
