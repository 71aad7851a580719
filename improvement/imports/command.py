"""What the import_gias, import_ofsted and import_measures commands share: options, exit
statuses (0 imported or checked, 1 the file was rejected, 2 usage error), the printed report and
the import log."""

from __future__ import annotations

import re
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from improvement.accounts.models import Authority
from improvement.imports.progress import for_stream
from improvement.imports.report import ImportReport
from improvement.imports.services.engine import ImportOptions, UsageProblem
from improvement.imports.services.runs import log_command_run

USAGE = 2
REJECTED = 1


def usage_error(message: str) -> CommandError:
    return CommandError(message, returncode=USAGE)


class ImportCommand(BaseCommand):
    kind = ""  # ImportKind value for the import log

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="the CSV file to import")
        parser.add_argument(
            "--la", nargs="+", action="extend", dest="la_codes", metavar="CODE", default=None,
            help="import only these LA codes (default: every LA set up in the database)",
        )
        parser.add_argument("--dry-run", action="store_true",
                            help="check the file and report what would change, then write nothing")
        parser.add_argument("--skip-invalid", action="store_true",
                            help="import the valid rows and write the invalid ones to --errors")
        parser.add_argument("--errors", type=Path, metavar="OUT.csv",
                            help="write invalid rows, with the reasons, to this CSV file")

    def check_path(self, path: Path, what: str = "file") -> Path:
        if not path.exists():
            raise usage_error(f"The {what} {path} does not exist.")
        if not path.is_file():
            raise usage_error(f"The {what} {path} is not a file.")
        return path

    def build_options(self, options: dict) -> ImportOptions:
        path = self.check_path(options["file"])
        if options["skip_invalid"] and not options["errors"]:
            raise usage_error("--skip-invalid needs --errors OUT.csv, to keep the rows it skips.")
        errors_path: Path | None = options["errors"]
        if errors_path is not None and not errors_path.parent.exists():
            raise usage_error(f"Cannot write {errors_path}: the folder {errors_path.parent} does not exist.")
        la_codes = None
        if options["la_codes"]:
            codes = {c.strip() for item in options["la_codes"] for c in item.split(",") if c.strip()}
            bad = sorted(c for c in codes if not re.fullmatch(r"\d{3}", c))
            if bad:
                raise usage_error(f"--la takes 3-digit LA codes, like 331; not {', '.join(bad)}.")
            known = set(Authority.objects.filter(code__in=codes).values_list("code", flat=True))
            unknown = sorted(codes - known)
            if unknown:
                raise usage_error(
                    f"No authority with LA code {', '.join(unknown)} is set up in this database."
                )
            la_codes = frozenset(codes)
        return ImportOptions(
            la_codes=la_codes,
            dry_run=options["dry_run"],
            skip_invalid=options["skip_invalid"],
            source_name=path.name,
            errors_path=errors_path,
            progress=for_stream(self.stderr._out),
        )

    def run(self, path: Path, import_options: ImportOptions) -> ImportReport:
        raise NotImplementedError

    def handle(self, *args, **options) -> None:
        import_options = self.build_options(options)
        try:
            report = self.run(options["file"], import_options)
        except UsageProblem as exc:
            raise usage_error(str(exc)) from None
        self.stdout.write(report.text())
        if import_options.errors_path and report.invalid_rows:
            self.stdout.write(f"\nInvalid rows written to {import_options.errors_path}.")
        if not import_options.dry_run:
            log_command_run(kind=self.kind, report=report, la_codes=import_options.la_codes,
                            academic_year=import_options.year)
        if not report.ok:
            raise CommandError(
                report.fatal or f"{report.invalid_rows:,} rows have errors: nothing was written.",
                returncode=REJECTED,
            )
