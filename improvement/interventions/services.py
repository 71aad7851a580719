"""Writes for support and intervention processes. Keyword-only, atomic, take the acting user,
write the status rows. Views call these and nothing else to change a process or a meeting."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from improvement.accounts.models import User
from improvement.accounts.roles import LA_STAFF_ROLES, Role
from improvement.actions.models import OPEN_STATUSES, Action
from improvement.actions.services import record_review
from improvement.interventions import lifecycle
from improvement.interventions.models import (
    BoardMember,
    BoardRole,
    ClosedHow,
    DecisionKind,
    EscalationDecision,
    Meeting,
    MeetingKind,
    MeetingStatus,
    MeetingStatusChange,
    Outcome,
    Process,
    ProcessKind,
    ProcessStatus,
    ProcessStatusChange,
)
from improvement.policy import calendar as academic
from improvement.policy import frameworks, record_templates
from improvement.policy import meetings as series
from improvement.policy.packs import PackError, load_pack
from improvement.policy.record_templates import FieldKind, RecordTemplate
from improvement.schools.models import School
from improvement.visits.content import filled_rows
from improvement.visits.prefill import register_snapshot
from improvement.visits.services import StaleRecord, scrub_nul
from improvement.visits.writing_checks import parse_by_when

# Who opens each kind of process: Coventry's boards are chaired by a senior adviser; Kent's
# Round Table Meetings are convened and chaired by the improvement partner.
OPENERS = {
    ProcessKind.SIB: (Role.SENIOR_ADVISER,),
    ProcessKind.PCI: (Role.SENIOR_ADVISER,),
    ProcessKind.RTM: (Role.SENIOR_ADVISER, Role.MONITORING_OFFICER),
}


class RecordLocked(Exception):
    """The minutes cannot be edited in the meeting's current status."""


def _date(value: date) -> str:
    return f"{value:%-d %B %Y}"


def _required(value: str, message: str, field: str | None = None) -> str:
    value = scrub_nul(value or "").strip()
    if not value:
        raise ValidationError({field: message} if field else message)
    return value


def notify(users: list[User], subject: str, body: str) -> None:
    messages = [
        EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[u.email])
        for u in users if u.email and u.is_active
    ]
    if messages:
        get_connection().send_messages(messages)


def link_sentence(link: str) -> str:
    return f"Sign in to School Improvement Monitor to read it{': ' + link if link else '.'}"


# --- templates ---------------------------------------------------------------------------------


def template_for(kind: str, school: School, day: date) -> RecordTemplate:
    """The minutes template for a meeting kind: the authority's own for the year if it has one,
    otherwise the newest shipped template of that kind."""
    template = record_templates.meeting_template(
        kind, authority_code=school.authority.code, academic_year=academic.academic_year_of(day)
    )
    if template is None:
        raise ValidationError(f"There is no minutes template for a {MeetingKind(kind).label.lower()}.")
    return template


def _initial_content(template: RecordTemplate, snapshot_values: dict[str, str]) -> dict[str, Any]:
    content: dict[str, Any] = {}
    for _section, f in template.all_fields():
        if f.readonly or f.prefill.startswith("meeting."):
            continue  # meeting facts are read from the meeting, never stored in the minutes
        if f.prefill:
            content[f.key] = snapshot_values.get(f.prefill, "")
        elif f.default:
            content[f.key] = f.default
    return content


# --- processes ---------------------------------------------------------------------------------


def _same_authority_staff(actor: User, school: School, roles) -> None:
    if school.authority_id != actor.authority_id or actor.role not in roles:
        raise PermissionDenied("You cannot do this for this school.")


