"""What an import did: counts per LA, row errors, skipped rows, events, and the outcome.

The same report is printed by the management commands, stored on the ImportRun for the web
import log (as JSON), and written as an errors CSV for invalid rows.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from improvement.core.csv_export import spreadsheet_safe

UNKNOWN_LA = "unknown"


@dataclass(frozen=True, slots=True)
class FieldError:
    """A problem with one field of one row, found by a pure row parser."""

    field: str
    value: str
    reason: str


@dataclass(frozen=True, slots=True)
class Skip:
    """A row that is deliberately not imported (not an error): the reason is counted."""

    reason: str


@dataclass(slots=True)
class RowProblem:
    line: int
    column: str
    value: str
    reason: str
    la: str = UNKNOWN_LA
    file: str = ""

    def describe(self) -> str:
        where = f"line {self.line}"
        if self.file:
            where = f"{self.file} {where}"
        value = f' value "{self.value}"' if self.value else " (empty)"
        column = f'column "{self.column}"' if self.column else "row"
        return f"{where}, {column}{value if self.column else ''}: {self.reason}"


@dataclass(slots=True)
class LaCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    closed: int = 0
    skipped: int = 0
    errors: int = 0

    def add(self, other: LaCounts) -> None:
        for name in ("created", "updated", "unchanged", "closed", "skipped", "errors"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


# Outcomes
COMMITTED = "committed"
DRY_RUN = "dry_run"  # everything checked and counted, then rolled back
REJECTED = "rejected"  # row errors: nothing written
FAILED = "failed"  # the file could not be read, or columns were missing: nothing written

OUTCOME_LABELS = {
    COMMITTED: "Imported",
    DRY_RUN: "Checked (dry run): nothing written",
    REJECTED: "Rejected: nothing written",
    FAILED: "Failed: nothing written",
}


@dataclass
class ImportReport:
    kind: str
    source: str
    counted: str = "rows"  # what created/updated count: schools, inspections, measures
    encoding: str = ""
    dry_run: bool = False
    skip_invalid: bool = False
    rows_read: int = 0
    by_la: dict[str, LaCounts] = field(default_factory=dict)
    problems: list[RowProblem] = field(default_factory=list)
    invalid_rows: int = 0
    skipped: Counter = field(default_factory=Counter)
    warnings: Counter = field(default_factory=Counter)
    events: Counter = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)
    outcome: str = ""
    fatal: str = ""
    seconds: float = 0.0

    def la(self, code: str) -> LaCounts:
        code = code or UNKNOWN_LA
        if code not in self.by_la:
            self.by_la[code] = LaCounts()
        return self.by_la[code]

    def skip(self, la: str, reason: str, count: int = 1) -> None:
        self.la(la).skipped += count
        self.skipped[reason] += count

    def totals(self) -> LaCounts:
        total = LaCounts()
        for counts in self.by_la.values():
            total.add(counts)
        return total

    @property
    def ok(self) -> bool:
        return self.outcome in (COMMITTED, DRY_RUN) and not (self.invalid_rows and not self.skip_invalid)

    @property
    def outcome_label(self) -> str:
        return OUTCOME_LABELS.get(self.outcome, self.outcome)

    def for_la(self, code: str) -> ImportReport:
        """The report as one LA's import log shows it: its own counts and row errors only
        (a command-line import may cover many authorities)."""
        data = self.as_dict(max_problems=len(self.problems))
        mine = [p for p in data["problems"] if p["la"] == code]
        data["by_la"] = {c: counts for c, counts in data["by_la"].items() if c == code}
        data["problems"] = mine
        data["invalid_rows"] = len({(p["file"], p["line"]) for p in mine})
        other = len(self.by_la) - len(data["by_la"])
        if other:
            data["notes"] = [*data["notes"], f"This import also covered {other} other LA(s); their figures are "
                             "in their own import logs."]
        return ImportReport.from_dict(data)

    # Lists for templates (a template looking up "items" on a Counter would get a count of 0).
    @property
    def skipped_list(self) -> list[tuple[str, int]]:
        return self.skipped.most_common()

    @property
    def warnings_list(self) -> list[tuple[str, int]]:
        return self.warnings.most_common()

    @property
    def events_list(self) -> list[tuple[str, int]]:
        return sorted(self.events.items())

    @property
    def la_list(self) -> list[tuple[str, LaCounts]]:
        return sorted(self.by_la.items())

    # ---- rendering -------------------------------------------------------------------------

    def text(self, *, max_problems: int = 50) -> str:
        lines = [f"{self.kind} import of {self.source}"
                 + (f" ({self.encoding})" if self.encoding else "")
                 + f": {self.rows_read:,} rows read in {self.seconds:.1f} s."]
        if self.fatal:
            lines.append(f"Nothing was written. {self.fatal}")
            return "\n".join(lines)
        if self.outcome == REJECTED:
            lines.append(
                f"Nothing was written: {self.invalid_rows:,} rows have errors. Correct them and "
                "import again, or use --skip-invalid to import the valid rows."
            )
        elif self.outcome == DRY_RUN:
            lines.append("Dry run: the counts below are what an import would do. Nothing was written.")
        elif self.invalid_rows:
            lines.append(f"{self.invalid_rows:,} invalid rows were skipped; the valid rows were imported.")
        lines.extend(self.notes)
        lines.append("")
        lines.append(f"{'LA':<8}{'Created':>9}{'Updated':>9}{'Unchanged':>11}{'Closed':>8}"
                     f"{'Skipped':>9}{'Errors':>8}   ({self.counted})")
        for code in sorted(self.by_la):
            lines.append(_count_line(code, self.by_la[code]))
        if len(self.by_la) != 1:
            lines.append(_count_line("Total", self.totals()))
        if self.events:
            lines.append("")
            lines.append("Events recorded: " + ", ".join(f"{label} {n:,}" for label, n in sorted(self.events.items())))
        if self.skipped:
            lines.append("")
            lines.append("Rows not imported (not errors):")
            lines.extend(f"  {n:>7,}  {reason}" for reason, n in self.skipped.most_common(20))
            if len(self.skipped) > 20:
                lines.append(f"  ... and {len(self.skipped) - 20} other reasons")
        if self.warnings:
            lines.append("")
            lines.append("Warnings:")
            lines.extend(f"  {n:>7,}  {message}" for message, n in self.warnings.most_common(20))
        if self.problems:
            lines.append("")
            shown = self.problems[:max_problems]
            lines.append(f"Errors ({len(shown)} of {len(self.problems):,} shown):")
            lines.extend(f"  {p.describe()}" for p in shown)
        return "\n".join(lines)

    def as_dict(self, *, max_problems: int = 200) -> dict[str, Any]:
        data = {
            "kind": self.kind,
            "source": self.source,
            "counted": self.counted,
            "encoding": self.encoding,
            "dry_run": self.dry_run,
            "skip_invalid": self.skip_invalid,
            "rows_read": self.rows_read,
            "by_la": {code: asdict(c) for code, c in sorted(self.by_la.items())},
            "totals": asdict(self.totals()),
            "problems": [asdict(p) for p in self.problems[:max_problems]],
            "problem_count": len(self.problems),
            "invalid_rows": self.invalid_rows,
            "skipped": dict(self.skipped.most_common(50)),
            "warnings": dict(self.warnings.most_common(50)),
            "events": dict(self.events),
            "notes": list(self.notes),
            "outcome": self.outcome,
            "fatal": self.fatal,
            "seconds": round(self.seconds, 2),
        }
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ImportReport:
        report = cls(kind=data.get("kind", ""), source=data.get("source", ""))
        for name in ("counted", "encoding", "dry_run", "skip_invalid", "rows_read", "invalid_rows",
                     "outcome", "fatal", "seconds"):
            if name in data:
                setattr(report, name, data[name])
        report.by_la = {code: LaCounts(**c) for code, c in data.get("by_la", {}).items()}
        report.problems = [RowProblem(**p) for p in data.get("problems", [])]
        report.skipped = Counter(data.get("skipped", {}))
        report.warnings = Counter(data.get("warnings", {}))
        report.events = Counter(data.get("events", {}))
        report.notes = list(data.get("notes", []))
        return report


def _count_line(code: str, c: LaCounts) -> str:
    return (f"{code:<8}{c.created:>9,}{c.updated:>9,}{c.unchanged:>11,}{c.closed:>8,}"
            f"{c.skipped:>9,}{c.errors:>8,}")


ERRORS_CSV_PREFIX = ["file", "line", "errors"]


def write_errors_csv(
    target,
    *,
    invalid: Iterable[tuple[str, int, Sequence[str], Sequence[str]]],
    header: Sequence[str],
    spreadsheet: bool = False,
) -> int:
    """Write the invalid rows: file, line, the reasons, then the row's original cells.

    `invalid` yields (file name, line, reasons, original cells). `target` is a path or a text
    stream. With `spreadsheet`, cells are made safe to open in Excel (web downloads).
    """
    if isinstance(target, str | Path):
        with Path(target).open("w", encoding="utf-8-sig", newline="") as handle:
            return write_errors_csv(handle, invalid=invalid, header=header, spreadsheet=spreadsheet)
    writer = csv.writer(target)
    writer.writerow([*ERRORS_CSV_PREFIX, *header])
    count = 0
    for file_name, line, reasons, cells in invalid:
        row = [file_name, line, "; ".join(reasons), *cells]
        if spreadsheet:
            row = [spreadsheet_safe(v) for v in row]
        writer.writerow(row)
        count += 1
    return count
