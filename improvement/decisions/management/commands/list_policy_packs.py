"""python manage.py list_policy_packs [--json]

The shipped policy packs: id, title, authority, academic years, status and decisions. A pack
that no longer loads is reported (file, key, line) and the command ends with status 2.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from improvement.policy import PackError, available_packs, load_pack


class Command(BaseCommand):
    help = "List the shipped policy packs and the decisions each makes."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="Print the packs' metadata as JSON.")

    def handle(self, *args: Any, json: bool = False, **options: Any) -> None:
        described, broken = [], []
        for pack_id in available_packs():
            try:
                described.append(load_pack(pack_id).describe())
            except PackError as error:
                broken.append(str(error))
        if json:
            self.stdout.write(_dumps(described))
        else:
            for pack in described:
                self.stdout.write(self.style.MIGRATE_HEADING(pack["id"]))
                self.stdout.write(f"  {pack['title']}")
                self.stdout.write(f"  Authority: {pack['authority']}; academic years: "
                                  f"{', '.join(pack['academic_years'])}")
                if pack["status"]:
                    self.stdout.write(self.style.WARNING(f"  Status: {pack['status']}"))
                for decision in pack["decisions"]:
                    self.stdout.write(f"    {decision['key']}: {decision['label']}")
        if broken:
            raise CommandError("These packs cannot be loaded:\n" + "\n".join(broken), returncode=2)


def _dumps(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False)
