"""Writes for Ofsted inspection events: logging a notification, recording the section 5 feedback
form (which adds a provisional inspection to the school's history), confirming publication, and
recording HMI monitoring visit and subject, theme or survey feedback.

Every write checks the actor's permission, refuses bad input with a ValidationError keyed by
the form field it concerns, and saves through simple-history with the actor and a reason.
`inspection_recorded` is the one place where follow-on effects of a newly recorded inspection
hang.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.utils import timezone

from improvement.accounts.models import User
from improvement.accounts.roles import Role
from improvement.core.history import save_with_history
from improvement.inspections.models import Inspection
from improvement.inspections.services import inspection_save
from improvement.ofsted_events import judgements
from improvement.ofsted_events.models import (
    HMI_VISIT,
    NOTIFICATION_TYPES,
    SECTION_5,
    SUBJECT,
    FeedbackGrade,
    InspectionFeedback,
    MonitoringContext,
    MonitoringKeyIssue,
    MonitoringVisitFeedback,
    OfstedNotification,
    SubjectFeedback,
)
from improvement.planning.selectors import allocation_states
from improvement.policy import frameworks
from improvement.policy.calendar import academic_year_of
from improvement.schools.models import School

FEEDBACK_SOURCE = "Inspection feedback form"
# An inspection starts soon after Ofsted's call (the next day for a full inspection, up to five
# days for an HMI monitoring visit); anything further off is almost certainly a typing error.
MAX_DAYS_FROM_CALL_TO_START = 28


def inspection_recorded(*, actor: User, school: School, inspection: Inspection) -> None:
    """The single place where follow-on effects of a feedback form's new inspection hang.

    `record_feedback` calls it once, inside its transaction, when a feedback form adds a new
    (provisional) inspection to the school's history; not when the form is edited, when it is
    linked to an inspection already in the history, nor when publication is confirmed. What
    hangs here runs in the same transaction: if it raises, nothing of the form is saved.

    Nothing hangs here today: closing the school's Progress Check-In, which every new inspection
    does however it is entered, happens in `inspections.services.inspection_save`.
    """
    return None


def _long(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def _require(actor: User, perm: str, obj) -> None:
    if not actor.has_perm(perm, obj):
        raise PermissionDenied("You cannot record Ofsted inspection events for this school.")


def _raise(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationError(errors)


def _add(errors: dict[str, list[str]], key: str, message: str) -> None:
    errors.setdefault(key, []).append(message)


def _free_notification(
    notification: OfstedNotification | None, school: School, kind: str, *, current_pk: int | None, errors
) -> None:
    """A notification given with a form must be this school's and not already followed by
    another form of any kind."""
    if notification is None:
        return
    if notification.school_id != school.pk:
        _add(errors, "notification", "That notification is for another school.")
        return
    taken = [
        getattr(notification, name, None)
        for name in ("feedback_form", "monitoring_feedback", "subject_feedback")
    ]
    for form in taken:
        if form is not None and form.pk != current_pk:
            _add(errors, "notification", "A feedback form is already recorded for that notification.")
            return
    if notification.form_kind != kind:
        _add(errors, "notification", f"A {notification.get_inspection_type_display().lower()} inspection is not "
                                     "recorded on this form.")


# Notifications ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class NotificationDetails:
    called_at: datetime
    inspection_type: str
    inspection_starts_on: date
    lead_inspector: str
    told_by: str
    told_la_at: datetime
    notes: str = ""


def _check_notification(details: NotificationDetails) -> NotificationDetails:
    errors: dict[str, list[str]] = {}
    now = timezone.now()
    lead, told_by = details.lead_inspector.strip(), details.told_by.strip()
    if details.inspection_type not in dict(NOTIFICATION_TYPES):
        _add(errors, "inspection_type", "Choose the type of inspection.")
    if not lead:
        _add(errors, "lead_inspector", "Enter the lead inspector's name.")
    if not told_by:
        _add(errors, "told_by", "Enter who told the LA, for example the headteacher.")
    if details.called_at > now:
        _add(errors, "called_at", "The call cannot be in the future.")
    if details.told_la_at > now:
        _add(errors, "told_la_at", "The time the LA was told cannot be in the future.")
    if details.told_la_at < details.called_at:
        _add(errors, "told_la_at", "The LA cannot have been told before Ofsted's call: check both dates and times.")
    call_day = timezone.localtime(details.called_at).date()
    if details.inspection_starts_on < call_day:
        _add(errors, "inspection_starts_on", "The inspection cannot start before Ofsted's call.")
    elif details.inspection_starts_on > call_day + timedelta(days=MAX_DAYS_FROM_CALL_TO_START):
        _add(errors, "inspection_starts_on",
             f"The inspection must start within {MAX_DAYS_FROM_CALL_TO_START} days of Ofsted's call: check the dates.")
    _raise(errors)
    return NotificationDetails(
        called_at=details.called_at, inspection_type=details.inspection_type,
        inspection_starts_on=details.inspection_starts_on, lead_inspector=lead, told_by=told_by,
        told_la_at=details.told_la_at, notes=(details.notes or "").strip(),
    )


def notification_recipients(school: School, *, actor: User) -> list[User]:
    """The school's officer for the current academic year and the authority's senior
    advisers, active, with an e-mail address, the actor left out (they know)."""
    state = allocation_states([school.pk], academic_year_of(timezone.localdate())).get(school.pk)
    officer = state.current.officer if state and state.current else None
    advisers = list(User.objects.filter(authority_id=school.authority_id, role=Role.SENIOR_ADVISER, is_active=True))
    people = ([officer] if officer is not None and officer.is_active else []) + advisers
    seen: set[int] = set()
    result = []
    for user in people:
        if user.pk in seen or user.pk == actor.pk or not user.email:
            continue
        seen.add(user.pk)
        result.append(user)
    return result


def _send_notification_mail(users: list[User], school_name: str, link: str) -> None:
    where = f"Sign in to School Improvement Monitor to read it{': ' + link if link else '.'}"
    messages = [
        EmailMessage(
            subject=f"Ofsted inspection notified: {school_name}",
            body=f"An Ofsted inspection of {school_name} has been notified to the LA. {where}\n",
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[user.email],
        )
        for user in users
    ]
    if messages:
        get_connection().send_messages(messages)


@transaction.atomic
def log_notification(
    *, actor: User, school: School, details: NotificationDetails, base_url: str = ""
) -> OfstedNotification:
    """Log Ofsted's call. The school's officer and the authority's senior advisers are e-mailed
    a link (never the content) once the transaction commits."""
    _require(actor, "ofsted_events.record_event", school)
    details = _check_notification(details)
    notification = OfstedNotification(school=school, logged_by=actor, **details.__dict__)
    save_with_history(notification, actor=actor, reason="Notification logged")
    recipients = notification_recipients(school, actor=actor)
    link = f"{base_url.rstrip('/')}{notification.get_absolute_url()}" if base_url else ""
    name = school.name
    transaction.on_commit(lambda: _send_notification_mail(recipients, name, link))
    return notification


@transaction.atomic
def update_notification(*, actor: User, notification: OfstedNotification, details: NotificationDetails) -> OfstedNotification:
    notification = OfstedNotification.objects.select_for_update().select_related("school").get(pk=notification.pk)
    _require(actor, "ofsted_events.record_event", notification.school)
    details = _check_notification(details)
    for name, value in details.__dict__.items():
        setattr(notification, name, value)
    save_with_history(notification, actor=actor, reason="Notification edited")
    return notification


# The section 5 feedback form --------------------------------------------------------------------


@dataclass(frozen=True)
class GradeEntry:
    """One judgement area as entered: grade keys of the area's scale ("" for not graded)."""

    area: str
    self_evaluation: str = ""
    ofsted: str = ""
    commentary: str = ""


