"""Reads for support and intervention processes: the school's support tab with its timeline,
a process, a meeting with its minutes, the senior adviser's dashboard, and the processes the
policy engine's snapshot needs."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from improvement.accounts.models import User
from improvement.accounts.roles import SCHOOL_ROLES, TRUST_ROLES
from improvement.interventions.models import (
    BoardMember,
    ClosedHow,
    DecisionKind,
    EscalationDecision,
    Meeting,
    MeetingStatus,
    MeetingStatusChange,
    Process,
    ProcessStatus,
    ProcessStatusChange,
)
from improvement.policy import calendar as academic
from improvement.policy import meetings as series
from improvement.policy.snapshot import Intervention
from improvement.schools.models import School


def visible_processes(user: User) -> QuerySet[Process]:
    """Processes the user may see: every one of the authority's for LA staff; for school and
    trust users only those whose board they sit on."""
    processes = Process.objects.visible_to(user)
    if user.role in SCHOOL_ROLES | TRUST_ROLES:
        processes = processes.filter(members__user=user, members__left_at__isnull=True).distinct()
    return processes


def process_for_user(*, user: User, pk: int) -> Process:
    try:
        return visible_processes(user).select_related("school__authority", "chair", "follows").get(pk=pk)
    except Process.DoesNotExist as exc:
        raise Http404("No such process") from exc


def meeting_for_user(*, user: User, pk: int) -> Meeting:
    processes = visible_processes(user)
    try:
        return (
            Meeting.objects.filter(process__in=processes)
            .select_related("process__school__authority", "process__chair", "next_meeting", "outcome_recorded_by")
            .get(pk=pk)
        )
    except Meeting.DoesNotExist as exc:
        raise Http404("No such meeting") from exc


def board(process: Process) -> list[BoardMember]:
    return list(process.members.filter(left_at__isnull=True).select_related("user"))


def board_names(members: list[BoardMember]) -> list[str]:
    return [str(m) for m in members]


# Meeting steps a school's timeline shows; the accuracy-check steps stay on the meeting page.
TIMELINE_MEETING_STEPS = frozenset({MeetingStatus.SCHEDULED, MeetingStatus.DRAFT, MeetingStatus.FINALISED,
                                    MeetingStatus.CANCELLED})


@dataclass
class TimelineEntry:
    at: datetime
    kind: str  # "status", "meeting", "decision"
    title: str
    detail: str = ""
    actor: str = ""
    url: str = ""


@dataclass
class ProcessSummary:
    process: Process
    meetings: list[Meeting]
    next_meeting: Meeting | None


@dataclass
class SupportTab:
    school: School
    live: list[ProcessSummary]
    closed: list[ProcessSummary]
    timeline: list[TimelineEntry]
    decisions: list[EscalationDecision] = field(default_factory=list)


def school_support(*, user: User, school: School, show_decisions: bool) -> SupportTab:
    """The school's "Support and intervention" tab. Queries do not grow with the number of
    processes, meetings or status changes."""
    processes = list(
        visible_processes(user).filter(school=school).select_related("chair")
        .prefetch_related(Prefetch("meetings", queryset=Meeting.objects.order_by("starts_at", "pk")))
    )
    ids = [p.pk for p in processes]
    timeline: list[TimelineEntry] = []
    labels = {p.pk: p.get_kind_display() for p in processes}
    for change in ProcessStatusChange.objects.filter(process_id__in=ids).select_related("actor"):
        verb = {"open": "opened" if not change.from_status else "resumed", "paused": "paused",
                "closed": "closed"}[change.to_status]
        timeline.append(TimelineEntry(change.at, "status", f"{labels[change.process_id]} {verb}",
                                      change.reason, str(change.actor)))
    for change in (MeetingStatusChange.objects.filter(meeting__process_id__in=ids)
                   .select_related("actor", "meeting")):
        meeting = change.meeting
        is_note = change.from_status == change.to_status  # an outcome, a move, a pack sent
        if not (is_note or change.to_status in TIMELINE_MEETING_STEPS):
            continue  # the accuracy-check steps are on the meeting's own page
        what = change.comment.split(".")[0] if is_note else MeetingStatus(change.to_status).label.lower()
        title = f"{meeting.get_kind_display()} ({timezone.localtime(meeting.starts_at):%-d %B %Y}): {what}"
        timeline.append(TimelineEntry(change.at, "meeting", title, "" if is_note else change.comment,
                                      str(change.actor), meeting.get_absolute_url()))
    decisions: list[EscalationDecision] = []
    if show_decisions:
        decisions = list(EscalationDecision.objects.visible_to(user).filter(school=school)
                         .select_related("decided_by", "recorded_by", "process"))
        for decision in decisions:
            timeline.append(TimelineEntry(decision.recorded_at, "decision", f"Decision: {decision.get_kind_display()}",
                                          f"{decision.outcome} ({decision.get_grounds_display()})",
                                          str(decision.decided_by)))
    timeline.sort(key=lambda e: e.at, reverse=True)
    now = timezone.now()
    summaries = []
    for process in processes:
        meetings = list(process.meetings.all())
        upcoming = [m for m in meetings if m.status == MeetingStatus.SCHEDULED and m.starts_at >= now]
        summaries.append(ProcessSummary(process, meetings, upcoming[0] if upcoming else None))
    return SupportTab(
        school=school,
        live=[s for s in summaries if s.process.is_live],
        closed=[s for s in summaries if not s.process.is_live],
        timeline=timeline,
        decisions=decisions,
    )


# What the policy packs say about support for the school, shown on its support tab: the
# support level (SIB / PCI), Round Table and Joint Evaluation Meetings, HMI monitoring after an
# RI judgement, the DfE measure and the report-card categories.
SUPPORT_DECISION_KEYS = (
    "coventry.support_level",
    "kent.round_table_meetings",
    "kent.joint_evaluation_meetings",
    "ofsted2012.ri_monitoring",
    "dfe.not_making_necessary_improvements",
    "report_card.category_of_concern",
)


def policy_prompts(*, school: School, as_of: date | None = None) -> list:
    """The policy engine's support decisions for the school today, with their reasons."""
    from improvement.decisions.presenters import decision_view
    from improvement.decisions.selectors import evaluate_schools

    as_of = as_of or timezone.localdate()
    evaluation = evaluate_schools(School.objects.filter(pk=school.pk), authority=school.authority, as_of=as_of)
    packs = {pack.id: pack for pack in evaluation.choice.packs}
    result = evaluation.schools[0]
    views = []
    for decision in result.decisions:
        if decision.key in SUPPORT_DECISION_KEYS:
            views.append(decision_view(decision, packs.get(decision.pack), result.overrides.get(decision.key)))
    return views