def _default_board(process: Process, actor: User) -> list[BoardMember]:
    """The Coventry board: chair, headteacher, chair of governors, network lead and the school's
    monitoring officer (PCI: chair, headteacher and officer). Only people with accounts are
    added; others are added by name from the board page."""
    from improvement.planning.models import OfficerAllocation

    school = process.school
    seats: list[tuple[User, str]] = [(process.chair, BoardRole.CHAIR)]
    school_roles = [Role.HEADTEACHER] + ([Role.CHAIR_OF_GOVERNORS] if process.kind != ProcessKind.PCI else [])
    for user in User.objects.filter(school=school, role__in=school_roles, is_active=True).order_by("role", "pk"):
        seats.append((user, BoardRole.HEADTEACHER if user.role == Role.HEADTEACHER else BoardRole.CHAIR_OF_GOVERNORS))
    if process.kind == ProcessKind.SIB:
        for network in school.networks.select_related("lead"):
            if network.lead and network.lead.is_active:
                seats.append((network.lead, BoardRole.NETWORK_LEAD))
    allocation = (
        OfficerAllocation.objects.filter(school=school, officer__is_active=True)
        .select_related("officer").order_by("-academic_year", "-allocated_at", "-pk").first()
    )
    if allocation:
        seats.append((allocation.officer, BoardRole.MONITORING_OFFICER))
    members, seen = [], set()
    for user, role in seats:
        if user.pk in seen:
            continue
        seen.add(user.pk)
        members.append(BoardMember.objects.create(process=process, user=user, role=role, added_by=actor))
    return members


def _status_row(process: Process, actor: User, to_status: str, reason: str, from_status: str = "") -> None:
    ProcessStatusChange.objects.create(process=process, from_status=from_status, to_status=to_status,
                                       reason=reason, actor=actor)


def _live_process(school: School, kind: str) -> Process | None:
    return Process.objects.filter(school=school, kind=kind, status__in=[ProcessStatus.OPEN, ProcessStatus.PAUSED]).first()


@transaction.atomic
def open_process(
    *,
    actor: User,
    school: School,
    kind: str,
    opened_on: date,
    reason: str,
    chair: User,
    first_meeting_at: datetime,
    venue: str,
) -> Process:
    """Open a process with its default board and its first meeting scheduled."""
    _same_authority_staff(actor, school, OPENERS[ProcessKind(kind)])
    if opened_on > timezone.localdate():
        raise ValidationError({"opened_on": "The date the process began must be today or in the past."})
    return _open(actor=actor, school=school, kind=kind, opened_on=opened_on, reason=reason, chair=chair,
                 first_meeting_at=first_meeting_at, venue=venue)


def _open(*, actor: User, school: School, kind: str, opened_on: date, reason: str, chair: User,
          first_meeting_at: datetime, venue: str, follows: Process | None = None) -> Process:
    """Open a process: the checks every opening needs, whoever may open it."""
    reason = _required(reason, "Give the reason the process is being started.", "reason")
    venue = _required(venue, "Enter where the first meeting will take place.", "venue")
    if not school.is_open:
        raise ValidationError("This school is closed: a process cannot be opened for it.")
    if chair.authority_id != school.authority_id or chair.role not in LA_STAFF_ROLES or not chair.is_active:
        raise ValidationError({"chair": "The chair must be an active member of the authority's staff."})
    if timezone.localtime(first_meeting_at).date() < opened_on:
        raise ValidationError({"first_meeting_at": "The first meeting cannot be before the process began."})
    existing = _live_process(school, kind)
    if existing:
        raise ValidationError(
            f"{school.name} already has an open {existing.get_kind_display()} (opened "
            f"{_date(existing.opened_on)}). A school has at most one open process of each type."
        )
    template = template_for(series.FIRST_MEETING[kind], school, opened_on)
    process = Process(
        school=school, kind=kind, opened_on=opened_on, reason=reason, chair=chair,
        private_and_confidential=template.private_and_confidential, follows=follows, opened_by=actor,
    )
    try:
        with transaction.atomic():
            process.save()
    except IntegrityError as exc:  # a second tab opened one a moment ago
        raise ValidationError(f"{school.name} already has an open process of this type.") from exc
    _status_row(process, actor, ProcessStatus.OPEN, reason)
    _default_board(process, actor)
    _create_meeting(actor=actor, process=process, kind=series.FIRST_MEETING[kind],
                    starts_at=first_meeting_at, venue=venue)
    return process


_STATUS_MOVES = {
    ProcessStatus.OPEN: (ProcessStatus.PAUSED, ProcessStatus.CLOSED),
    ProcessStatus.PAUSED: (ProcessStatus.OPEN, ProcessStatus.CLOSED),
    ProcessStatus.CLOSED: (),
}


def _cancel_scheduled(process: Process, actor: User, reason: str) -> None:
    for meeting in process.meetings.filter(status=MeetingStatus.SCHEDULED):
        MeetingStatusChange.objects.create(meeting=meeting, from_status=meeting.status,
                                           to_status=MeetingStatus.CANCELLED, actor=actor, comment=reason)
        meeting.status = MeetingStatus.CANCELLED
        meeting.save(update_fields=["status", "updated_at"])


