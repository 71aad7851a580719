"""The rules of a meeting series: which outcomes a meeting may agree, what each outcome makes the
next meeting, and when the next meeting is proposed. Pure Python, tested without a database.

Source: Coventry, "Support and Intervention (Maintained Schools)": the SIB entry and standard
records agree to "remain within the SIB process with next meeting required next half-term",
"... next term" or "set the next meeting within the SIB process as having an exit agenda"; the
exit record may instead "exit the SIB process and begin the Progress Check-In process"; PCI
meetings take place termly "until their next Ofsted inspection". Kent handbook section 15: Round
Table Meetings every season (three times a year).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from improvement.policy.calendar import AcademicCalendar

SIB_ENTRY, SIB_STANDARD, SIB_EXIT, PCI, RTM = "sib_entry", "sib_standard", "sib_exit", "pci", "rtm"
NEXT_HALF_TERM, NEXT_TERM, EXIT_AGENDA, EXIT_TO_PCI, CONTINUE = (
    "next_half_term", "next_term", "exit_agenda", "exit_to_pci", "continue",
)

# Which process each meeting kind belongs to, and which kind opens it.
PROCESS_OF = {SIB_ENTRY: "sib", SIB_STANDARD: "sib", SIB_EXIT: "sib", PCI: "pci", RTM: "rtm"}
FIRST_MEETING = {"sib": SIB_ENTRY, "pci": PCI, "rtm": RTM}
# SIB about 90 minutes and PCI about 60 (Coventry); the Kent handbook gives no length for a
# Round Table Meeting, so 90 minutes is the product's default, changed per meeting.
DEFAULT_DURATION_MINUTES = {"sib": 90, "pci": 60, "rtm": 90}

ALLOWED_OUTCOMES: dict[str, tuple[str, ...]] = {
    SIB_ENTRY: (NEXT_HALF_TERM, NEXT_TERM, EXIT_AGENDA),
    SIB_STANDARD: (NEXT_HALF_TERM, NEXT_TERM, EXIT_AGENDA),
    SIB_EXIT: (NEXT_HALF_TERM, NEXT_TERM, EXIT_TO_PCI),
    PCI: (CONTINUE,),
    RTM: (CONTINUE,),
}

# Pre-reads go to the board "a week ahead" (Coventry: pre-read documents).
PACK_DAYS_BEFORE = 7
# When the dashboard calls a step overdue. The documents set no deadline for minutes; these are
# the product's defaults, counted in working days.
MINUTES_DUE_WORKING_DAYS = 10
ACCURACY_CHECK_WORKING_DAYS = 5

# Meeting kinds whose record asks the board's fundamental question.
ASKS_FUNDAMENTAL_QUESTION = frozenset({SIB_ENTRY, SIB_STANDARD, SIB_EXIT})


class OutcomeError(ValueError):
    """An outcome the meeting cannot agree, with a sentence people can read."""


@dataclass(frozen=True)
class NextStep:
    meeting_kind: str  # the kind of the next meeting
    process: str  # the process it belongs to ("sib", "pci", "rtm")
    opens_new_process: bool  # exit to PCI: the SIB exits and a PCI opens
    spacing: str  # "half_term" or "term"
    explanation: str


def next_step(meeting_kind: str, outcome: str) -> NextStep:
    allowed = ALLOWED_OUTCOMES.get(meeting_kind, ())
    if outcome not in allowed:
        raise OutcomeError(
            f"A {meeting_kind.replace('_', ' ')} meeting cannot agree the outcome {outcome!r}; "
            f"it may agree: {', '.join(allowed)}."
        )
    if outcome == EXIT_TO_PCI:
        return NextStep(PCI, "pci", True, "term",
                        "The school exits the SIB process and begins the Progress Check-In process.")
    if outcome == EXIT_AGENDA:
        return NextStep(SIB_EXIT, "sib", False, "half_term",
                        "The next SIB meeting has an exit agenda.")
    if outcome == NEXT_HALF_TERM:
        return NextStep(SIB_STANDARD, "sib", False, "half_term",
                        "The school remains in the SIB process; the next meeting is next half-term.")
    if outcome == NEXT_TERM:
        return NextStep(SIB_STANDARD, "sib", False, "term",
                        "The school remains in the SIB process; the next meeting is next term.")
    process = PROCESS_OF[meeting_kind]
    return NextStep(meeting_kind, process, False, "term", "The next meeting takes place next term.")


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
