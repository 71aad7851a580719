"""Writes for visits and their records. Keyword-only, atomic, take the acting user, write the
status rows. Views call these and nothing else to change a visit."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from improvement.accounts.models import User
from improvement.accounts.roles import Role
from improvement.actions.models import OPEN_STATUSES, Action
from improvement.actions.services import record_review
from improvement.concerns.models import Concern
from improvement.policy import record_templates
from improvement.policy.record_templates import FieldKind, RecordTemplate
from improvement.schools.models import School
from improvement.visits import lifecycle
from improvement.visits.content import filled_rows, initial_content, is_blank_row, row_keys
from improvement.visits.models import (
    Distribution,
    GoodPractice,
    RecordRevision,
    Visit,
    VisitRecord,
    VisitStatus,
    VisitStatusChange,
)
from improvement.visits.prefill import register_snapshot
from improvement.visits.writing_checks import parse_by_when

VISITING_ROLES = (Role.MONITORING_OFFICER, Role.SENIOR_ADVISER)


class StaleRecord(Exception):
    """The record changed since the page was loaded: never overwrite it silently."""

    def __init__(self, current: VisitRecord) -> None:
        self.current = current
        super().__init__("This record has been changed since you opened it.")


class RecordLocked(Exception):
    """The record cannot be edited in its current status."""


def usable_templates(*, authority, day: date) -> list[RecordTemplate]:
    """Visit templates of the packs the authority uses in the visit's academic year; every shipped
    visit template when the authority has chosen none for that year. Meeting templates (School
    Improvement Boards, Progress Check-Ins, Round Table Meetings) are never offered for a visit."""
    from improvement.policy.calendar import academic_year_of

    year = academic_year_of(day)
    packs = set((authority.policy_packs or {}).get(year, []))
    templates = [t for t in record_templates.registry().values() if t.record_kind == "visit"]
    chosen = [t for t in templates if t.pack in packs or t.applies_to(authority.code, year)]
    chosen = chosen or templates
    return sorted(chosen, key=lambda t: (t.authority, t.sequence_order, t.title))


def _clean_staff(staff_present: list[dict[str, str]]) -> list[dict[str, str]]:
    rows = []
    for row in staff_present:
        role, name = str(row.get("role", "")).strip(), str(row.get("name", "")).strip()
        if role or name:
            rows.append({"role": role[:200], "name": name[:200]})
    return rows


@transaction.atomic
def create_visit(
    *,
    actor: User,
    school: School,
    template: RecordTemplate,
    day: date,
    focus: str = "",
    staff_present: list[dict[str, str]] | None = None,
    officers: list[User] | None = None,
) -> Visit:
    if actor.role not in VISITING_ROLES or school.authority_id != actor.authority_id:
        raise PermissionDenied("Only the authority's officers can record visits to its schools.")
    if not school.is_open:
        raise ValidationError("This school is closed: you cannot record a new visit to it.")
    co_officers = [o for o in officers or [] if o.pk != actor.pk]
    for officer in co_officers:
        if officer.authority_id != actor.authority_id or officer.role not in VISITING_ROLES:
            raise ValidationError("Every officer on a visit must be an officer of the authority.")
    visit = Visit(
        school=school,
        template_key=template.key,
        template_version=template.version,
        date=day,
        focus=focus.strip()[:300],
        staff_present=_clean_staff(staff_present or []),
        created_by=actor,
    )
    visit.full_clean(exclude=["officers", "academic_year"])
    visit.save()
    visit.officers.add(actor, *co_officers)
    snapshot = register_snapshot(school)
    VisitRecord.objects.create(
        visit=visit,
        snapshot=snapshot,
        content=initial_content(template, snapshot["values"], visit),
        updated_by=actor,
    )
    VisitStatusChange.objects.create(visit=visit, from_status="", to_status=VisitStatus.DRAFT, actor=actor)
    return visit


def is_visit_officer(user: User, visit: Visit) -> bool:
    return any(o.pk == user.pk for o in visit.officers.all())


def scrub_nul(value: Any) -> Any:
    """NUL cannot be stored in PostgreSQL text or JSON: drop it wherever it was pasted."""
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, list):
        return [scrub_nul(v) for v in value]
    if isinstance(value, dict):
        return {str(k).replace("\x00", ""): scrub_nul(v) for k, v in value.items()}
    return value


def _save_content(*, actor, visit: Visit, content: dict[str, Any], action_reviews: dict[str, Any] | None,
                  expected_version: int, extra: dict[str, Any] | None = None) -> VisitRecord:
    content = scrub_nul(content)
    if action_reviews is not None:
        action_reviews = scrub_nul(action_reviews)
    updates: dict[str, Any] = {
        "content": content,
        "version": F("version") + 1,
        "updated_by": actor,
        "updated_at": timezone.now(),
        **(extra or {}),
    }
    if action_reviews is not None:
        updates["action_reviews"] = action_reviews
    # One conditional UPDATE: two saves from the same version can never both succeed.
    changed = VisitRecord.objects.filter(visit=visit, version=expected_version).update(**updates)
    record = VisitRecord.objects.get(visit=visit)
    # A stale save of exactly what is stored (the Save button racing its own autosave) loses
    # nothing, so it is not a conflict.
    same = record.content == content and (action_reviews is None or record.action_reviews == action_reviews)
    if not changed and not same:
        raise StaleRecord(record)
    return record


@transaction.atomic
def save_record(
    *,
    actor: User,
    visit: Visit,
    content: dict[str, Any],
    expected_version: int,
    action_reviews: dict[str, Any] | None = None,
) -> VisitRecord:
    """Save a draft (autosave or the Save button). Refused unless the record is a draft."""
    visit = Visit.objects.select_for_update().get(pk=visit.pk)
    if visit.status != VisitStatus.DRAFT:
        raise RecordLocked(
            "This record can no longer be edited: it is "
            f"{lifecycle.STATUS_LABELS[visit.status].lower()}."
            + (" Changes to a finalised record are amendments." if visit.is_locked else "")
        )
    record = _save_content(actor=actor, visit=visit, content=content, action_reviews=action_reviews,
                           expected_version=expected_version)
    _sync_staff_present(visit, content)
    return record


def _sync_staff_present(visit: Visit, content: dict[str, Any]) -> None:
    """The record's "staff present" is the visit's: keep the visit's copy the same."""
    for f in visit.template.fields_of_kind(FieldKind.PEOPLE_PRESENT):
        if f.prefill == "visit.staff_present" and isinstance(content.get(f.key), list):
            staff = _clean_staff([r for r in content[f.key] if isinstance(r, dict)])
            if staff != visit.staff_present:
                visit.staff_present = staff
                visit.save(update_fields=["staff_present"])