def _close(process: Process, actor: User, *, how: str, reason: str, on: date) -> None:
    _status_row(process, actor, ProcessStatus.CLOSED, reason, from_status=process.status)
    _cancel_scheduled(process, actor, f"Process closed: {reason}")
    process.status = ProcessStatus.CLOSED
    process.closed_on = on
    process.closed_how = how
    process.save(update_fields=["status", "closed_on", "closed_how"])


@transaction.atomic
def change_process_status(*, actor: User, process: Process, to_status: str, reason: str) -> Process:
    """Pause, resume or close a process; always with a reason. A closed process stays closed."""
    process = Process.objects.select_for_update().select_related("school").get(pk=process.pk)
    if not can_manage(actor, process):
        raise PermissionDenied("Only the chair or a senior adviser can change this process.")
    reason = _required(reason, "Give the reason for the change.", "reason")
    if to_status not in _STATUS_MOVES[ProcessStatus(process.status)]:
        if process.status == ProcessStatus.CLOSED:
            raise ValidationError("This process is closed and cannot be changed: open a new one if it is needed again.")
        raise ValidationError(f"The process is already {process.get_status_display().lower()}.")
    if to_status == ProcessStatus.CLOSED:
        _close(process, actor, how=ClosedHow.OTHER, reason=reason, on=timezone.localdate())
    else:
        _status_row(process, actor, to_status, reason, from_status=process.status)
        process.status = to_status
        process.save(update_fields=["status"])
    return process


@transaction.atomic
def close_on_inspection(*, actor: User, school: School, inspection) -> Process | None:
    """A Progress Check-In continues until the school's next Ofsted inspection: recording a
    full inspection after the PCI began closes it, with that reason."""
    if inspection.inspection_type != frameworks.FULL:
        return None
    process = (Process.objects.select_for_update()
               .filter(school=school, kind=ProcessKind.PCI, status__in=[ProcessStatus.OPEN, ProcessStatus.PAUSED])
               .first())
    if process is None or inspection.start_date < process.opened_on:
        return None
    _close(process, actor, how=ClosedHow.INSPECTION, on=inspection.start_date,
           reason=f"The school's next Ofsted inspection ({_date(inspection.start_date)}) has been recorded.")
    return process


# --- board -------------------------------------------------------------------------------------


def can_manage(user: User, process: Process) -> bool:
    """The process's chair, or a senior adviser of its authority."""
    if not user.is_authenticated or user.authority_id != process.school.authority_id:
        return False
    return user.pk == process.chair_id or user.role == Role.SENIOR_ADVISER


@transaction.atomic
def add_board_member(*, actor: User, process: Process, role: str, user: User | None = None,
                     name: str = "", role_detail: str = "") -> BoardMember:
    if not can_manage(actor, process):
        raise PermissionDenied("Only the chair or a senior adviser can change the board.")
    if not process.is_live:
        raise ValidationError("The board of a closed process cannot be changed.")
    if user is not None:
        in_reach = user.authority_id == process.school.authority_id and user.is_active and (
            user.role in LA_STAFF_ROLES or user.school_id == process.school_id
        )
        if not in_reach:
            raise ValidationError({"user": "Choose a member of the authority's staff or of the school."})
        if process.members.filter(user=user, left_at__isnull=True).exists():
            raise ValidationError({"user": f"{user} is already on the board."})
    member = BoardMember(process=process, user=user, name=scrub_nul(name).strip()[:200], role=role,
                         role_detail=scrub_nul(role_detail).strip()[:200], added_by=actor)
    member.full_clean()
    member.save()
    return member


@transaction.atomic
def remove_board_member(*, actor: User, member: BoardMember) -> BoardMember:
    if not can_manage(actor, member.process):
        raise PermissionDenied("Only the chair or a senior adviser can change the board.")
    if member.role == BoardRole.CHAIR:
        raise ValidationError("The chair cannot be removed from the board.")
    if member.left_at is None:
        member.left_at = timezone.now()
        member.save(update_fields=["left_at"])
    return member


def board_users(process: Process) -> list[User]:
    return [m.user for m in process.members.filter(left_at__isnull=True, user__isnull=False).select_related("user")]