@dataclass(frozen=True)
class FeedbackDetails:
    era: str
    inspection_date: date
    lead_inspector: str
    grades: Sequence[GradeEntry]
    main_findings: str
    improvements: str = ""
    category_of_concern: str = ""
    comments: str = ""


def grade_differs(area: frameworks.Area, entry: GradeEntry) -> bool:
    return bool(entry.self_evaluation and entry.ofsted and entry.self_evaluation != entry.ofsted
                and area.scale.grade(entry.self_evaluation) and area.scale.grade(entry.ofsted))


def _check_feedback(details: FeedbackDetails) -> tuple[frameworks.Era, list[GradeEntry]]:
    """The era and the cleaned grade rows, in the era's order; ValidationError keyed by the
    feedback form's field names (`<area>_self`, `<area>_ofsted`, `<area>_commentary`)."""
    errors: dict[str, list[str]] = {}
    era = frameworks.ERAS_BY_KEY.get(details.era)
    if era is None:
        raise ValidationError({NON_FIELD_ERRORS: ["Unknown inspection framework: start again."]})
    day = details.inspection_date
    if day > timezone.localdate():
        _add(errors, "inspection_date", "The inspection start date cannot be in the future.")
    elif not era.covers(day):
        ends = _long(era.ends) if era.ends else "today"
        _add(errors, "inspection_date", f"The {era.name} framework ran from {_long(era.starts)} to {ends}: enter a "
                                        "date in that range, or start again to use another framework's judgements.")
    if not details.lead_inspector.strip():
        _add(errors, "lead_inspector", "Enter the lead inspector's name.")
    if not details.main_findings.strip():
        _add(errors, "main_findings", "Enter the main findings.")
    if details.category_of_concern and details.category_of_concern not in dict(era.categories_of_concern):
        _add(errors, "category_of_concern", "Choose a category of concern of this framework, or none.")
    given = {entry.area: entry for entry in details.grades}
    unknown = [key for key in given if era.area(key) is None]
    for key in unknown:
        _add(errors, NON_FIELD_ERRORS, f"{era.name} has no judgement area {key!r}.")
    rows = []
    for area in era.areas:
        entry = given.get(area.key, GradeEntry(area.key))
        entry = GradeEntry(area.key, entry.self_evaluation or "", entry.ofsted or "", (entry.commentary or "").strip())
        allowed = ", ".join(g.label for g in area.scale.grades)
        if entry.self_evaluation and area.scale.grade(entry.self_evaluation) is None:
            _add(errors, f"{area.key}_self", f"The school's grade for {area.label} must be one of: {allowed}.")
        if entry.ofsted and area.scale.grade(entry.ofsted) is None:
            _add(errors, f"{area.key}_ofsted", f"Ofsted's grade for {area.label} must be one of: {allowed}.")
        if not entry.ofsted and not area.optional:
            _add(errors, f"{area.key}_ofsted", f"Enter Ofsted's grade at feedback for {area.label}.")
        if grade_differs(area, entry) and not entry.commentary:
            _add(errors, f"{area.key}_commentary",
                 f"Explain why the school's self-evaluation differs from Ofsted's grade for {area.label}.")
        rows.append(entry)
    _raise(errors)
    return era, rows


