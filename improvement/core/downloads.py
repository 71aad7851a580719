"""Files the product hands out (records, minutes, board packs, spreadsheets, calendars): saved
rather than shown, and never kept by a shared cache, because they are about schools."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.http import content_disposition_header


def private_download(body: bytes, *, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    # Django quotes and encodes the name (RFC 6266), so a school's name cannot break the header.
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    response["Cache-Control"] = "private, no-store"
    return response
