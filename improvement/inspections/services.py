"""Writes to the inspection history. Each write also refreshes the school's denormalised
latest outcome so the school list stays right."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from improvement.core.history import save_with_history
from improvement.inspections.models import Inspection
from improvement.schools.models import School
from improvement.schools.selectors import refresh_latest_inspection


@transaction.atomic
def inspection_save(
    *,
    actor,
    school: School,
    era: str,
    inspection_type: str,
    start_date: date,
    publication_date: date | None,
    judgements: dict[str, str],
    category_of_concern: str = "",
    instance: Inspection | None = None,
    reason: str = "Entered by LA administrator",
) -> Inspection:
    inspection = instance or Inspection(school=school)
    is_new = inspection._state.adding
    inspection.era = era
    inspection.inspection_type = inspection_type
    inspection.start_date = start_date
    inspection.publication_date = publication_date
    inspection.judgements = judgements
    inspection.category_of_concern = category_of_concern
    inspection.full_clean()
    save_with_history(inspection, actor=actor, reason=reason)
    refresh_latest_inspection(school)
    if is_new:
        # A Progress Check-In continues until the school's next inspection is recorded.
        from improvement.interventions.services import close_on_inspection

        close_on_inspection(actor=actor, school=school, inspection=inspection)
    return inspection
