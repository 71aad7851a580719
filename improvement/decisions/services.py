"""Writes for policy decisions: flags, categorisation, agreed visits, overrides, pack choices.

Every function is keyword-only, atomic, checks the acting user's permission itself (views check
too; this is the second lock) and leaves an audit trail: simple-history rows attributed to the
actor with a reason, or an immutable PackSettingChange row.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from improvement.accounts.models import Authority, User
from improvement.core.history import save_with_history
from improvement.decisions.models import (
    AdditionalVisits,
    Categorisation,
    DecisionOverride,
    PackSettingChange,
    SchoolFlag,
)
from improvement.decisions.selectors import known_decision_keys
from improvement.policy.calendar import academic_year_start
from improvement.policy.packs import PackError, available_packs, load_pack
from improvement.policy.snapshot import FLAGS
from improvement.schools.models import School


def _require_officer(actor: User, school: School) -> None:
    if not actor.has_perm("decisions.record_school_decisions", school):
        raise PermissionDenied("Only the authority's officers record policy decisions for this school.")


def _required_text(value: str, field: str, message: str) -> str:
    text = (value or "").strip()
    if not text:
        raise ValidationError({field: message})
    return text


def _not_in_future(day: date, field: str, what: str) -> None:
    if day > timezone.localdate():
        raise ValidationError({field: f"The date {what} cannot be in the future."})


# Flags ----------------------------------------------------------------------------------------


@transaction.atomic
def raise_flag(*, actor: User, school: School, key: str, note: str, raised_on: date) -> SchoolFlag:
    _require_officer(actor, school)
    if key not in FLAGS:
        raise ValidationError({"key": "Choose a flag from the list."})
    note = _required_text(note, "note", "Enter what the flag rests on.")
    _not_in_future(raised_on, "raised_on", "the flag was raised")
    flag = SchoolFlag(school=school, key=key, note=note, raised_on=raised_on, raised_by=actor)
    flag.full_clean()
    save_with_history(flag, actor=actor, reason="Flag raised")
    return flag


@transaction.atomic
def clear_flag(*, actor: User, flag: SchoolFlag, reason: str, cleared_on: date | None = None) -> SchoolFlag:
    flag = SchoolFlag.objects.select_for_update().select_related("school").get(pk=flag.pk)
    _require_officer(actor, flag.school)
    if not flag.is_active:
        raise ValidationError("This flag has already been cleared.")
    reason = _required_text(reason, "reason", "Enter why the flag is being cleared.")
    cleared_on = cleared_on or timezone.localdate()
    _not_in_future(cleared_on, "cleared_on", "the flag was cleared")
    if cleared_on < flag.raised_on:
        raise ValidationError({"cleared_on": "A flag cannot be cleared before the day it was raised."})
    flag.cleared_on = cleared_on
    flag.cleared_by = actor
    flag.cleared_reason = reason
    save_with_history(flag, actor=actor, reason=f"Flag cleared: {reason}")
    return flag


# Categorisation and agreed visits -------------------------------------------------------------


def _academic_year(value: str) -> str:
    try:
        academic_year_start(value)
    except ValueError:
        raise ValidationError({"academic_year": "Enter the academic year like 2023/24."}) from None
    return value


@transaction.atomic
def record_categorisation(
    *,
    actor: User,
    school: School,
    academic_year: str,
    la_category: int | None,
    kent_support_level: str = "",
    new_improvement_partner: bool | None = None,
) -> Categorisation:
    """Create or replace the school's categorisation for one academic year (history keeps the
    earlier values)."""
    _require_officer(actor, school)
    _academic_year(academic_year)
    if la_category is None and not kent_support_level and new_improvement_partner is None:
        raise ValidationError("Record at least one of the LA category, the Kent support level or "
                              "whether the improvement partner is new.")
    row = (
        Categorisation.objects.select_for_update()
        .filter(school=school, academic_year=academic_year)
        .first()
    ) or Categorisation(school=school, academic_year=academic_year)
    created = row.pk is None
    row.la_category = la_category
    row.kent_support_level = kent_support_level or ""
    row.new_improvement_partner = new_improvement_partner
    row.recorded_by = actor
    row.full_clean()
    save_with_history(row, actor=actor, reason="Categorisation recorded" if created else "Categorisation changed")
    return row


@transaction.atomic
def note_improvement_partner(*, actor: User, school: School, academic_year: str, is_new: bool) -> Categorisation:
    """Record, from an officer allocation, whether the school's improvement partner is new this
    year (Kent: a new partner means a familiarisation visit and a sixth day). Leaves the year's
    LA category and support level as they are."""
    _require_officer(actor, school)
    _academic_year(academic_year)
    row = (
        Categorisation.objects.select_for_update().filter(school=school, academic_year=academic_year).first()
    ) or Categorisation(school=school, academic_year=academic_year)
    if row.pk is not None and row.new_improvement_partner == is_new:
        return row
    row.new_improvement_partner = is_new
    row.recorded_by = actor
    row.full_clean()
    save_with_history(row, actor=actor, reason="New improvement partner, from the officer allocation")
    return row


@transaction.atomic
def agree_additional_visits(
    *, actor: User, school: School, academic_year: str, count: int, reason: str, agreed_on: date
) -> AdditionalVisits:
    _require_officer(actor, school)
    _academic_year(academic_year)
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise ValidationError({"count": "Enter a number of visits of 1 or more."})
    reason = _required_text(reason, "reason", "Enter why the additional visits were agreed.")
    _not_in_future(agreed_on, "agreed_on", "the visits were agreed")
    visits = AdditionalVisits(
        school=school, academic_year=academic_year, count=count, reason=reason, agreed_on=agreed_on,
        agreed_by=actor,
    )
    visits.full_clean()
    save_with_history(visits, actor=actor, reason="Additional visits agreed")
    return visits


@transaction.atomic
def withdraw_additional_visits(*, actor: User, visits: AdditionalVisits, reason: str) -> AdditionalVisits:
    visits = AdditionalVisits.objects.select_for_update().select_related("school").get(pk=visits.pk)
    _require_officer(actor, visits.school)
    if not visits.is_active:
        raise ValidationError("These additional visits have already been withdrawn.")
    reason = _required_text(reason, "reason", "Enter why the additional visits are withdrawn.")
    visits.withdrawn_at = timezone.now()
    visits.withdrawn_by = actor
    visits.withdrawn_reason = reason
    save_with_history(visits, actor=actor, reason=f"Additional visits withdrawn: {reason}")
    return visits


# Overrides ------------------------------------------------------------------------------------


@transaction.atomic
def record_override(
    *, actor: User, school: School, decision_key: str, value: str, reason: str, computed_value: str = ""
) -> DecisionOverride:
    _require_officer(actor, school)
    if decision_key not in known_decision_keys():
        raise ValidationError({"decision_key": "There is no such decision to override."})
    value = _required_text(value, "value", "Enter the value to use instead of the computed one.")
    reason = _required_text(reason, "reason", "Enter why the computed value is being overridden.")
    # Serialise overrides of one school so the "one active override" check cannot race.
    School.objects.select_for_update().filter(pk=school.pk).first()
    override = DecisionOverride(
        school=school, decision_key=decision_key, value=value, reason=reason,
        computed_value=(computed_value or "")[:1000], created_by=actor,
    )
    override.full_clean()
    save_with_history(override, actor=actor, reason="Decision overridden")
    return override


@transaction.atomic
def revoke_override(*, actor: User, override: DecisionOverride, reason: str = "") -> DecisionOverride:
    override = DecisionOverride.objects.select_for_update().select_related("school").get(pk=override.pk)
    _require_officer(actor, override.school)
    if not override.is_active:
        raise ValidationError("This override has already been revoked.")
    override.revoked_at = timezone.now()
    override.revoked_by = actor
    override.revoked_reason = (reason or "").strip()
    save_with_history(override, actor=actor, reason="Override revoked")
    return override


# Packs per academic year ----------------------------------------------------------------------


@transaction.atomic
def set_policy_packs(*, actor: User, authority: Authority, academic_year: str, pack_ids: list[str]) -> Authority:
    """Choose the packs that apply in one academic year. No packs returns the year to the
    default (the England-wide packs that cover it)."""
    if not (actor.has_perm("decisions.change_policy_packs") and actor.authority_id == authority.pk):
        raise PermissionDenied("Only the authority's LA administrators choose policy packs.")
    _academic_year(academic_year)
    known = set(available_packs())
    chosen = list(dict.fromkeys(pack_ids))
    unknown = [p for p in chosen if p not in known]
    if unknown:
        raise ValidationError({"packs": f"Unknown policy pack: {', '.join(unknown)}."})
    outside = []
    for pack_id in chosen:
        try:
            pack = load_pack(pack_id)
        except PackError as error:  # a shipped pack that no longer loads: refuse it by name
            raise ValidationError({"packs": f"{pack_id} cannot be loaded: {error}"}) from None
        if academic_year not in pack.academic_years:
            outside.append(f"{pack.title} applies to {', '.join(pack.academic_years)} only")
    if outside:
        raise ValidationError({"packs": f"Choose packs that apply to {academic_year}: {'; '.join(outside)}."})
    authority = Authority.objects.select_for_update().get(pk=authority.pk)
    settings = dict(authority.policy_packs or {})
    before = list(settings.get(academic_year, []))
    if chosen:
        settings[academic_year] = sorted(chosen)
    else:
        settings.pop(academic_year, None)
    if before == settings.get(academic_year, []):
        return authority
    authority.policy_packs = dict(sorted(settings.items()))
    authority.save(update_fields=["policy_packs"])
    PackSettingChange.objects.create(
        authority=authority, academic_year=academic_year, before=before,
        after=settings.get(academic_year, []), changed_by=actor,
    )
    return authority
