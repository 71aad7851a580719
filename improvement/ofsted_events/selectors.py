"""Reads for Ofsted inspection events: a school's events with their due dates, single events
for their pages, and the calibration of self-evaluation against Ofsted's grades.

Every read starts from `Model.objects.visible_to(user)`. School-side users see only published
feedback forms of their own school (and nothing else of this app).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count
from django.http import Http404

from improvement.accounts.roles import LA_STAFF_ROLES
from improvement.decisions.selectors import packs_for, school_snapshots
from improvement.ofsted_events import calibration as calibration_rules
from improvement.ofsted_events import deadlines
from improvement.ofsted_events.models import (
    FeedbackGrade,
    InspectionFeedback,
    MonitoringVisitFeedback,
    OfstedNotification,
    SubjectFeedback,
)
from improvement.ofsted_events.services import GradeEntry, grade_differs
from improvement.policy import frameworks
from improvement.policy.calendar import academic_year_bounds
from improvement.policy.engine import evaluate
from improvement.policy.rules import DECIDED
from improvement.schools.models import School

RI_MONITORING_KEY = "ofsted2012.ri_monitoring"
HMI_VISIT_ITEM, ACTION_PLAN_ITEM = "hmi_visit", "action_intentions"


def is_la_staff(user) -> bool:
    return user.role in LA_STAFF_ROLES


# The 2012 rule: HMI monitoring after a requires improvement inspection ---------------------------


@dataclass(frozen=True)
class DueWindow:
    label: str
    start: date | None
    end: date | None
    state: str

    @property
    def state_label(self) -> str:
        return deadlines.WINDOW_LABELS[self.state]

    @property
    def tag(self) -> str:
        return deadlines.WINDOW_TAGS[self.state]


@dataclass(frozen=True)
class RiMonitoring:
    """The policy engine's decision under the 2012 monitoring pack, for one inspection date."""

    inspection_start: date  # the full inspection the dates follow
    windows: tuple[DueWindow, ...]
    pack_title: str
    reasons: tuple[str, ...]


def _window(item: dict | None, label: str, today: date) -> DueWindow | None:
    if not item:
        return None
    start = date.fromisoformat(item["from"]) if item.get("from") else None
    end = date.fromisoformat(item["to"]) if item.get("to") else None
    if start is None and end is None:
        return None
    return DueWindow(label, start, end, deadlines.window_state(start, end, today=today))


def ri_monitoring(school: School, days: Iterable[tuple[date, bool]], *, today: date) -> dict[date, RiMonitoring]:
    """Inspection start date -> the HMI monitoring window and action-plan dates, where the
    packs that apply on that date (the authority's choice, or England's defaults) include the
    2012 requires-improvement monitoring rule and it decides that a visit follows.

    `days` are (start date, whether the dates must follow the inspection starting that day):
    a full inspection's own outcome, rather than an earlier inspection's. The dates are the
    engine's own (policy/packs/england-ofsted-2012-ri-monitoring.toml), never worked out here.
    The school's snapshot is built once (7 queries), and only when some pack has the rule.
    """
    result: dict[date, RiMonitoring] = {}
    snapshot = None
    for day, own_only in sorted(set(days)):
        packs = [p for p in packs_for(authority=school.authority, as_of=day).packs
                 if any(rule.key == RI_MONITORING_KEY for rule in p.rules)]
        for pack in packs:
            if snapshot is None:
                [(_, snapshot)] = school_snapshots(School.objects.filter(pk=school.pk), as_of=today)
            latest = frameworks.latest_full_inspection(i for i in snapshot.inspections if i.start_date <= day)
            if latest is None or (own_only and latest.start_date != day):
                continue
            decision = next((d for d in evaluate(pack, snapshot, day) if d.key == RI_MONITORING_KEY), None)
            if decision is None or decision.status != DECIDED or not decision.value:
                continue
            items = {item["key"]: item for item in decision.value}
            windows = tuple(w for w in (
                _window(items.get(ACTION_PLAN_ITEM), "Action plan shared with the LA", today),
                _window(items.get(HMI_VISIT_ITEM), "HMI monitoring visit expected", today),
            ) if w is not None)
            result[day] = RiMonitoring(latest.start_date, windows, pack.title,
                                       tuple(r.sentence for r in decision.reasons))
            break
    return result


# A school's events ------------------------------------------------------------------------------