# --- meetings ----------------------------------------------------------------------------------


def _check_meeting_kind(process: Process, kind: str) -> None:
    if series.PROCESS_OF[kind] != process.kind:
        raise ValidationError(f"A {MeetingKind(kind).label.lower()} does not belong to a {process.get_kind_display()}.")
    if kind == MeetingKind.SIB_EXIT and not process.meetings.filter(kind=MeetingKind.SIB_ENTRY).exclude(
        status=MeetingStatus.CANCELLED
    ).exists():
        raise ValidationError({"kind": "An exit meeting needs an entry meeting first: schedule the entry meeting."})
    if kind == MeetingKind.SIB_ENTRY and process.meetings.filter(kind=MeetingKind.SIB_ENTRY).exclude(
        status=MeetingStatus.CANCELLED
    ).exists():
        raise ValidationError({"kind": "This board already has an entry meeting: schedule a standard or exit meeting."})


def _check_after_previous(process: Process, starts_at: datetime, exclude: Meeting | None = None) -> None:
    previous = process.meetings.exclude(status=MeetingStatus.CANCELLED)
    if exclude is not None:
        previous = previous.exclude(pk=exclude.pk).filter(number__lt=exclude.number)
    latest = previous.order_by("-starts_at").first()
    if latest and starts_at <= latest.starts_at:
        raise ValidationError({"starts_at": (
            f"The meeting must be after the previous one ({timezone.localtime(latest.starts_at):%-d %B %Y, %H:%M})."
        )})


