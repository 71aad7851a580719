"""The pre-read board pack (School Improvement Boards): 10 records and 3 uploaded PDFs in <= 5 s.

A School Improvement Board meeting a week away, with what the issue's target names: 10 finalised
records (the previous meeting's minutes and 9 Coventry CMO Records of Visit since then, every
text field filled with about 300 words, every table with rows) and the school's self-evaluation,
improvement plan and position statement uploaded as PDFs of 10, 20 and 30 pages of text. The
board is the chair, the headteacher, the chair of governors and the school's officer.

1. `compose`: reading the records, printing each one (visits.exports.to_pdf), checking and
   merging the uploads, drawing the contents page and stamping every page.
2. `send_board_pack`: the same, plus storing the pack, marking the meeting and e-mailing the board
   after the commit (the section runs with the in-memory mail backend: no SMTP server time).
Each run compiles the whole pack afresh (nothing is cached between runs).
"""

from __future__ import annotations

import io
import time
from datetime import date, datetime, timedelta
from datetime import time as clock

from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bench.report import SectionReport, Timing
from improvement.accounts.models import Authority, User
from improvement.accounts.roles import Role
from improvement.documents import services as documents
from improvement.interventions import boardpacks
from improvement.interventions import services as interventions
from improvement.interventions.models import (
    BoardPack,
    Meeting,
    MeetingKind,
    MeetingStatus,
    ProcessKind,
)
from improvement.planning.models import OfficerAllocation
from improvement.policy import calendar as academic
from improvement.policy import frameworks, record_templates
from improvement.policy.record_templates import FieldKind, RecordTemplate
from improvement.schools.models import Governance, Phase, School
from improvement.visits import services as visits
from improvement.visits.models import Visit, VisitRecord, VisitStatus

TITLE = "Board packs: the pre-read PDF for a board meeting (interventions)"
TARGET_MS = 5000.0
VISITS = 9
UPLOADS = {"self_evaluation": 10, "improvement_plan": 20, "position_statement": 30}
WORDS = 300

NOTES = [
    "Where the time goes (cProfile of one compose, 187 pages): about 70% is reportlab laying out and "
    "writing the 10 records (`visits.exports.to_pdf`, the same code as a record's PDF download, about "
    "160 ms a record), about 11% stamping \"Board pack page N of M\" on every page (pypdf decodes each "
    "page's content stream to merge the stamp), and the rest reading the uploads, copying each one once "
    "to catch damaged pages before the merge, and writing the merged file. Queries grow by three per "
    "visit record (its latest revision and its number in the year, as its own download reads them); "
    "a pack holds a handful of records.",
]

SENTENCES = (
    "Leaders have an accurate view of the school's strengths and priorities, and the board heard how "
    "the reading plan has been implemented since the last meeting. A large majority of pupils reached "
    "the expected standard in reading, and the gap for disadvantaged pupils has narrowed for the second "
    "year. The SENCo has revised provision maps and teachers use them when planning adaptations. "
    "Attendance is improving but persistent absence remains above the national figure for pupils with "
    "SEND. Governors have challenged leaders on the pace of change in mathematics and asked for termly "
    "evidence of the impact of the new calculation policy. "
)


def _words(count: int) -> str:
    words = (SENTENCES * (count // 80 + 1)).split()
    return " ".join(words[:count])


def _fill(template: RecordTemplate, day: date) -> dict:
    """Every field a person types into, filled: text with about WORDS words, tables with rows."""
    era = frameworks.era_for_date(day)
    areas = list(era.areas) if era else []
    content: dict = {}
    for _section, f in template.all_fields():
        if f.readonly or f.prefill.startswith("meeting."):
            continue
        if f.kind == FieldKind.TEXT:
            content[f.key] = _words(WORDS)
        elif f.kind == FieldKind.CHOICE and f.options:
            content[f.key] = f.options[0]
        elif f.kind == FieldKind.EVIDENCE_LIST:
            content[f.key] = list(f.options[:4]) or ["Learning walk", "Pupil voice", "Work scrutiny"]
        elif f.kind == FieldKind.JUDGEMENT_TABLE:
            content[f.key] = {area.key: {"comment": _words(60)} for area in areas}
        elif f.kind == FieldKind.PEOPLE_PRESENT:
            content[f.key] = [{"role": role, "name": initials} for role, initials in
                              (("Headteacher", "HT"), ("SENCo", "AB"), ("Chair of governors", "CG"))]
        elif f.kind in (FieldKind.ACTIONS_TABLE, FieldKind.TARGETS_TABLE, FieldKind.GOOD_PRACTICE_LIST,
                        FieldKind.CONCERN_LIST):
            rows = []
            for n in range(4 if f.kind == FieldKind.ACTIONS_TABLE else 2):
                row = {key: _words(40) for key, _label in f.table_columns()}
                row.update(lead_role="Deputy headteacher", lead_initials="CD", by_when="31/03/2027",
                           category=f.options[0] if f.options else "Other", area=f"Area {n + 1}")
                rows.append(row)
            content[f.key] = rows
    return content


def _uploaded_pdf(label: str, pages: int) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate

    styles = getSampleStyleSheet()
    story = []
    for page in range(1, pages + 1):
        story.append(Paragraph(f"{label}: page {page}", styles["Heading2"]))
        story += [Paragraph(_words(90), styles["BodyText"]) for _ in range(4)]
        if page < pages:
            story.append(PageBreak())
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, title=label).build(story)
    return buffer.getvalue()


def _at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, clock(hour)))


