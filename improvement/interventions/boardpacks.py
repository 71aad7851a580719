"""The pre-read board pack: one PDF a week before each meeting, with a contents page.

Coventry's SIB pre-read list, in this order: the previous meeting's record; the officers' records
of visits since the previous meeting; the school's self-evaluation, School Improvement Plan and
position statement. `compose` builds the PDF (no writes); `send_board_pack` stores it as an
immutable BoardPack, marks the meeting's pre-reads as sent and e-mails the board a link (never
the attachment); `meetings_due_a_pack` is what the daily `send_board_packs` command sends.

- Records are printed with the same presenters and PDF export as their own pages and downloads
  (visits.exports.to_pdf), so the pack and a record's download never disagree.
- Uploaded PDFs are merged page by page (pypdf). Word and Excel uploads cannot be turned into
  PDF pages without an office suite: they are listed on the contents page with a note saying
  where to open them. A PDF pypdf cannot read (password protected, damaged) is listed as not
  included, with the reason, and the rest of the pack is still sent.
- The contents page is drawn last, once every other part's pages are counted, so its page
  numbers are the pack's own (a PDF reader's page numbers); every page also carries a small
  "Board pack page N of M" stamp, because each record keeps its own page numbers at its foot.
- One pack goes to the whole board, so records are printed as the board's least-privileged
  reader may read them (`reader_role`): a chair of governors on the board means sections for
  LA staff only (e.g. expressions of concern) are left out.
"""

from __future__ import annotations

import hashlib
import io
import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from xml.sax.saxutils import escape

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from improvement.accounts.models import User
from improvement.accounts.roles import LA_STAFF_ROLES, Role
from improvement.actions.models import ActionProgress
from improvement.interventions import selectors
from improvement.interventions.models import (
    BoardPack,
    BoardRole,
    Meeting,
    MeetingStatus,
    MeetingStatusChange,
    Process,
    ProcessStatus,
)
from improvement.interventions.presenters import minutes_view
from improvement.interventions.services import board_users, can_manage, link_sentence, notify
from improvement.policy import record_templates
from improvement.visits import exports
from improvement.visits.models import LOCKED_STATUSES, Visit

logger = logging.getLogger(__name__)

MINUTES_STATUSES = (MeetingStatus.FINALISED, MeetingStatus.SHARED)
HELD_STATUSES = (MeetingStatus.DRAFT, MeetingStatus.SENT, MeetingStatus.ACCURATE, MeetingStatus.COMMENTED,
                 *MINUTES_STATUSES)
OFFICE_NOTE = "Word/Excel file: open it from the school's documents page in the service"
NOT_UPLOADED = "Not uploaded"

# The school's uploads the pack carries, in Coventry's order (documents.DocumentKind values).
DOCUMENT_KINDS = ("self_evaluation", "improvement_plan", "position_statement")

# Roles from the one who may read least of a record to the one who may read most: a pack for
# the whole board is printed for the first of these on the board.
_READER_ORDER = (Role.TRUST_CEO, Role.CHAIR_OF_GOVERNORS, Role.HEADTEACHER, Role.LA_VIEWER,
                 Role.NETWORK_LEAD, Role.MONITORING_OFFICER, Role.LA_ADMIN, Role.SENIOR_ADVISER)
# Members listed by name only: what their seat says they are; "other" could be anyone.
_SEAT_READER = {
    BoardRole.HEADTEACHER: Role.HEADTEACHER,
    BoardRole.CHAIR_OF_GOVERNORS: Role.CHAIR_OF_GOVERNORS,
    BoardRole.OTHER: Role.CHAIR_OF_GOVERNORS,
}


@dataclass
class _Part:
    title: str
    kind: str
    note: str = ""
    reader: object = None  # a pypdf PdfReader when the part has pages
    pages: int = 0


def _day(value: date) -> str:
    return f"{value:%-d %B %Y}"


def _meeting_day(meeting: Meeting) -> date:
    return timezone.localtime(meeting.starts_at).date()


def _pdf_reader(data: bytes):
    from pypdf import PdfReader

    return PdfReader(io.BytesIO(data))


# --- what goes in --------------------------------------------------------------------------