def _new_uid() -> str:
    return uuid.uuid4().hex[:12]


def _raise_concerns(*, actor, visit: Visit, template: RecordTemplate, content: dict[str, Any]) -> int:
    """Each expression of concern lands in the senior advisers' queue, once."""
    created = 0
    for _f, row in filled_rows(template, content, FieldKind.CONCERN_LIST):
        _, made = Concern.objects.get_or_create(
            source_visit=visit, source_item=row["uid"],
            defaults={"school": visit.school, "category": (row.get("category") or "Other")[:100],
                      "description": row.get("description", ""), "raised_by": actor},
        )
        created += made
    return created


def _materialise(*, actor, visit: Visit, template: RecordTemplate, content: dict[str, Any]) -> None:
    """Agreed actions and good practice become rows of their own (idempotent per row uid)."""
    for f, row in filled_rows(template, content, FieldKind.ACTIONS_TABLE):
        if not f.carries_forward:
            continue
        by_when = str(row.get("by_when", "")).strip()
        fields = {
            "school": visit.school,
            "text": str(row.get("text", "")).strip(),
            "lead_role": str(row.get("lead_role", "")).strip()[:100],
            "lead_initials": str(row.get("lead_initials", "")).strip()[:20],
            "monitored_by": str(row.get("monitored_by", "")).strip()[:200],
            "success_measure": str(row.get("success_measure", "")).strip(),
            "support_offered": str(row.get("support_offered", "")).strip(),
            "due_date": parse_by_when(by_when),
            "due_text": by_when[:200],
        }
        if not fields["text"]:
            raise ValidationError("Every action needs its text.")
        action, created = Action.objects.get_or_create(
            source_visit=visit, source_item=row["uid"], defaults={**fields, "created_by": actor}
        )
        if not created:
            for name, value in fields.items():
                setattr(action, name, value)
            action.save()
    for _f, row in filled_rows(template, content, FieldKind.GOOD_PRACTICE_LIST):
        GoodPractice.objects.update_or_create(
            source_visit=visit, source_item=row["uid"],
            defaults={"school": visit.school, "area": (row.get("area") or "General")[:200],
                      "description": row.get("description", "")},
        )
    _raise_concerns(actor=actor, visit=visit, template=template, content=content)


