"""The plan and coverage as CSV and Excel downloads (formula-safe in both)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from io import BytesIO

from django.http import HttpResponse
from openpyxl import Workbook

from improvement.core.csv_export import csv_response, spreadsheet_safe
from improvement.core.downloads import private_download
from improvement.planning.models import PlannedVisit
from improvement.planning.selectors import Coverage

PLAN_HEADER = ("Date", "School", "URN", "Visit", "Target half-term", "Outside target", "Officer", "Status")
COVERAGE_HEADER = ("School", "URN", "Officer", "Entitled", "Planned", "Agreed", "Completed", "Cancelled",
                   "Overdue", "Behind", "Ofsted window opens", "Entitlement not decided")
FORMATS = ("csv", "xlsx")


def plan_rows(visits: Iterable[PlannedVisit]) -> Iterable[Sequence[object]]:
    for v in visits:
        yield (v.date.isoformat(), v.school.name, v.school.urn, v.label, v.target_half_term,
               "Yes" if v.outside_target else "No", str(v.officer or ""), v.get_status_display())


def coverage_rows(data: Coverage) -> Iterable[Sequence[object]]:
    for row in data.rows:
        c = row.counts
        yield (row.school.name, row.school.urn, str(row.officer or ""), c.entitled, c.planned, c.agreed,
               c.completed, c.cancelled, c.overdue, "Yes" if row.behind else "No",
               row.ofsted_window_opens.isoformat() if row.ofsted_window_opens else "", "; ".join(row.undecided))


def xlsx_response(filename: str, title: str, header: Sequence[str], rows: Iterable[Sequence[object]]) -> HttpResponse:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    sheet.append(list(header))
    for row in rows:
        sheet.append([spreadsheet_safe(value) for value in row])
    buffer = BytesIO()
    workbook.save(buffer)
    return private_download(buffer.getvalue(), filename=filename,
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def download(fmt: str, name: str, title: str, header: Sequence[str], rows: Iterable[Sequence[object]]):
    if fmt == "xlsx":
        return xlsx_response(f"{name}.xlsx", title, header, rows)
    return csv_response(f"{name}.csv", header, rows)

