"""The import engine shared by every file kind.

1. Open the file (encoding detection), match its header to the layout's alias table: a missing
   required column stops the import before any row is read.
2. Read every row through the kind's pure parser. Rows outside the chosen LAs, or of kinds the
   register does not hold, are skipped (counted, not errors). A row whose key (the URN) appears
   more than once is an error on every line it appears.
3. In one transaction: load the existing rows once, plan every change (finding the errors that
   need the database), then, unless there are errors and --skip-invalid was not given, write
   everything in bulk with its audit history. A dry run does all of this and rolls back.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from improvement.imports import values
from improvement.imports.columns import Layout, MissingColumns, ResolvedHeader, resolve
from improvement.imports.progress import NullProgress, Progress
from improvement.imports.reading import CsvTable, UnreadableFile, date_from_file_name, estimate_rows
from improvement.imports.report import (
    COMMITTED,
    DRY_RUN,
    FAILED,
    REJECTED,
    UNKNOWN_LA,
    FieldError,
    ImportReport,
    RowProblem,
    Skip,
    write_errors_csv,
)

ENCODING_LABELS = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8 with BOM", "cp1252": "Windows-1252"}
BATCH = 1000


@dataclass
class ImportOptions:
    """What the person asked for. `la_codes` None means every LA set up in the database."""

    la_codes: frozenset[str] | None = None
    dry_run: bool = False
    skip_invalid: bool = False
    actor: Any = None
    source_name: str = ""  # shown in reports and history; defaults to the file name
    errors_path: Path | None = None
    progress: Progress = field(default_factory=NullProgress)
    today: date | None = None
    year: int | None = None  # measures: the academic year when the file has no year column
    links_path: Path | None = None  # GIAS: the companion links file
    links_source_name: str = ""


class _Rollback(Exception):
    pass


class UsageProblem(Exception):
    """The file cannot be imported with the options given (e.g. it needs --year)."""


@dataclass
class ParsedRow:
    line: int
    record: Any
    la: str


class Importer:
    """One file kind. Subclasses provide the layout, the parser and the plan/write steps."""

    kind = ""
    counted = "rows"
    layout: Layout

    def __init__(self, options: ImportOptions, report: ImportReport) -> None:
        self.options = options
        self.report = report
        self.today = options.today or timezone.localdate()
        self.reason = f"Imported from {report.source}"
        # (file, line) -> problems; file is "" for the main file, else e.g. the links file.
        self.problems_by_line: dict[tuple[str, int], list[RowProblem]] = defaultdict(list)
        self.header: ResolvedHeader | None = None

    # -- hooks ---------------------------------------------------------------------------------
    def prepare(self, header: ResolvedHeader) -> None:
        """Called once the header is known, before rows are read (load authorities etc.)."""

    def la_of(self, cells: dict[str, str]) -> str:
        return UNKNOWN_LA

    def early_skip(self, cells: dict[str, str], la: str) -> str | None:
        """A reason to skip the row before parsing it (an LA outside this import's scope)."""
        return None

    def parse(self, cells: dict[str, str]) -> Any:
        raise NotImplementedError

    def key(self, record: Any) -> Hashable:
        return record.urn

    def key_label(self, record: Any) -> tuple[str, str]:
        return "urn", f"URN {record.urn}"

    def raw_key(self, cells: dict[str, str]) -> Hashable | None:
        """The key of a row that failed to parse, when it can be read (for duplicate checks)."""
        try:
            return values.urn(cells.get("urn"))
        except values.Invalid:
            return None

    def plan(self, rows: list[ParsedRow]) -> None:
        """Inside the transaction: compare with the database; call self.problem() for errors."""
        raise NotImplementedError

    def write(self, valid_lines: set[int]) -> None:
        raise NotImplementedError

    def after_read(self) -> None:
        """Extra reading inside the import (the GIAS links file)."""

    # -- helpers -------------------------------------------------------------------------------
    def problem(self, line: int, field_name: str, value: str, reason: str, la: str, file: str = "") -> None:
        label = self.header.label(field_name) if self.header and field_name else field_name
        self.problems_by_line[(file, line)].append(
            RowProblem(line=line, column=label, value=value, reason=reason, la=la or UNKNOWN_LA, file=file)
        )

    def warn(self, warning: FieldError) -> None:
        label = self.header.label(warning.field) if self.header else warning.field
        self.report.warnings[f'{label}: {warning.reason}'] += 1


def run_import(importer_class: type[Importer], path: Path, options: ImportOptions, *, kind_label: str = "") -> ImportReport:
    started = time.monotonic()
    path = Path(path)
    report = ImportReport(
        kind=kind_label or importer_class.kind,
        source=options.source_name or path.name,
        counted=importer_class.counted,
        dry_run=options.dry_run,
        skip_invalid=options.skip_invalid,
    )
    importer = importer_class(options, report)
    progress = options.progress
    try:
        try:
            table = CsvTable(path)
        except UnreadableFile as exc:
            report.fatal = str(exc)
            report.outcome = FAILED
            return report
        report.encoding = ENCODING_LABELS.get(table.encoding, table.encoding)
        try:
            header = resolve(table.header, importer.layout)
        except MissingColumns as exc:
            table.close()
            report.fatal = str(exc)
            report.outcome = FAILED
            return report
        importer.header = header
        for _field, used, ignored in header.ambiguous:
            report.notes.append(f'Both "{used}" and "{ignored}" are present; "{used}" was used.')
        importer.prepare(header)

        progress.start("Reading rows", estimate_rows(path))
        width = len(table.header)
        parsed: list[ParsedRow] = []
        invalid_keys: dict[Hashable, int] = {}  # key of an invalid row -> its first line
        try:
            for row in table.rows():
                report.rows_read += 1
                progress.advance()
                cells = header.pick(row.cells)
                la = importer.la_of(cells)
                reason = importer.early_skip(cells, la)
                if reason:
                    report.skipped[reason] += 1  # outside the import's scope: not in the LA table
                    continue
                if len(row.cells) != width:
                    importer.problem(row.line, "", "", f"has {len(row.cells)} cells but the header has {width}: "
                                     "the columns may be misaligned", la)
                    continue
                result = importer.parse(cells)
                if isinstance(result, Skip):
                    if la == UNKNOWN_LA:
                        report.skipped[result.reason] += 1
                    else:
                        report.skip(la, result.reason)
                elif isinstance(result, list):
                    for error in result:
                        importer.problem(row.line, error.field, error.value, error.reason, la)
                    key = importer.raw_key(cells)
                    if key is not None:
                        invalid_keys.setdefault(key, row.line)
                else:
                    for warning in getattr(result, "warnings", ()):
                        importer.warn(warning)
                    parsed.append(ParsedRow(row.line, result, la))
        except UnreadableFile as exc:
            report.fatal = str(exc)
            report.outcome = FAILED
            return report

        _reject_duplicates(importer, parsed, invalid_keys)
        parsed = [p for p in parsed if ("", p.line) not in importer.problems_by_line]
        progress.phase("Comparing with the register")
        try:
            with transaction.atomic():
                importer.after_read()
                importer.plan(parsed)
                _collect(report, importer)
                if report.invalid_rows and not options.skip_invalid:
                    report.outcome = REJECTED
                    raise _Rollback
                progress.phase("Writing changes")
                importer.write({p.line for p in parsed} - {line for f, line in importer.problems_by_line if not f})
                if options.dry_run:
                    report.outcome = DRY_RUN
                    raise _Rollback
                report.outcome = COMMITTED
        except _Rollback:
            pass
        except UnreadableFile as exc:  # the links file
            report.fatal = str(exc)
            report.outcome = FAILED
            return report
        if options.errors_path and report.invalid_rows:
            write_errors_csv(options.errors_path, invalid=_invalid_rows(importer, report, path),
                             header=table.header)
        return report
    finally:
        report.seconds = time.monotonic() - started
        progress.finish()


def _reject_duplicates(importer: Importer, parsed: list[ParsedRow], invalid_keys: dict[Hashable, int]) -> None:
    """Every line of a key that appears more than once is an error (which of them is right is
    for the publisher to say), including a valid row whose key is also on an invalid row."""
    lines_by_key: dict[Hashable, list[ParsedRow]] = defaultdict(list)
    for row in parsed:
        lines_by_key[importer.key(row.record)].append(row)
    for key, rows in lines_by_key.items():
        invalid_line = invalid_keys.get(key)
        if len(rows) < 2 and invalid_line is None:
            continue
        for row in rows:
            lines = sorted([r.line for r in rows if r is not row] + ([invalid_line] if invalid_line else []))
            others = ", ".join(str(line) for line in lines)
            field_name, label = importer.key_label(row.record)
            importer.problem(row.line, field_name, row.record.urn,
                             f"{label} is also on line {others}; each may appear only once", row.la)


def _collect(report: ImportReport, importer: Importer) -> None:
    report.problems = [p for key in sorted(importer.problems_by_line) for p in importer.problems_by_line[key]]
    report.invalid_rows = len(importer.problems_by_line)
    for line_problems in importer.problems_by_line.values():
        report.la(line_problems[0].la).errors += 1


def _invalid_rows(importer: Importer, report: ImportReport, path: Path) -> Iterable:
    """The invalid rows with their reasons, re-reading the file for their original cells (so
    the import never holds every row of a 60 MB file in memory)."""
    problems_by_line = importer.problems_by_line
    main_lines = {line for file, line in problems_by_line if not file}
    cells_by_line: dict[int, list[str]] = {}
    if main_lines:
        for row in CsvTable(path).rows():
            if row.line in main_lines:
                cells_by_line[row.line] = row.cells
    for file, line in sorted(problems_by_line):
        problems = problems_by_line[(file, line)]
        reasons = [f'{p.column} "{p.value}": {p.reason}' if p.column else p.reason for p in problems]
        yield file or report.source, line, reasons, [] if file else cells_by_line.get(line, [])


def file_date(options: ImportOptions, path: Path) -> date | None:
    return date_from_file_name(options.source_name or path.name)


def batched(items: list, size: int = BATCH) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]
