"""Word (.docx, python-docx) and PDF (reportlab) versions of a record, from the presenter's view.

Both follow the template's layout: title, header table, sections with their prompts under each
heading, judgement and action tables, "Private & Confidential" where the template says so, page
numbers, and "DRAFT – for accuracy check" on every version before finalisation. Everything typed
into the record is written as literal text: python-docx escapes XML itself, and every string
given to reportlab's Paragraph is escaped first, so HTML or script shows as typed.
"""

from __future__ import annotations

import io
import re
from xml.sax.saxutils import escape

from django.utils.text import slugify

from improvement.visits.presenters import FieldView, RecordView

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
DRAFT_MARK = "DRAFT – for accuracy check"
CONFIDENTIAL = "Private & Confidential"
# Characters XML 1.0 cannot hold (NUL and other C0 controls but tab and newline).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def clean(text: str) -> str:
    return _NOT_XML.sub("", text or "")


def filename(visit, fmt: str) -> str:
    return f"{slugify(visit.school.name)}-{visit.date:%Y-%m-%d}-{slugify(visit.template.short_title)}.{fmt}"


def _marks(view: RecordView) -> list[str]:
    marks = []
    if view.private_and_confidential:
        marks.append(CONFIDENTIAL)
    if view.draft_mark:
        marks.append(DRAFT_MARK)
    return marks


def _cell_rows(f: FieldView) -> list[list[str]]:
    return [f.columns, *f.rows] if f.rows else []


# --- Word ----------------------------------------------------------------------------------------


def _page_number(paragraph) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    paragraph.add_run("Page ")
    for instruction in ("PAGE",):
        begin, text, end = OxmlElement("w:fldChar"), OxmlElement("w:instrText"), OxmlElement("w:fldChar")
        begin.set(qn("w:fldCharType"), "begin")
        text.set(qn("xml:space"), "preserve")
        text.text = instruction
        end.set(qn("w:fldCharType"), "end")
        run = paragraph.add_run()
        run._r.append(begin)
        run._r.append(text)
        run._r.append(end)


def _docx_table(document, rows: list[list[str]], *, header: bool = True) -> None:
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    table.style = "Table Grid"
    for r, row in enumerate(rows):
        cells = table.rows[r].cells
        for c, value in enumerate(row):
            cells[c].text = clean(value)
            if header and r == 0:
                for run in cells[c].paragraphs[0].runs:
                    run.bold = True


def _docx_text(document, text: str) -> None:
    for block in clean(text).split("\n"):
        document.add_paragraph(block)


def to_docx(view: RecordView) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt, RGBColor

    document = Document()
    style = document.styles["Normal"]
    style.font.name = "Arial"
    style.font.size = Pt(10)
    section = document.sections[0]
    header = section.header.paragraphs[0]
    header.text = "   ".join(_marks(view))
    header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    for run in header.runs:
        run.bold = True
        run.font.color.rgb = RGBColor(0xD4, 0x35, 0x1C) if view.draft_mark else RGBColor(0, 0, 0)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _page_number(footer)

    if view.draft_mark:
        mark = document.add_paragraph()
        run = mark.add_run(DRAFT_MARK)
        run.bold = True
        run.font.color.rgb = RGBColor(0xD4, 0x35, 0x1C)
    if view.private_and_confidential:
        document.add_paragraph().add_run(CONFIDENTIAL).bold = True
    document.add_heading(clean(view.title), level=0)
    if view.purpose:
        document.add_paragraph(clean(f"Purpose of visit: {view.purpose}"))
    if view.header:
        _docx_table(document, [[label, value] for label, value in view.header], header=False)
    if view.amendment_number:
        document.add_paragraph(f"Amended version {view.amendment_number}")

    if view.carried_forward:
        document.add_heading(view.carried_forward_title, level=1)
        _docx_table(document, [["Action", "Lead", "Due", "Status", "Progress"]] + [
            [a["text"], a["lead"], a["due"], a["status"], a["comment"]] for a in view.carried_forward
        ])
    for sec in view.sections:
        document.add_heading(clean(sec.title), level=1)
        if sec.guidance:
            document.add_paragraph().add_run(clean(sec.guidance)).italic = True
        for f in sec.fields:
            document.add_heading(clean(f.label), level=2)
            for prompt in f.prompts:
                document.add_paragraph(clean(prompt), style="List Bullet").runs[0].italic = True
            if f.text:
                _docx_text(document, f.text)
            for item in f.items:
                document.add_paragraph(clean(item), style="List Bullet")
            if f.rows:
                _docx_table(document, _cell_rows(f))
    if view.disagreement or view.moderation:
        document.add_heading("Disagreement and moderation", level=1)
        if view.disagreement:
            document.add_heading("The officer's account of the disagreement", level=2)
            _docx_text(document, view.disagreement)
        if view.moderation:
            document.add_heading("Senior adviser's moderated judgement (final)", level=2)
            _docx_text(document, view.moderation)
    if view.distribution_note:
        document.add_heading("Distribution", level=1)
        document.add_paragraph(clean(view.distribution_note))
    for reference in view.references:
        document.add_heading(clean(reference.title), level=2)
        _docx_table(document, [list(row) for row in reference.rows], header=False)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# --- PDF -----------------------------------------------------------------------------------------