def carried_forward_actions(visit: Visit):
    """Open actions from the school's earlier records, to be reviewed in this visit. One query."""
    return (
        Action.objects.filter(school_id=visit.school_id, status__in=OPEN_STATUSES)
        .exclude(source_visit_id=visit.pk)
        .filter(source_visit__date__lte=visit.date)
        .select_related("source_visit")
        .order_by("source_visit__date", "pk")
    )


def _apply_action_reviews(*, actor, visit: Visit, record: VisitRecord) -> list[dict[str, Any]]:
    """At finalisation each review becomes a progress entry; returns the frozen review list."""
    reviews = record.action_reviews or {}
    frozen = []
    for action in carried_forward_actions(visit):
        status, comment = record_review(actor=actor, action=action, review=reviews.get(str(action.pk)) or {},
                                        visit=visit)
        frozen.append({
            "id": action.pk, "text": action.text, "lead": action.lead,
            "due": action.due_date.isoformat() if action.due_date else action.due_text,
            "from": action.source_visit.date.isoformat() if action.source_visit else "",
            "status": status, "comment": comment,
        })
    return frozen


def _recipients(visit: Visit, template: RecordTemplate) -> list[User]:
    school = visit.school
    users = []
    roles = set(template.distribution)
    school_roles = [r for r in roles if r in ("headteacher", "chair_of_governors")]
    if school_roles:
        users += list(User.objects.filter(school=school, role__in=school_roles, is_active=True))
    if "trust_ceo" in roles and school.trust_id:
        users += list(User.objects.filter(trust_id=school.trust_id, role=Role.TRUST_CEO, is_active=True))
    return users


def _send_distribution_mail(visit: Visit, recipients: list[User], link: str) -> None:
    messages = [
        EmailMessage(
            subject=f"{visit.template.short_title}: {visit.school.name}, {visit.date:%d %B %Y}",
            body=(
                f"Dear {user.full_name},\n\n"
                f"The {visit.template.short_title.lower()} for {visit.school.name} "
                f"({visit.date:%d %B %Y}) has been finalised and shared with you.\n\n"
                f"Sign in to School Improvement Monitor to read it{': ' + link if link else '.'}\n\n"
                "The record is not attached to this e-mail so that it stays within the service."
            ),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[user.email],
        )
        for user in recipients
    ]
    if messages:
        get_connection().send_messages(messages)


def _notify(users: list[User], subject: str, body: str) -> None:
    messages = [
        EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[u.email])
        for u in users if u.email
    ]
    if messages:
        get_connection().send_messages(messages)


