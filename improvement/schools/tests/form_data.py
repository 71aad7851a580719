"""Valid POST payloads for the school register's forms, as a browser would send them.

Tests start from these and change one thing, so a refusal can only come from that one thing.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils import timezone


def date_parts(name: str, day: date | None) -> dict[str, str]:
    """The GOV.UK date input's three boxes for one date field (empty when `day` is None)."""
    if day is None:
        return {f"{name}_day": "", f"{name}_month": "", f"{name}_year": ""}
    return {f"{name}_day": str(day.day), f"{name}_month": str(day.month), f"{name}_year": str(day.year)}


def school_form_data(*, urn: str = "123456", dfe_number: str = "901/3001", **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "urn": urn,
        "dfe_number": dfe_number,
        "name": "Cedar Lane Primary School",
        "phase": "primary",
        "establishment_type": "Community school",
        "type_group": "Local authority maintained schools",
        "governance": "la_maintained",
        "status": "open",
        **date_parts("open_date", date(1998, 9, 1)),
        **date_parts("close_date", None),
        "trust": "",
        "religious_character": "",
        "diocese": "",
        "statutory_low_age": "4",
        "statutory_high_age": "11",
        "pupils_on_roll": "210",
        "headteacher_name": "Pat Example",
        **date_parts("headteacher_start_date", date(2020, 9, 1)),
        "chair_of_governors_name": "Lee Example",
        "street": "1 Cedar Lane",
        "town": "Northmoor",
        "postcode": "NM1 1AA",
        "website": "",
        "telephone": "",
    }
    for key, value in overrides.items():
        if isinstance(value, date) or (value is None and key.endswith("_date")):
            data.update(date_parts(key, value))
        else:
            data[key] = value
    return data


def current_academic_year() -> int:
    """The academic year the measure form offers first (2025 means 2025/26)."""
    today = timezone.localdate()
    return today.year if today.month >= 8 else today.year - 1


def measure_form_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "academic_year": str(current_academic_year() - 1),
        "measure": "attendance_percent",
        "value": "95.2",
        "source": "School census, January",
        **date_parts("source_date", date(2025, 1, 15)),
    }
    for key, value in overrides.items():
        if isinstance(value, date):
            data.update(date_parts(key, value))
        else:
            data[key] = value
    return {k: v for k, v in data.items() if v is not None}
