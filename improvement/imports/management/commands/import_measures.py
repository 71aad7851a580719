from __future__ import annotations

from pathlib import Path

from django.core.management.base import CommandParser

from improvement.imports.command import ImportCommand, usage_error
from improvement.imports.parsers.measures import KINDS, parse_year
from improvement.imports.report import ImportReport
from improvement.imports.services.engine import ImportOptions
from improvement.imports.services.measures import import_measures
from improvement.imports.values import Invalid


class Command(ImportCommand):
    help = (
        "Import DfE school-level measures (census, absence, exclusions, ks2, ks4) into schools' "
        "context measures, keyed by URN. Suppressed values (x, c, z, SUPP, NE, low) are stored as "
        "suppressed. All or nothing unless --skip-invalid. See docs/imports.md."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument("--kind", required=True, choices=sorted(KINDS), help="what the file contains")
        parser.add_argument("--year", metavar="YEAR",
                            help="the academic year the file covers, like 2023 or 2023/24 "
                                 "(needed when the file has no time_period column)")

    def build_options(self, options: dict) -> ImportOptions:
        import_options = super().build_options(options)
        if options["year"]:
            try:
                import_options.year = parse_year(options["year"])
            except Invalid as exc:
                raise usage_error(f"--year {options['year']} {exc.reason}.") from None
        self.kind = options["kind"]
        return import_options

    def run(self, path: Path, import_options: ImportOptions) -> ImportReport:
        return import_measures(path, import_options, kind=self.kind)