def _step_notice(visit: Visit, step: lifecycle.Step, actor: User, link: str) -> tuple[list[User], str] | None:
    """Who hears about a step by e-mail: the headteacher when a record arrives for checking,
    the visit's officers when the school answers, the officers when a moderation is recorded."""
    where = f"Sign in to School Improvement Monitor to read it{': ' + link if link else '.'}"
    what = f"the {visit.template.short_title.lower()} of {visit.school.name}'s visit on {visit.date:%d %B %Y}"
    if step.name == "send":
        heads = list(User.objects.filter(school=visit.school, role=Role.HEADTEACHER, is_active=True))
        return heads, f"Please check {what} for accuracy. {where}"
    if step.name in ("confirm_accurate", "mark_inaccurate", "moderate"):
        verdict = {"confirm_accurate": "confirmed as accurate", "mark_inaccurate": "marked as inaccurate",
                   "moderate": "moderated by a senior adviser"}[step.name]
        return [o for o in visit.officers.all() if o.pk != actor.pk], f"{actor} has {verdict} {what}. {where}"
    return None


def can_take_step(user: User, visit: Visit, step: lifecycle.Step) -> bool:
    if not user.is_authenticated or user.authority_id != visit.school.authority_id:
        return False
    if step.actor == lifecycle.HEADTEACHER:
        return user.role == Role.HEADTEACHER and user.school_id == visit.school_id
    if step.actor == lifecycle.SENIOR_ADVISER:
        return user.role == Role.SENIOR_ADVISER
    return is_visit_officer(user, visit) or user.role == Role.SENIOR_ADVISER


@transaction.atomic
def transition(
    *,
    actor: User,
    visit: Visit,
    step_name: str,
    comment: str = "",
    section_comments: dict[str, str] | None = None,
    link: str = "",
) -> Visit:
    """Take one step of the record's life; raises lifecycle.IllegalStep with a clear message."""
    visit = Visit.objects.select_for_update().select_related("school").get(pk=visit.pk)
    step = lifecycle.check_step(step_name, visit.status)
    if not can_take_step(actor, visit, step):
        raise PermissionDenied("You cannot take this step on this record.")
    comment = (comment or "").strip()
    section_comments = {k: v.strip() for k, v in (section_comments or {}).items() if v and v.strip()}
    if step.name == "mark_inaccurate" and not (section_comments or comment):
        raise lifecycle.IllegalStep("Say what is inaccurate in at least one section.")
    elif step.needs_comment and step.name != "mark_inaccurate" and not comment:
        raise lifecycle.IllegalStep(f"Enter: {step.comment_label.lower()}.")
    today = timezone.localdate()
    record = VisitRecord.objects.select_for_update().get(visit=visit)
    template = visit.template
    if step.name == "send":
        if visit.date > today:
            raise lifecycle.IllegalStep("This visit has not happened yet: send the record after the visit.")
        if visit.first_sent_at is None:
            visit.first_sent_at = timezone.now()
        _raise_concerns(actor=actor, visit=visit, template=template, content=record.content)
    elif step.name == "record_disagreement":
        record.disagreement = comment
        record.save(update_fields=["disagreement"])
    elif step.name == "moderate":
        record.moderation = comment
        record.save(update_fields=["moderation"])
    elif step.name == "finalise":
        if visit.date > today:
            raise lifecycle.IllegalStep("A visit in the future cannot be finalised.")
        _materialise(actor=actor, visit=visit, template=template, content=record.content)
        frozen_reviews = _apply_action_reviews(actor=actor, visit=visit, record=record)
        RecordRevision.objects.create(
            visit=visit, number=0, content=record.content, action_reviews=frozen_reviews,
            reason="Finalised", actor=actor,
        )
    elif step.name == "distribute":
        recipients = [u for u in _recipients(visit, template)
                      if not Distribution.objects.filter(visit=visit, recipient=u).exists()]
        for user in recipients:
            Distribution.objects.create(visit=visit, recipient=user, role=user.role, sent_by=actor)
        transaction.on_commit(lambda: _send_distribution_mail(visit, recipients, link))
    VisitStatusChange.objects.create(
        visit=visit, from_status=visit.status, to_status=step.target, actor=actor,
        comment=comment, section_comments=section_comments,
    )
    notice = _step_notice(visit, step, actor, link)
    if notice and notice[0]:
        users, body = notice
        subject = f"{visit.template.short_title}: {visit.school.name}, {lifecycle.STATUS_LABELS[step.target].lower()}"
        transaction.on_commit(lambda: _notify(users, subject, body))
    visit.status = step.target
    visit.save(update_fields=["status", "first_sent_at"])
    return visit


