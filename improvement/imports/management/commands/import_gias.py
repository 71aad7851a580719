from __future__ import annotations

from pathlib import Path

from django.core.management.base import CommandParser

from improvement.imports.command import ImportCommand
from improvement.imports.models import ImportKind
from improvement.imports.report import ImportReport
from improvement.imports.services.engine import ImportOptions
from improvement.imports.services.gias import import_gias


class Command(ImportCommand):
    help = (
        "Import GIAS establishment data (edubasealldataYYYYMMDD.csv) into the school register, "
        "optionally with the links file for predecessors and academy conversions. All or nothing "
        "unless --skip-invalid. See docs/imports.md."
    )
    kind = ImportKind.GIAS

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument("--links", type=Path, metavar="LINKSFILE",
                            help="the companion links_edubasealldataYYYYMMDD.csv")

    def build_options(self, options: dict) -> ImportOptions:
        import_options = super().build_options(options)
        if options["links"]:
            import_options.links_path = self.check_path(options["links"], "links file")
            import_options.links_source_name = options["links"].name
        return import_options

    def run(self, path: Path, import_options: ImportOptions) -> ImportReport:
        return import_gias(path, import_options)
