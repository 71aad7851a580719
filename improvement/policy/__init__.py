"""The policy engine: pure Python, no Django.

Public API (imported lazily, so `from improvement.policy import frameworks` stays cheap):

    load_pack(pack_id) -> Pack            available_packs() -> list[str]
    evaluate(pack, snapshot, as_of)       evaluate_all(packs, snapshot, as_of)
    Snapshot.from_dict(data)              Decision.to_dict(), to_json(results, as_of)
    SnapshotError(school, field, message) PackError(file, key, line, message)
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_EXPORTS = {
    "AcademicCalendar": "calendar",
    "Decision": "rules",
    "Reason": "rules",
    "Pack": "packs",
    "PackError": "packs",
    "available_packs": "packs",
    "load_pack": "packs",
    "load_pack_file": "packs",
    "Snapshot": "snapshot",
    "SnapshotError": "snapshot",
    "evaluate": "engine",
    "evaluate_all": "engine",
    "early_warnings": "engine",
    "to_json": "engine",
    "to_json_data": "engine",
    "bench_evaluate": "engine",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"{__name__}.{module}"), name)
