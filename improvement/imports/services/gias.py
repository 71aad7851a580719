"""GIAS establishments (and the companion links file) into the school register.

Conventions (docs/imports.md explains each):
- Schools are created under the Authority whose LA code is on the row. Rows for LAs not set up
  in the database, or not chosen with --la, are skipped and counted, not errors.
- A URN already registered to another authority is an error: an import never moves a school
  between authorities.
- Columns an older file lacks leave those fields as they are. A blank headteacher name leaves the
  recorded name alone.
- A changed headteacher name records a SchoolEvent "change of headteacher" dated the file's
  extract date (from its name, else the import date) and sets headteacher_start_date to that
  date: the first extract that shows the new head. A newly created school gets no event.
- An open school that becomes closed records a "closure" event dated its close date.
- Links (Predecessor/Successor...) set the successor's predecessor when both schools are in the
  register for the chosen LAs; when an LA-maintained predecessor is succeeded by an academy or
  free school, an "academy conversion" event is recorded on the successor.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from simple_history.utils import bulk_create_with_history

from improvement.accounts.models import Authority
from improvement.imports import values
from improvement.imports.columns import MissingColumns, ResolvedHeader, resolve
from improvement.imports.parsers import gias as parser
from improvement.imports.reading import CsvTable, UnreadableFile
from improvement.imports.report import UNKNOWN_LA, RowProblem, Skip
from improvement.imports.services.common import (
    batched,
    in_batches,
    refresh_latest_inspections,
    update_with_history,
)
from improvement.imports.services.engine import Importer, ImportOptions, ParsedRow, file_date
from improvement.schools.models import Governance, School, SchoolEvent, Status, Trust

SCHOOL_FIELDS = tuple(parser.FIELD_SOURCES)
COMPARED = (*SCHOOL_FIELDS, "headteacher_name", "headteacher_start_date", "trust_id", "authority_id")
WRITE_BATCH = 500


@dataclass
class _Update:
    line: int
    school_id: int
    la: str
    changes: dict[str, Any]
    trust_key: Any = parser.UNSET


@dataclass
class _Create:
    line: int
    la: str
    school: School
    trust_key: Any = None


@dataclass
class _Plan:
    creates: list[_Create] = field(default_factory=list)
    updates: list[_Update] = field(default_factory=list)
    events: list[tuple[int, SchoolEvent]] = field(default_factory=list)  # (line, event)
    trust_keys: dict[int, Any] = field(default_factory=dict)  # line -> the row's trust key
    # (authority_id, reference, name) -> new or renamed trust
    trusts: dict[tuple[int, str, str], Trust] = field(default_factory=dict)


def _normal_name(name: str) -> str:
    return " ".join(name.split()).casefold()


class GiasImporter(Importer):
    kind = "GIAS"
    counted = "schools"
    layout = parser.ESTABLISHMENTS

    def prepare(self, header: ResolvedHeader) -> None:
        self.all_authorities = {a.code: a for a in Authority.objects.all()}
        codes = self.options.la_codes
        self.authorities = {c: a for c, a in self.all_authorities.items() if codes is None or c in codes}
        self.event_date = file_date(self.options, Path(self.report.source)) or self.today
        absent = [parser.ESTABLISHMENTS.column(f).aliases[0] for f in
                  ("close_date", "head_last_name", "trust_code", "pupils", "website")
                  if not header.has(f) and not (f == "trust_code" and header.has("trust_name"))]
        if absent:
            self.report.notes.append(
                "This file has no " + ", ".join(absent) + " column(s): those details are left as they are."
            )
        for code in sorted(self.authorities):
            self.report.la(code)

    def la_of(self, cells: dict[str, str]) -> str:
        try:
            return values.la_code(cells.get("la_code"))
        except values.Invalid:
            return UNKNOWN_LA

    def early_skip(self, cells: dict[str, str], la: str) -> str | None:
        if la in self.authorities or la == UNKNOWN_LA:
            return None
        if la in self.all_authorities:
            return "in other LAs (not chosen for this import)"
        return "in LAs not set up in this database"

    def parse(self, cells: dict[str, str]) -> Any:
        return parser.parse_establishment(cells)

    # ---- plan --------------------------------------------------------------------------------

    def plan(self, rows: list[ParsedRow]) -> None:
        self.plan_ = plan = _Plan()
        existing: dict[str, dict[str, Any]] = {}
        for row in in_batches((r.record.urn for r in rows), lambda b: School.objects.filter(urn__in=b)
                              .values("id", "urn", *COMPARED)):
            existing[row["urn"]] = row
        authority_ids = [a.id for a in self.authorities.values()]
        trusts_by_ref: dict[tuple[int, str], Trust] = {}
        trusts_by_name: dict[tuple[int, str], Trust] = {}
        for trust in Trust.objects.filter(authority_id__in=authority_ids):
            if trust.reference:
                trusts_by_ref[(trust.authority_id, trust.reference)] = trust
            else:
                trusts_by_name.setdefault((trust.authority_id, _normal_name(trust.name)), trust)
        self.trusts_by_ref, self.trusts_by_name = trusts_by_ref, trusts_by_name

        for row in rows:
            record: parser.GiasRecord = row.record
            authority = self.authorities[record.la_code]
            counts = self.report.la(record.la_code)
            trust_key = self._trust_key(authority.id, record.trust, plan)
            plan.trust_keys[row.line] = trust_key
            current = existing.get(record.urn)
            if current is None:
                school = School(authority=authority, urn=record.urn, **record.fields,
                                headteacher_name=record.head_name)
                plan.creates.append(_Create(row.line, record.la_code, school, trust_key))
                counts.created += 1
                continue
            if current["authority_id"] != authority.id:
                self.problem(row.line, "urn", record.urn,
                             "is registered to another authority; an import never moves a school "
                             "between authorities", record.la_code)
                continue
            changes = {f: v for f, v in record.fields.items() if current[f] != v}
            if record.head_name and _normal_name(record.head_name) != _normal_name(current["headteacher_name"]):
                changes["headteacher_name"] = record.head_name
                if current["headteacher_name"]:
                    changes["headteacher_start_date"] = self.event_date
                    plan.events.append((row.line, SchoolEvent(
                        school_id=current["id"], kind=SchoolEvent.Kind.HEADTEACHER_CHANGE,
                        occurred_on=self.event_date,
                        detail=f"Headteacher: {record.head_name} (previously {current['headteacher_name']})"[:500],
                        recorded_by=self.options.actor, source=self.report.source[:250],
                    )))
            if record.trust is not parser.UNSET:
                trust_id = self._existing_trust_id(trust_key)
                if trust_id is None and trust_key is not None or trust_id != current["trust_id"]:
                    changes["trust_id"] = trust_id
            if changes.get("status") == Status.CLOSED:
                counts.closed += 1
                plan.events.append((row.line, SchoolEvent(
                    school_id=current["id"], kind=SchoolEvent.Kind.CLOSURE,
                    occurred_on=record.fields.get("close_date") or self.event_date,
                    detail="Closed (GIAS)", recorded_by=self.options.actor, source=self.report.source[:250],
                )))
            if changes:
                plan.updates.append(_Update(row.line, current["id"], record.la_code, changes,
                                            trust_key if "trust_id" in changes else parser.UNSET))
                counts.updated += 1
            else:
                counts.unchanged += 1

    def _trust_key(self, authority_id: int, trust: Any, plan: _Plan) -> Any:
        """(authority_id, reference, name) for a trust, registering new ones and renames."""
        if trust is parser.UNSET or trust is None:
            return trust
        reference, name = trust
        key = (authority_id, reference, name)
        found = (self.trusts_by_ref.get((authority_id, reference)) if reference
                 else self.trusts_by_name.get((authority_id, _normal_name(name))))
        if found is None:
            plan.trusts.setdefault(key, Trust(authority_id=authority_id, reference=reference, name=name))
        elif found.name != name and key not in plan.trusts:
            found.name = name
            plan.trusts[key] = found
        return key

    def _existing_trust_id(self, key: Any) -> int | None:
        if key is None or key is parser.UNSET:
            return None
        authority_id, reference, name = key
        found = (self.trusts_by_ref.get((authority_id, reference)) if reference
                 else self.trusts_by_name.get((authority_id, _normal_name(name))))
        return found.id if found else None

    # ---- write -------------------------------------------------------------------------------

    def write(self, valid_lines: set[int]) -> None:
        plan = self.plan_
        actor, reason = self.options.actor, self.reason
        needed = {key for line, key in plan.trust_keys.items() if line in valid_lines}
        new_trusts = [t for k, t in plan.trusts.items() if k in needed and t.pk is None]
        renamed = [t for k, t in plan.trusts.items() if k in needed and t.pk is not None]
        if new_trusts:
            bulk_create_with_history(new_trusts, Trust, batch_size=WRITE_BATCH, default_user=actor,
                                     default_change_reason=reason)
            self.report.events["trusts added"] += len(new_trusts)
        if renamed:
            self.report.events["trusts renamed"] += len(renamed)
            update_with_history(renamed, Trust, ["name"], actor=actor, reason=reason)
        trust_ids = {k: t.pk for k, t in plan.trusts.items() if t.pk}

        def trust_id(key: Any) -> int | None:
            if key is None or key is parser.UNSET:
                return None
            return trust_ids.get(key) or self._existing_trust_id(key)

        creates = [c for c in plan.creates if c.line in valid_lines]
        for create in creates:
            create.school.trust_id = trust_id(create.trust_key)
        for batch in batched(creates, WRITE_BATCH):
            bulk_create_with_history([c.school for c in batch], School, batch_size=WRITE_BATCH,
                                     default_user=actor, default_change_reason=reason)

        updates = {u.school_id: u for u in plan.updates if u.line in valid_lines}
        for batch in batched(list(updates), WRITE_BATCH):
            by_fields: dict[tuple[str, ...], list[School]] = defaultdict(list)
            for school in School.objects.filter(id__in=batch):
                update = updates[school.id]
                changes = dict(update.changes)
                if "trust_id" in changes:
                    changes["trust_id"] = trust_id(update.trust_key)
                for name, value in changes.items():
                    setattr(school, name, value)
                by_fields[tuple(sorted(changes))].append(school)
            for fields_changed, schools in by_fields.items():
                update_with_history(schools, School, list(fields_changed), actor=actor, reason=reason)

        events = [event for line, event in plan.events if line in valid_lines]
        SchoolEvent.objects.bulk_create(events, batch_size=WRITE_BATCH)
        for event in events:
            self.report.events[SchoolEvent.Kind(event.kind).label.lower()] += 1
        if self.options.links_path:
            self._write_links()

    # ---- links -------------------------------------------------------------------------------

    def after_read(self) -> None:
        self.links: list[tuple[int, parser.LinkRecord]] = []
        path = self.options.links_path
        if not path:
            return
        name = self.options.links_source_name or Path(path).name
        self.links_name = name
        try:
            table = CsvTable(Path(path))
            header = resolve(table.header, parser.LINKS)
        except (UnreadableFile, MissingColumns) as exc:
            raise UnreadableFile(f"The links file {name}: {exc}") from exc
        for row in table.rows():
            result = parser.parse_link(header.pick(row.cells))
            if isinstance(result, Skip):
                continue
            if isinstance(result, list):
                for error in result:
                    label = header.label(error.field)
                    self.problems_by_line[(name, row.line)].append(RowProblem(
                        line=row.line, column=label, value=error.value, reason=error.reason, file=name))
                continue
            self.links.append((row.line, result))

    def _write_links(self) -> None:
        pairs: dict[str, list[tuple[str, parser.LinkRecord]]] = defaultdict(list)  # successor -> preds
        for _line, link in self.links:
            if parser.link_direction(link.link_type) == parser.PREDECESSOR:
                successor, predecessor = link.urn, link.link_urn
            else:
                successor, predecessor = link.link_urn, link.urn
            pairs[successor].append((predecessor, link))
        if not pairs:
            return
        urns = set(pairs) | {p for preds in pairs.values() for p, _link in preds}
        authority_ids = {a.id for a in self.authorities.values()}
        schools = {
            row["urn"]: row
            for row in in_batches(urns, lambda b: School.objects.filter(urn__in=b, authority_id__in=authority_ids)
                                  .values("id", "urn", "name", "governance", "open_date", "predecessor_id"))
        }
        changes: dict[int, int] = {}
        events: list[SchoolEvent] = []
        for successor_urn, candidates in pairs.items():
            successor = schools.get(successor_urn)
            options = [(schools[p], link) for p, link in candidates if p in schools]
            if successor is None or not options:
                continue
            # Plain "Predecessor"/"Successor" links first, then the most recent link.
            options.sort(key=lambda o: (values.casefolded(o[1].link_type) in ("predecessor", "successor"),
                                        o[1].established or date.min, o[0]["urn"]), reverse=True)
            predecessor, link = options[0]
            if len({o[0]["id"] for o in options}) > 1:
                self.report.warnings["schools with more than one predecessor (the most recent link is used)"] += 1
            if successor["predecessor_id"] == predecessor["id"]:
                continue
            changes[successor["id"]] = predecessor["id"]
            if (predecessor["governance"] == Governance.LA_MAINTAINED
                    and successor["governance"] in (Governance.ACADEMY, Governance.FREE_SCHOOL)):
                events.append(SchoolEvent(
                    school_id=successor["id"], kind=SchoolEvent.Kind.CONVERSION,
                    occurred_on=link.established or successor["open_date"] or self.event_date,
                    detail=f"Converted from {predecessor['name']} (URN {predecessor['urn']})"[:500],
                    recorded_by=self.options.actor, source=self.links_name[:250],
                ))
        reason = f"Imported from {self.links_name}"
        for batch in batched(list(changes), WRITE_BATCH):
            successors = list(School.objects.filter(id__in=batch))
            for school in successors:
                school.predecessor_id = changes[school.id]
            update_with_history(successors, School, ["predecessor"], actor=self.options.actor, reason=reason)
        SchoolEvent.objects.bulk_create(events, batch_size=WRITE_BATCH)
        if changes:
            self.report.events["predecessor links set"] += len(changes)
        if events:
            self.report.events[SchoolEvent.Kind.CONVERSION.label.lower()] += len(events)
        refresh_latest_inspections(changes)


def import_gias(path: Path, options: ImportOptions):
    from improvement.imports.services.engine import run_import

    return run_import(GiasImporter, Path(path), options)