# --- the senior adviser's dashboard ---------------------------------------------------------------


@dataclass
class OverdueItem:
    meeting: Meeting
    what: str
    since: date


@dataclass
class Suggestion:
    school: School
    kind: str  # the process the policy packs point to
    label: str
    reason: str


@dataclass
class Dashboard:
    upcoming: list[Meeting]
    packs_due: list[Meeting]
    awaiting_accuracy: list[Meeting]
    overdue: list[OverdueItem]
    suggestions: list[Suggestion] = field(default_factory=list)


# (decision key, test on its value, the process it points to, what the dashboard says)
POLICY_SUGGESTIONS = (
    ("coventry.support_level", lambda v: isinstance(v, dict) and v.get("level") == "school_causing_concern",
     "sib", "School Causing Concern: School Improvement Board"),
    ("coventry.support_level", lambda v: isinstance(v, dict) and v.get("level") == "focus_school",
     "pci", "Focus School: Progress Check-In"),
    ("kent.round_table_meetings", lambda v: isinstance(v, dict) and v.get("required") is True,
     "rtm", "Round Table Meetings required"),
)


def policy_suggestions(*, user: User, as_of: date) -> list[Suggestion]:
    """Open schools the policy packs point to a process for, where no such process is open (a
    focus school on a board counts as supported). One evaluation of the authority's schools."""
    from improvement.decisions.selectors import evaluate_schools

    schools = School.objects.visible_to(user).filter(status="open").order_by("name")
    evaluation = evaluate_schools(schools, authority=user.authority, as_of=as_of)
    live: dict[int, set[str]] = defaultdict(set)
    for school_id, kind in Process.objects.visible_to(user).filter(status__in=[ProcessStatus.OPEN, ProcessStatus.PAUSED]).values_list("school_id", "kind"):
        live[school_id].add(kind)
    suggestions = []
    for result in evaluation.schools:
        open_kinds = live.get(result.school.pk, set())
        for decision in result.decisions:
            for key, applies, kind, label in POLICY_SUGGESTIONS:
                if decision.key != key or decision.status != "decided" or not applies(decision.value):
                    continue
                if kind in open_kinds or (kind == "pci" and "sib" in open_kinds):
                    continue
                reason = decision.reasons[0].sentence if decision.reasons else ""
                suggestions.append(Suggestion(result.school, kind, label, reason))
    return suggestions