@dataclass
class NotificationRow:
    notification: OfstedNotification
    feedback: deadlines.FeedbackDue
    form_url: str  # the feedback recorded for it, or "" (the page offers to record one)
    ri: RiMonitoring | None = None


@dataclass
class FeedbackRow:
    feedback: InspectionFeedback
    due: deadlines.FeedbackDue
    differing: int
    ri: RiMonitoring | None = None


@dataclass
class SchoolEvents:
    school: School
    la_view: bool
    notifications: list[NotificationRow] = field(default_factory=list)
    feedback_forms: list[FeedbackRow] = field(default_factory=list)
    monitoring: list[MonitoringVisitFeedback] = field(default_factory=list)
    subject: list[SubjectFeedback] = field(default_factory=list)


def _followed_by(notification: OfstedNotification):
    """The feedback form of any kind recorded for the notification, or None."""
    for name in ("feedback_form", "monitoring_feedback", "subject_feedback"):
        form = getattr(notification, name, None)
        if form is not None:
            form.school = notification.school  # the same school (services.py), already loaded
            return form
    return None


def feedback_queryset(user):
    """Feedback forms the user may read: LA staff all of the authority's, a headteacher the
    school's published ones (scoping already narrows school-side users to their school)."""
    queryset = InspectionFeedback.objects.visible_to(user).select_related(
        "school", "inspection", "recorded_by", "confirmed_by", "notification")
    if is_la_staff(user):
        return queryset
    return queryset.filter(inspection__isnull=False, inspection__is_provisional=False)


def _differing(forms: list[InspectionFeedback]) -> dict[int, int]:
    counts: dict[int, int] = {}
    rows = FeedbackGrade.objects.filter(feedback__in=[f.pk for f in forms]).values_list(
        "feedback_id", "feedback__era", "area", "self_evaluation", "ofsted_grade", "commentary")
    for feedback_id, era_key, area_key, mine, theirs, commentary in rows:
        era = frameworks.ERAS_BY_KEY.get(era_key)
        area = era.area(area_key) if era else None
        if area is not None and grade_differs(area, GradeEntry(area_key, mine, theirs, commentary)):
            counts[feedback_id] = counts.get(feedback_id, 0) + 1
    return counts


def school_events(*, user, school: School, today: date) -> SchoolEvents:
    """Everything of the school's Ofsted events the user may see, newest first, with due
    dates. A fixed number of queries whatever the number of events."""
    la_view = is_la_staff(user)
    events = SchoolEvents(school=school, la_view=la_view)
    forms = list(feedback_queryset(user).filter(school=school))
    differing = _differing(forms) if forms else {}
    if la_view:
        notifications = list(
            OfstedNotification.objects.visible_to(user).filter(school=school)
            .select_related("school", "logged_by", "feedback_form", "monitoring_feedback", "subject_feedback")
        )
        events.monitoring = list(
            MonitoringVisitFeedback.objects.visible_to(user).filter(school=school)
            .select_related("school", "recorded_by").annotate(issue_count=Count("key_issues"))
        )
        events.subject = list(
            SubjectFeedback.objects.visible_to(user).filter(school=school).select_related("school", "recorded_by")
        )
    else:
        notifications = []
    wanted = [(n.inspection_starts_on, n.inspection_type == frameworks.FULL) for n in notifications]
    wanted += [(f.inspection_date, True) for f in forms]
    ri = ri_monitoring(school, wanted, today=today) if la_view else {}
    for n in notifications:
        form = _followed_by(n)
        received = form.recorded_at.date() if form is not None else None
        events.notifications.append(NotificationRow(
            n, deadlines.feedback_state(n.inspection_starts_on, n.inspection_type, received_on=received, today=today),
            form.get_absolute_url() if form is not None else "", ri.get(n.inspection_starts_on),
        ))
    for f in forms:
        due = deadlines.feedback_state(f.inspection_date, frameworks.FULL, received_on=f.recorded_at.date(),
                                       today=today)
        events.feedback_forms.append(FeedbackRow(f, due, differing.get(f.pk, 0), ri.get(f.inspection_date)))
    return events


# Single events ------------------------------------------------------------------------------------


def notification_for(*, user, school: School, pk: int) -> OfstedNotification:
    notification = (OfstedNotification.objects.visible_to(user).filter(school=school, pk=pk)
                    .select_related("school", "logged_by", "feedback_form", "monitoring_feedback",
                                    "subject_feedback").first())
    if notification is None:
        raise Http404("No such notification")
    return notification


