"""The pre-read board pack: what goes in and in what order, the contents page's page numbers,
uploads that cannot be merged, sending (the stored pack, the audit row, one e-mail with a link
per board member), refusals that write nothing, the meetings due a pack, and the daily command."""

from __future__ import annotations

import hashlib
import io
from datetime import date, datetime, time, timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone
from pypdf import PdfReader, PdfWriter
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from improvement.accounts.roles import Role
from improvement.accounts.tests.factories import UserFactory
from improvement.documents.tests.builders import docx_bytes, make_document
from improvement.interventions import boardpacks, services
from improvement.interventions.models import (
    BoardPack,
    Meeting,
    MeetingKind,
    MeetingStatus,
    MeetingStatusChange,
    Process,
    ProcessKind,
    ProcessStatus,
)
from improvement.visits.tests.factories import finalise, make_visit, save

pytestmark = pytest.mark.django_db

MINUTES_MARKER = "MINUTESMARKER the board reviewed the reading plan"
SEF_MARKER = "SEFMARKER"
CONCERN_MARKER = "CONCERNMARKER staffing"


# --- builders ----------------------------------------------------------------------------------


def _at(day: date, hour: int = 10, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _pdf(marker: str, pages: int) -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4)
    for number in range(1, pages + 1):
        canvas.drawString(72, 700, f"{marker} page {number}")
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _encrypted(data: bytes, user_password: str) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.encrypt(user_password=user_password, owner_password="owner-secret", algorithm="AES-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _text(pdf: bytes) -> list[str]:
    """Each page's text with whitespace collapsed."""
    return [" ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(pdf)).pages]


def _meeting(process: Process, day: date, *, number: int, status: str = MeetingStatus.SCHEDULED,
             kind: str = MeetingKind.SIB_STANDARD, hour: int = 10, content: dict | None = None) -> Meeting:
    template = services.template_for(kind, process.school, day)
    return Meeting.objects.create(
        process=process, kind=kind, number=number, template_key=template.key, template_version=template.version,
        starts_at=_at(day, hour), venue="Council House, Room 2", status=status, content=content or {},
        created_by=process.chair,
    )


@pytest.fixture
def today() -> date:
    return timezone.localdate()


@pytest.fixture
def uploads(settings, tmp_path):
    settings.UPLOAD_ROOT = tmp_path / "uploads"
    return settings.UPLOAD_ROOT


@pytest.fixture
def adviser(personas):
    return personas["senior_adviser"]


@pytest.fixture
def officer(personas):
    return personas["monitoring_officer"]


@pytest.fixture
def head(personas):
    return personas["headteacher"]


@pytest.fixture
def process(adviser, school, personas, today) -> Process:
    """A SIB opened 90 days ago (board: the chair, the headteacher, the chair of governors),
    its entry meeting 60 days ago with finalised minutes, the next meeting in 5 days."""
    process = services.open_process(
        actor=adviser, school=school, kind=ProcessKind.SIB, opened_on=today - timedelta(days=90),
        reason="Insufficient progress.", chair=adviser, first_meeting_at=_at(today - timedelta(days=60)),
        venue="Alder Primary School",
    )
    Meeting.objects.filter(process=process).update(
        status=MeetingStatus.FINALISED, content={"context": MINUTES_MARKER, "background": "Background."},
    )
    services.schedule_meeting(actor=adviser, process=process, kind=MeetingKind.SIB_STANDARD,
                              starts_at=_at(today + timedelta(days=5)), venue="Council House, Room 2")
    return process


@pytest.fixture
def meeting(process) -> Meeting:
    return process.meetings.get(number=2)


@pytest.fixture
def visits(officer, head, school, today):
    """Finalised records 70 days ago (before the previous meeting), 30 and 20 days ago; a draft 10 days ago."""
    made = {}
    for days in (70, 30, 20, 10):
        visit = make_visit(officer, school, day=today - timedelta(days=days))
        save(officer, visit, achievement=f"Achievement note {days}",
             concerns=[{"category": "Leadership/staffing stability", "description": CONCERN_MARKER}])
        if days != 10:
            finalise(officer, head, visit)
        made[days] = visit
    return made


def _no_pack_written(meeting: Meeting, changes_before: int) -> None:
    meeting.refresh_from_db()
    assert meeting.pre_reads_sent_at is None
    assert not BoardPack.objects.filter(meeting=meeting).exists()
    assert MeetingStatusChange.objects.filter(meeting=meeting).count() == changes_before
    assert mail.outbox == []


# --- composing ---------------------------------------------------------------------------------


def test_pack_holds_the_pre_reads_in_order_with_right_page_numbers(meeting, visits, head, school, uploads):
    make_document(head, school, kind="self_evaluation", name="sef.pdf", data=_pdf(SEF_MARKER, 3))
    make_document(head, school, kind="improvement_plan", name="sip.docx", data=docx_bytes("SIPMARKER"))

    pdf, entries, total = boardpacks.compose(meeting)

    assert [e["kind"] for e in entries] == [
        "contents", "previous_minutes", "visit_record", "visit_record",
        "self_evaluation", "improvement_plan", "position_statement",
    ]
    pages = _text(pdf)
    assert total == len(pages) == sum(e["pages"] for e in entries)
    included = [e for e in entries if e["pages"]]
    assert included[0]["first_page"] == 1
    for before, after in zip(included, included[1:], strict=False):
        assert after["first_page"] == before["first_page"] + before["pages"]
    contents = " ".join(pages[: entries[0]["pages"]])
    assert "Private & Confidential Board pack: pre-reads" in contents
    for entry in entries[1:]:
        shown = str(entry["first_page"]) if entry["first_page"] else "–"
        assert f"{shown} {entry['title']}" in contents, entry["title"]

    minutes, early, late = entries[1], entries[2], entries[3]
    assert minutes["title"].startswith("Previous meeting record: School Improvement Board: entry meeting, ")
    assert MINUTES_MARKER in " ".join(pages[minutes["first_page"] - 1: minutes["first_page"] - 1 + minutes["pages"]])
    assert early["title"].endswith(f"{visits[30].date:%-d %B %Y}")
    assert late["title"].endswith(f"{visits[20].date:%-d %B %Y}")
    record_text = " ".join(pages[early["first_page"] - 1: late["first_page"] - 1])
    assert "Achievement note 30" in record_text
    assert not any("Achievement note 70" in p or "Achievement note 10" in p for p in pages)

    sef = entries[4]
    assert sef["pages"] == 3 and sef["note"].startswith("sef.pdf, uploaded ")
    for offset in range(3):
        page = pages[sef["first_page"] - 1 + offset]
        assert f"{SEF_MARKER} page {offset + 1}" in page
        assert f"Board pack page {sef['first_page'] + offset} of {total}" in page
    plan, statement = entries[5], entries[6]
    assert plan["pages"] == 0 and plan["first_page"] is None
    assert plan["note"].startswith(boardpacks.OFFICE_NOTE) and "sip.docx" in plan["note"]
    assert not any("SIPMARKER" in p for p in pages)
    assert statement == {"title": "School position statement", "kind": "position_statement",
                         "first_page": None, "pages": 0, "note": "Not uploaded"}


def test_unreadable_pdfs_are_listed_as_not_included_and_the_rest_is_merged(meeting, head, school, uploads):
    make_document(head, school, kind="self_evaluation", name="sef.pdf",
                  data=b"%PDF-1.7\n1 0 obj <</Type /Catalog /Pages 9 0 R>> endobj\ntrailer <<>>\n%%EOF\n")
    make_document(head, school, kind="improvement_plan", name="sip.pdf",
                  data=_encrypted(_pdf("LOCKEDMARKER", 2), user_password="secret"))
    # Restricted by an owner password only (no password to open it): readers open it, so does the pack.
    make_document(head, school, kind="position_statement", name="statement.pdf",
                  data=_encrypted(_pdf("STATEMENTMARKER", 2), user_password=""))

    pdf, entries, total = boardpacks.compose(meeting)

    by_kind = {e["kind"]: e for e in entries}
    assert by_kind["self_evaluation"]["pages"] == 0
    assert by_kind["self_evaluation"]["note"].startswith("Could not be included: the file is damaged")
    assert by_kind["improvement_plan"]["pages"] == 0
    assert by_kind["improvement_plan"]["note"].startswith("Could not be included: the file is password protected")
    assert by_kind["position_statement"]["pages"] == 2
    pages = _text(pdf)
    assert len(pages) == total
    assert "STATEMENTMARKER page 2" in pages[by_kind["position_statement"]["first_page"]]
    assert not any("LOCKEDMARKER" in p for p in pages)
    assert "Could not be included: the file is password protected" in " ".join(pages[:1])


def test_a_meeting_with_nothing_before_it_says_so(adviser, school, today, uploads):
    process = services.open_process(
        actor=adviser, school=school, kind=ProcessKind.SIB, opened_on=today, reason="Concern.", chair=adviser,
        first_meeting_at=_at(today + timedelta(days=3)), venue="School",
    )
    _pdf_bytes, entries, total = boardpacks.compose(process.meetings.get())

    assert entries[1] == {"title": "Previous meeting record", "kind": "previous_minutes", "first_page": None,
                          "pages": 0, "note": "There is no earlier meeting."}
    assert entries[2]["note"] == f"No finalised visit records since the process opened on {today:%-d %B %Y}."
    assert [e["note"] for e in entries[3:]] == ["Not uploaded"] * 3
    assert total == entries[0]["pages"] == 1


def test_visits_since_the_process_opened_count_from_its_first_day(adviser, officer, head, school, today, uploads):
    opened = today - timedelta(days=20)
    process = services.open_process(
        actor=adviser, school=school, kind=ProcessKind.SIB, opened_on=opened, reason="Concern.", chair=adviser,
        first_meeting_at=_at(today + timedelta(days=3)), venue="School",
    )
    for day in (opened - timedelta(days=1), opened):
        finalise(officer, head, make_visit(officer, school, day=day))
    _pdf_bytes, entries, _total = boardpacks.compose(process.meetings.get())
    assert [e["title"] for e in entries if e["kind"] == "visit_record"] == [f"CMO Record of Visit, {opened:%-d %B %Y}"]


def test_unfinalised_previous_minutes_fall_back_to_the_latest_finalised(process, meeting, today, uploads):
    held = _meeting(process, today - timedelta(days=10), number=3, status=MeetingStatus.SENT)
    Meeting.objects.filter(pk=meeting.pk).update(number=4)  # the scheduled one stays last
    _pdf_bytes, entries, _total = boardpacks.compose(meeting)
    minutes = entries[1]
    assert minutes["pages"] > 0 and "entry meeting" in minutes["title"]
    assert minutes["note"] == (f"The minutes of the meeting on {held.starts_at.date():%-d %B %Y} are not "
                               "finalised yet: these are the latest finalised minutes.")


def test_first_pci_meeting_reads_the_sib_exit_minutes(process, adviser, school, today, uploads):
    Process.objects.filter(pk=process.pk).update(status=ProcessStatus.CLOSED, closed_on=today)
    Meeting.objects.filter(process=process, status=MeetingStatus.SCHEDULED).update(status=MeetingStatus.CANCELLED)
    pci = Process.objects.create(school=school, kind=ProcessKind.PCI, opened_on=today, reason="Exited the SIB.",
                                 chair=adviser, follows=process, opened_by=adviser)
    first = _meeting(pci, today + timedelta(days=2), number=1, kind=MeetingKind.PCI)

    _pdf_bytes, entries, _total = boardpacks.compose(first)

    assert entries[1]["title"].startswith("Previous meeting record: School Improvement Board: entry meeting")
    assert entries[1]["pages"] > 0


def test_records_for_the_board_leave_out_sections_for_la_staff_only(meeting, visits, uploads):
    assert boardpacks.reader_role(meeting.process) == Role.CHAIR_OF_GOVERNORS
    as_adviser, _e, _t = boardpacks.compose(meeting)
    as_board, _e, _t = boardpacks.compose(meeting, role=boardpacks.reader_role(meeting.process))
    assert any(CONCERN_MARKER in p for p in _text(as_adviser))
    assert not any(CONCERN_MARKER in p for p in _text(as_board))
    assert "any sections that only LA staff may read are left out" in _text(as_board)[0]


# --- sending -----------------------------------------------------------------------------------


def test_sending_stores_the_pack_and_emails_each_board_member_a_link(
    meeting, visits, adviser, head, personas, uploads, django_capture_on_commit_callbacks
):
    link = "https://sim.example.test/interventions/meetings/2/"
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        pack = boardpacks.send_board_pack(actor=adviser, meeting=meeting, link=link)
        assert mail.outbox == []  # nothing leaves before the commit
    assert len(callbacks) == 1

    stored = BoardPack.objects.get(meeting=meeting)
    assert stored.pk == pack.pk and stored.compiled_by == adviser
    data = bytes(stored.pdf)
    assert len(PdfReader(io.BytesIO(data)).pages) == stored.pages == sum(e["pages"] for e in stored.contents)
    assert hashlib.sha256(data).hexdigest() == stored.sha256
    meeting.refresh_from_db()
    assert meeting.pre_reads_sent_at == stored.compiled_at
    change = MeetingStatusChange.objects.filter(meeting=meeting).latest("pk")
    assert (change.from_status, change.to_status, change.actor) == ("scheduled", "scheduled", adviser)
    assert change.comment == f"Pre-read pack sent to the board ({stored.pages} pages)"

    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == sorted([adviser.email, head.email, personas["chair_of_governors"].email])
    for message in mail.outbox:
        assert len(message.to) == 1 and message.attachments == []
        assert link in message.body and f"{stored.pages} pages" in message.body
        assert message.subject.startswith("Board pack: School Improvement Board: standard meeting, Alder Primary")


def test_sending_again_compiles_a_new_pack_and_keeps_the_first(meeting, adviser, uploads):
    first = boardpacks.send_board_pack(actor=adviser, meeting=meeting)
    second = boardpacks.send_board_pack(actor=adviser, meeting=meeting)
    assert BoardPack.objects.filter(meeting=meeting).count() == 2 and first.pk != second.pk


def test_a_member_who_left_the_board_is_not_emailed(meeting, adviser, head, uploads, django_capture_on_commit_callbacks):
    seat = meeting.process.members.get(user=head)
    services.remove_board_member(actor=adviser, member=seat)
    with django_capture_on_commit_callbacks(execute=True):
        boardpacks.send_board_pack(actor=None, meeting=meeting)
    assert head.email not in [m.to[0] for m in mail.outbox] and len(mail.outbox) == 2


@pytest.mark.parametrize("status", [MeetingStatus.DRAFT, MeetingStatus.FINALISED, MeetingStatus.CANCELLED])
def test_no_pack_for_a_meeting_already_held_or_cancelled(meeting, adviser, status, uploads,
                                                         django_capture_on_commit_callbacks):
    Meeting.objects.filter(pk=meeting.pk).update(status=status)
    before = MeetingStatusChange.objects.filter(meeting=meeting).count()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError) as raised:
        boardpacks.send_board_pack(actor=adviser, meeting=meeting)
    expected = "cancelled" if status == MeetingStatus.CANCELLED else "already been held"
    assert expected in raised.value.messages[0]
    _no_pack_written(meeting, before)


def test_no_pack_for_a_closed_process(meeting, adviser, uploads, django_capture_on_commit_callbacks):
    Process.objects.filter(pk=meeting.process_id).update(status=ProcessStatus.CLOSED)
    before = MeetingStatusChange.objects.filter(meeting=meeting).count()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError) as raised:
        boardpacks.send_board_pack(actor=adviser, meeting=meeting)
    assert raised.value.messages == ["This process is closed: no board pack can be sent for its meetings."]
    _no_pack_written(meeting, before)