def _inspection_for(feedback: InspectionFeedback | None, school: School, day: date) -> tuple[Inspection | None, bool]:
    """(the inspection the form records, whether the form may change it). Creating: a full
    inspection already in the history on that date is used (changed only while provisional);
    editing: the form's own provisional inspection."""
    existing = (Inspection.objects.select_for_update()
                .filter(school=school, start_date=day, inspection_type=frameworks.FULL).first())
    if feedback is not None and feedback.inspection_id is not None:
        if existing is not None and existing.pk != feedback.inspection_id:
            raise ValidationError({"inspection_date": [
                f"The school's history already has a full inspection starting on {_long(day)}."]})
        return feedback.inspection, True
    if existing is None:
        return None, True
    if InspectionFeedback.objects.filter(inspection=existing).exclude(pk=getattr(feedback, "pk", None)).exists():
        raise ValidationError({"inspection_date": [
            f"A feedback form is already recorded for the inspection of {_long(day)}."]})
    return existing, existing.is_provisional


@transaction.atomic
def record_feedback(
    *,
    actor: User,
    school: School,
    details: FeedbackDetails,
    notification: OfstedNotification | None = None,
    instance: InspectionFeedback | None = None,
) -> InspectionFeedback:
    """Record (or, while the report is unpublished, edit) a section 5 feedback form.

    The form's inspection goes into the school's history: a new provisional inspection with
    Ofsted's grades at feedback (source "Inspection feedback form"), or the same provisional
    inspection updated when the form is edited. Where the history already has a published
    full inspection on that date, the form is linked to it and it is left as it is. A new
    inspection calls `inspection_recorded`.
    """
    if instance is not None:
        instance = (InspectionFeedback.objects.select_for_update(of=("self",)).select_related("inspection", "school")
                    .get(pk=instance.pk))
        school = instance.school
        if not actor.has_perm("ofsted_events.change_feedback_form", instance):
            raise PermissionDenied("The report is published: this feedback form can no longer be changed.")
        notification = instance.notification
    else:
        _require(actor, "ofsted_events.record_event", school)
    errors: dict[str, list[str]] = {}
    _free_notification(notification, school, SECTION_5, current_pk=getattr(instance, "pk", None), errors=errors)
    _raise(errors)
    era, rows = _check_feedback(details)
    inspection, may_change = _inspection_for(instance, school, details.inspection_date)
    created = inspection is None

    feedback = instance or InspectionFeedback(school=school, notification=notification, recorded_by=actor)
    feedback.era = era.key
    feedback.inspection_date = details.inspection_date
    feedback.lead_inspector = details.lead_inspector.strip()
    feedback.main_findings = details.main_findings.strip()
    feedback.improvements = details.improvements.strip()
    feedback.category_of_concern = details.category_of_concern
    feedback.comments = details.comments.strip()

    if may_change:
        inspection = inspection_save(
            actor=actor, school=school, era=era.key, inspection_type=frameworks.FULL,
            start_date=details.inspection_date, publication_date=inspection.publication_date if inspection else None,
            judgements={row.area: row.ofsted for row in rows if row.ofsted},
            category_of_concern=details.category_of_concern,
            instance=inspection or Inspection(school=school, is_provisional=True, source=FEEDBACK_SOURCE),
            reason="Provisional, from the inspection feedback form",
        )
    feedback.inspection = inspection
    save_with_history(feedback, actor=actor, reason="Feedback form edited" if instance else "Feedback form recorded")

    existing_rows = {row.area: row for row in feedback.grades.all()} if instance else {}
    for row in rows:
        grade = existing_rows.pop(row.area, None) or FeedbackGrade(feedback=feedback, area=row.area)
        values = (row.self_evaluation, row.ofsted, row.commentary)
        if grade.pk and (grade.self_evaluation, grade.ofsted_grade, grade.commentary) == values:
            continue
        grade.self_evaluation, grade.ofsted_grade, grade.commentary = values
        save_with_history(grade, actor=actor, reason="Feedback form")
    for stale in existing_rows.values():  # areas of another era, after a change of date
        stale._history_user = actor
        stale.delete()

    if created:
        inspection_recorded(actor=actor, school=school, inspection=inspection)
    return feedback


