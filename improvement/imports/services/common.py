"""Bulk reads and writes shared by the importers: batched IN lookups and the denormalised latest
inspection outcome, recomputed for many schools at once."""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from types import SimpleNamespace
from typing import TypeVar

from django.db import connection
from django.db.models import QuerySet
from simple_history.utils import bulk_create_with_history

from improvement.inspections.models import Inspection
from improvement.policy import frameworks
from improvement.schools.models import School

# SQLite allows 32,766 parameters in one statement; stay well below for every backend.
IN_BATCH = 900
T = TypeVar("T")
# inspection_history (schools.selectors) follows at most this many predecessors.
PREDECESSOR_DEPTH = 5


def batched(items: Iterable[T], size: int = IN_BATCH) -> Iterator[list[T]]:
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def in_batches(values: Iterable, query: Callable[[list], QuerySet]) -> Iterator:
    """Rows of query(batch) for each batch of values: one query per 900 values, not per row."""
    for batch in batched(sorted(set(values), key=str)):
        yield from query(batch)


def refresh_latest_inspections(school_ids: Iterable[int]) -> int:
    """Recompute School.latest_full_inspection / latest_outcome for these schools and for their
    successors (whose history includes them), as schools.selectors.refresh_latest_inspection
    does for one school. Returns the number of schools whose outcome changed."""
    targets = set(school_ids)
    if not targets:
        return 0
    frontier = set(targets)
    for _ in range(PREDECESSOR_DEPTH):
        successors = set(in_batches(frontier, lambda b: School.objects.filter(predecessor_id__in=b)
                                    .values_list("id", flat=True))) - targets
        if not successors:
            break
        targets |= successors
        frontier = successors

    predecessor_of: dict[int, int | None] = {}
    current: dict[int, tuple[int | None, str]] = {}
    frontier = set(targets)
    for _ in range(PREDECESSOR_DEPTH + 1):
        rows = in_batches(frontier, lambda b: School.objects.filter(id__in=b).values_list(
            "id", "predecessor_id", "latest_full_inspection_id", "latest_outcome"))
        found = set()
        for school_id, predecessor_id, latest_id, outcome in rows:
            predecessor_of[school_id] = predecessor_id
            current[school_id] = (latest_id, outcome)
            if predecessor_id:
                found.add(predecessor_id)
        frontier = found - set(predecessor_of)
        if not frontier:
            break

    def chain(school_id: int) -> list[int]:
        ids = [school_id]
        while len(ids) <= PREDECESSOR_DEPTH and predecessor_of.get(ids[-1]):
            ids.append(predecessor_of[ids[-1]])
        return ids

    by_school: dict[int, list[SimpleNamespace]] = defaultdict(list)
    for row in in_batches(predecessor_of, lambda b: Inspection.objects.filter(
            school_id__in=b, inspection_type=frameworks.FULL).values(
            "id", "school_id", "era", "inspection_type", "start_date", "judgements")):
        by_school[row["school_id"]].append(SimpleNamespace(**row))

    changed = []
    for school_id in targets:
        history = [i for sid in chain(school_id) for i in by_school.get(sid, ())]
        # Newest first, as Inspection's default ordering (-start_date, -pk).
        history.sort(key=lambda i: (i.start_date, i.id), reverse=True)
        latest = frameworks.latest_full_inspection(history)
        new = (latest.id if latest else None, frameworks.outcome_key(latest))
        if current.get(school_id) != new:
            changed.append(School(id=school_id, latest_full_inspection_id=new[0], latest_outcome=new[1]))
    set_columns(School, [(s.id, s.latest_full_inspection_id, s.latest_outcome) for s in changed],
                ["latest_full_inspection", "latest_outcome"])
    return len(changed)


def set_columns(model, rows: list[tuple], field_names: list[str], batch_size: int = 500) -> None:
    """UPDATE many rows to different values in one statement per batch: rows are (pk, value,
    ...). Django's bulk_update builds a CASE per field and row, which takes seconds per
    thousand rows; UPDATE ... FROM (VALUES ...) does the same in milliseconds. Writes the
    columns directly: no signals, no history (use it only for denormalised columns)."""
    if not rows:
        return
    vendor = connection.vendor
    if vendor not in ("sqlite", "postgresql") or (vendor == "sqlite" and sqlite3.sqlite_version_info < (3, 33)):
        model.objects.bulk_update([model(pk=row[0], **dict(zip(field_names, row[1:], strict=True)))
                                   for row in rows], field_names, batch_size=batch_size)
        return
    fields = [model._meta.pk, *(model._meta.get_field(name) for name in field_names)]
    quote = connection.ops.quote_name
    if vendor == "postgresql":
        cells = ", ".join(f"CAST(%s AS {f.db_type(connection)})" for f in fields)
    else:
        cells = ", ".join("%s" for _ in fields)
    assignments = ", ".join(f"{quote(f.column)} = v.column{i + 2}" for i, f in enumerate(fields[1:]))
    table = quote(model._meta.db_table)
    with connection.cursor() as cursor:
        for batch in batched(rows, batch_size):
            values_sql = ", ".join(f"({cells})" for _ in batch)
            params = [f.get_db_prep_save(value, connection) for row in batch
                      for f, value in zip(fields, row, strict=True)]
            cursor.execute(
                f"UPDATE {table} SET {assignments} FROM (VALUES {values_sql}) AS v "  # noqa: S608 - names from the model
                f"WHERE {table}.{quote(fields[0].column)} = v.column1",
                params,
            )


def update_with_history(objs: list, model, fields: list[str], *, actor, reason: str, batch_size: int = 500) -> None:
    """Save changed fields of many rows and record one history row each, attributed to the
    actor with the reason (like simple-history's bulk_update_with_history, with a faster
    UPDATE)."""
    if not objs:
        return
    attnames = [model._meta.get_field(name).attname for name in fields]
    set_columns(model, [(obj.pk, *(getattr(obj, a) for a in attnames)) for obj in objs], fields, batch_size)
    model.history.bulk_history_create(objs, batch_size=batch_size, update=True, default_user=actor,
                                      default_change_reason=reason)


def write_changes(model, *, creates: list, updates: dict[int, dict], actor, reason: str,
                  batch_size: int = 500) -> None:
    """Insert new rows and apply per-row field changes ({pk: {field: value}}), each with one
    history row attributed to the actor. Rows changing the same fields are updated together."""
    for batch in batched(creates, batch_size):
        bulk_create_with_history(batch, model, batch_size=batch_size, default_user=actor,
                                 default_change_reason=reason)
    for batch in batched(list(updates), batch_size):
        by_fields: dict[tuple[str, ...], list] = defaultdict(list)
        for obj in model.objects.filter(id__in=batch):
            for name, value in updates[obj.id].items():
                setattr(obj, name, value)
            by_fields[tuple(sorted(updates[obj.id]))].append(obj)
        for fields_changed, objs in by_fields.items():
            update_with_history(objs, model, list(fields_changed), actor=actor, reason=reason)
