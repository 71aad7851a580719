"""What a meeting's agreed outcome means for the series, and when the next meeting is proposed.
Pure Python, tested without a database.

Which outcomes a meeting may agree, how long it lasts and how far ahead its pre-reads go are data
in its minutes template (`outcomes`, `duration_minutes`, `pre_read_days`), because they come from
an authority's documents: Coventry's SIB entry and standard records agree to "remain within the
SIB process with next meeting required next half-term", "... next term" or "set the next meeting
within the SIB process as having an exit agenda", and the exit record may instead "exit the SIB
process and begin the Progress Check-In process"; PCI meetings are termly; Kent's Round Table
Meetings are held every season. This module is the vocabulary those lists draw on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from improvement.policy.calendar import AcademicCalendar

SIB_ENTRY, SIB_STANDARD, SIB_EXIT, PCI, RTM = "sib_entry", "sib_standard", "sib_exit", "pci", "rtm"
NEXT_HALF_TERM, NEXT_TERM, EXIT_AGENDA, EXIT_TO_PCI, CONTINUE = (
    "next_half_term", "next_term", "exit_agenda", "exit_to_pci", "continue",
)

# Which process each meeting kind belongs to, which kind opens it, and which kind a process's
# ordinary next meeting is.
PROCESS_OF = {SIB_ENTRY: "sib", SIB_STANDARD: "sib", SIB_EXIT: "sib", PCI: "pci", RTM: "rtm"}
FIRST_MEETING = {"sib": SIB_ENTRY, "pci": PCI, "rtm": RTM}
NEXT_MEETING = {"sib": SIB_STANDARD, "pci": PCI, "rtm": RTM}
# Where a template states no length (Kent's Round Table Meetings): the product's default,
# changed per meeting.
DEFAULT_DURATION_MINUTES = 90

OUTCOMES: tuple[str, ...] = (NEXT_HALF_TERM, NEXT_TERM, EXIT_AGENDA, EXIT_TO_PCI, CONTINUE)

# When the dashboard calls a step overdue. The documents set no deadline for minutes; these are
# the product's defaults, counted in working days.
MINUTES_DUE_WORKING_DAYS = 10
ACCURACY_CHECK_WORKING_DAYS = 5


class OutcomeError(ValueError):
    """An outcome the meeting cannot agree, with a sentence people can read."""


@dataclass(frozen=True)
class NextStep:
    meeting_kind: str  # the kind of the next meeting
    process: str  # the process it belongs to ("sib", "pci", "rtm")
    opens_new_process: bool  # exit to PCI: the SIB exits and a PCI opens
    spacing: str  # "half_term" or "term"
    explanation: str


def next_step(meeting_kind: str, outcome: str, allowed: tuple[str, ...]) -> NextStep:
    """What agreeing `outcome` at a meeting of `meeting_kind` sets up, when its template allows
    the outcomes `allowed`."""
    if outcome not in allowed:
        raise OutcomeError(
            f"A {meeting_kind.replace('_', ' ')} meeting cannot agree the outcome {outcome!r}; "
            f"it may agree: {', '.join(allowed)}."
        )
    process = PROCESS_OF[meeting_kind]
    if outcome == EXIT_TO_PCI:
        return NextStep(PCI, "pci", True, "term",
                        "The school exits the SIB process and begins the Progress Check-In process.")
    if outcome == EXIT_AGENDA:
        return NextStep(SIB_EXIT, "sib", False, "half_term", "The next SIB meeting has an exit agenda.")
    if outcome == NEXT_HALF_TERM:
        return NextStep(NEXT_MEETING[process], process, False, "half_term",
                        "The school remains in the process; the next meeting is next half-term.")
    if outcome == NEXT_TERM:
        return NextStep(NEXT_MEETING[process], process, False, "term",
                        "The school remains in the process; the next meeting is next term.")
    return NextStep(NEXT_MEETING[process], process, False, "term", "The next meeting takes place next term.")


def _nearest_school_day(calendar: AcademicCalendar, day: date, start: date, end: date) -> date:
    """The first school day on or after `day` within start..end, else the last one before it."""
    forward = day
    while forward <= end:
        if calendar.is_school_day(forward):
            return forward
        forward += timedelta(days=1)
    backward = day
    while backward > start and not calendar.is_school_day(backward):
        backward -= timedelta(days=1)
    return backward


def proposed_date(calendar: AcademicCalendar, held_on: date, spacing: str) -> date:
    """The next meeting's proposed date: the same weekday, the same number of weeks into the
    next half-term (or term) as this meeting was into its own, kept within it and moved on to a
    school day. A meeting held in a holiday counts as in its first week. The chair may change it."""
    current = calendar.half_term_containing(held_on)
    weeks_in = (held_on - current.start).days // 7 if current else 0
    if spacing == "half_term":
        following = calendar.next_half_term(held_on)
        start, end = following.start, following.end
    elif spacing == "term":
        window = calendar.next_term(held_on)
        start, end = window.start, window.end
        if current is not None and current.number % 2 == 0:
            # Held in a term's second half: keep to the same part of the next term.
            weeks_in += (current.start - calendar.half_term(current.academic_year, current.number - 1).start).days // 7
    else:
        raise OutcomeError(f"Unknown spacing {spacing!r}")
    week_start = start - timedelta(days=start.weekday())
    candidate = week_start + timedelta(weeks=weeks_in, days=held_on.weekday())
    if candidate < start:
        candidate += timedelta(weeks=1)
    while candidate > end:  # this meeting was later in its half-term than the next one is long
        candidate -= timedelta(weeks=1)
    return _nearest_school_day(calendar, max(candidate, start), start, end)