@transaction.atomic
def confirm_published(*, actor: User, feedback: InspectionFeedback, publication_date: date) -> InspectionFeedback:
    """The report is published: the form's inspection stops being provisional and gets its
    publication date; the form becomes readable by the school's headteacher and read only."""
    feedback = (InspectionFeedback.objects.select_for_update(of=("self",)).select_related("inspection", "school")
                .get(pk=feedback.pk))
    if not actor.has_perm("ofsted_events.confirm_feedback_form", feedback):
        raise PermissionDenied("Only a provisional inspection's publication can be confirmed.")
    inspection = feedback.inspection
    if publication_date > timezone.localdate():
        raise ValidationError({"publication_date": ["The publication date cannot be in the future."]})
    if publication_date < inspection.start_date:
        raise ValidationError({"publication_date": [
            f"The report cannot be published before the inspection started ({_long(inspection.start_date)})."]})
    inspection.is_provisional = False
    inspection_save(
        actor=actor, school=feedback.school, era=inspection.era, inspection_type=inspection.inspection_type,
        start_date=inspection.start_date, publication_date=publication_date, judgements=inspection.judgements,
        category_of_concern=inspection.category_of_concern, instance=inspection,
        reason="Report published: confirmed from the inspection feedback form",
    )
    feedback.confirmed_by = actor
    feedback.confirmed_at = timezone.now()
    save_with_history(feedback, actor=actor, reason="Publication confirmed",
                      update_fields=["confirmed_by", "confirmed_at"])
    return feedback


