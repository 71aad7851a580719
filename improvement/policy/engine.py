"""Evaluate policy packs against school snapshots.

    pack = load_pack("coventry-2023-24")
    decisions = evaluate(pack, Snapshot.from_dict(data), date(2024, 1, 15))

Evaluation never raises for a valid snapshot: missing data gives "cannot_decide" naming the
missing facts, a school the pack does not cover gives "no_rule", and every decision has at
least one reason. The JSON schema of the output (`to_json`) is documented in docs/policy.md.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from improvement.policy.calendar import AcademicCalendar, academic_year_of
from improvement.policy.packs import Pack, available_packs, load_pack
from improvement.policy.predicates import Context
from improvement.policy.rules import KIND_FUNCTIONS, NO_RULE, Decision, PackEnv
from improvement.policy.snapshot import Snapshot

SCHEMA = "school-improvement-monitor/policy-decisions/v1"


def evaluate(
    pack: Pack,
    snapshot: Snapshot,
    as_of: date,
    *,
    calendar: AcademicCalendar | None = None,
    context: Context | None = None,
) -> list[Decision]:
    """Every decision of `pack` for one school as of a date, in the pack's order.

    `calendar` replaces the pack's calendar (an authority's own term dates); `context` lets
    evaluate_all share predicate answers between packs.
    """
    if context is None:
        context = Context(snapshot, as_of)
    return _decide(pack, context, calendar or pack.calendar)


def evaluate_all(
    packs: Iterable[Pack],
    snapshot: Snapshot,
    as_of: date,
    *,
    calendar: AcademicCalendar | None = None,
) -> list[Decision]:
    """The decisions of several packs (e.g. those an authority chose for the year)."""
    context = Context(snapshot, as_of)
    decisions = []
    for pack in packs:
        decisions += _decide(pack, context, calendar or pack.calendar)
    return decisions


def _decide(pack: Pack, context: Context, calendar: AcademicCalendar) -> list[Decision]:
    # The body of evaluate and evaluate_all, called positionally: it runs for every school and
    # pack, where keyword arguments and a comprehension per school cost ~3% of the benchmark.
    if not pack.applies_to(context.as_of):
        return [_outside_years(pack, rule.key, rule.label, context.as_of) for rule in pack.rules]
    env = PackEnv(pack.id, pack.status, calendar, {})
    decisions = []
    for rule in pack.rules:
        decision = KIND_FUNCTIONS[rule.kind](rule, context, env)  # rule.evaluate, one call less
        env.earlier[rule.key] = decision
        decisions.append(decision)
    # Decisions keep functions that write their reasons later, and those hold `env`: emptying
    # `earlier` (read only while rules run) breaks the env -> decision -> env cycle, so results
    # are freed by reference counting instead of piling up for the cyclic garbage collector,
    # which otherwise cost ~15% of evaluating a large portfolio.
    env.earlier.clear()
    return decisions


def _outside_years(pack: Pack, key: str, label: str, as_of: date) -> Decision:
    sentence = (
        f"This pack applies to {', '.join(pack.academic_years)}; {as_of.isoformat()} falls in "
        f"{academic_year_of(as_of)}."
    )
    reason = (sentence, f"{key}.academic_years", pack.id, pack.title)
    return Decision(key, label, pack.id, NO_RULE, None, (reason,), (), pack.status)


def to_json_data(
    results: Iterable[tuple[Snapshot, Sequence[Decision]]],
    as_of: date,
    packs: Sequence[Pack] = (),
) -> dict[str, Any]:
    """The documented output document for one or more schools, naming the packs used."""
    return {
        "schema": SCHEMA,
        "as_of": as_of.isoformat(),
        "packs": [
            {
                "id": pack.id,
                "title": pack.title,
                "authority": pack.authority,
                "academic_years": list(pack.academic_years),
                "status": pack.status,
            }
            for pack in packs
        ],
        "schools": [
            {
                "urn": snapshot.urn,
                "name": snapshot.name,
                "decisions": [d.to_dict() for d in decisions],
            }
            for snapshot, decisions in results
        ],
    }


def to_json(
    results: Iterable[tuple[Snapshot, Sequence[Decision]]],
    as_of: date,
    packs: Sequence[Pack] = (),
) -> str:
    """Stable JSON text: keys in schema order, two-space indent, UTF-8 characters kept."""
    return json.dumps(to_json_data(results, as_of, packs), indent=2, ensure_ascii=False) + "\n"


def window_start(decision: Decision) -> str:
    """Sort key for early-warning lists: the Ofsted window's start (unknown windows last)."""
    value = decision.value if isinstance(decision.value, dict) else {}
    window = value.get("ofsted_window") if isinstance(value.get("ofsted_window"), dict) else {}
    return window.get("from") or window.get("to") or "9999-12-31"


