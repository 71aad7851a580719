"""Writes for actions. Actions are created by the records that agree them (visit records,
meeting minutes); reviews of them are written here, whichever record reviews them."""

from __future__ import annotations

from typing import Any

from improvement.accounts.models import User
from improvement.actions.models import Action, ActionProgress, ActionStatus


def record_review(*, actor: User, action: Action, review: dict[str, Any], visit=None, meeting=None) -> tuple[str, str]:
    """Write one review of an action from a finalised record (a visit or a meeting): an
    immutable progress entry, and the action's new status. A review with neither a status nor a
    comment writes nothing. Returns the status and comment the record shows for the action."""
    status = review.get("status") or ""
    comment = str(review.get("comment", "") or "").strip()
    if status not in ActionStatus.values:
        status = action.status
    if review.get("status") or comment:
        ActionProgress.objects.create(action=action, visit=visit, meeting=meeting, status=status, comment=comment,
                                      actor=actor)
        if action.status != status:
            action.status = status
            action.save(update_fields=["status"])
    return status, comment
