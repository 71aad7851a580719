"""python manage.py evaluate_policy PACK SNAPSHOTS.json [--as-of YYYY-MM-DD]

Prints the decisions of one or more policy packs for the schools in a snapshot file, as JSON in
the stable schema documented in docs/policy.md ("Decisions JSON"). PACK is a pack id (see
list_policy_packs), several ids separated by commas, or the path of a pack file (.toml) being
written. The snapshot file holds {"schools": [snapshot, ...]} (as docs/examples/
snapshot-example.json), a list of snapshots, or one snapshot.

An unknown or broken pack, or an invalid snapshot file, ends with status 2 and a message naming
the file, the school and the field: never a traceback.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from improvement.policy import (
    PackError,
    Snapshot,
    SnapshotError,
    evaluate_all,
    load_pack,
    load_pack_file,
    to_json,
)
from improvement.policy.packs import Pack

INVALID = 2


def _fail(message: str) -> CommandError:
    return CommandError(message, returncode=INVALID)


class Command(BaseCommand):
    help = "Evaluate policy packs for the schools in a snapshot JSON file and print the decisions as JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("pack", help="Pack id, comma-separated pack ids, or the path of a pack .toml file.")
        parser.add_argument("snapshots", help="Snapshot JSON file (see docs/policy.md, Snapshot JSON).")
        parser.add_argument("--as-of", dest="as_of", default="",
                            help="Evaluate as of this date, YYYY-MM-DD (default: today).")

    def handle(self, *args: Any, pack: str, snapshots: str, as_of: str, **options: Any) -> None:
        day = self.as_of(as_of)
        packs = self.packs(pack)
        schools = self.snapshots(Path(snapshots))
        results = [(snapshot, evaluate_all(packs, snapshot, day)) for snapshot in schools]
        self.stdout.write(to_json(results, day, packs), ending="")

    def as_of(self, text: str) -> date:
        if not text:
            return timezone.localdate()
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise _fail(f"--as-of {text!r} is not a date: write it as YYYY-MM-DD, like 2024-01-15.") from None

    def packs(self, spec: str) -> list[Pack]:
        try:
            if spec.endswith(".toml"):
                path = Path(spec)
                if not path.is_file():
                    raise _fail(f"Pack file {spec} not found.")
                return [load_pack_file(path)]
            ids = [p.strip() for p in spec.split(",") if p.strip()]
            if not ids:
                raise _fail("Name a policy pack (see list_policy_packs).")
            return [load_pack(pack_id) for pack_id in ids]
        except PackError as error:
            raise _fail(f"Policy pack error: {error}") from None

    def snapshots(self, path: Path) -> list[Snapshot]:
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise _fail(f"{path}: file not found.") from None
        except (OSError, UnicodeDecodeError) as error:
            raise _fail(f"{path}: cannot be read: {error}") from None
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise _fail(f"{path}: not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}.") from None
        if isinstance(data, dict) and "schools" in data:
            items, where = data["schools"], "schools"
            if not isinstance(items, list):
                raise _fail(f"{path}: field 'schools' must be a list of school snapshots.")
        elif isinstance(data, list):
            items, where = data, ""
        elif isinstance(data, dict):
            items, where = [data], None
        else:
            raise _fail(f"{path}: expected {{\"schools\": [...]}}, a list of snapshots or one snapshot.")
        result = []
        for n, item in enumerate(items):
            try:
                result.append(Snapshot.from_dict(item))
            except SnapshotError as error:
                position = "" if where is None else f" ({where}[{n}])" if where else f" ([{n}])"
                raise _fail(f"{path}: school {error.school}{position}: field {error.field!r}: {error.message}") from None
        return result
