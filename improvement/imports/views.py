from __future__ import annotations

import csv
import io

from django.contrib import messages
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from improvement.core.csv_export import csv_response
from improvement.core.permissions import require_perm
from improvement.imports import selectors
from improvement.imports.forms import ConfirmForm, UploadForm
from improvement.imports.services import runs

PAGE_SIZE = 25



@require_GET
def import_list(request: HttpRequest) -> HttpResponse:
    require_perm(request, "imports.view_import_log")
    page = Paginator(selectors.import_log(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "imports/import_list.html", {"page": page})


@require_http_methods(["GET", "POST"])
def import_create(request: HttpRequest) -> HttpResponse:
    require_perm(request, "imports.run_import")
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        run = runs.start_upload(
            actor=request.user,
            kind=form.cleaned_data["kind"],
            upload=form.cleaned_data["file"],
            links_upload=form.cleaned_data.get("links_file"),
            academic_year=form.cleaned_data.get("academic_year"),
        )
        return redirect(run)
    return render(request, "imports/import_form.html", {"form": form})


@require_GET
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = selectors.import_run(user=request.user, pk=pk)
    require_perm(request, "imports.view_import_run", run)
    context = {
        "run": run,
        "stale": runs.is_stale(run),
        "can_cancel": not run.via_command and (
            (run.status in (run.Status.CHECKED, run.Status.FAILED) and not run.report) or runs.is_stale(run)),
        "confirm_form": ConfirmForm(),
        "has_errors_file": bool(run.stored_file) and default_storage.exists(runs.errors_file(run)),
    }
    if request.htmx:
        response = render(request, "imports/includes/status.html", context)
        if not run.is_active:
            response["HX-Refresh"] = "true"  # finished: show the whole page with its results
        return response
    return render(request, "imports/import_detail.html", context)


@require_POST
def import_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    run = selectors.import_run(user=request.user, pk=pk)
    require_perm(request, "imports.run_import", run)
    form = ConfirmForm(request.POST)
    form.is_valid()
    try:
        runs.confirm(actor=request.user, run=run, skip_invalid=form.cleaned_data.get("skip_invalid", False))
    except runs.ImportStateError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "The import has started. You can leave this page: it carries on.")
    return redirect(run)


@require_POST
def import_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    run = selectors.import_run(user=request.user, pk=pk)
    require_perm(request, "imports.run_import", run)
    try:
        runs.cancel(actor=request.user, run=run)
    except runs.ImportStateError as exc:
        messages.error(request, str(exc))
        return redirect(run)
    messages.success(request, f"The import of {run.file_name} was cancelled. Nothing was written.")
    return redirect("imports:list")


@require_GET
def import_errors(request: HttpRequest, pk: int) -> HttpResponse:
    run = selectors.import_run(user=request.user, pk=pk)
    require_perm(request, "imports.view_import_run", run)
    name = runs.errors_file(run)
    if name and default_storage.exists(name):
        # Every invalid row with its original cells, as written by the import.
        with default_storage.open(name, "rb") as handle:
            rows = list(csv.reader(io.StringIO(handle.read().decode("utf-8-sig"))))
        header, body = (rows[0], rows[1:]) if rows else ([], [])
    else:
        # Command-line runs keep no file: the problems stored with the report.
        report = run.final_report or run.preview_report
        if report is None or not report.problems:
            raise Http404("No error report")
        header = ["file", "line", "column", "value", "problem"]
        body = [[p.file or report.source, p.line, p.column, p.value, p.reason] for p in report.problems]
    return csv_response(f"import-{run.pk}-errors.csv", header, body)
