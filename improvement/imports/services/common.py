"""Bulk reads and writes shared by the importers: batched IN lookups and the denormalised latest
inspection outcome, recomputed for many schools at once."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from types import SimpleNamespace
from typing import TypeVar

from django.db.models import QuerySet

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
    School.objects.bulk_update(changed, ["latest_full_inspection", "latest_outcome"], batch_size=500)
    return len(changed)