@transaction.atomic
def amend_record(
    *, actor: User, visit: Visit, content: dict[str, Any], expected_version: int, reason: str
) -> VisitRecord:
    """Change a finalised record: a new numbered version with its reason; the old one stays."""
    visit = Visit.objects.select_for_update().get(pk=visit.pk)
    if not visit.is_locked:
        raise RecordLocked("Only a finalised record is amended; edit the draft instead.")
    if not (is_visit_officer(actor, visit) or actor.role == Role.SENIOR_ADVISER):
        raise PermissionDenied("You cannot amend this record.")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("Give the reason for the amendment.")
    record = _save_content(actor=actor, visit=visit, content=content, action_reviews=None,
                           expected_version=expected_version,
                           extra={"amendment_number": F("amendment_number") + 1})
    _materialise(actor=actor, visit=visit, template=visit.template, content=record.content)
    previous = visit.revisions.order_by("-number").first()
    RecordRevision.objects.create(
        visit=visit, number=record.amendment_number, content=record.content,
        action_reviews=previous.action_reviews if previous else [], reason=reason, actor=actor,
    )
    VisitStatusChange.objects.create(
        visit=visit, from_status=visit.status, to_status=visit.status, actor=actor,
        comment=f"Amendment {record.amendment_number}: {reason}",
    )
    return record


def ensure_row_uids(template: RecordTemplate, content: dict[str, Any]) -> dict[str, Any]:
    """Give every non-blank table row a stable id so actions and concerns are created once."""
    for _section, f in template.all_fields():
        if not f.is_table:
            continue
        keys = row_keys(f)
        rows = []
        for row in content.get(f.key) or []:
            if not isinstance(row, dict) or is_blank_row(row, keys):
                continue
            if f.kind != FieldKind.PEOPLE_PRESENT and not row.get("uid"):
                row = {**row, "uid": _new_uid()}
            rows.append(row)
        content[f.key] = rows
    return content


@transaction.atomic
def share_with_chair(*, actor: User, visit: Visit, link: str = "") -> list[User]:
    """The headteacher shares a distributed record with the school's chair of governors
    (Coventry: "the headteacher will share the Record of Visit with their Chair of Governors")."""
    visit = Visit.objects.select_for_update().select_related("school").get(pk=visit.pk)
    if actor.role != Role.HEADTEACHER or actor.school_id != visit.school_id:
        raise PermissionDenied("Only the school's headteacher shares its records with the chair.")
    if visit.status != VisitStatus.DISTRIBUTED:
        raise lifecycle.IllegalStep("The record can be shared once it has been distributed to you.")
    chairs = [
        user for user in User.objects.filter(school=visit.school, role=Role.CHAIR_OF_GOVERNORS, is_active=True)
        if not Distribution.objects.filter(visit=visit, recipient=user).exists()
    ]
    for user in chairs:
        Distribution.objects.create(visit=visit, recipient=user, role=user.role, sent_by=actor)
    VisitStatusChange.objects.create(
        visit=visit, from_status=visit.status, to_status=visit.status, actor=actor,
        comment="Shared with the chair of governors" if chairs else "Shared: the chair already had it",
    )
    transaction.on_commit(lambda: _send_distribution_mail(visit, chairs, link))
    return chairs
