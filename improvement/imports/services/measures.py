"""DfE school-level measures into context measures (one per school, academic year and measure).

Only schools already in the register are touched; other URNs are skipped and counted. A value
is compared with what is recorded (value and suppression); an unchanged value is left alone,
whatever file it first came from. Counts in the report are of measure values, not rows.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from improvement.accounts.models import Authority
from improvement.imports import values
from improvement.imports.columns import ResolvedHeader
from improvement.imports.parsers import measures as parser
from improvement.imports.report import UNKNOWN_LA, ImportReport
from improvement.imports.services.common import in_batches, write_changes
from improvement.imports.services.engine import (
    Importer,
    ImportOptions,
    ParsedRow,
    UsageProblem,
    run_import,
)
from improvement.schools.models import ContextMeasure, School

WRITE_BATCH = 500


@dataclass
class _Plan:
    creates: list[tuple[int, ContextMeasure]] = field(default_factory=list)
    updates: list[tuple[int, int, dict[str, Any]]] = field(default_factory=list)  # line, id, changes


class MeasuresImporter(Importer):
    counted = "measure values"
    kind_spec: parser.Kind

    def prepare(self, header: ResolvedHeader) -> None:
        if not header.has("year") and self.options.year is None:
            raise UsageProblem(
                "This file has no academic year column (time_period): give the year it covers, "
                "like --year 2023 for 2023/24."
            )
        if header.has("year") and self.options.year is not None:
            self.report.notes.append("The file's own academic year column was used; --year was ignored.")
        self.all_codes = set(Authority.objects.values_list("code", flat=True))
        codes = self.options.la_codes
        self.authorities = {a.id: a.code for a in Authority.objects.all() if codes is None or a.code in codes}
        for code in sorted(self.authorities.values()):
            self.report.la(code)

    def la_of(self, cells: dict[str, str]) -> str:
        raw = (cells.get("la_code") or "").strip()
        return raw.zfill(3) if raw.isdigit() and len(raw) <= 3 else UNKNOWN_LA

    def early_skip(self, cells: dict[str, str], la: str) -> str | None:
        if la == UNKNOWN_LA or la in self.authorities.values():
            return None
        if la in self.all_codes:
            return "in other LAs (not chosen for this import)"
        return "in LAs not set up in this database"

    def parse(self, cells: dict[str, str]) -> Any:
        year = None if self.header.has("year") else self.options.year
        return parser.parse_row(cells, kind=self.kind_spec, year=year)

    def key(self, record: parser.MeasuresRecord) -> Hashable:
        return (record.urn, record.academic_year)

    def key_label(self, record: parser.MeasuresRecord) -> tuple[str, str]:
        return "urn", f"URN {record.urn} for {record.academic_year}/{(record.academic_year + 1) % 100:02d}"

    def raw_key(self, cells: dict[str, str]) -> Hashable | None:
        try:
            year = parser.parse_year(cells["year"]) if "year" in cells else self.options.year
            return (values.urn(cells.get("urn")), year)
        except values.Invalid:
            return None

    def plan(self, rows: list[ParsedRow]) -> None:
        self.plan_ = plan = _Plan()
        schools: dict[str, tuple[int, str]] = {}
        for school_id, urn, authority_id in in_batches({r.record.urn for r in rows}, lambda b: School.objects.filter(
                urn__in=b, authority_id__in=list(self.authorities)).values_list("id", "urn", "authority_id")):
            schools[urn] = (school_id, self.authorities[authority_id])
        measures = {m.measure for m in self.kind_spec.measures}
        years = {r.record.academic_year for r in rows}
        existing: dict[tuple[int, int, str], dict[str, Any]] = {}
        for found in in_batches([s[0] for s in schools.values()], lambda b: ContextMeasure.objects.filter(
                school_id__in=b, academic_year__in=years, measure__in=measures).values(
                "id", "school_id", "academic_year", "measure", "value", "suppressed")):
            existing[(found["school_id"], found["academic_year"], found["measure"])] = found
        source = self.report.source[:250]
        for row in rows:
            record: parser.MeasuresRecord = row.record
            school = schools.get(record.urn)
            if school is None:
                self.report.skip(row.la, "school not in the register for this LA (import GIAS first)")
                continue
            school_id, la = school
            counts = self.report.la(la)
            for value in record.values:
                current = existing.get((school_id, record.academic_year, value.measure))
                if current is None:
                    plan.creates.append((row.line, ContextMeasure(
                        school_id=school_id, academic_year=record.academic_year, measure=value.measure,
                        value=value.value, suppressed=value.suppressed, source=source,
                    )))
                    counts.created += 1
                elif (current["value"], current["suppressed"]) != (value.value, value.suppressed):
                    plan.updates.append((row.line, current["id"], {
                        "value": value.value, "suppressed": value.suppressed, "source": source,
                    }))
                    counts.updated += 1
                else:
                    counts.unchanged += 1

    def write(self, valid_lines: set[int]) -> None:
        plan = self.plan_
        write_changes(
            ContextMeasure,
            creates=[m for line, m in plan.creates if line in valid_lines],
            updates={pk: changes for line, pk, changes in plan.updates if line in valid_lines},
            actor=self.options.actor, reason=self.reason, batch_size=WRITE_BATCH,
        )


def import_measures(path: Path, options: ImportOptions, *, kind: str) -> ImportReport:
    spec = parser.KINDS[kind]
    importer_class = type(f"{kind.title()}Importer", (MeasuresImporter,), {
        "kind_spec": spec, "layout": parser.layout_for(spec), "kind": f"DfE {kind}",
    })
    return run_import(importer_class, Path(path), options)
