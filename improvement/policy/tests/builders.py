"""Small builders for snapshots in tests: a plain, fully-known school unless told otherwise."""

from __future__ import annotations

from datetime import date
from typing import Any

from improvement.policy import evaluate, load_pack
from improvement.policy.rules import Decision
from improvement.policy.snapshot import Snapshot


def full(start: str, overall: str | None = None, *, published: str | None = None,
         **judgements: str | None) -> dict[str, Any]:
    """A full inspection dict; `overall` is the overall effectiveness grade (if any)."""
    grades = {k: v for k, v in judgements.items() if v is not None and k not in ("urn", "end")}
    if overall is not None:
        grades["overall_effectiveness"] = overall
    inspection: dict[str, Any] = {"inspection_type": "full", "start_date": start,
                                  "judgements": grades}
    if published:
        inspection["publication_date"] = published
    if judgements.get("urn"):
        inspection["urn"] = judgements["urn"]
    if judgements.get("end"):
        inspection["end_date"] = judgements["end"]
    return inspection


def school(**fields: Any) -> Snapshot:
    data: dict[str, Any] = {
        "urn": "100001",
        "name": "Test School",
        "phase": "primary",
        "governance": "la_maintained",
        "la_category": 2,
        "headteacher_start_date": "2015-09-01",
        "flags": [],
        "kent_support_level": "general",
        "new_improvement_partner": False,
        "inspections": [],
    }
    data.update(fields)
    return Snapshot.from_dict(data)


def decide(pack_id: str, snapshot: Snapshot, as_of: date) -> dict[str, Decision]:
    return {d.key: d for d in evaluate(load_pack(pack_id), snapshot, as_of)}


def sentences(decision: Decision) -> str:
    return " | ".join(r.sentence for r in decision.reasons)


def sources(decision: Decision) -> set[str]:
    return {r.source for r in decision.reasons}