# HMI monitoring visit feedback ------------------------------------------------------------------


@dataclass(frozen=True)
class KeyIssueEntry:
    position: int
    key_issue: str
    hmi_judgement: int | None
    comments: str = ""


@dataclass(frozen=True)
class MonitoringDetails:
    visit_date: date
    context: str
    lead_inspector: str
    days: Decimal
    lessons_observed: int | None
    overall_progress: str
    key_issues: Sequence[KeyIssueEntry]
    summary: str = ""


def _check_date(errors, field: str, day: date, what: str) -> frameworks.Era | None:
    if day > timezone.localdate():
        _add(errors, field, f"The {what} cannot be in the future.")
        return None
    era = frameworks.era_for_date(day)
    if era is None:
        _add(errors, field, f"Enter a date from {_long(frameworks.ERAS[0].starts)}, when section 5 inspections began.")
    return era


def _check_monitoring(details: MonitoringDetails) -> list[KeyIssueEntry]:
    errors: dict[str, list[str]] = {}
    era = _check_date(errors, "visit_date", details.visit_date, "visit")
    if details.context not in MonitoringContext.values:
        _add(errors, "context", "Choose why HMI visited.")
    if not details.lead_inspector.strip():
        _add(errors, "lead_inspector", "Enter the lead inspector's name.")
    if details.days is None or details.days <= 0 or details.days > 10 or details.days % Decimal("0.5"):
        _add(errors, "days", "Enter the days on site in half days, from 0.5 to 10.")
    if details.lessons_observed is not None and details.lessons_observed < 0:
        _add(errors, "lessons_observed", "Enter the number of lessons observed, or leave it blank.")
    if era is not None and details.overall_progress not in dict(judgements.progress_choices(era)):
        _add(errors, "overall_progress", "Choose HMI's overall judgement.")
    issues = []
    for entry in details.key_issues:
        text = entry.key_issue.strip()
        if not text:
            if entry.hmi_judgement is not None or entry.comments.strip():
                _add(errors, f"key_issue_{entry.position}", f"Enter key issue {entry.position}, or clear its judgement.")
            continue
        if entry.hmi_judgement not in judgements.HMI_JUDGEMENTS:
            _add(errors, f"hmi_judgement_{entry.position}", f"Choose HMI's judgement (1 to 4) for key issue {entry.position}.")
        issues.append(KeyIssueEntry(entry.position, text, entry.hmi_judgement, entry.comments.strip()))
    if not issues and not any(k.startswith("key_issue_") for k in errors):
        _add(errors, "key_issue_1", "Enter at least one key issue with HMI's judgement.")
    _raise(errors)
    return issues


