"""Writes for network focus support: focus schools added by hand, support offers, funding.

Every function is keyword-only, atomic, checks the acting user's permission itself (views check
too; this is the second lock), refuses bad input with a ValidationError whose sentences say what
to fix, and leaves simple-history rows attributed to the actor with a reason. Nothing is deleted:
a focus school added by hand is removed with a recorded reason, support ends, funding changes.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from improvement.accounts.models import User
from improvement.core.history import save_with_history
from improvement.networks.models import (
    FocusSchoolAddition,
    FundingAllocation,
    SupportKind,
    SupportOffer,
    SupportStatus,
)
from improvement.policy.calendar import academic_year_start
from improvement.schools.models import Network, School, Status

# The largest amount a Decimal(10, 2) column holds.
MAX_AMOUNT = Decimal("99999999.99")


def _require(actor: User, obj: Network | School) -> None:
    if not actor.has_perm("networks.manage_support", obj):
        raise PermissionDenied("Only senior advisers, LA administrators and the network's lead record network "
                               "focus support.")


def _in_authority(actor: User, school: School, field: str = "school") -> None:
    if school.authority_id != actor.authority_id:
        raise ValidationError({field: "Choose a school in your authority."})


def _open(school: School, field: str = "school") -> None:
    if school.status == Status.CLOSED:
        raise ValidationError({field: f"{school.name} is closed: choose an open school."})


def _required_text(value: str, field: str, message: str) -> str:
    text = (value or "").strip()
    if not text:
        raise ValidationError({field: message})
    return text


def _academic_year(value: str) -> str:
    try:
        academic_year_start(value)
    except (TypeError, ValueError):
        raise ValidationError({"academic_year": "Enter the academic year like 2026/27."}) from None
    return value


# Focus schools added by hand ------------------------------------------------------------------


@transaction.atomic
def add_focus_school(
    *, actor: User, school: School, academic_year: str, reason: str, added_on: date | None = None
) -> FocusSchoolAddition:
    """Identify `school` as a focus school for the year by hand (in every network it belongs to)."""
    _in_authority(actor, school)
    _require(actor, school)
    _open(school)
    _academic_year(academic_year)
    reason = _required_text(reason, "reason", "Enter why the school is a focus school.")
    added_on = added_on or timezone.localdate()
    if added_on > timezone.localdate():
        raise ValidationError({"added_on": "The date the school was added cannot be in the future."})
    # Serialise additions for one school so the duplicate check cannot race.
    School.objects.select_for_update().filter(pk=school.pk).first()
    if FocusSchoolAddition.objects.filter(school=school, academic_year=academic_year,
                                          removed_at__isnull=True).exists():
        raise ValidationError(f"{school.name} is already a focus school added by hand for {academic_year}.")
    addition = FocusSchoolAddition(school=school, academic_year=academic_year, reason=reason, added_by=actor,
                                   added_on=added_on)
    addition.full_clean()
    save_with_history(addition, actor=actor, reason="Focus school added")
    return addition


@transaction.atomic
def remove_focus_school(*, actor: User, addition: FocusSchoolAddition, reason: str) -> FocusSchoolAddition:
    addition = FocusSchoolAddition.objects.select_for_update().select_related("school").get(pk=addition.pk)
    _require(actor, addition.school)
    if not addition.is_active:
        raise ValidationError("This focus school has already been removed.")
    reason = _required_text(reason, "reason", "Enter why the school is no longer a focus school.")
    addition.removed_at = timezone.now()
    addition.removed_by = actor
    addition.removal_reason = reason
    save_with_history(addition, actor=actor, reason=f"Focus school removed: {reason}")
    return addition


# Support offers -------------------------------------------------------------------------------


def _support_fields(
    *, actor: User, school: School, kind: str, description: str, provided_by: str, start_date: date | None,
    status: str, partner_school: School | None,
) -> dict:
    errors: dict[str, str] = {}
    if kind not in SupportKind.values:
        errors["kind"] = "Choose the kind of support."
    if status not in SupportStatus.values:
        errors["status"] = "Choose whether the support is offered, in place or ended."
    if not isinstance(start_date, date):
        errors["start_date"] = "Enter the date the support starts."
    if not (description or "").strip():
        errors["description"] = "Describe the support."
    if not (provided_by or "").strip():
        errors["provided_by"] = "Enter who provides the support."
    elif len(provided_by.strip()) > 200:
        errors["provided_by"] = "Enter who provides the support in 200 characters or fewer."
    if partner_school is not None:
        if kind != SupportKind.PAIRED_SCHOOL:
            errors["partner_school"] = ("Choose a partner school only for working with a school that met similar "
                                        "challenges.")
        elif partner_school.pk == school.pk:
            errors["partner_school"] = "Choose a partner school other than the school itself."
        elif partner_school.authority_id != actor.authority_id:
            errors["partner_school"] = "Choose a partner school in your authority."
        elif partner_school.status == Status.CLOSED:
            errors["partner_school"] = f"{partner_school.name} is closed: choose an open partner school."
    if errors:
        raise ValidationError(errors)
    return {"kind": kind, "description": description.strip(), "provided_by": provided_by.strip(),
            "start_date": start_date, "status": status, "partner_school": partner_school}


@transaction.atomic
def record_support_offer(
    *, actor: User, school: School, academic_year: str, kind: str, description: str, provided_by: str,
    start_date: date | None, status: str = SupportStatus.OFFERED, partner_school: School | None = None,
) -> SupportOffer:
    _in_authority(actor, school)
    _require(actor, school)
    _open(school)
    _academic_year(academic_year)
    fields = _support_fields(actor=actor, school=school, kind=kind, description=description,
                             provided_by=provided_by, start_date=start_date, status=status,
                             partner_school=partner_school)
    offer = SupportOffer(school=school, academic_year=academic_year, recorded_by=actor, **fields)
    offer.full_clean()
    save_with_history(offer, actor=actor, reason="Support recorded")
    return offer


@transaction.atomic
def update_support_offer(
    *, actor: User, offer: SupportOffer, kind: str, description: str, provided_by: str, start_date: date | None,
    status: str, partner_school: School | None = None,
) -> SupportOffer:
    """Change a support offer (its status, mostly: offered, in place, ended); history keeps the
    earlier values."""
    offer = SupportOffer.objects.select_for_update().select_related("school").get(pk=offer.pk)
    _require(actor, offer.school)
    fields = _support_fields(actor=actor, school=offer.school, kind=kind, description=description,
                             provided_by=provided_by, start_date=start_date, status=status,
                             partner_school=partner_school)
    before = {name: getattr(offer, name) for name in fields}
    if before == fields:
        return offer
    for name, value in fields.items():
        setattr(offer, name, value)
    offer.recorded_by = actor
    offer.full_clean()
    reason = ("Support status changed" if before["status"] != fields["status"] else "Support changed")
    save_with_history(offer, actor=actor, reason=reason)
    return offer


# Funding --------------------------------------------------------------------------------------


def _amount(value: object) -> Decimal:
    message = "Enter the amount in pounds, like 1500 or 1500.50."
    if isinstance(value, bool) or value is None:
        raise ValidationError({"amount": message})
    try:
        amount = Decimal(str(value).strip().replace(",", "").lstrip("£"))
    except InvalidOperation:
        raise ValidationError({"amount": message}) from None
    if not amount.is_finite():
        raise ValidationError({"amount": message})
    if amount < 0:
        raise ValidationError({"amount": "Enter an amount of £0 or more."})
    if amount != amount.quantize(Decimal("0.01")):
        raise ValidationError({"amount": "Enter the amount to the nearest penny, like 1500.50."})
    if amount > MAX_AMOUNT:
        raise ValidationError({"amount": "Enter an amount of less than £100,000,000."})
    return amount.quantize(Decimal("0.01"))


@transaction.atomic
def allocate_funding(
    *, actor: User, network: Network, school: School, academic_year: str, amount: Decimal | int | str,
    purpose: str,
) -> FundingAllocation:
    """Allocate (or change) the network's school improvement funding for one school in one
    academic year. £0 records that the school gets nothing; history keeps every earlier amount."""
    if network.authority_id != actor.authority_id:
        raise ValidationError({"network": "Choose a network of your authority."})
    _require(actor, network)
    _in_authority(actor, school)
    _academic_year(academic_year)
    amount = _amount(amount)
    purpose = _required_text(purpose, "purpose", "Enter what the funding is for.")
    if not network.schools.filter(pk=school.pk).exists():
        raise ValidationError({"school": f"{school.name} is not a school of the {network.name}."})
    # Serialise allocations of one network so two first allocations for a school cannot race.
    Network.objects.select_for_update().filter(pk=network.pk).first()
    allocation = (
        FundingAllocation.objects
        .filter(network=network, school=school, academic_year=academic_year)
        .first()
    )
    if allocation is None:
        _open(school)
        allocation = FundingAllocation(network=network, school=school, academic_year=academic_year)
        change = "Funding allocated"
    elif allocation.amount == amount and allocation.purpose == purpose:
        return allocation
    else:
        change = f"Funding changed from £{allocation.amount:,.2f} to £{amount:,.2f}"
    allocation.amount = amount
    allocation.purpose = purpose
    allocation.allocated_by = actor
    allocation.full_clean()
    save_with_history(allocation, actor=actor, reason=change)
    return allocation
