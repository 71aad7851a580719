"""Ofsted management information into the inspection history.

Conventions (docs/imports.md):
- Only schools already in the register are touched (import GIAS first); other URNs are skipped
  and counted. Rows whose LAESTAB names an LA outside the import's scope are skipped unread.
- An inspection is matched on (school, start date, type), the history's unique key. An
  inspection carried out under a predecessor's URN ("URN at time of ...") is attached to that
  predecessor when it is in the register, else to the current school.
- The file's grades win over what is recorded; areas the file leaves ungraded keep any recorded
  grade. A provisional inspection entered from feedback becomes final when the file has it.
- Afterwards the school list's denormalised latest outcome is recomputed in bulk.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from improvement.accounts.models import Authority
from improvement.imports.columns import ResolvedHeader
from improvement.imports.parsers import ofsted as parser
from improvement.imports.report import UNKNOWN_LA
from improvement.imports.services.common import (
    in_batches,
    refresh_latest_inspections,
    write_changes,
)
from improvement.imports.services.engine import Importer, ParsedRow
from improvement.inspections.models import Inspection
from improvement.schools.models import School

COMPARED = ("era", "publication_date", "judgements", "category_of_concern", "ungraded_outcome", "is_provisional")
WRITE_BATCH = 500


@dataclass
class _Plan:
    creates: list[tuple[int, Inspection]] = field(default_factory=list)
    # (line, inspection id, school id, changed fields)
    updates: list[tuple[int, int, int, dict[str, Any]]] = field(default_factory=list)


class OfstedImporter(Importer):
    kind = "Ofsted"
    counted = "inspections"
    layout = parser.INSPECTIONS

    def prepare(self, header: ResolvedHeader) -> None:
        self.all_codes = set(Authority.objects.values_list("code", flat=True))
        codes = self.options.la_codes
        self.authorities = {a.id: a.code for a in Authority.objects.all() if codes is None or a.code in codes}
        for code in sorted(self.authorities.values()):
            self.report.la(code)

    def la_of(self, cells: dict[str, str]) -> str:
        return parser._la_from_laestab(cells.get("laestab")) or UNKNOWN_LA

    def early_skip(self, cells: dict[str, str], la: str) -> str | None:
        if la == UNKNOWN_LA or la in self.authorities.values():
            return None
        if la in self.all_codes:
            return "in other LAs (not chosen for this import)"
        return "in LAs not set up in this database"

    def parse(self, cells: dict[str, str]) -> Any:
        return parser.parse_row(cells, today=self.today)

    def plan(self, rows: list[ParsedRow]) -> None:
        self.plan_ = plan = _Plan()
        urns = {r.record.urn for r in rows} | {i.urn_at_time for r in rows for i in r.record.inspections if i.urn_at_time}
        schools: dict[str, tuple[int, str]] = {}
        for school_id, urn, authority_id in in_batches(urns, lambda b: School.objects.filter(
                urn__in=b, authority_id__in=list(self.authorities)).values_list("id", "urn", "authority_id")):
            schools[urn] = (school_id, self.authorities[authority_id])

        wanted: list[tuple[ParsedRow, parser.InspectionRecord, int, str]] = []
        for row in rows:
            record: parser.OfstedRecord = row.record
            school = schools.get(record.urn)
            if school is None:
                self.report.skip(row.la, "school not in the register for this LA (import GIAS first)")
                continue
            school_id, la = school
            for inspection in record.inspections:
                target = schools.get(inspection.urn_at_time, school)[0] if inspection.urn_at_time else school_id
                wanted.append((row, inspection, target, la))

        existing: dict[tuple[int, date, str], dict[str, Any]] = {}
        for found in in_batches({w[2] for w in wanted}, lambda b: Inspection.objects.filter(school_id__in=b)
                                .values("id", "school_id", "start_date", "inspection_type", *COMPARED)):
            existing[(found["school_id"], found["start_date"], found["inspection_type"])] = found

        seen: dict[tuple[int, date, str], tuple[int, parser.InspectionRecord]] = {}
        for row, inspection, school_id, la in wanted:
            key = (school_id, inspection.start_date, inspection.inspection_type)
            if key in seen:
                first_line, first = seen[key]
                if (first.judgements, first.category_of_concern) != (inspection.judgements, inspection.category_of_concern):
                    self.problem(row.line, f"{inspection.block}.start", f"{inspection.start_date:%d/%m/%Y}",
                                 f"the same inspection is on line {first_line} with different grades", la)
                continue
            seen[key] = (row.line, inspection)
            counts = self.report.la(la)
            current = existing.get(key)
            if current is None:
                plan.creates.append((row.line, Inspection(
                    school_id=school_id, era=inspection.era, inspection_type=inspection.inspection_type,
                    start_date=inspection.start_date, publication_date=inspection.publication_date,
                    judgements=inspection.judgements, category_of_concern=inspection.category_of_concern,
                    ungraded_outcome=inspection.ungraded_outcome, source=self.report.source[:250],
                )))
                counts.created += 1
                continue
            target = {
                "era": inspection.era,
                "publication_date": inspection.publication_date or current["publication_date"],
                "judgements": {**current["judgements"], **inspection.judgements},
                "category_of_concern": inspection.category_of_concern,
                "ungraded_outcome": inspection.ungraded_outcome or current["ungraded_outcome"],
                "is_provisional": False,
            }
            changes = {name: value for name, value in target.items() if current[name] != value}
            if changes:
                changes["source"] = self.report.source[:250]
                plan.updates.append((row.line, current["id"], school_id, changes))
                counts.updated += 1
            else:
                counts.unchanged += 1

    def write(self, valid_lines: set[int]) -> None:
        plan = self.plan_
        creates = [inspection for line, inspection in plan.creates if line in valid_lines]
        valid_updates = [u for u in plan.updates if u[0] in valid_lines]
        write_changes(
            Inspection,
            creates=creates,
            updates={pk: changes for _line, pk, _school, changes in valid_updates},
            actor=self.options.actor, reason=self.reason, batch_size=WRITE_BATCH,
        )
        changed = refresh_latest_inspections(
            {i.school_id for i in creates} | {school_id for _line, _pk, school_id, _c in valid_updates}
        )
        if changed:
            self.report.events["latest outcomes recomputed"] += changed


def import_ofsted(path: Path, options):
    from improvement.imports.services.engine import run_import

    return run_import(OfstedImporter, Path(path), options)
