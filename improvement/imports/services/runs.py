"""The import log (ImportRun) and running web imports without blocking the page."""

from __future__ import annotations

from django.utils import timezone

from improvement.accounts.models import Authority
from improvement.imports.models import ImportRun
from improvement.imports.report import ImportReport


def log_command_run(*, kind: str, report: ImportReport, la_codes: frozenset[str] | None,
                    academic_year: int | None = None) -> list[ImportRun]:
    """Record a command-line import in the import log of every LA it concerned."""
    codes = {code for code in report.by_la if code.isdigit()} or set(la_codes or ())
    authorities = list(Authority.objects.filter(code__in=codes)) or [None]
    now = timezone.now()
    status = ImportRun.Status.SUCCEEDED if report.ok else ImportRun.Status.FAILED
    runs = [
        ImportRun(
            authority=authority, kind=kind, status=status, via_command=True, file_name=report.source[:255],
            academic_year=academic_year, skip_invalid=report.skip_invalid, started_at=now, finished_at=now,
            phase="Finished", rows_done=report.rows_read, rows_total=report.rows_read, report=report.as_dict(),
        )
        for authority in authorities
    ]
    return ImportRun.objects.bulk_create(runs)
