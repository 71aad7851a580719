"""Results: what a section records, where results are kept, and how docs/benchmarks.md is drawn.

Results live in docs/benchmarks.json, keyed by section and database engine, so running one
section (or one engine) rewrites only its own entry and the markdown is always drawn from all of
them. Nothing here imports Django at module level: the harness must configure the environment
before Django is set up.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import traceback
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS_JSON = ROOT / "docs" / "benchmarks.json"
RESULTS_MD = ROOT / "docs" / "benchmarks.md"


@dataclass
class Row:
    """One measured thing. Times are milliseconds; `met` is None when there is no target."""

    what: str
    target: str = ""
    median_ms: float | None = None
    p95_ms: float | None = None
    queries: str = ""
    met: bool | None = None
    samples: int | None = None


@dataclass
class Timing:
    samples_ms: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.samples_ms)

    @property
    def p95(self) -> float:
        return percentile(self.samples_ms, 95)


def percentile(samples: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile: the smallest sample with at least pct% of samples at or below it."""
    if not samples:
        raise ValueError("no samples")
    ordered = sorted(samples)
    rank = max(1, -(-len(ordered) * pct // 100))  # ceil without floats drifting
    return ordered[int(rank) - 1]


@dataclass
class SectionReport:
    """What a section writes to. Sections call `row`, `fact` and `note`; the harness does the rest."""

    name: str
    title: str
    options: Any = None  # the parsed command line (argparse.Namespace)
    rows: list[Row] = field(default_factory=list)
    facts: list[tuple[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def row(
        self,
        what: str,
        *,
        timing: Timing | None = None,
        target_p95_ms: float | None = None,
        target: str = "",
        queries: int | str | None = None,
        max_queries: int | None = None,
        met: bool | None = None,
        median_ms: float | None = None,
        p95_ms: float | None = None,
    ) -> Row:
        """Record a result. With `timing` and `target_p95_ms`, `met` is worked out for you;
        pass `met` yourself for anything else (throughput, totals, equal query counts)."""
        if timing is not None:
            median_ms, p95_ms = timing.median, timing.p95
        if target_p95_ms is not None:
            target = target or f"p95 ≤ {target_p95_ms:g} ms"
            if met is None and p95_ms is not None:
                met = p95_ms <= target_p95_ms
        if max_queries is not None and isinstance(queries, int):
            target = f"{target}; ≤ {max_queries} queries" if target else f"≤ {max_queries} queries"
            met = (met is not False) and queries <= max_queries
        row = Row(
            what=what,
            target=target,
            median_ms=round(median_ms, 1) if median_ms is not None else None,
            p95_ms=round(p95_ms, 1) if p95_ms is not None else None,
            queries="" if queries is None else str(queries),
            met=met,
            samples=len(timing.samples_ms) if timing is not None else None,
        )
        self.rows.append(row)
        print(f"  {_row_line(row)}", flush=True)
        return row

    def fact(self, label: str, value: object) -> None:
        """A line about the data or set-up ("Schools: 25,000"), shown above the table."""
        self.facts.append((label, str(value)))
        print(f"  {label}: {value}", flush=True)

    def note(self, text: str) -> None:
        """A paragraph of markdown shown below the table: findings, causes, recommendations."""
        self.notes.append(text)


def _row_line(row: Row) -> str:
    parts = [row.what]
    if row.median_ms is not None:
        parts.append(f"median {row.median_ms:.1f} ms")
    if row.p95_ms is not None:
        parts.append(f"p95 {row.p95_ms:.1f} ms")
    if row.queries:
        parts.append(f"queries {row.queries}")
    if row.met is not None:
        parts.append("met" if row.met else "MISSED")
    return ", ".join(parts)


# --- the machine ---------------------------------------------------------------------------


def machine_info() -> dict[str, str]:
    """The machine and software a result was measured on. Call after django.setup()."""
    import django
    from django.db import connection

    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    except OSError:
        pass
    import sqlite3

    info = {
        "cpu": cpu,
        "cores": str(os.cpu_count() or "?"),
        "memory": memory or "unknown",
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "django": django.get_version(),
        "sqlite": sqlite3.sqlite_version,
        "database": connection.vendor,
    }
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            info["database"] = f"postgresql {cursor.fetchone()[0]}"
    else:
        info["database"] = f"sqlite {sqlite3.sqlite_version} (file, WAL)"
    return info


def machine_line(info: dict[str, str]) -> str:
    return (
        f"{info.get('cpu', '?')}, {info.get('cores', '?')} cores, {info.get('memory', '?')} memory; "
        f"{info.get('os', '?')}; Python {info.get('python', '?')}, Django {info.get('django', '?')}, "
        f"SQLite library {info.get('sqlite', '?')}"
    )


# --- storage -------------------------------------------------------------------------------


def load_results(path: Path = RESULTS_JSON) -> dict[str, Any]:
    if not path.exists():
        return {"sections": {}}
    return json.loads(path.read_text())


def store_result(
    results: dict[str, Any],
    *,
    section: SectionReport,
    engine: str,
    machine: dict[str, str],
    started: datetime,
    seconds: float,
    error: BaseException | None,
    load: tuple[float, float] | None = None,
    section_notes: Sequence[str] = (),
) -> None:
    entry = {
        "title": section.title,
        "status": "failed" if error else "ok",
        "error": "".join(traceback.format_exception_only(type(error), error)).strip() if error else "",
        "ran_at": started.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "seconds": round(seconds, 1),
        # 1-minute load average before and after: other work on the machine skews timings.
        "load": [round(x, 2) for x in load] if load else None,
        "machine": machine,
        "facts": section.facts,
        "rows": [asdict(r) for r in section.rows],
        "notes": section.notes,
        "section_notes": list(section_notes),
    }
    results.setdefault("sections", {}).setdefault(section.name, {})[engine] = entry


def save_results(results: dict[str, Any], section_order: Sequence[str]) -> None:
    """Write docs/benchmarks.json and the markdown drawn from it, each replaced atomically."""
    _replace(RESULTS_JSON, json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    _replace(RESULTS_MD, render_markdown(results, section_order))


def _replace(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_text(text)
    os.replace(temporary, path)


# --- markdown ------------------------------------------------------------------------------

ENGINE_ORDER = ("sqlite", "postgresql")


def _ms(value: float | None) -> str:
    return "–" if value is None else f"{value:,.1f} ms"


def _met(value: bool | None) -> str:
    return "–" if value is None else ("yes" if value else "**no**")


def render_markdown(results: dict[str, Any], section_order: Sequence[str]) -> str:
    sections: dict[str, dict[str, Any]] = results.get("sections", {})
    entries = [e for s in sections.values() for e in s.values()]
    latest = max(entries, key=lambda e: e["ran_at"], default=None)
    out = [
        "# Benchmarks",
        "",
        "Written by `make bench` (`python -m bench [SECTION ...] [--database-url URL]`); do not edit by",
        "hand. Each section keeps its last result per database engine, so running one section leaves",
        "the others as they were. Every run uses a throwaway database that the bench creates and",
        "deletes, never the demo database. How to add a section: see `bench/__init__.py`.",
        "",
    ]
    if latest is not None:
        m = latest["machine"]
        out += [
            f"Latest run: {latest['ran_at']}.",
            "",
            "| Machine | |",
            "|---|---|",
            f"| CPU | {m.get('cpu', '?')} |",
            f"| Cores | {m.get('cores', '?')} |",
            f"| Memory | {m.get('memory', '?')} |",
            f"| OS | {m.get('os', '?')} |",
            f"| Python | {m.get('python', '?')} |",
            f"| Django | {m.get('django', '?')} |",
            f"| SQLite library | {m.get('sqlite', '?')} |",
            "",
        ]
    known = [name for name in section_order if name in sections]
    known += sorted(name for name in sections if name not in section_order)
    if not known:
        out.append("No results yet: run `make bench`.")
    for name in known:
        by_engine = sections[name]
        newest = max(by_engine.values(), key=lambda e: e["ran_at"])
        out += [f"## {newest['title']}", "", f"Section `{name}`.", ""]
        for note in newest.get("section_notes", []):
            out += [note, ""]
        engines = [e for e in ENGINE_ORDER if e in by_engine] + sorted(
            e for e in by_engine if e not in ENGINE_ORDER
        )
        for engine in engines:
            entry = by_engine[engine]
            out += _render_entry(entry, latest_machine=latest["machine"] if latest else None)
    return "\n".join(out).rstrip() + "\n"


def _render_entry(entry: dict[str, Any], *, latest_machine: dict[str, str] | None) -> list[str]:
    m = entry["machine"]
    out = [f"### {m.get('database', '?')}", ""]
    out.append(f"Run {entry['ran_at']}, took {entry['seconds']:,.0f} s.")
    if entry.get("load"):
        before, after = entry["load"]
        out[-1] += f" Load average (1 min) {before:.2f} before, {after:.2f} after."
        cores = int(m.get("cores", "0") or 0)
        if cores and max(before, after) > cores:
            out[-1] += (f" The machine was busy with other work (load above its {cores} cores), "
                        "so these timings are slower than on an idle machine.")
    if latest_machine is not None and _machine_key(m) != _machine_key(latest_machine):
        out[-1] += f" Measured on a different machine: {machine_line(m)}."
    out.append("")
    if entry["status"] == "failed":
        out += [f"**Failed:** `{entry['error']}`", ""]
    for label, value in entry["facts"]:
        out.append(f"- {label}: {value}")
    if entry["facts"]:
        out.append("")
    if entry["rows"]:
        out += [
            "| What | Target | Median | p95 | Queries | Met? |",
            "|---|---|---:|---:|---:|---|",
        ]
        for r in entry["rows"]:
            out.append(
                f"| {r['what']} | {r['target'] or '–'} | {_ms(r['median_ms'])} | {_ms(r['p95_ms'])} "
                f"| {r['queries'] or '–'} | {_met(r['met'])} |"
            )
        out.append("")
    for note in entry["notes"]:
        out += [note, ""]
    return out


def _machine_key(m: dict[str, str]) -> tuple[str, ...]:
    return (m.get("cpu", ""), m.get("cores", ""), m.get("memory", ""))