def reader_role(process: Process) -> str:
    """The role a pack for this board is printed for: the board's least-privileged reader."""
    roles: set[str] = set()
    for member in process.members.filter(left_at__isnull=True).select_related("user"):
        if member.user_id:
            roles.add(member.user.role)
        elif member.role in _SEAT_READER:
            roles.add(_SEAT_READER[member.role])
    for role in _READER_ORDER:
        if role in roles:
            return role.value
    return Role.SENIOR_ADVISER.value


def _earlier(meeting: Meeting, statuses) -> tuple[Meeting | None, Meeting | None]:
    """(latest earlier meeting in `statuses`, latest earlier held meeting) of the process; for
    the first meeting of a process that follows another (a PCI after a SIB), the other's."""
    own = meeting.process.meetings.filter(starts_at__lt=meeting.starts_at).exclude(pk=meeting.pk)
    held = (own.filter(status__in=HELD_STATUSES).select_related("process__school__authority")
            .order_by("-starts_at", "-pk"))
    with_minutes = held.filter(status__in=statuses).first()
    latest_held = held.first()
    followed = meeting.process.follows
    if followed is not None and not own.exclude(status=MeetingStatus.CANCELLED).exists():
        earlier = followed.meetings.filter(status__in=HELD_STATUSES, starts_at__lt=meeting.starts_at)
        earlier = earlier.select_related("process__school__authority").order_by("-starts_at", "-pk")
        with_minutes = with_minutes or earlier.filter(status__in=statuses).first()
        latest_held = latest_held or earlier.first()
    return with_minutes, latest_held


def _reviews_at(meeting: Meeting) -> list[dict[str, str]]:
    """The minutes' "progress against agreed actions": the reviews recorded at that meeting."""
    rows = []
    progress = (ActionProgress.objects.filter(meeting=meeting)
                .select_related("action__source_visit", "action__source_meeting").order_by("at", "pk"))
    for entry in progress:
        action = entry.action
        agreed = action.agreed_on
        rows.append({
            "id": str(action.pk), "text": action.text, "lead": action.lead,
            "due": _day(action.due_date) if action.due_date else action.due_text,
            "from": _day(agreed) if agreed else "", "status": entry.get_status_display(),
            "comment": entry.comment,
        })
    return rows


def _minutes_part(meeting: Meeting, minutes: Meeting | None, latest_held: Meeting | None, role: str) -> _Part:
    if minutes is None:
        if latest_held is None:
            return _Part("Previous meeting record", "previous_minutes", note="There is no earlier meeting.")
        return _Part(
            "Previous meeting record", "previous_minutes",
            note=(f"The minutes of the meeting on {_day(_meeting_day(latest_held))} are not finalised yet "
                  f"({latest_held.get_status_display().lower()})."),
        )
    view = minutes_view(meeting=minutes, role=role, board=selectors.board_names(selectors.board(minutes.process)),
                        carried_forward=_reviews_at(minutes))
    note = ""
    if latest_held is not None and latest_held.pk != minutes.pk:
        note = (f"The minutes of the meeting on {_day(_meeting_day(latest_held))} are not finalised yet: "
                "these are the latest finalised minutes.")
    reader = _pdf_reader(exports.to_pdf(view))
    return _Part(f"Previous meeting record: {minutes.get_kind_display()}, {_day(_meeting_day(minutes))}",
                 "previous_minutes", note=note, reader=reader, pages=len(reader.pages))


def visits_since(meeting: Meeting, latest_held: Meeting | None) -> tuple[date, QuerySet[Visit]]:
    """The school's finalised or distributed visit records after the previous held meeting's
    day (or from the day the process opened) up to the meeting's day, oldest first."""
    school_id = meeting.process.school_id
    visits = Visit.objects.filter(school_id=school_id, status__in=LOCKED_STATUSES, date__lte=_meeting_day(meeting))
    if latest_held is not None:
        since = _meeting_day(latest_held)
        visits = visits.filter(date__gt=since)
    else:
        since = meeting.process.opened_on
        visits = visits.filter(date__gte=since)
    visits = (visits.select_related("school__authority", "school__trust", "record")
              .prefetch_related("officers").order_by("date", "pk"))
    return since, visits


