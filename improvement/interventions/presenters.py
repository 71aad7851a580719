"""Display models for meetings: the minutes as the same RecordView the visit record uses (so the
page, the PDF and the board pack print them alike), and the meeting facts the minutes' header
reads from the meeting itself."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from improvement.interventions import lifecycle
from improvement.interventions.models import Meeting
from improvement.policy import frameworks
from improvement.visits.presenters import RecordView, header_rows, section_views


def _when(meeting: Meeting) -> str:
    start = timezone.localtime(meeting.starts_at)
    return f"{start:%-d %B %Y}, {start:%H:%M} (about {meeting.duration_minutes} minutes)"


def meeting_facts(meeting: Meeting, board: list[str]) -> dict[str, str]:
    """Values of the templates' `meeting.*` pre-fill sources, read live from the meeting."""
    following = meeting.next_meeting
    return {
        "meeting.when": _when(meeting),
        "meeting.venue": meeting.venue,
        "meeting.board": "; ".join(board),
        "meeting.attendees": "; ".join(board),
        "meeting.number": str(meeting.number),
        "meeting.outcome": meeting.get_outcome_display() if meeting.outcome else "Not recorded yet",
        "meeting.confident_good": meeting.get_confident_good_display() if meeting.confident_good else "Not recorded yet",
        "meeting.next_meeting": (f"{_when(following)} at {following.venue}" if following else "Not set yet"),
        "meeting.process_opened": f"{meeting.process.opened_on:%-d %B %Y}",
    }


def judgement_areas(meeting: Meeting) -> list[frameworks.Area]:
    """Self-evaluation rows: the areas of the framework era the meeting falls in."""
    era = frameworks.era_for_date(timezone.localtime(meeting.starts_at).date())
    return list(era.areas) if era else []


def minutes_view(*, meeting: Meeting, role: str, board: list[str], carried_forward: list[dict[str, str]]) -> RecordView:
    template = meeting.template
    snapshot_values = (meeting.snapshot or {}).get("values", {})
    live = meeting_facts(meeting, board)
    content = meeting.content or {}

    def readonly_text(f) -> str:
        return live.get(f.prefill, "") if f.prefill.startswith("meeting.") else snapshot_values.get(f.prefill, "")

    header = header_rows(template, role, content, readonly_text)
    sections = section_views(template, role, content, judgement_areas(meeting), readonly_text)
    start: date = timezone.localtime(meeting.starts_at).date()
    return RecordView(
        title=template.title,
        purpose=template.purpose,
        private_and_confidential=meeting.process.private_and_confidential,
        draft_mark=meeting.status not in (lifecycle.FINALISED, lifecycle.SHARED),
        status_label=lifecycle.STATUS_LABELS.get(meeting.status, meeting.status),
        header=header,
        sections=sections,
        carried_forward=carried_forward,
        carried_forward_title="Progress against agreed actions",
        disagreement="",
        moderation="",
        distribution_note=template.distribution_note,
        references=list(template.references),
        amendment_number=0,
        snapshot_taken_at=(meeting.snapshot or {}).get("taken_at", ""),
        school_name=meeting.process.school.name,
        visit_date=start,
    )


@dataclass
class Task:
    label: str
    done: bool
    detail: str = ""


def task_list(meeting: Meeting, pack_sent_at) -> list[Task]:
    """The meeting page's task list: pre-reads sent, held, drafted, checked, finalised, shared."""
    tasks = [Task("Pre-read pack sent to the board", pack_sent_at is not None,
                  f"Sent {timezone.localtime(pack_sent_at):%-d %B %Y}" if pack_sent_at else "")]
    for label, done_in in lifecycle.TASKS:
        tasks.append(Task(label, meeting.status in done_in))
    return tasks
