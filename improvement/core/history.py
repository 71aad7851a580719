"""Audit: saving with attribution, and reading django-simple-history rows back as a change log."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db import models


def save_with_history(
    instance: models.Model, *, actor, reason: str = "", update_fields: Iterable[str] | None = None
) -> None:
    """Save and attribute the history row to `actor` with `reason` (services call this)."""
    instance._history_user = actor  # read by simple-history's post_save handler
    instance._change_reason = reason
    instance.save(update_fields=list(update_fields) if update_fields is not None else None)


@dataclass(frozen=True)
class Change:
    when: datetime
    who: str
    what: str
    action: str
    fields: tuple[str, ...]
    reason: str


_ACTIONS = {"+": "Created", "~": "Changed", "-": "Deleted"}


def _as_recorded(row: models.Model) -> models.Model:
    """The object as this history row recorded it, for its str().

    simple-history's `row.instance` also fetches the model's excluded fields from the live row:
    one query per history row. Those fields are not part of the record, so leave them out.
    """
    return row.instance_type(**{f.attname: getattr(row, f.attname) for f in row.tracked_fields})


def change_log(history_querysets: Iterable[tuple[str, models.QuerySet]], *, limit: int = 50) -> list[Change]:
    """Newest changes first across several historical models, one query per model.

    Changed fields are found by comparing each history row with the previous row of the same
    object in Python, so the log costs no query per row.
    """
    changes: list[Change] = []
    for label, queryset in history_querysets:
        rows = list(queryset.select_related("history_user").order_by("history_id"))
        if not rows:
            continue
        tracked = [
            f.attname
            for f in rows[0].instance_type._meta.concrete_fields
            if f.attname in {hf.attname for hf in rows[0]._meta.concrete_fields}
        ]
        previous: dict[object, models.Model] = {}
        for row in rows:
            before = previous.get(row.id)
            changed = (
                tuple(f for f in tracked if getattr(before, f) != getattr(row, f)) if before else ()
            )
            previous[row.id] = row
            if row.history_type == "~" and not changed:
                continue
            changes.append(
                Change(
                    when=row.history_date,
                    who=str(row.history_user) if row.history_user else "System",
                    what=f"{label}: {_as_recorded(row)}",
                    action=_ACTIONS.get(row.history_type, row.history_type),
                    fields=changed,
                    reason=row.history_change_reason or "",
                )
            )
    changes.sort(key=lambda c: c.when, reverse=True)
    return changes[:limit]