def early_warnings(
    results: Iterable[tuple[Snapshot, Sequence[Decision]]], key_suffix: str = ".early_warning"
) -> list[tuple[Snapshot, Decision]]:
    """Schools whose early-warning decision is positive, sorted by their Ofsted window."""
    flagged = [
        (snapshot, decision)
        for snapshot, decisions in results
        for decision in decisions
        if decision.key.endswith(key_suffix)
        and isinstance(decision.value, dict)
        and decision.value.get("at_risk")
    ]
    return sorted(flagged, key=lambda pair: (window_start(pair[1]), pair[0].urn))


# Benchmark -----------------------------------------------------------------------------------

# An as-of date inside each shipped pack's years, so the benchmark runs every rule for real.
_BENCH_DATES = {
    "coventry-2023-24": date(2024, 1, 15),
    "england-2025-26": date(2026, 1, 15),
    "england-dfe-2022-not-making-necessary-improvements": date(2024, 1, 15),
    "england-ofsted-2012-ri-monitoring": date(2013, 3, 15),
    "kent-2009-10": date(2010, 1, 15),
}


def synthetic_snapshots(n: int) -> list[Snapshot]:
    """`n` varied but deterministic snapshots (no randomness) for benchmarks."""
    phases = ("primary", "secondary", "special", "nursery", "pru_ap", "all_through")
    grades = ("outstanding", "good", "requires_improvement", "inadequate")
    snapshots = []
    for i in range(n):
        latest, previous = grades[i % 4], grades[(i // 4) % 4]
        latest_year = 2009 + i % 16
        inspections = [
            {"era": None, "inspection_type": "full", "start_date": f"{latest_year - 3}-03-10",
             "publication_date": f"{latest_year - 3}-04-20",
             "judgements": _bench_judgements(latest_year - 3, previous)},
            {"era": None, "inspection_type": "full", "start_date": f"{latest_year}-02-03",
             "publication_date": f"{latest_year}-03-14",
             "judgements": _bench_judgements(latest_year, latest)},
        ]
        snapshots.append(Snapshot.from_dict({
            "urn": f"{100000 + i:06d}",
            "name": f"Synthetic school {i}",
            "phase": phases[i % len(phases)],
            "governance": ("la_maintained", "academy")[i % 2],
            "trust": {"name": "Trust", "is_local": i % 3 == 0} if i % 2 else None,
            "la_category": 1 + i % 4,
            "headteacher_start_date": f"{2005 + i % 20}-09-01",
            "inspections": [{k: v for k, v in x.items() if v is not None} for x in inspections],
            "flags": ["performance_data_concern"] if i % 5 == 0 else [],
            "kent_support_level": ("general", "substantial", "intensive", "outreach")[i % 4],
            "new_improvement_partner": i % 7 == 0,
        }))
    return snapshots


def _bench_judgements(year: int, grade: str) -> dict[str, str]:
    if year >= 2026:
        return {"leadership_and_governance": ("expected_standard", "needs_attention")[
            grade in ("requires_improvement", "inadequate")], "safeguarding": "met"}
    if year == 2025:
        return {"leadership_and_management": grade, "quality_of_education": grade}
    if year < 2013 and grade == "requires_improvement":
        grade = "satisfactory"
    key = "leadership_and_management"
    return {"overall_effectiveness": grade, key: grade}


def bench_evaluate(n: int = 25_000) -> float:
    """Seconds to evaluate every shipped pack for `n` synthetic snapshots, each pack at an
    as-of date inside its own years, so every rule runs. Packs sharing a date are evaluated
    together with evaluate_all, as the product does. Packs are loaded and snapshots built
    before the clock starts."""
    plan: dict[date, list[Pack]] = {}
    for pack_id in available_packs():
        plan.setdefault(_BENCH_DATES.get(pack_id, date(2024, 1, 15)), []).append(
            load_pack(pack_id))
    snapshots = synthetic_snapshots(n)
    started = time.perf_counter()
    for snapshot in snapshots:
        for as_of, packs in plan.items():
            evaluate_all(packs, snapshot, as_of)
    return time.perf_counter() - started
