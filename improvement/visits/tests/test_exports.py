"""Word and PDF: the template's layout, the marks, page numbers, and the management command."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from docx import Document
from pypdf import PdfReader

from improvement.visits import exports, selectors
from improvement.visits.tests.factories import finalise, make_visit, save

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(personas):
    return personas["monitoring_officer"]


def _full_record(officer, school):
    visit = make_visit(officer, school, day=datetime.date(2023, 10, 2))
    save(officer, visit,
         school_staff_present=[{"role": "Headteacher", "name": "A. Head"}, {"role": "SENCo", "name": "B. Senco"}],
         achievement="Outcomes at KS2 rose for the third year.",
         monitoring_activities=["Learning Walk", "Pupil voice", "Book look with the English lead"],
         self_evaluation={"quality_of_education": {"school": "good", "officer": "good", "comment": "Agreed."}},
         further_actions=[{"text": "Embed phonics", "lead_role": "EYFS lead", "lead_initials": "AB",
                           "by_when": "31/3/2024"}],
         good_practice=[{"area": "SEND", "description": "Provision maps"}])
    return visit


def _display(visit, role="senior_adviser"):
    """The record as the role sees it, read afresh from the database."""
    from improvement.visits.models import Visit

    fresh = Visit.objects.select_related("school__authority", "record").get(pk=visit.pk)
    return selectors.record_display(visit=fresh, role=role)


def _pdf_text(body: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)


def test_word_follows_the_template_layout(officer, school):
    visit = _full_record(officer, school)
    document = Document(io.BytesIO(exports.to_docx(_display(visit))))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith(("Heading", "Title"))]
    assert headings[0] == "Coventry Monitoring Office (CMO) 2023-24 Record of Visit (RoV)"
    assert "Section 1: Establishing Context" in headings and "People Profile" in headings
    assert "Section 3: Review and next steps" in headings and "Further action required by the school" in headings
    bullets = [p.text for p in document.paragraphs if p.style.name == "List Bullet"]
    assert "Use of reintegration and part-time timetables" in bullets  # prompts under their heading
    header_table = {row.cells[0].text: row.cells[1].text for row in document.tables[0].rows}
    assert header_table["School"] == school.name and header_table["DfE Number"] == "901/2001"
    assert header_table["Visit number"] == "1"
    assert header_table["School staff present"] == "Headteacher, A. Head; SENCo, B. Senco"
    cells = [[c.text for c in row.cells] for t in document.tables for row in t.rows]
    assert ["Action", "Lead (role and initials)", "By when? (Time specific)"] in cells
    assert ["Embed phonics", "EYFS lead (AB)", "31/3/2024"] in cells
    assert ["Quality of education", "Good", "Good", "Agreed."] in cells
    assert "DRAFT – for accuracy check" in document.sections[0].header.paragraphs[0].text
    assert "PAGE" in document.sections[0].footer._element.xml


def test_finalised_versions_lose_the_draft_mark_and_pdf_numbers_pages(officer, personas, school):
    visit = _full_record(officer, school)
    finalise(officer, personas["headteacher"], visit)
    view = _display(visit, "monitoring_officer")
    text = _pdf_text(exports.to_pdf(view))
    assert "DRAFT" not in text and "Page 1" in text
    assert "Coventry Education Partnership Priorities" in text
    document = Document(io.BytesIO(exports.to_docx(view)))
    assert "DRAFT" not in document.sections[0].header.paragraphs[0].text


def test_private_and_confidential_where_the_template_says_so(officer, school):
    visit = _full_record(officer, school)
    view = _display(visit)
    assert "Private & Confidential" not in _pdf_text(exports.to_pdf(view))
    view.private_and_confidential = True
    assert "Private & Confidential" in _pdf_text(exports.to_pdf(view))
    assert "Private & Confidential" in Document(io.BytesIO(exports.to_docx(view))).sections[0].header.paragraphs[0].text


def test_concerns_are_left_out_of_copies_for_trust_ceos(officer, school):
    visit = _full_record(officer, school)
    save(officer, visit, concerns=[{"category": "Safeguarding", "description": "Single central record gaps"}])
    for_adviser = _display(visit)
    for_ceo = _display(visit, "trust_ceo")
    assert "Single central record gaps" in _pdf_text(exports.to_pdf(for_adviser))
    assert "Single central record gaps" not in _pdf_text(exports.to_pdf(for_ceo))


def test_control_characters_do_not_break_word_or_pdf(officer, school):
    visit = make_visit(officer, school)
    save(officer, visit, achievement="Bell\x07 and NUL\x00 typed by accident")
    view = _display(visit, "monitoring_officer")
    assert "Bell and NUL typed by accident" in _pdf_text(exports.to_pdf(view))
    assert any("Bell and NUL" in p.text for p in Document(io.BytesIO(exports.to_docx(view))).paragraphs)


def test_export_record_command(officer, school, tmp_path):
    visit = _full_record(officer, school)
    call_command("export_record", str(visit.pk), "--format", "docx", "--output", str(tmp_path / "r.docx"))
    call_command("export_record", str(visit.pk), "--format", "pdf", "--output", str(tmp_path / "r.pdf"))
    assert Document(str(tmp_path / "r.docx")).paragraphs
    assert "Section 2" in _pdf_text((tmp_path / "r.pdf").read_bytes())
    with pytest.raises(CommandError, match="no visit"):
        call_command("export_record", "99999", "--format", "pdf", "--output", str(tmp_path / "x.pdf"))
    with pytest.raises(CommandError, match="does not exist"):
        call_command("export_record", str(visit.pk), "--format", "pdf", "--output", str(tmp_path / "no" / "x.pdf"))