def _create_meeting(*, actor: User, process: Process, kind: str, starts_at: datetime, venue: str,
                    duration_minutes: int | None = None) -> Meeting:
    if process.status == ProcessStatus.CLOSED:
        raise ValidationError("You cannot add a meeting: this process is closed.")
    if process.status == ProcessStatus.PAUSED:
        raise ValidationError("This process is paused: resume it before scheduling a meeting.")
    _check_meeting_kind(process, kind)
    _check_after_previous(process, starts_at)
    template = template_for(kind, process.school, timezone.localtime(starts_at).date())
    number = (process.meetings.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    meeting = Meeting.objects.create(
        process=process, kind=kind, number=number, template_key=template.key,
        template_version=template.version, starts_at=starts_at,
        duration_minutes=duration_minutes or template.duration_minutes or series.DEFAULT_DURATION_MINUTES,
        venue=_required(venue, "Enter where the meeting will take place.", "venue")[:300], created_by=actor,
    )
    MeetingStatusChange.objects.create(meeting=meeting, to_status=MeetingStatus.SCHEDULED, actor=actor)
    return meeting


@transaction.atomic
def schedule_meeting(*, actor: User, process: Process, kind: str, starts_at: datetime, venue: str,
                     duration_minutes: int | None = None) -> Meeting:
    process = Process.objects.select_for_update().select_related("school__authority").get(pk=process.pk)
    if not can_manage(actor, process):
        raise PermissionDenied("Only the chair or a senior adviser can schedule meetings.")
    return _create_meeting(actor=actor, process=process, kind=kind, starts_at=starts_at, venue=venue,
                           duration_minutes=duration_minutes)


@transaction.atomic
def reschedule_meeting(*, actor: User, meeting: Meeting, starts_at: datetime, venue: str, reason: str) -> Meeting:
    meeting = Meeting.objects.select_for_update().select_related("process__school").get(pk=meeting.pk)
    if not can_manage(actor, meeting.process):
        raise PermissionDenied("Only the chair or a senior adviser can move a meeting.")
    if meeting.status != MeetingStatus.SCHEDULED:
        raise ValidationError("Only a meeting that has not been held yet can be moved.")
    reason = _required(reason, "Give the reason the meeting is being moved.", "reason")
    _check_after_previous(meeting.process, starts_at, exclude=meeting)
    was = timezone.localtime(meeting.starts_at)
    meeting.starts_at = starts_at
    meeting.venue = _required(venue, "Enter where the meeting will take place.", "venue")[:300]
    meeting.save(update_fields=["starts_at", "venue", "updated_at"])
    MeetingStatusChange.objects.create(
        meeting=meeting, from_status=meeting.status, to_status=meeting.status, actor=actor,
        comment=f"Moved from {was:%-d %B %Y, %H:%M}: {reason}",
    )
    return meeting


def can_take_step(user: User, meeting: Meeting, step: lifecycle.Step) -> bool:
    process = meeting.process
    if not user.is_authenticated or user.authority_id != process.school.authority_id:
        return False
    if step.actor == lifecycle.HEADTEACHER:
        return user.role == Role.HEADTEACHER and user.school_id == process.school_id
    return can_manage(user, process)


def carried_forward_actions(meeting: Meeting):
    """Open actions of the school agreed before this meeting (at earlier meetings or visits):
    the minutes' "progress against agreed actions". One query."""
    from django.db.models import Q

    day = timezone.localtime(meeting.starts_at).date()
    return (
        Action.objects.filter(school_id=meeting.process.school_id, status__in=OPEN_STATUSES)
        .exclude(source_meeting_id=meeting.pk)
        .filter(Q(source_meeting__starts_at__lt=meeting.starts_at) | Q(source_visit__date__lte=day))
        .select_related("source_visit", "source_meeting")
        .order_by("created_at", "pk")
    )


def _materialise_actions(*, actor: User, meeting: Meeting) -> None:
    """Agreed actions become Actions (once per row), reviewed at the next meeting or visit."""
    for f, row in filled_rows(meeting.template, meeting.content, FieldKind.ACTIONS_TABLE):
        if not f.carries_forward:
            continue
        by_when = str(row.get("by_when", "")).strip()
        text = str(row.get("text", "")).strip()
        if not text:
            raise ValidationError("Every agreed action needs its text.")
        Action.objects.update_or_create(
            source_meeting=meeting, source_item=row["uid"],
            defaults={
                "school": meeting.process.school, "text": text,
                "lead_role": str(row.get("lead_role", "")).strip()[:100],
                "lead_initials": str(row.get("lead_initials", "")).strip()[:20],
                "monitored_by": str(row.get("monitored_by", "")).strip()[:200],
                "success_measure": str(row.get("success_measure", "")).strip(),
                "support_offered": str(row.get("support_offered", "")).strip(),
                "due_date": parse_by_when(by_when), "due_text": by_when[:200], "created_by": actor,
            },
        )


def _apply_action_reviews(*, actor: User, meeting: Meeting) -> None:
    reviews = meeting.action_reviews or {}
    for action in carried_forward_actions(meeting):
        record_review(actor=actor, action=action, review=reviews.get(str(action.pk)) or {}, meeting=meeting)


@transaction.atomic
def take_step(*, actor: User, meeting: Meeting, step_name: str, comment: str = "",
              section_comments: dict[str, str] | None = None, link: str = "") -> Meeting:
    """One step of the minutes' life; raises lifecycle.IllegalStep with a clear message."""
    meeting = Meeting.objects.select_for_update().select_related("process__school__authority").get(pk=meeting.pk)
    step = lifecycle.check_step(step_name, meeting.status)
    if not can_take_step(actor, meeting, step):
        raise PermissionDenied("You cannot take this step for this meeting.")
    comment = scrub_nul(comment or "").strip()
    section_comments = {k: scrub_nul(v).strip() for k, v in (section_comments or {}).items() if v and v.strip()}
    if step.name == "comment" and not (comment or section_comments):
        raise lifecycle.IllegalStep("Say what should be corrected in at least one section.")
    if step.needs_comment and step.name != "comment" and not comment:
        raise lifecycle.IllegalStep(f"Enter: {step.comment_label.lower()}.")
    process = meeting.process
    if step.name == "hold":
        if meeting.starts_at > timezone.now():
            raise lifecycle.IllegalStep("This meeting has not happened yet: record it once it has been held.")
        if process.status != ProcessStatus.OPEN:
            raise lifecycle.IllegalStep(f"The process is {process.get_status_display().lower()}: "
                                        "a meeting cannot be held on it.")
        snapshot = register_snapshot(process.school)
        meeting.snapshot = snapshot
        meeting.content = _initial_content(meeting.template, snapshot["values"])
    elif step.name == "finalise":
        if meeting.template.outcomes != (series.CONTINUE,) and not meeting.outcome:
            raise lifecycle.IllegalStep("Record the board's agreed outcome before finalising the minutes.")
        _materialise_actions(actor=actor, meeting=meeting)
        _apply_action_reviews(actor=actor, meeting=meeting)
    MeetingStatusChange.objects.create(meeting=meeting, from_status=meeting.status, to_status=step.target,
                                       actor=actor, comment=comment, section_comments=section_comments)
    meeting.status = step.target
    meeting.save()
    _after_step(meeting, step, actor, link)
    return meeting


def _after_step(meeting: Meeting, step: lifecycle.Step, actor: User, link: str) -> None:
    """Who hears about a step by e-mail (a link, never the minutes)."""
    school = meeting.process.school
    what = f"the minutes of the {meeting.get_kind_display().lower()} at {school.name} on {_date(timezone.localtime(meeting.starts_at).date())}"
    if step.name == "send":
        users = list(User.objects.filter(school=school, role=Role.HEADTEACHER, is_active=True))
        body = f"Please check {what} for accuracy. {link_sentence(link)}"
    elif step.name in ("confirm_accurate", "comment"):
        users = [meeting.process.chair]
        verdict = "confirmed as accurate" if step.name == "confirm_accurate" else "sent comments on"
        body = f"{actor} has {verdict} {what}. {link_sentence(link)}"
    elif step.name == "share":
        users = [u for u in board_users(meeting.process) if u.pk != actor.pk]
        body = f"{what[0].upper()}{what[1:]} have been finalised and shared with the board. {link_sentence(link)}"
    else:
        return
    subject = f"{meeting.get_kind_display()}: {school.name}, {lifecycle.STATUS_LABELS[step.target].lower()}"
    transaction.on_commit(lambda: notify(users, subject, body))


@transaction.atomic
def save_minutes(*, actor: User, meeting: Meeting, content: dict[str, Any], expected_version: int,
                 action_reviews: dict[str, Any] | None = None) -> Meeting:
    """Save the draft minutes (autosave or the Save button): one conditional UPDATE, so a save
    from a stale page never overwrites a newer one."""
    locked = Meeting.objects.select_for_update().select_related("process__school").get(pk=meeting.pk)
    if not can_manage(actor, locked.process):
        raise PermissionDenied("Only the chair or a senior adviser writes the minutes.")
    if locked.status != MeetingStatus.DRAFT:
        raise RecordLocked(f"These minutes can no longer be edited: they are "
                           f"{lifecycle.STATUS_LABELS[locked.status].lower()}.")
    updates: dict[str, Any] = {"content": scrub_nul(content), "version": F("version") + 1, "updated_at": timezone.now()}
    if action_reviews is not None:
        updates["action_reviews"] = scrub_nul(action_reviews)
    changed = Meeting.objects.filter(pk=meeting.pk, version=expected_version).update(**updates)
    current = Meeting.objects.get(pk=meeting.pk)
    # A stale save of exactly what is stored (the Save button racing its own autosave) loses
    # nothing, so it is not a conflict.
    same = current.content == updates["content"] and (
        action_reviews is None or current.action_reviews == updates["action_reviews"])
    if not changed and not same:
        raise StaleRecord(current)
    return current


def meeting_calendar(meeting: Meeting) -> academic.AcademicCalendar:
    """The term dates of the policy pack the meeting's template comes from (Kent's handbook
    dates for a Round Table Meeting), else England's default half-terms."""
    try:
        return load_pack(meeting.template.pack).calendar
    except PackError:
        return academic.DEFAULT_CALENDAR


def asks_fundamental_question(template: RecordTemplate) -> bool:
    """Whether the minutes record the board's answer to "Are we confident that this school will
    receive an overall Good judgement at its next Ofsted inspection?" (Coventry's SIB records)."""
    return any(f.prefill == "meeting.confident_good" for _section, f in template.all_fields())


def proposed_next_date(meeting: Meeting, outcome: str) -> date:
    """When the next meeting should be, for an outcome: next half-term or next term."""
    step = series.next_step(meeting.kind, outcome, meeting.template.outcomes)
    return series.proposed_date(meeting_calendar(meeting), timezone.localtime(meeting.starts_at).date(), step.spacing)


@transaction.atomic
def record_outcome(*, actor: User, meeting: Meeting, outcome: str, confident_good: str,
                   next_starts_at: datetime, next_venue: str) -> Meeting:
    """Record what the board agreed and set up the next step: the next meeting in this process,
    or, at an exit meeting that agrees to exit, the SIB's exit and the Progress Check-In with
    its first meeting. Recorded once: it is the board's decision."""
    meeting = Meeting.objects.select_for_update().select_related("process__school__authority").get(pk=meeting.pk)
    process = meeting.process
    if not can_manage(actor, process):
        raise PermissionDenied("Only the chair or a senior adviser records the outcome.")
    if meeting.outcome:
        raise ValidationError("The outcome of this meeting has already been recorded.")
    if meeting.status not in (MeetingStatus.DRAFT, MeetingStatus.SENT, MeetingStatus.ACCURATE, MeetingStatus.COMMENTED):
        raise ValidationError("Record the outcome once the meeting has been held and before the minutes are finalised.")
    if process.status != ProcessStatus.OPEN:
        raise ValidationError(f"This process is {process.get_status_display().lower()}: no further meeting can be set.")
    try:
        step = series.next_step(meeting.kind, outcome, meeting.template.outcomes)
    except series.OutcomeError as exc:
        raise ValidationError({"outcome": "Choose one of the outcomes this meeting can agree."}) from exc
    asks_question = asks_fundamental_question(meeting.template)
    if asks_question and confident_good not in ("yes", "no"):
        raise ValidationError({"confident_good": "Answer the board's question: are you confident of an overall Good judgement?"})
    if next_starts_at <= meeting.starts_at:
        raise ValidationError({"next_starts_at": "The next meeting must be after this one."})
    if step.opens_new_process:
        exit_reason = f"Exit agreed at the exit meeting on {_date(timezone.localtime(meeting.starts_at).date())}."
        _close(process, actor, how=ClosedHow.EXITED, reason=exit_reason,
               on=timezone.localtime(meeting.starts_at).date())
        # The board's exit decision opens the PCI, whoever of the board's managers records it.
        pci = _open(
            actor=actor, school=process.school, kind=ProcessKind.PCI,
            opened_on=timezone.localtime(meeting.starts_at).date(),
            reason=f"The school exited the School Improvement Board process. {exit_reason}",
            chair=process.chair, first_meeting_at=next_starts_at, venue=next_venue, follows=process,
        )
        following = pci.meetings.get()
    else:
        following = _create_meeting(actor=actor, process=process, kind=step.meeting_kind,
                                    starts_at=next_starts_at, venue=next_venue)
    meeting.outcome = outcome
    meeting.confident_good = confident_good if asks_question else ""
    meeting.outcome_recorded_at = timezone.now()
    meeting.outcome_recorded_by = actor
    meeting.next_meeting = following
    meeting.save(update_fields=["outcome", "confident_good", "outcome_recorded_at", "outcome_recorded_by",
                                "next_meeting", "updated_at"])
    MeetingStatusChange.objects.create(
        meeting=meeting, from_status=meeting.status, to_status=meeting.status, actor=actor,
        comment=f"Outcome: {Outcome(outcome).label}. {step.explanation}",
    )
    return meeting


# --- escalation decisions ----------------------------------------------------------------------


@transaction.atomic
def record_decision(*, actor: User, school: School, kind: str, grounds: str, outcome: str, reasons: str,
                    decided_by: User, decided_on: date, process: Process | None = None) -> EscalationDecision:
    """An escalation for lack of engagement or insufficient progress. Written once, then locked."""
    _same_authority_staff(actor, school, (Role.SENIOR_ADVISER,))
    if kind not in DecisionKind.values:
        raise ValidationError({"kind": "Choose the escalation."})
    outcome = _required(outcome, "Enter the outcome of the decision.", "outcome")
    reasons = _required(reasons, "Give the reasons for the decision.", "reasons")
    if decided_on > timezone.localdate():
        raise ValidationError({"decided_on": "The date of the decision must be today or in the past."})
    if decided_by.authority_id != school.authority_id or decided_by.role not in LA_STAFF_ROLES:
        raise ValidationError({"decided_by": "The decision maker must be a member of the authority's staff."})
    if process is not None and process.school_id != school.pk:
        raise ValidationError("The process belongs to another school.")
    if kind == DecisionKind.SIB_ENTRY and _live_process(school, ProcessKind.SIB):
        raise ValidationError({"kind": "The school is already in the School Improvement Board process."})
    decision = EscalationDecision(
        school=school, process=process, kind=kind, grounds=grounds, outcome=outcome, reasons=reasons,
        decided_by=decided_by, decided_on=decided_on, recorded_by=actor,
    )
    decision.full_clean()
    decision.save()
    return decision
