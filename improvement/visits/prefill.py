"""Pre-population: the register's facts copied into a record as a dated snapshot.

`register_snapshot` runs once, when a draft is started, so later changes to the register never
rewrite what a record said. Visit facts (date, officers, visit number) are read live from the
visit until the record is finalised, when the revision freezes them.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils import timezone

from improvement.inspections.models import Inspection
from improvement.policy import frameworks
from improvement.policy.predicates import long_date
from improvement.schools.models import ContextMeasure, Measure, School
from improvement.visits.writing_checks import initials

_GROUPS: dict[str, tuple[Measure, ...]] = {
    "register.pupil_profile": (
        Measure.PUPILS_ON_ROLL, Measure.DISADVANTAGED_PERCENT, Measure.FSM_PERCENT, Measure.EAL_PERCENT,
    ),
    "register.send": (Measure.EHCP_PERCENT, Measure.SEN_SUPPORT_PERCENT),
    "register.behaviour": (Measure.SUSPENSIONS, Measure.PERMANENT_EXCLUSIONS),
    "register.attendance": (Measure.ATTENDANCE_PERCENT, Measure.PERSISTENT_ABSENCE_PERCENT),
}


def _year_label(year: int) -> str:
    return f"{year}/{(year + 1) % 100:02d}"


def _number(value: Decimal) -> str:
    return f"{value.normalize():f}" if value == value.to_integral() else f"{value:.1f}"


def _measure_lines(rows: dict[str, dict[int, ContextMeasure]], measures: tuple[Measure, ...]) -> list[str]:
    lines = []
    for measure in measures:
        by_year = rows.get(measure.value)
        if not by_year:
            continue
        years = sorted(by_year)[-3:]
        parts = []
        for year in years:
            m = by_year[year]
            parts.append(f"{_year_label(year)}: {'suppressed' if m.suppressed else _number(m.value)}")
        known = [by_year[y].value for y in years if by_year[y].value is not None]
        trend = ""
        if len(known) >= 2:
            trend = " (up)" if known[-1] > known[-2] else " (down)" if known[-1] < known[-2] else " (no change)"
        lines.append(f"{measure.label}: {'; '.join(parts)}{trend}")
    return lines


def ofsted_window(school: School, as_of: date) -> str:
    """The expected window for the next inspection, from the Ofsted window decision of the
    policy packs that apply on `as_of` ("" when no pack decides one)."""
    from improvement.decisions.selectors import evaluate_schools

    evaluation = evaluate_schools(School.objects.filter(pk=school.pk), authority=school.authority, as_of=as_of)
    for entry in evaluation.schools:
        for decision in entry.decisions:
            value = decision.value if isinstance(decision.value, dict) else {}
            if decision.key.endswith(".ofsted_window") and decision.status == "decided" and value.get("from"):
                ends = f" to {long_date(date.fromisoformat(value['to']))}" if value.get("to") else ""
                return f"Expected window {long_date(date.fromisoformat(value['from']))}{ends} ({decision.pack})"
    return ""


def register_snapshot(school: School) -> dict[str, Any]:
    """Text for each register-based prefill source, dated. Two queries plus the inspections."""
    rows: dict[str, dict[int, ContextMeasure]] = defaultdict(dict)
    for m in ContextMeasure.objects.filter(school=school):
        rows[m.measure][m.academic_year] = m
    values: dict[str, str] = {}
    for source, measures in _GROUPS.items():
        lines = _measure_lines(rows, measures)
        if source == "register.pupil_profile" and not rows.get(Measure.PUPILS_ON_ROLL.value) and school.pupils_on_roll:
            lines.insert(0, f"Pupils on roll: {school.pupils_on_roll}")
        values[source] = "\n".join(lines)
    # People are named by role and initials in the body of a record (Kent handbook, section 9).
    people = []
    if school.headteacher_name:
        since = f", headteacher of this school since {school.headteacher_start_date:%d %B %Y}" if school.headteacher_start_date else ""
        people.append(f"Headteacher ({initials(school.headteacher_name)}){since}")
    if school.chair_of_governors_name:
        people.append(f"Chair of governors ({initials(school.chair_of_governors_name)})")
    values["register.people_profile"] = "\n".join(people)

    inspections = list(Inspection.objects.filter(school=school).order_by("-start_date"))
    latest = frameworks.latest_full_inspection(inspections)
    if latest is None:
        values["inspection.latest_outcome"] = "Not inspected"
    else:
        values["inspection.latest_outcome"] = (
            f"{frameworks.outcome_label(latest)} ({latest.start_date:%d %B %Y}, {frameworks.get_era(latest.era).name})"
        )
    window = ofsted_window(school, timezone.localdate())
    if inspections:
        last = inspections[0]
        last_text = f"Last inspected {long_date(last.start_date)} ({last.get_inspection_type_display().lower()})"
        values["inspection.window"] = f"{window}. {last_text}" if window else last_text
    else:
        values["inspection.window"] = window
    values["school.name"] = school.name
    values["school.dfe_number"] = school.dfe_number
    values["school.urn"] = school.urn
    return {"taken_at": timezone.now().isoformat(timespec="minutes"), "values": values}


def known_people(school: School, staff_present: list[dict]) -> list[tuple[str, str]]:
    """(name, role) of people the school's records must not name: for the writing checks."""
    people = [(school.headteacher_name, "the headteacher"), (school.chair_of_governors_name, "the chair of governors")]
    people += [(c.name, c.role) for c in school.contacts.all()]
    people += [(p.get("name", ""), p.get("role", "")) for p in staff_present if isinstance(p, dict)]
    return [(n, r) for n, r in people if n]
