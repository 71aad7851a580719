"""iCalendar (RFC 5545) output for planned visits, with the icalendar package.

Visits are all-day events (officers agree a day with the school, not a time). A proposed visit
is TENTATIVE, an agreed or completed one CONFIRMED, a cancelled one CANCELLED (kept in feeds so
that calendar apps remove it). The UID is stable per planned visit, so a moved visit moves.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from icalendar import Calendar, Event

from improvement.planning.models import PlannedVisit, PlanStatus

_STATUS = {
    PlanStatus.PROPOSED: "TENTATIVE",
    PlanStatus.AGREED: "CONFIRMED",
    PlanStatus.COMPLETED: "CONFIRMED",
    PlanStatus.CANCELLED: "CANCELLED",
}
PRODUCT_ID = "-//School Improvement Monitor//Visit plan//EN"


def address_of(school) -> str:
    return ", ".join(part for part in (school.street, school.town, school.postcode) if part)


def visit_event(planned: PlannedVisit, *, link: str = "", stamp: datetime | None = None) -> Event:
    school = planned.school
    event = Event()
    event.add("uid", f"planned-visit-{planned.pk}@school-improvement-monitor")
    event.add("dtstamp", stamp or datetime.now(UTC))
    event.add("dtstart", planned.date)
    event.add("dtend", planned.date + timedelta(days=1))
    event.add("summary", f"{planned.label}: {school.name}")
    event.add("status", _STATUS[PlanStatus(planned.status)])
    address = address_of(school)
    if address:
        event.add("location", address)
    lines = [f"School: {school.name} (URN {school.urn})", f"Visit: {planned.label}",
             f"Status: {planned.get_status_display()}"]
    focus = planned.visit.focus if planned.visit_id and planned.visit else ""
    if focus:
        lines.append(f"Focus: {focus}")
    if planned.officer_id:
        lines.append(f"Officer: {planned.officer}")
    if link:
        lines.append(link)
        event.add("url", link)
    event.add("description", "\n".join(lines))
    return event


def calendar_of(planned_visits: Iterable[PlannedVisit], *, name: str, links: dict[int, str] | None = None) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    stamp = datetime.now(UTC)
    for planned in planned_visits:
        calendar.add_component(visit_event(planned, link=(links or {}).get(planned.pk, ""), stamp=stamp))
    return calendar.to_ical()
