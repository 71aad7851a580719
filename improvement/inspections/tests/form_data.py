"""Valid POST payloads for the inspection form, as a browser would send them."""

from __future__ import annotations

from datetime import date, timedelta
from types import EllipsisType
from typing import Any

from improvement.schools.tests.form_data import date_parts

EIF_2019_GOOD = {
    "overall_effectiveness": "good",
    "quality_of_education": "good",
    "behaviour_and_attitudes": "good",
    "personal_development": "good",
    "leadership_and_management": "good",
    "safeguarding": "effective",
}


def inspection_form_data(
    *,
    era: str | None = "eif-2019",
    start_date: date | None = date(2023, 3, 14),
    publication_date: date | None | EllipsisType = ...,
    inspection_type: str = "full",
    judgements: dict[str, str] | None = None,
    category_of_concern: str = "",
) -> dict[str, Any]:
    if publication_date is ...:  # published five weeks later unless a test says otherwise
        publication_date = start_date + timedelta(days=35) if start_date else None
    data: dict[str, Any] = {
        "inspection_type": inspection_type,
        **date_parts("start_date", start_date),
        **date_parts("publication_date", publication_date),
        "category_of_concern": category_of_concern,
    }
    if era is not None:
        data["era"] = era
    for area, grade in (EIF_2019_GOOD if judgements is None else judgements).items():
        data[f"judgement_{area}"] = grade
    return data