def notification_page(*, notification: OfstedNotification, today: date) -> NotificationRow:
    form = _followed_by(notification)
    received = form.recorded_at.date() if form is not None else None
    ri = ri_monitoring(notification.school,
                       [(notification.inspection_starts_on, notification.inspection_type == frameworks.FULL)],
                       today=today)
    return NotificationRow(
        notification,
        deadlines.feedback_state(notification.inspection_starts_on, notification.inspection_type,
                                 received_on=received, today=today),
        form.get_absolute_url() if form is not None else "",
        ri.get(notification.inspection_starts_on),
    )


@dataclass(frozen=True)
class GradeLine:
    area: frameworks.Area
    self_evaluation: frameworks.Grade | None
    ofsted: frameworks.Grade | None
    commentary: str
    differs: bool


def feedback_for(*, user, school: School, pk: int) -> InspectionFeedback:
    """The form, or 404: school-side users never learn that an unpublished form exists."""
    feedback = feedback_queryset(user).filter(school=school, pk=pk).first()
    if feedback is None:
        raise Http404("No such feedback form")
    return feedback


def grade_lines(feedback: InspectionFeedback) -> list[GradeLine]:
    era = feedback.framework
    rows = {g.area: g for g in feedback.grades.all()}
    lines = []
    for area in era.areas:
        row = rows.get(area.key)
        if row is None:
            lines.append(GradeLine(area, None, None, "", False))
            continue
        entry = GradeEntry(area.key, row.self_evaluation, row.ofsted_grade, row.commentary)
        lines.append(GradeLine(area, area.scale.grade(row.self_evaluation), area.scale.grade(row.ofsted_grade),
                               row.commentary, grade_differs(area, entry)))
    return lines


def feedback_page(*, feedback: InspectionFeedback, today: date) -> FeedbackRow:
    lines = grade_lines(feedback)
    ri = ri_monitoring(feedback.school, [(feedback.inspection_date, True)], today=today)
    due = deadlines.feedback_state(feedback.inspection_date, frameworks.FULL,
                                   received_on=feedback.recorded_at.date(), today=today)
    return FeedbackRow(feedback, due, sum(1 for line in lines if line.differs), ri.get(feedback.inspection_date))


def monitoring_for(*, user, school: School, pk: int) -> MonitoringVisitFeedback:
    feedback = (MonitoringVisitFeedback.objects.visible_to(user).filter(school=school, pk=pk)
                .select_related("school", "recorded_by", "notification")
                .prefetch_related("key_issues").first())
    if feedback is None:
        raise Http404("No such HMI visit feedback")
    return feedback


def subject_for(*, user, school: School, pk: int) -> SubjectFeedback:
    feedback = (SubjectFeedback.objects.visible_to(user).filter(school=school, pk=pk)
                .select_related("school", "recorded_by", "notification").first())
    if feedback is None:
        raise Http404("No such subject feedback")
    return feedback


def notification_for_form(*, user, school: School, pk: str | None, kind: str) -> OfstedNotification | None:
    """The notification a new form follows (from ?notification=), or None when absent, not
    this school's, not of this kind or already followed by a form."""
    if not pk or not str(pk).isdigit():
        return None
    notification = (OfstedNotification.objects.visible_to(user).filter(school=school, pk=int(pk))
                    .select_related("school", "feedback_form", "monitoring_feedback", "subject_feedback").first())
    if notification is None or notification.form_kind != kind or _followed_by(notification) is not None:
        return None
    return notification



# Calibration ---------------------------------------------------------------------------------------


def calibration(*, user, academic_year: str = "", phase: str = "") -> list[calibration_rules.EraCalibration]:
    """Self-evaluation against Ofsted's grade at feedback, per era and judgement area, across
    the user's authority: one query whatever the number of forms."""
    rows = (FeedbackGrade.objects.visible_to(user).exclude(self_evaluation="").exclude(ofsted_grade=""))
    if academic_year:
        first, last = academic_year_bounds(academic_year)
        rows = rows.filter(feedback__inspection_date__gte=first, feedback__inspection_date__lte=last)
    if phase:
        rows = rows.filter(feedback__school__phase=phase)
    return calibration_rules.tally(
        rows.order_by().values_list("feedback_id", "feedback__era", "area", "self_evaluation", "ofsted_grade")
    )

