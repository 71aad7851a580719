"""Fictional pre-read files for the demo authority (core/demo.py): a self-evaluation PDF made
with reportlab and a school improvement plan made with python-docx.

Byte-for-byte deterministic, so a re-seeded demo has the same hashes: reportlab's invariant
mode fixes its dates and document id, and the Word file's ZIP entries are re-stamped with a
fixed date.
"""

from __future__ import annotations

import io
import zipfile

import docx
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

FIXED_ZIP_DATE = (2026, 9, 1, 0, 0, 0)

SEF_SECTIONS = [
    ("Quality of education",
     "The curriculum is well sequenced in reading and mathematics. Leaders are developing subject "
     "leadership in the wider curriculum, where checks on what pupils remember are less secure."),
    ("Behaviour and attitudes",
     "Routines are calm and consistent. Persistent absence has fallen but remains above the "
     "national figure for disadvantaged pupils."),
    ("Personal development",
     "A well-planned personal, social and health education programme; pupils take on "
     "leadership roles through the school council and sports leaders."),
    ("Leadership and management",
     "Governors hold leaders to account through termly link visits. Staff workload has been "
     "reviewed with the staff wellbeing group."),
]
PLAN_PRIORITIES = [
    ("Improve outcomes in writing at the end of key stage 2",
     "Whole-school writing sequence; moderation with partner schools each term", "Deputy headteacher",
     "Spring 2027", "Writing at the expected standard in line with the national figure"),
    ("Strengthen subject leadership in the wider curriculum",
     "Subject leaders' release time for monitoring; curriculum reviews with the LA adviser",
     "Curriculum lead", "Summer 2027", "Every subject leader has reviewed their subject with evidence"),
    ("Reduce persistent absence of disadvantaged pupils",
     "Weekly attendance meetings; early help referrals; breakfast club places", "Attendance lead",
     "Summer 2027", "Persistent absence of disadvantaged pupils below 15%"),
]


def self_evaluation_pdf(school_name: str, outcome: str) -> bytes:
    styles = getSampleStyleSheet()
    buffer = io.BytesIO()
    document = SimpleDocTemplate(buffer, pagesize=A4, invariant=1, title=f"Self-evaluation: {school_name}",
                                 author="Demo data")
    story = [
        Paragraph(f"School self-evaluation: {school_name}", styles["Title"]),
        Paragraph(f"Autumn term 2026. Latest full inspection: {outcome}. Fictional demo data.", styles["Normal"]),
        Spacer(1, 12),
    ]
    for heading, text in SEF_SECTIONS:
        story += [Paragraph(heading, styles["Heading2"]), Paragraph(text, styles["Normal"])]
    document.build(story)
    return buffer.getvalue()


def improvement_plan_docx(school_name: str) -> bytes:
    document = docx.Document()
    document.core_properties.author = "Demo data"
    document.add_heading(f"School improvement plan 2026/27: {school_name}", level=1)
    document.add_paragraph("Fictional demo data.")
    table = document.add_table(rows=1, cols=5)
    table.style = "Table Grid"
    for cell, heading in zip(table.rows[0].cells, ("Priority", "Actions", "Lead", "By when", "Success criteria"),
                             strict=True):
        cell.text = heading
    for priority in PLAN_PRIORITIES:
        for cell, text in zip(table.add_row().cells, priority, strict=True):
            cell.text = text
    buffer = io.BytesIO()
    document.save(buffer)
    return _with_fixed_dates(buffer.getvalue())


def _with_fixed_dates(data: bytes) -> bytes:
    """The same ZIP with every entry stamped FIXED_ZIP_DATE (python-docx stamps the time now)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    output = io.BytesIO()
    with source, zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_DATE)
            entry.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(entry, source.read(info))
    return output.getvalue()