@pytest.mark.parametrize("who", ["monitoring_officer", "headteacher", "chair_of_governors", "la_admin",
                                 "other_la_senior_adviser"])
def test_only_the_chair_or_a_senior_adviser_sends_the_pack(meeting, personas, other_authority, who, uploads,
                                                           django_capture_on_commit_callbacks):
    actor = (UserFactory(authority=other_authority, role=Role.SENIOR_ADVISER)
             if who == "other_la_senior_adviser" else personas[who])
    before = MeetingStatusChange.objects.filter(meeting=meeting).count()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(PermissionDenied):
        boardpacks.send_board_pack(actor=actor, meeting=meeting)
    _no_pack_written(meeting, before)


def test_the_scheduled_job_sends_as_nobody_and_says_so(meeting, uploads):
    pack = boardpacks.send_board_pack(actor=None, meeting=meeting)
    assert pack.compiled_by is None
    change = MeetingStatusChange.objects.filter(meeting=meeting).latest("pk")
    assert change.comment == f"Pre-read pack sent to the board ({pack.pages} pages) by the scheduled job"


# --- which meetings are due, and the daily command ------------------------------------------------


def test_meetings_due_a_pack_are_the_next_seven_days_unsent(adviser, school, sibling_school, today):
    process = Process.objects.create(school=school, kind=ProcessKind.SIB, opened_on=today - timedelta(days=100),
                                     reason="Concern.", chair=adviser, opened_by=adviser)
    past = _meeting(process, today - timedelta(days=1), number=1, hour=23)
    this_morning = _meeting(process, today, number=2, hour=0)
    day_7 = _meeting(process, today + timedelta(days=7), number=3, hour=23)
    day_8 = _meeting(process, today + timedelta(days=8), number=4, hour=0)
    sent = _meeting(process, today + timedelta(days=2), number=5)
    Meeting.objects.filter(pk=sent.pk).update(pre_reads_sent_at=timezone.now())
    _meeting(process, today + timedelta(days=3), number=6, status=MeetingStatus.CANCELLED)
    paused = Process.objects.create(school=sibling_school, kind=ProcessKind.SIB, opened_on=today,
                                    reason="Concern.", chair=adviser, opened_by=adviser, status=ProcessStatus.PAUSED)
    _meeting(paused, today + timedelta(days=1), number=1)

    due = list(boardpacks.meetings_due_a_pack(today))

    assert due == [this_morning, day_7]
    assert past not in due and day_8 not in due