def _users(authority: Authority, school: School) -> dict[str, User]:
    def user(email: str, name: str, role: str, **extra) -> User:
        return User.objects.create_user(email, "not-used-bench-password", full_name=name, authority=authority,
                                        role=role, **extra)

    return {
        "adviser": user("adviser@906.bench.example", "Bench Senior Adviser", Role.SENIOR_ADVISER),
        "officer": user("officer@906.bench.example", "Bench Officer", Role.MONITORING_OFFICER),
        "head": user("head@906.bench.example", "Bench Headteacher", Role.HEADTEACHER, school=school),
        "governor": user("governor@906.bench.example", "Bench Chair of Governors", Role.CHAIR_OF_GOVERNORS,
                         school=school),
    }


def _meeting_with_pre_reads(today: date) -> tuple[Meeting, User]:
    authority, _ = Authority.objects.get_or_create(code="906", defaults={"name": "Bench Board Packs"})
    school = School.objects.create(
        authority=authority, urn="906001", establishment_number="6001", name="Board Pack Primary School",
        phase=Phase.PRIMARY, governance=Governance.LA_MAINTAINED, pupils_on_roll=420,
        headteacher_name="Head Teacher",
    )
    people = _users(authority, school)
    adviser, officer, head = people["adviser"], people["officer"], people["head"]
    OfficerAllocation.objects.create(school=school, academic_year=academic.academic_year_of(today), officer=officer,
                                     allocated_by=adviser)
    previous_day = today - timedelta(days=60)
    process = interventions.open_process(
        actor=adviser, school=school, kind=ProcessKind.SIB, opened_on=today - timedelta(days=120),
        reason="Insufficient progress since the last inspection.", chair=adviser,
        first_meeting_at=_at(previous_day), venue="Board Pack Primary School",
    )
    previous = process.meetings.get()
    Meeting.objects.filter(pk=previous.pk).update(
        content=_fill(previous.template, previous_day), status=MeetingStatus.FINALISED,
    )
    meeting = interventions.schedule_meeting(actor=adviser, process=process, kind=MeetingKind.SIB_STANDARD,
                                             starts_at=_at(today + timedelta(days=7)), venue="Council House")

    template = record_templates.get_template("coventry-cmo-record-of-visit", 1)
    for n in range(VISITS):
        day = previous_day + timedelta(days=5 + 5 * n)
        visit = visits.create_visit(actor=officer, school=school, template=template, day=day, focus="SEND")
        record = VisitRecord.objects.get(visit=visit)
        content = visits.ensure_row_uids(template, {**record.content, **_fill(template, day)})
        visits.save_record(actor=officer, visit=visit, content=content, expected_version=record.version)
        visits.transition(actor=officer, visit=visit, step_name="send")
        Visit.objects.filter(pk=visit.pk).update(status=VisitStatus.ACCURATE)
        visits.transition(actor=officer, visit=visit, step_name="finalise")

    for kind, pages in UPLOADS.items():
        data = _uploaded_pdf(kind.replace("_", " ").capitalize(), pages)
        documents.upload_document(actor=head, school=school, kind=kind, title="",
                                  uploaded_file=SimpleUploadedFile(f"{kind}.pdf", data))
    return meeting, adviser


@override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")
def run(report: SectionReport) -> None:
    quick = bool(getattr(report.options, "quick", False))
    runs = 2 if quick else 7
    today = timezone.localdate()
    meeting, adviser = _meeting_with_pre_reads(today)

    started = time.perf_counter()
    pdf, entries, pages = boardpacks.compose(meeting, role=boardpacks.reader_role(meeting.process))
    first_ms = (time.perf_counter() - started) * 1000
    records = [e for e in entries if e["kind"] in ("previous_minutes", "visit_record") and e["pages"]]
    uploads = [e for e in entries if e["kind"] in UPLOADS and e["pages"]]
    assert len(records) == VISITS + 1 and len(uploads) == len(UPLOADS), entries
    report.fact("Pack", f"{len(records)} records ({sum(e['pages'] for e in records)} pages: the previous "
                f"minutes and {VISITS} CMO Records of Visit, every text field about {WORDS} words) and "
                f"{len(uploads)} uploaded PDFs ({', '.join(str(e['pages']) for e in uploads)} pages): "
                f"{pages} pages, {len(pdf) / 1024 / 1024:.1f} MB")
    report.fact("Runs", f"{runs} timed runs of each after one untimed run ({first_ms:,.0f} ms)")

    with CaptureQueriesContext(connection) as compose_queries:
        boardpacks.compose(meeting, role=boardpacks.reader_role(meeting.process))
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        boardpacks.compose(meeting, role=boardpacks.reader_role(meeting.process))
        samples.append((time.perf_counter() - started) * 1000)
    report.row("Compose the pack (records printed, uploads checked and merged, contents, page stamps)",
               timing=Timing(samples), target_p95_ms=TARGET_MS, queries=len(compose_queries))

    with CaptureQueriesContext(connection) as send_queries:
        boardpacks.send_board_pack(actor=adviser, meeting=meeting, link="https://sim.example/meetings/1/")
    samples = []
    for _ in range(runs):
        mail.outbox = []
        started = time.perf_counter()
        boardpacks.send_board_pack(actor=adviser, meeting=meeting, link="https://sim.example/meetings/1/")
        samples.append((time.perf_counter() - started) * 1000)
        assert len(mail.outbox) == 4, "every board member is e-mailed once"
    report.row("Send the pack (compose, store, mark the meeting, e-mail the board of 4 after commit)",
               timing=Timing(samples), target_p95_ms=TARGET_MS, queries=len(send_queries))
    assert BoardPack.objects.filter(meeting=meeting).count() == runs + 1