def _p(text: str, style) -> object:
    from reportlab.platypus import Paragraph

    return Paragraph(escape(clean(text)).replace("\n", "<br/>"), style)


def _long_text(text: str, style) -> list:
    """A long answer as many paragraphs, so pages break cleanly and fast."""
    flowables = []
    for block in clean(text).split("\n"):
        while len(block) > 3000:
            cut = block.rfind(" ", 0, 3000)
            cut = cut if cut > 0 else 3000
            flowables.append(_p(block[:cut], style))
            block = block[cut:].lstrip()
        flowables.append(_p(block, style))
    return flowables


def to_pdf(view: RecordView) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import (
        ListFlowable,
        ListItem,
        SimpleDocTemplate,
        Spacer,
        Table,
        TableStyle,
    )

    styles = getSampleStyleSheet()
    body = ParagraphStyle("body", parent=styles["BodyText"], fontName="Helvetica", fontSize=9.5, leading=12)
    small = ParagraphStyle("small", parent=body, fontSize=8.5, leading=10.5)
    prompt = ParagraphStyle("prompt", parent=small, textColor=colors.HexColor("#505a5f"), fontName="Helvetica-Oblique")
    h0 = ParagraphStyle("h0", parent=styles["Title"], fontName="Helvetica-Bold", fontSize=16, leading=20)
    h1 = ParagraphStyle("h1", parent=styles["Heading2"], fontName="Helvetica-Bold", fontSize=13, spaceBefore=10)
    h2 = ParagraphStyle("h2", parent=styles["Heading3"], fontName="Helvetica-Bold", fontSize=10.5, spaceBefore=6)
    mark_style = ParagraphStyle("mark", parent=body, textColor=colors.HexColor("#d4351c"), fontName="Helvetica-Bold")
    marks = _marks(view)
    width = A4[0] - 36 * mm

    def table(rows: list[list[str]], *, header: bool = True, widths=None):
        data = [[_p(c, small) for c in row] for row in rows]
        t = Table(data, colWidths=widths or [width / len(rows[0])] * len(rows[0]), repeatRows=1 if header else 0)
        commands = [("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#b1b4b6")),
                    ("VALIGN", (0, 0), (-1, -1), "TOP")]
        if header:
            commands.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f3f2f1")))
        t.setStyle(TableStyle(commands))
        return t

    story: list = []
    for mark in marks:
        story.append(_p(mark, mark_style))
    story.append(_p(view.title, h0))
    if view.purpose:
        story.append(_p(f"Purpose of visit: {view.purpose}", body))
    if view.header:
        story.append(Spacer(1, 4))
        story.append(table([[label, value] for label, value in view.header], header=False,
                           widths=[width * 0.3, width * 0.7]))
    if view.amendment_number:
        story.append(_p(f"Amended version {view.amendment_number}", body))
    if view.carried_forward:
        story.append(_p(view.carried_forward_title, h1))
        story.append(table([["Action", "Lead", "Due", "Status", "Progress"]] + [
            [a["text"], a["lead"], a["due"], a["status"], a["comment"]] for a in view.carried_forward
        ]))
    for sec in view.sections:
        story.append(_p(sec.title, h1))
        if sec.guidance:
            story.append(_p(sec.guidance, prompt))
        for f in sec.fields:
            story.append(_p(f.label, h2))
            if f.prompts:
                story.append(ListFlowable([ListItem(_p(p, prompt), leftIndent=10) for p in f.prompts],
                                          bulletType="bullet", start="•", leftIndent=10))
            if f.text:
                story.extend(_long_text(f.text, body))
            if f.items:
                story.append(ListFlowable([ListItem(_p(i, body), leftIndent=10) for i in f.items],
                                          bulletType="bullet", start="•", leftIndent=10))
            if f.rows:
                story.append(table(_cell_rows(f)))
    if view.disagreement or view.moderation:
        story.append(_p("Disagreement and moderation", h1))
        if view.disagreement:
            story.append(_p("The officer's account of the disagreement", h2))
            story.extend(_long_text(view.disagreement, body))
        if view.moderation:
            story.append(_p("Senior adviser's moderated judgement (final)", h2))
            story.extend(_long_text(view.moderation, body))
    if view.distribution_note:
        story.append(_p("Distribution", h1))
        story.append(_p(view.distribution_note, body))
    for reference in view.references:
        story.append(_p(reference.title, h2))
        story.append(table([list(r) for r in reference.rows], header=False, widths=[width * 0.25, width * 0.75]))

    def decorate(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont("Helvetica-Bold", 9)
        if marks:
            canvas.setFillColor(colors.HexColor("#d4351c") if view.draft_mark else colors.black)
            canvas.drawRightString(A4[0] - 18 * mm, A4[1] - 12 * mm, "   ".join(marks))
        canvas.setFillColor(colors.black)
        canvas.setFont("Helvetica", 8.5)
        canvas.drawCentredString(A4[0] / 2, 10 * mm, f"Page {doc.page}")
        canvas.drawString(18 * mm, 10 * mm, clean(f"{view.school_name}, {view.visit_date:%d %B %Y}")[:90])
        canvas.restoreState()

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm,
                            topMargin=18 * mm, bottomMargin=18 * mm, title=clean(view.title),
                            author="School Improvement Monitor")
    doc.build(story, onFirstPage=decorate, onLaterPages=decorate)
    return buffer.getvalue()