@transaction.atomic
def record_monitoring_feedback(
    *,
    actor: User,
    school: School,
    details: MonitoringDetails,
    notification: OfstedNotification | None = None,
    instance: MonitoringVisitFeedback | None = None,
) -> MonitoringVisitFeedback:
    if instance is not None:
        instance = MonitoringVisitFeedback.objects.select_for_update().select_related("school").get(pk=instance.pk)
        school, notification = instance.school, instance.notification
    _require(actor, "ofsted_events.record_event", school)
    errors: dict[str, list[str]] = {}
    _free_notification(notification, school, HMI_VISIT, current_pk=getattr(instance, "pk", None), errors=errors)
    _raise(errors)
    issues = _check_monitoring(details)
    feedback = instance or MonitoringVisitFeedback(school=school, notification=notification, recorded_by=actor)
    feedback.visit_date = details.visit_date
    feedback.context = details.context
    feedback.lead_inspector = details.lead_inspector.strip()
    feedback.days = details.days
    feedback.lessons_observed = details.lessons_observed
    feedback.overall_progress = details.overall_progress
    feedback.summary = details.summary.strip()
    save_with_history(feedback, actor=actor,
                      reason="HMI visit feedback edited" if instance else "HMI visit feedback recorded")
    existing = {issue.position: issue for issue in feedback.key_issues.all()} if instance else {}
    for number, entry in enumerate(issues, start=1):  # renumbered without gaps
        issue = existing.pop(number, None) or MonitoringKeyIssue(feedback=feedback, position=number)
        values = (entry.key_issue, entry.hmi_judgement, entry.comments)
        if issue.pk and (issue.key_issue, issue.hmi_judgement, issue.comments) == values:
            continue
        issue.key_issue, issue.hmi_judgement, issue.comments = values
        save_with_history(issue, actor=actor, reason="HMI visit feedback")
    for stale in existing.values():
        stale._history_user = actor
        stale.delete()
    return feedback


# Subject, theme or survey inspection feedback ---------------------------------------------------


@dataclass(frozen=True)
class SubjectDetails:
    inspection_date: date
    lead_inspector: str
    focus: str
    outcomes: str
    hmi_judgement: int | None = None


@transaction.atomic
def record_subject_feedback(
    *,
    actor: User,
    school: School,
    details: SubjectDetails,
    notification: OfstedNotification | None = None,
    instance: SubjectFeedback | None = None,
) -> SubjectFeedback:
    if instance is not None:
        instance = SubjectFeedback.objects.select_for_update().select_related("school").get(pk=instance.pk)
        school, notification = instance.school, instance.notification
    _require(actor, "ofsted_events.record_event", school)
    errors: dict[str, list[str]] = {}
    _free_notification(notification, school, SUBJECT, current_pk=getattr(instance, "pk", None), errors=errors)
    _check_date(errors, "inspection_date", details.inspection_date, "inspection")
    if not details.lead_inspector.strip():
        _add(errors, "lead_inspector", "Enter the lead inspector's name.")
    if not details.focus.strip():
        _add(errors, "focus", "Enter the focus of the inspection, for example a subject or theme.")
    if not details.outcomes.strip():
        _add(errors, "outcomes", "Enter the outcomes HMI gave at feedback.")
    if details.hmi_judgement is not None and details.hmi_judgement not in judgements.HMI_JUDGEMENTS:
        _add(errors, "hmi_judgement", "Choose HMI's judgement from 1 to 4, or 'Not given'.")
    _raise(errors)
    feedback = instance or SubjectFeedback(school=school, notification=notification, recorded_by=actor)
    feedback.inspection_date = details.inspection_date
    feedback.lead_inspector = details.lead_inspector.strip()
    feedback.focus = details.focus.strip()
    feedback.outcomes = details.outcomes.strip()
    feedback.hmi_judgement = details.hmi_judgement
    save_with_history(feedback, actor=actor,
                      reason="Subject feedback edited" if instance else "Subject feedback recorded")
    return feedback
