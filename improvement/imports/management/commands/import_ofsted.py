from __future__ import annotations

from pathlib import Path

from improvement.imports.command import ImportCommand
from improvement.imports.models import ImportKind
from improvement.imports.report import ImportReport
from improvement.imports.services.engine import ImportOptions
from improvement.imports.services.ofsted import import_ofsted


class Command(ImportCommand):
    help = (
        "Import Ofsted's management information on state-funded school inspections (latest "
        "inspections, or the all-inspections files) into the inspection history of schools in "
        "the register. All or nothing unless --skip-invalid. See docs/imports.md."
    )
    kind = ImportKind.OFSTED

    def run(self, path: Path, import_options: ImportOptions) -> ImportReport:
        return import_ofsted(path, import_options)