def dashboard(*, user: User, now: datetime | None = None) -> Dashboard:
    """Meetings in the next four weeks, packs due, minutes awaiting the headteacher, overdue
    steps and the schools the policy packs point to a process for, across the authority. The
    number of queries does not grow with the number of meetings or schools."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    meetings = Meeting.objects.filter(process__in=Process.objects.visible_to(user)).select_related(
        "process__school", "process__chair"
    )
    live = Q(process__status=ProcessStatus.OPEN)
    scheduled = meetings.filter(live, status=MeetingStatus.SCHEDULED)
    upcoming = list(scheduled.filter(starts_at__gte=now, starts_at__lt=now + timedelta(weeks=4)).order_by("starts_at"))
    packs_due = [m for m in upcoming if m.pre_reads_sent_at is None
                 and m.pre_reads_due_on is not None and m.pre_reads_due_on <= today]
    awaiting = list(meetings.filter(status=MeetingStatus.SENT).order_by("starts_at"))
    overdue: list[OverdueItem] = []
    for meeting in scheduled.filter(starts_at__lt=now - timedelta(days=1)).order_by("starts_at"):
        overdue.append(OverdueItem(meeting, "Meeting date has passed but it is not recorded as held",
                                   timezone.localtime(meeting.starts_at).date()))
    for meeting in meetings.filter(status=MeetingStatus.DRAFT).order_by("starts_at"):
        held = timezone.localtime(meeting.starts_at).date()
        due = academic.add_working_days(held, series.MINUTES_DUE_WORKING_DAYS)
        if due < today:
            overdue.append(OverdueItem(meeting, f"Minutes not sent for accuracy check within "
                                                f"{series.MINUTES_DUE_WORKING_DAYS} working days", due))
    sent_at = {
        c.meeting_id: c.at for c in MeetingStatusChange.objects.filter(
            meeting__in=[m.pk for m in awaiting], to_status=MeetingStatus.SENT
        ).order_by("at")
    }
    for meeting in awaiting:
        sent = sent_at.get(meeting.pk)
        if sent is None:
            continue
        due = academic.add_working_days(timezone.localtime(sent).date(), series.ACCURACY_CHECK_WORKING_DAYS)
        if due < today:
            overdue.append(OverdueItem(meeting, f"Accuracy check not answered within "
                                                f"{series.ACCURACY_CHECK_WORKING_DAYS} working days", due))
    overdue.sort(key=lambda item: item.since)
    return Dashboard(upcoming=upcoming, packs_due=packs_due, awaiting_accuracy=awaiting, overdue=overdue,
                     suggestions=policy_suggestions(user=user, as_of=today))


# --- the policy engine's snapshot ---------------------------------------------------------------


def interventions_by_school(school_ids: QuerySet | list[int]) -> dict[int, list[Intervention]]:
    """Each school's processes (and warning notices) as the policy snapshot describes them.
    Two queries."""
    result: dict[int, list[Intervention]] = defaultdict(list)
    for school_id, kind, status, how, opened, closed in Process.objects.filter(school__in=school_ids).values_list(
        "school_id", "kind", "status", "closed_how", "opened_on", "closed_on"
    ):
        if status == ProcessStatus.CLOSED:
            state = "exited" if how == ClosedHow.EXITED else "closed"
        else:
            state = "open"
        result[school_id].append(Intervention(type=kind, status=state, opened=opened, closed=closed))
    for school_id, decided_on in EscalationDecision.objects.filter(
        school__in=school_ids, kind=DecisionKind.WARNING_NOTICE
    ).values_list("school_id", "decided_on"):
        result[school_id].append(Intervention(type="warning_notice", status="open", opened=decided_on, closed=None))
    return result
