"""Builders for Ofsted events tests: everything goes through the services, as the pages do."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.utils import timezone

from improvement.ofsted_events import services
from improvement.policy import frameworks

# A report-card era inspection: Tuesday 10 March 2026 (called on Monday 9 March).
RC_DAY = date(2026, 3, 10)
# A September 2012 framework inspection, when the 2012 monitoring pack applies.
RI_DAY = date(2013, 1, 15)


def at(day: date, hour: int = 12, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour, minute))


def notification_details(**changes) -> services.NotificationDetails:
    values = {
        "called_at": at(date(2026, 3, 9), 12, 30),
        "inspection_type": frameworks.FULL,
        "inspection_starts_on": RC_DAY,
        "lead_inspector": "A Inspector",
        "told_by": "Headteacher",
        "told_la_at": at(date(2026, 3, 9), 13, 5),
        "notes": "",
    }
    values.update(changes)
    return services.NotificationDetails(**values)


def make_notification(actor, school, **changes):
    return services.log_notification(actor=actor, school=school, details=notification_details(**changes))


def rc_grades(**changes) -> list[services.GradeEntry]:
    """Report-card grades: every core area expected standard on both sides, safeguarding met."""
    era = frameworks.get_era("report-card-2025")
    entries = {
        a.key: services.GradeEntry(a.key, "expected_standard", "expected_standard")
        for a in era.areas if not a.optional and a.key != "safeguarding"
    }
    entries["safeguarding"] = services.GradeEntry("safeguarding", "met", "met")
    entries.update(changes)
    return list(entries.values())


def feedback_details(**changes) -> services.FeedbackDetails:
    values = {
        "era": "report-card-2025",
        "inspection_date": RC_DAY,
        "lead_inspector": "A Inspector",
        "grades": rc_grades(),
        "main_findings": "Pupils achieve well in reading.",
        "improvements": "Sharpen the curriculum in foundation subjects.",
        "category_of_concern": "",
        "comments": "",
    }
    values.update(changes)
    return services.FeedbackDetails(**values)


def make_feedback(actor, school, notification=None, **changes):
    return services.record_feedback(actor=actor, school=school, details=feedback_details(**changes),
                                    notification=notification)


def ri_grades(leadership: str = "requires_improvement") -> list[services.GradeEntry]:
    return [
        services.GradeEntry("overall_effectiveness", "good", "requires_improvement", "Progress data overstated."),
        services.GradeEntry("leadership_and_management", "good", leadership,
                            "" if leadership == "good" else "Governors' challenge underestimated."),
        services.GradeEntry("quality_of_teaching", "requires_improvement", "requires_improvement"),
        services.GradeEntry("outcomes", "requires_improvement", "requires_improvement"),
    ]


def make_monitoring(actor, school, **changes):
    values = {
        "visit_date": date(2026, 4, 21),
        "context": "below_good",
        "lead_inspector": "A HMI",
        "days": Decimal("1"),
        "lessons_observed": 6,
        "overall_progress": "effective_action",
        "key_issues": [services.KeyIssueEntry(1, "Raise attainment in mathematics", 3, "Early signs of impact")],
        "summary": "",
    }
    values.update(changes)
    return services.record_monitoring_feedback(actor=actor, school=school, details=services.MonitoringDetails(**values))


def make_subject(actor, school, **changes):
    values = {"inspection_date": date(2026, 2, 3), "lead_inspector": "A HMI", "focus": "Mathematics",
              "outcomes": "Strong subject leadership.", "hmi_judgement": 2}
    values.update(changes)
    return services.record_subject_feedback(actor=actor, school=school, details=services.SubjectDetails(**values))


def date_fields(prefix: str, day: date) -> dict[str, str]:
    return {f"{prefix}_day": str(day.day), f"{prefix}_month": str(day.month), f"{prefix}_year": str(day.year)}


def datetime_fields(prefix: str, moment: datetime) -> dict[str, str]:
    local = timezone.localtime(moment)
    return {**date_fields(prefix, local.date()), f"{prefix}_time": local.strftime("%H:%M")}


def notification_post(**changes) -> dict[str, str]:
    details = notification_details()
    data = {
        **datetime_fields("called_at", details.called_at),
        "inspection_type": details.inspection_type,
        **date_fields("inspection_starts_on", details.inspection_starts_on),
        "lead_inspector": details.lead_inspector,
        "told_by": details.told_by,
        **datetime_fields("told_la_at", details.told_la_at),
        "notes": "",
    }
    data.update(changes)
    return data


def feedback_post(details: services.FeedbackDetails | None = None, **changes) -> dict[str, str]:
    details = details or feedback_details()
    data = {
        "era": details.era,
        **date_fields("inspection_date", details.inspection_date),
        "lead_inspector": details.lead_inspector,
        "main_findings": details.main_findings,
        "improvements": details.improvements,
        "category_of_concern": details.category_of_concern,
        "comments": details.comments,
    }
    for entry in details.grades:
        data.update({f"{entry.area}_self": entry.self_evaluation, f"{entry.area}_ofsted": entry.ofsted,
                     f"{entry.area}_commentary": entry.commentary})
    data.update(changes)
    return data


def monitoring_post(**changes) -> dict[str, str]:
    data = {
        **date_fields("visit_date", date(2026, 4, 21)),
        "context": "below_good",
        "lead_inspector": "A HMI",
        "days": "1.5",
        "lessons_observed": "6",
        "overall_progress": "effective_action",
        "key_issue_1": "Raise attainment in mathematics",
        "hmi_judgement_1": "3",
        "comments_1": "",
        "summary": "",
    }
    data.update(changes)
    return data


def subject_post(**changes) -> dict[str, str]:
    data = {**date_fields("inspection_date", date(2026, 2, 3)), "lead_inspector": "A HMI", "focus": "Mathematics",
            "outcomes": "Strong subject leadership.", "hmi_judgement": "2"}
    data.update(changes)
    return data
