"""The engine's public surface: shared evaluation, the JSON document, the benchmark helper."""

from __future__ import annotations

import gc
import json
from datetime import date
from pathlib import Path

from improvement.policy import Snapshot, evaluate, evaluate_all, load_pack, to_json
from improvement.policy.calendar import AcademicCalendar
from improvement.policy.engine import SCHEMA, bench_evaluate, synthetic_snapshots
from improvement.policy.tests.builders import full, school

EXAMPLES = Path(__file__).resolve().parents[3] / "docs" / "examples"


def test_evaluate_all_concatenates_packs_in_order():
    packs = [load_pack("coventry-2023-24"),
             load_pack("england-dfe-2022-not-making-necessary-improvements")]
    decisions = evaluate_all(packs, school(), date(2024, 1, 15))
    assert [d.key for d in decisions] == [*packs[0].keys, *packs[1].keys]


def test_json_document_schema():
    snapshot = school(inspections=[full("2022-03-01", "good", published="2022-04-01")])
    as_of = date(2024, 1, 15)
    decisions = evaluate(load_pack("coventry-2023-24"), snapshot, as_of)
    document = json.loads(to_json([(snapshot, decisions)], as_of, [load_pack("england-2025-26")]))
    assert document["schema"] == SCHEMA
    assert document["as_of"] == "2024-01-15"
    assert document["packs"][0]["status"] == "to be confirmed against current statutory guidance"
    (entry,) = document["schools"]
    assert (entry["urn"], entry["name"]) == ("100001", "Test School")
    first = entry["decisions"][0]
    assert list(first) == ["key", "label", "pack", "pack_status", "status", "value", "reasons",
                           "missing_facts"]
    assert list(first["reasons"][0]) == ["sentence", "rule", "pack", "source"]


def test_an_authority_calendar_replaces_the_packs():
    inspection = full("2013-01-15", "requires_improvement", end="2013-01-16",
                      leadership_and_management="requires_improvement")
    snapshot = school(inspections=[inspection])
    pack = load_pack("england-ofsted-2012-ri-monitoring")
    default = evaluate(pack, snapshot, date(2013, 3, 1))[0]
    assert default.value[0]["key"] == "action_intentions"
    # Working days ignore term dates, so an authority calendar does not move them; this
    # checks the override is accepted and evaluation still works with it.
    override = AcademicCalendar(overrides={"2012/13": [
        ["2012-09-04", "2012-10-26"], ["2012-11-05", "2012-12-21"], ["2013-01-07", "2013-02-15"],
        ["2013-02-25", "2013-03-28"], ["2013-04-15", "2013-05-24"], ["2013-06-03", "2013-07-24"]]})
    assert evaluate(pack, snapshot, date(2013, 3, 1), calendar=override)[0].value == default.value


def test_worked_example_is_current():
    """docs/examples/decisions-example.json is what the engine gives for the example snapshot."""
    data = json.loads((EXAMPLES / "snapshot-example.json").read_text())
    expected = json.loads((EXAMPLES / "decisions-example.json").read_text())
    as_of = date.fromisoformat(expected["as_of"])
    packs = [load_pack(p["id"]) for p in expected["packs"]]
    snapshots = [Snapshot.from_dict(item) for item in data["schools"]]
    results = [(s, evaluate_all(packs, s, as_of)) for s in snapshots]
    assert json.loads(to_json(results, as_of, packs)) == expected


def test_synthetic_snapshots_are_deterministic_and_bench_runs():
    assert [s.to_dict() for s in synthetic_snapshots(30)] == [
        s.to_dict() for s in synthetic_snapshots(30)]
    assert bench_evaluate(20) > 0


def test_evaluation_leaves_no_reference_cycles_and_reasons_still_read():
    # Decisions hold reason writers that refer to their pack's environment; evaluate breaks
    # that cycle so results are freed without the cyclic collector. Reasons read afterwards
    # (when `earlier` has been emptied) must still be complete.
    packs = [load_pack("kent-2009-10"), load_pack("coventry-2023-24")]
    snapshots = synthetic_snapshots(40)
    expected = [[d.to_dict() for d in evaluate_all(packs, s, date(2010, 1, 15))]
                for s in snapshots]
    gc.collect()
    enabled = gc.isenabled()
    gc.disable()
    try:
        for snapshot in snapshots:
            evaluate_all(packs, snapshot, date(2010, 1, 15))
        assert gc.collect() == 0
    finally:
        if enabled:
            gc.enable()
    again = [[d.to_dict() for d in evaluate_all(packs, s, date(2010, 1, 15))] for s in snapshots]
    assert again == expected
    assert all(d["reasons"] for decisions in again for d in decisions)
