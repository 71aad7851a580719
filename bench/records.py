"""Visit records (issue 4): Word and PDF of a full Record of Visit, and the record pages with
carried-forward actions.

A full Coventry CMO Record of Visit is written: every Section 1 area with about 1,500
characters, the on-the-ground section with 6,000, the self-evaluation table, 4 actions, good
practice, a concern, and 20 open actions carried forward from an earlier visit. The downloads are
timed through the view (permission check, queries, rendering): PDF p95 ≤ 1 s, Word p95 ≤ 0.5 s.
The record's edit and read pages are timed, and their query counts compared between a record
with 2 and one with 20 carried-forward actions: they must be equal (no query per action).
"""

from __future__ import annotations

import datetime

from django.urls import reverse

from bench.measure import measure_get, signed_in_client
from bench.report import SectionReport
from improvement.accounts.models import Authority, User
from improvement.accounts.roles import Role
from improvement.policy import record_templates
from improvement.schools.models import Governance, Phase, School
from improvement.visits import services
from improvement.visits.models import Visit, VisitRecord, VisitStatus

TITLE = "Visit records: Word, PDF and the record page (issue 4)"
PDF_TARGET_MS = 1000.0
DOCX_TARGET_MS = 500.0
PAGE_TARGET_MS = 300.0

PARAGRAPH = (
    "Leaders have an accurate view of the school's strengths and priorities. A large majority of "
    "pupils (72%) reached the expected standard in reading, and the gap for disadvantaged pupils "
    "has narrowed for the second year. The SENCo (AB) has revised provision maps, and teachers "
    "use them when planning adaptations. Attendance is improving but persistent absence remains "
    "above the national figure for pupils with SEND. "
)


def _text(chars: int) -> str:
    return (PARAGRAPH * (chars // len(PARAGRAPH) + 1))[:chars]


def _school(authority: Authority, urn: str, name: str) -> School:
    return School.objects.create(
        authority=authority, urn=urn, establishment_number=urn[-4:], name=name, phase=Phase.PRIMARY,
        governance=Governance.LA_MAINTAINED, pupils_on_roll=420, headteacher_name="Head Teacher",
    )


def _record(officer: User, school: School, day: datetime.date, *, actions: int) -> Visit:
    template = record_templates.get_template("coventry-cmo-record-of-visit", 1)
    visit = services.create_visit(actor=officer, school=school, template=template, day=day, focus="SEND & Inclusion")
    record = VisitRecord.objects.get(visit=visit)
    content = dict(record.content)
    for key in ("people_profile", "pupil_profile", "achievement", "send_and_inclusion", "behaviour",
                "attendance_and_punctuality", "cep_priorities", "external_support", "inspection_cycle",
                "other_school_updates"):
        content[key] = _text(1500)
    content.update(
        school_staff_present=[{"role": "Headteacher", "name": "HT"}, {"role": "SENCo", "name": "AB"}],
        on_the_ground_monitoring=_text(6000),
        monitoring_activities=["Learning Walk", "Lesson visits", "Pupil voice", "Work scrutiny"],
        monitoring_evidence=["Website", "Meetings with leaders", "Observations", "Documentation"],
        self_evaluation={
            area: {"school": "good", "officer": "good", "comment": _text(300)}
            for area in ("overall_effectiveness", "quality_of_education", "behaviour_and_attitudes",
                         "personal_development", "leadership_and_management", "early_years")
        },
        further_actions=[
            {"text": f"Action {n}: {_text(200)}", "lead_role": "Deputy headteacher", "lead_initials": "CD",
             "by_when": "31/03/2024"}
            for n in range(1, actions + 1)
        ],
        good_practice=[{"area": "SEND", "description": _text(400)}],
        concerns=[{"category": "Projected numbers", "description": _text(300)}],
    )
    content = services.ensure_row_uids(template, content)
    services.save_record(actor=officer, visit=visit, content=content, expected_version=record.version)
    return visit


def _finalise(officer: User, visit: Visit) -> None:
    services.transition(actor=officer, visit=visit, step_name="send")
    Visit.objects.filter(pk=visit.pk).update(status=VisitStatus.ACCURATE)
    services.transition(actor=officer, visit=visit, step_name="finalise")


def run(report: SectionReport) -> None:
    requests = getattr(report.options, "requests", None) or 30
    authority, _ = Authority.objects.get_or_create(code="904", defaults={"name": "Bench Records"})
    officer = User.objects.create_user(
        "bench-records-officer@example.test", password=None, full_name="Bench Officer",
        authority=authority, role=Role.MONITORING_OFFICER,
    )
    few_school = _school(authority, "904001", "Two Actions Primary School")
    many_school = _school(authority, "904002", "Twenty Actions Primary School")
    earlier_few = _record(officer, few_school, datetime.date(2023, 10, 2), actions=2)
    earlier_many = _record(officer, many_school, datetime.date(2023, 10, 2), actions=20)
    _finalise(officer, earlier_few)
    _finalise(officer, earlier_many)
    few = _record(officer, few_school, datetime.date(2024, 2, 5), actions=4)
    many = _record(officer, many_school, datetime.date(2024, 2, 5), actions=4)
    assert services.carried_forward_actions(many).count() == 20

    chars = sum(len(v) if isinstance(v, str) else len(str(v)) for v in VisitRecord.objects.get(visit=many).content.values())
    report.fact("Record", f"Coventry CMO Record of Visit 2023-24, every field filled: about {chars:,} characters, "
                "4 actions, 6 self-evaluation rows, and 20 open actions carried forward from the earlier visit")
    report.fact("Signed in as", "the monitoring officer who made the visit (Django test client, server time)")
    report.fact("Requests", f"{requests} timed per row after 3 warm-up requests")

    client = signed_in_client(officer)
    pdf = measure_get(client, reverse("visits:download", kwargs={"pk": many.pk, "fmt": "pdf"}), requests=requests)
    report.row("PDF download of the full record (reportlab)", timing=pdf.timing, target_p95_ms=PDF_TARGET_MS,
               queries=pdf.queries)
    docx = measure_get(client, reverse("visits:download", kwargs={"pk": many.pk, "fmt": "docx"}), requests=requests)
    report.row("Word download of the full record (python-docx)", timing=docx.timing,
               target_p95_ms=DOCX_TARGET_MS, queries=docx.queries)

    for name, label in (("edit", "Record edit page"), ("detail", "Record page (read)")):
        small = measure_get(client, reverse(f"visits:{name}", kwargs={"pk": few.pk}), requests=3)
        large = measure_get(client, reverse(f"visits:{name}", kwargs={"pk": many.pk}), requests=requests)
        same = small.queries == large.queries
        report.row(
            f"{label}, 20 carried-forward actions (queries: with 2 / with 20)",
            timing=large.timing,
            target=f"p95 ≤ {PAGE_TARGET_MS:g} ms; same queries with 2 and 20 actions",
            queries=f"{small.queries} / {large.queries}",
            met=same and large.timing.p95 <= PAGE_TARGET_MS,
        )
    report.note(
        "Downloads are generated on each request (no cache): a record changes until it is finalised, "
        "and permission is checked every time. Both the PDF and the Word file escape everything typed, "
        "so the figures include that work."
    )