def test_the_command_sends_each_due_pack_once_and_dry_run_writes_nothing(
    meeting, uploads, django_capture_on_commit_callbacks
):
    out = io.StringIO()
    call_command("send_board_packs", "--dry-run", stdout=out)
    assert "Would send the board pack for" in out.getvalue() and "Alder Primary School" in out.getvalue()
    assert not BoardPack.objects.exists() and mail.outbox == []
    meeting.refresh_from_db()
    assert meeting.pre_reads_sent_at is None

    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_board_packs", "--base-url", "https://sim.example.test/", stdout=out)
    assert "Sent the board pack for" in out.getvalue() and "1 pack(s) sent" in out.getvalue()
    pack = BoardPack.objects.get(meeting=meeting)
    assert pack.compiled_by is None and len(mail.outbox) == 3
    assert f"https://sim.example.test{meeting.get_absolute_url()}" in mail.outbox[0].body

    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_board_packs", stdout=out)
    assert "No board packs are due." in out.getvalue()
    assert BoardPack.objects.count() == 1 and len(mail.outbox) == 3


def test_the_command_skips_a_meeting_sent_meanwhile(meeting, uploads):
    """A second run racing the first: the row is re-read under a lock and skipped."""
    from improvement.interventions.management.commands.send_board_packs import send_due

    due = list(boardpacks.meetings_due_a_pack(timezone.localdate()))
    Meeting.objects.filter(pk=meeting.pk).update(pre_reads_sent_at=timezone.now())
    result = send_due(due, dry_run=False, base_url="")
    assert result.sent == [] and result.skipped == [meeting] and not BoardPack.objects.exists()
