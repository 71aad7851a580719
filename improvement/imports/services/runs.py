"""The import log (ImportRun) and web imports that run without blocking the page.

A web import: the upload is stored under MEDIA_ROOT/imports/ (never served) and a dry run
checks it in the background (CHECKING -> CHECKED, or FAILED when the file cannot be read). The
LA administrator sees the counts and first errors, then confirms (QUEUED -> RUNNING ->
SUCCEEDED or FAILED) or cancels. Work starts after the request's transaction commits, in a
thread of the web process that writes its progress to the ImportRun row; the page polls it with
htmx, or the person refreshes.

Settings (optional): IMPORTS_RUN_INLINE (run in the request, for tests), IMPORTS_MAX_UPLOAD_MB.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import close_old_connections, connections, transaction
from django.utils import timezone

from improvement.accounts.models import Authority
from improvement.imports.models import MEASURE_KINDS, ImportKind, ImportRun
from improvement.imports.report import ImportReport
from improvement.imports.services.engine import ImportOptions, UsageProblem

log = logging.getLogger(__name__)
UPLOAD_DIR = "imports"
STALE_AFTER_SECONDS = 15 * 60


class ImportStateError(Exception):
    """The run is not in a state that allows this (e.g. confirming twice)."""


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
            phase="Finished", rows_done=report.rows_read, rows_total=report.rows_read,
            report=(report.for_la(authority.code) if authority else report).as_dict(),
        )
        for authority in authorities
    ]
    return ImportRun.objects.bulk_create(runs)


# ---- web imports ------------------------------------------------------------------------------


def _store(upload: UploadedFile) -> str:
    return default_storage.save(f"{UPLOAD_DIR}/{uuid.uuid4().hex}.csv", upload)


def errors_file(run: ImportRun) -> str:
    return run.stored_file.removesuffix(".csv") + "-errors.csv" if run.stored_file else ""


@transaction.atomic
def start_upload(*, actor, kind: str, upload: UploadedFile, links_upload: UploadedFile | None = None,
                 academic_year: int | None = None) -> ImportRun:
    """Keep the uploaded file and check it with a dry run in the background."""
    run = ImportRun.objects.create(
        authority=actor.authority,
        kind=kind,
        status=ImportRun.Status.CHECKING,
        created_by=actor,
        file_name=Path(upload.name).name[:255],
        stored_file=_store(upload),
        links_file_name=Path(links_upload.name).name[:255] if links_upload else "",
        links_stored_file=_store(links_upload) if links_upload else "",
        academic_year=academic_year,
        phase="Waiting to start",
    )
    _dispatch(run.pk, dry_run=True)
    return run


@transaction.atomic
def confirm(*, actor, run: ImportRun, skip_invalid: bool) -> ImportRun:
    run = ImportRun.objects.select_for_update().get(pk=run.pk)
    if run.status != ImportRun.Status.CHECKED:
        raise ImportStateError("This import has already been confirmed, cancelled or finished.")
    preview = run.preview_report
    if preview is None or preview.fatal:
        raise ImportStateError("This file cannot be imported.")
    if preview.invalid_rows and not skip_invalid:
        raise ImportStateError("The file has invalid rows: choose to skip them, or correct the file and upload it again.")
    run.status = ImportRun.Status.QUEUED
    run.skip_invalid = skip_invalid
    run.phase = "Waiting to start"
    run.rows_done = 0
    run.save(update_fields=["status", "skip_invalid", "phase", "rows_done", "updated_at"])
    _dispatch(run.pk, dry_run=False)
    return run


@transaction.atomic
def cancel(*, actor, run: ImportRun) -> ImportRun:
    run = ImportRun.objects.select_for_update().get(pk=run.pk)
    if not (run.status in (ImportRun.Status.CHECKED, ImportRun.Status.FAILED) and not run.report or is_stale(run)):
        raise ImportStateError("Only a checked import that has not run can be cancelled.")
    run.status = ImportRun.Status.CANCELLED
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "finished_at", "updated_at"])
    transaction.on_commit(lambda: _delete_files(run))
    return run


def _delete_files(run: ImportRun) -> None:
    for name in (run.stored_file, run.links_stored_file, errors_file(run)):
        if name and default_storage.exists(name):
            default_storage.delete(name)


def is_stale(run: ImportRun) -> bool:
    """An active run whose progress stopped (the web process restarted mid-import)."""
    return run.is_active and (timezone.now() - run.updated_at).total_seconds() > STALE_AFTER_SECONDS


def _dispatch(run_id: int, *, dry_run: bool) -> None:
    """Start the work once the request's transaction has committed (so the thread sees the
    row); in tests the callbacks of an uncommitted test transaction never run."""
    if getattr(settings, "IMPORTS_RUN_INLINE", False):
        transaction.on_commit(lambda: execute(run_id, dry_run=dry_run))
    else:
        transaction.on_commit(lambda: threading.Thread(
            target=_thread_main, args=(run_id, dry_run), name=f"import-run-{run_id}", daemon=True,
        ).start())


def _thread_main(run_id: int, dry_run: bool) -> None:
    close_old_connections()
    try:
        execute(run_id, dry_run=dry_run)
    finally:
        connections.close_all()


class RunProgress:
    """Writes progress to the ImportRun row at most once a second."""

    def __init__(self, run_id: int, interval: float = 1.0) -> None:
        self.run_id = run_id
        self.interval = interval
        self.done = 0
        self.total: int | None = None
        self._last = 0.0

    def _save(self, **fields) -> None:
        ImportRun.objects.filter(pk=self.run_id).update(updated_at=timezone.now(), **fields)

    def start(self, label: str, total: int | None) -> None:
        self.done, self.total = 0, total
        self._save(phase=label, rows_total=total, rows_done=0)

    def advance(self, rows: int = 1) -> None:
        self.done += rows
        now = time.monotonic()
        if now - self._last >= self.interval:
            self._last = now
            self._save(rows_done=self.done)

    def phase(self, label: str) -> None:
        self._save(phase=label, rows_done=self.done)

    def finish(self) -> None:
        self._save(rows_done=self.done)


def _run_import(run: ImportRun, options: ImportOptions) -> ImportReport:
    from improvement.imports.services.gias import import_gias
    from improvement.imports.services.measures import import_measures
    from improvement.imports.services.ofsted import import_ofsted

    path = Path(default_storage.path(run.stored_file))
    if run.kind == ImportKind.GIAS:
        if run.links_stored_file:
            options.links_path = Path(default_storage.path(run.links_stored_file))
            options.links_source_name = run.links_file_name
        return import_gias(path, options)
    if run.kind == ImportKind.OFSTED:
        return import_ofsted(path, options)
    if run.kind in MEASURE_KINDS:
        return import_measures(path, options, kind=run.kind)
    raise ValueError(f"Unknown import kind {run.kind!r}")


def execute(run_id: int, *, dry_run: bool) -> None:
    """Run (or check) one web import and record the outcome on its ImportRun."""
    run = ImportRun.objects.select_related("authority", "created_by").filter(pk=run_id).first()
    expected = ImportRun.Status.CHECKING if dry_run else ImportRun.Status.QUEUED
    if run is None or run.status != expected:
        return
    now = timezone.now()
    if not dry_run:
        ImportRun.objects.filter(pk=run_id).update(status=ImportRun.Status.RUNNING, started_at=now, updated_at=now)
    errors_name = errors_file(run)
    options = ImportOptions(
        la_codes=frozenset({run.authority.code}),
        dry_run=dry_run,
        skip_invalid=run.skip_invalid,
        actor=run.created_by,
        source_name=run.file_name,
        errors_path=Path(default_storage.path(errors_name)),
        progress=RunProgress(run_id),
        year=run.academic_year,
    )
    result: dict = {"phase": "Finished"}
    try:
        report = _run_import(run, options)
    except UsageProblem as exc:
        result.update(status=ImportRun.Status.FAILED, failure=str(exc))
    except Exception:  # recorded for the person, logged for the operator
        log.exception("Import run %s failed", run_id)
        result.update(status=ImportRun.Status.FAILED,
                      failure="An unexpected error stopped the import. Nothing was written.")
    else:
        if dry_run:
            result.update(preview=report.as_dict(),
                          status=ImportRun.Status.FAILED if report.fatal else ImportRun.Status.CHECKED)
            if report.fatal:
                result["failure"] = report.fatal
        else:
            result.update(report=report.as_dict(),
                          status=ImportRun.Status.SUCCEEDED if report.ok else ImportRun.Status.FAILED)
            if not report.ok:
                result["failure"] = report.fatal or (
                    f"{report.invalid_rows:,} rows have errors (the file or the register changed since "
                    "it was checked). Nothing was written."
                )
    if result["status"] != ImportRun.Status.CHECKED:
        result["finished_at"] = timezone.now()
    ImportRun.objects.filter(pk=run_id).update(updated_at=timezone.now(), **result)