def _visit_parts(meeting: Meeting, latest_held: Meeting | None, role: str) -> list[_Part]:
    from improvement.visits.selectors import record_display

    since, visits = visits_since(meeting, latest_held)
    parts = []
    for visit in visits:
        reader = _pdf_reader(exports.to_pdf(record_display(visit=visit, role=role)))
        officers = ", ".join(str(o) for o in visit.officers.all())
        parts.append(_Part(f"{visit.template.short_title}, {_day(visit.date)}", "visit_record",
                           note=f"{visit.get_status_display()}; {officers}" if officers else visit.get_status_display(),
                           reader=reader, pages=len(reader.pages)))
    if not parts:
        after = "since the previous meeting on" if latest_held is not None else "since the process opened on"
        parts.append(_Part("Visit records", "visit_record",
                           note=f"No finalised visit records {after} {_day(since)}."))
    return parts


def _uploaded_pdf(path) -> tuple[object | None, str]:
    """(reader, "") for a PDF whose every page pypdf can copy, else (None, the reason)."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.errors import DependencyError, FileNotDecryptedError, PyPdfError

    try:
        data = path.read_bytes()
    except OSError:
        logger.exception("Board pack: cannot read the uploaded file %s", path)
        return None, "the file is missing from the document store"
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            return None, "the file is password protected"
        if not reader.pages:
            return None, "the file has no pages"
        # Copy it once on its own: a damaged page fails here, not halfway through the pack.
        check = PdfWriter(clone_from=reader)
        copy = io.BytesIO()
        check.write(copy)
        return PdfReader(copy), ""
    except (FileNotDecryptedError, DependencyError):
        return None, "the file is password protected"
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError,
            AssertionError, OSError) as error:
        logger.warning("Board pack: cannot include %s: %r", path, error)
        return None, "the file is damaged or is not a PDF a reader can open"


def _document_parts(meeting: Meeting) -> list[_Part]:
    from improvement.documents.models import DocumentKind
    from improvement.documents.selectors import document_path, latest_documents_by_kind

    latest = latest_documents_by_kind(meeting.process.school)
    parts = []
    for kind in DOCUMENT_KINDS:
        label = DocumentKind(kind).label
        document = latest.get(kind)
        if document is None:
            parts.append(_Part(label, kind, note=NOT_UPLOADED))
            continue
        title = label if document.title.strip().lower() == label.lower() else f"{label}: {document.title}"
        uploaded = f"{document.original_filename}, uploaded {_day(timezone.localtime(document.uploaded_at).date())}"
        if document.detected_type != "pdf":
            parts.append(_Part(title, kind, note=f"{OFFICE_NOTE} ({uploaded})."))
            continue
        reader, reason = _uploaded_pdf(document_path(document))
        if reader is None:
            parts.append(_Part(title, kind, note=f"Could not be included: {reason} ({uploaded})."))
        else:
            parts.append(_Part(title, kind, note=uploaded, reader=reader, pages=len(reader.pages)))
    return parts


# --- the contents page and the stamps --------------------------------------------------------


def _contents_pdf(meeting: Meeting, parts: list[_Part], first_pages: list[int | None], total: int,
                  board: list[str], role: str) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    styles = getSampleStyleSheet()
    body = ParagraphStyle("body", parent=styles["BodyText"], fontName="Helvetica", fontSize=10, leading=13)
    small = ParagraphStyle("small", parent=body, fontSize=8.5, leading=10.5, textColor=colors.HexColor("#505a5f"))
    h0 = ParagraphStyle("h0", parent=styles["Title"], fontName="Helvetica-Bold", fontSize=18, leading=22,
                        alignment=0)
    h1 = ParagraphStyle("h1", parent=styles["Heading2"], fontName="Helvetica-Bold", fontSize=13, spaceBefore=10)
    mark = ParagraphStyle("mark", parent=body, fontName="Helvetica-Bold")

    def p(text: str, style=body) -> Paragraph:
        return Paragraph(escape(exports.clean(text)).replace("\n", "<br/>"), style)

    process = meeting.process
    start = timezone.localtime(meeting.starts_at)
    width = A4[0] - 36 * mm
    story: list = []
    if process.private_and_confidential:
        story.append(p(exports.CONFIDENTIAL, mark))
    story.append(p("Board pack: pre-reads", h0))
    story.append(p(f"{meeting.get_kind_display()} (meeting {meeting.number})", body))
    facts = [
        ["School", process.school.name],
        ["Meeting", meeting.get_kind_display()],
        ["Date and time", f"{start:%A %-d %B %Y}, {start:%H:%M} (about {meeting.duration_minutes} minutes)"],
        ["Venue", meeting.venue],
        ["Board", "\n".join(board) or "No members recorded"],
        ["Compiled", f"{timezone.localtime():%-d %B %Y, %H:%M}; {total} pages"],
    ]
    grid = [("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#b1b4b6")), ("VALIGN", (0, 0), (-1, -1), "TOP")]
    table = Table([[p(a, mark), p(b)] for a, b in facts], colWidths=[width * 0.25, width * 0.75])
    table.setStyle(TableStyle(grid))
    story += [Spacer(1, 6), table, p("Contents", h1)]
    rows = [[p("Page", mark), p("Part", mark), p("Pages", mark)]]
    for part, first in zip(parts, first_pages, strict=True):
        cell = [p(part.title)] + ([p(part.note, small)] if part.note else [])
        rows.append([p(str(first) if first else "–"), cell, p(str(part.pages) if part.pages else "–")])
    contents = Table(rows, colWidths=[width * 0.1, width * 0.78, width * 0.12], repeatRows=1)
    contents.setStyle(TableStyle([*grid, ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f3f2f1"))]))
    story.append(contents)
    story.append(Spacer(1, 6))
    story.append(p("Page numbers are this pack's own, as a PDF reader counts them and as stamped at the "
                   "top of every page; each record also keeps its own page numbers at its foot.", small))
    if role not in LA_STAFF_ROLES:
        story.append(p("The records are printed as every member of this board may read them: any sections "
                       "that only LA staff may read are left out.", small))

    def decorate(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont("Helvetica", 8.5)
        canvas.drawString(18 * mm, 10 * mm, exports.clean(f"{process.school.name}, {start:%d %B %Y}")[:90])
        canvas.restoreState()

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=18 * mm,
                            bottomMargin=18 * mm, title=exports.clean(f"Board pack: {meeting}"),
                            author="School Improvement Monitor")
    doc.build(story, onFirstPage=decorate, onLaterPages=decorate)
    return buffer.getvalue()


def _stamps(sizes: list[tuple[float, float]]) -> bytes:
    """One page per pack page, the size of that page, with "Board pack page N of M" at its top."""
    from reportlab.lib.units import mm
    from reportlab.pdfgen.canvas import Canvas

    buffer = io.BytesIO()
    canvas = Canvas(buffer, pageCompression=1)
    total = len(sizes)
    for number, (width, height) in enumerate(sizes, start=1):
        canvas.setPageSize((width, height))
        canvas.setFont("Helvetica", 7.5)
        canvas.setFillGray(0.35)
        canvas.drawString(min(18 * mm, width / 10), height - min(8 * mm, height / 20),
                          f"Board pack page {number} of {total}")
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


# --- composing -----------------------------------------------------------------------------


def compose(meeting: Meeting, *, role: str = Role.SENIOR_ADVISER.value) -> tuple[bytes, list[dict], int]:
    """The pack's PDF, its contents entries ({"title", "kind", "first_page", "pages", "note"},
    the contents page first) and its page count. Reads only; the caller checks permission."""
    from pypdf import PdfWriter

    meeting = Meeting.objects.select_related("process__school__authority", "process__follows").get(pk=meeting.pk)
    minutes, latest_held = _earlier(meeting, MINUTES_STATUSES)
    parts = [_minutes_part(meeting, minutes, latest_held, role), *_visit_parts(meeting, latest_held, role),
             *_document_parts(meeting)]
    board = selectors.board_names(selectors.board(meeting.process))
    body_pages = sum(part.pages for part in parts)

    # The contents page's own length decides every first page: draw it until it agrees.
    contents_pages, contents = 1, b""
    for _attempt in range(5):
        first_pages, page = [], contents_pages + 1
        for part in parts:
            first_pages.append(page if part.pages else None)
            page += part.pages
        contents = _contents_pdf(meeting, parts, first_pages, contents_pages + body_pages, board, role)
        drawn = len(_pdf_reader(contents).pages)
        if drawn == contents_pages:
            break
        contents_pages = drawn
    cover = _Part("Contents", "contents", reader=_pdf_reader(contents), pages=contents_pages)

    writer = PdfWriter()
    entries = [{"title": cover.title, "kind": cover.kind, "first_page": 1, "pages": cover.pages, "note": ""}]
    writer.append(cover.reader, outline_item=cover.title, import_outline=False)
    for part, first in zip(parts, first_pages, strict=True):
        entries.append({"title": part.title, "kind": part.kind, "first_page": first, "pages": part.pages,
                        "note": part.note})
        if part.reader is not None:
            writer.append(part.reader, outline_item=part.title, import_outline=False)
    total = len(writer.pages)
    assert total == contents_pages + body_pages, "the contents page's numbers would be wrong"

    sizes = [(float(page.mediabox.width), float(page.mediabox.height)) for page in writer.pages]
    stamps = _pdf_reader(_stamps(sizes))
    for page, stamp in zip(writer.pages, stamps.pages, strict=True):
        if page.get("/Rotate"):
            page.transfer_rotation_to_content()
        page.merge_page(stamp, over=True)
    writer.add_metadata({"/Title": exports.clean(f"Board pack: {meeting}"), "/Author": "School Improvement Monitor"})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue(), entries, total


# --- sending -------------------------------------------------------------------------------


@transaction.atomic
def send_board_pack(*, actor: User | None, meeting: Meeting, link: str = "") -> BoardPack:
    """Compile the pack, keep it (an immutable BoardPack), mark the pre-reads sent and, once
    committed, e-mail every current board member with an account a link to it. `actor` None is
    the scheduled job; otherwise the chair or a senior adviser. Sending again compiles a new
    pack (the earlier ones are kept)."""
    meeting = Meeting.objects.select_for_update().select_related("process__school__authority").get(pk=meeting.pk)
    process = meeting.process
    if actor is not None and not can_manage(actor, process):
        raise PermissionDenied("Only the chair or a senior adviser can send the board pack.")
    if process.status == ProcessStatus.CLOSED:
        raise ValidationError("This process is closed: no board pack can be sent for its meetings.")
    if meeting.status == MeetingStatus.CANCELLED:
        raise ValidationError("This meeting has been cancelled: there is no board pack to send.")
    if meeting.status != MeetingStatus.SCHEDULED:
        raise ValidationError("This meeting has already been held: the board pack is sent before a meeting.")

    pdf, contents, pages = compose(meeting, role=reader_role(process))
    pack = BoardPack.objects.create(meeting=meeting, pdf=pdf, contents=contents, pages=pages,
                                    sha256=hashlib.sha256(pdf).hexdigest(), compiled_by=actor)
    meeting.pre_reads_sent_at = pack.compiled_at
    meeting.save(update_fields=["pre_reads_sent_at", "updated_at"])
    # The scheduled job has no user: the change is recorded as the process's chair's (who
    # chairs the meeting the pack is for), and the comment says the job sent it.
    MeetingStatusChange.objects.create(
        meeting=meeting, from_status=meeting.status, to_status=meeting.status, actor=actor or process.chair,
        comment=(f"Pre-read pack sent to the board ({pages} pages)"
                 + ("" if actor is not None else " by the scheduled job")),
    )
    users = board_users(process)
    start = timezone.localtime(meeting.starts_at)
    school = process.school.name
    subject = f"Board pack: {meeting.get_kind_display()}, {school}, {start:%-d %B %Y}"
    body = (f"The pre-read pack for the meeting at {school} ({meeting.get_kind_display()}) on "
            f"{start:%A %-d %B %Y} at {start:%H:%M} ({meeting.venue}) is ready: {pages} pages. "
            f"{link_sentence(link)}")
    transaction.on_commit(lambda: notify(users, subject, body))
    return pack


def meetings_due_a_pack(today: date) -> list[Meeting]:
    """Scheduled meetings of open processes, not yet held, whose pre-reads are due by `today`
    (their template's days before the meeting, local time) and have not been sent."""
    tz = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.combine(today, time.min), tz)
    horizon = max((t.pre_read_days or 0 for t in record_templates.templates_of_kind("meeting")), default=0)
    end = timezone.make_aware(datetime.combine(today + timedelta(days=horizon + 1), time.min), tz)
    candidates = (
        Meeting.objects.filter(status=MeetingStatus.SCHEDULED, process__status=ProcessStatus.OPEN,
                               pre_reads_sent_at__isnull=True, starts_at__gte=start, starts_at__lt=end)
        .select_related("process__school").order_by("starts_at", "pk")
    )
    return [m for m in candidates if m.pre_reads_due_on is not None and m.pre_reads_due_on <= today]
