"""Writes for concerns: every status change or note is an immutable ConcernUpdate row."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from improvement.accounts.roles import Role
from improvement.concerns.models import Concern, ConcernStatus, ConcernUpdate


@transaction.atomic
def update_concern(*, actor, concern: Concern, status: str, note: str = "") -> Concern:
    concern = Concern.objects.select_for_update().select_related("school").get(pk=concern.pk)
    if actor.role != Role.SENIOR_ADVISER or concern.school.authority_id != actor.authority_id:
        raise PermissionDenied("Only the authority's senior advisers manage concerns.")
    if status not in ConcernStatus.values:
        raise ValidationError("Choose a status.")
    note = (note or "").strip()
    if status == concern.status and not note:
        raise ValidationError("Change the status or add a note.")
    ConcernUpdate.objects.create(concern=concern, from_status=concern.status, to_status=status, note=note, actor=actor)
    if status != concern.status:
        concern.status = status
        concern.save(update_fields=["status"])
    return concern
