"""The content check on its own: no Django, no database."""

from __future__ import annotations

import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from improvement.documents import filetypes
from improvement.documents.filetypes import RefusedFile, inspect
from improvement.documents.tests.builders import (
    OLE2_HEADER,
    TINY_PDF,
    docx_bytes,
    macro_enabled_docx_bytes,
    with_encrypted_flag,
    xlsx_bytes,
    zip_bytes,
)


def check(name: str, data: bytes, **kwargs) -> str:
    stream = io.BytesIO(data)
    detected = inspect(stream, filename=name, **kwargs)
    assert stream.tell() == 0  # left ready for saving
    return detected.type


def refused(name: str, data: bytes, **kwargs) -> str:
    with pytest.raises(RefusedFile) as error:
        inspect(io.BytesIO(data), filename=name, **kwargs)
    return str(error.value)


def test_pdf_word_and_excel_are_recognised_from_their_content():
    assert check("position-statement.pdf", TINY_PDF) == "pdf"
    assert check("SEF 2026.DOCX", docx_bytes()) == "docx"
    assert check("data.xlsx", xlsx_bytes()) == "xlsx"
    assert inspect(io.BytesIO(docx_bytes()), filename="a.docx").content_type == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document")


def test_older_office_files_are_told_apart_by_the_extension_only_when_the_header_matches():
    assert check("plan.doc", OLE2_HEADER) == "doc"
    assert check("data.xls", OLE2_HEADER) == "xls"
    assert "older Word or Excel file but its name ends in .pdf" in refused("plan.pdf", OLE2_HEADER)
    assert refused("plan.doc", b"Plain text, not Word") == filetypes.WRONG_TYPE


def test_an_ole2_file_named_docx_is_taken_for_a_password_protected_one():
    assert refused("plan.docx", OLE2_HEADER) == filetypes.ENCRYPTED


def test_a_zip_renamed_pdf_is_refused_with_a_clear_message():
    plain_zip = zip_bytes({"notes.txt": b"hello"})
    assert refused("report.pdf", plain_zip) == "The selected file must be a PDF, Word or Excel file."
    message = refused("report.pdf", docx_bytes())
    assert message == (
        "The selected file is a Word document but its name ends in .pdf. Rename it to end in .docx, "
        "or save it in the right format, and upload it again."
    )
    assert "an Excel spreadsheet but its name ends in .docx" in refused("report.docx", xlsx_bytes())
    assert "a PDF but its name has no extension" in refused("report", TINY_PDF)


def test_text_named_pdf_is_refused():
    assert refused("report.pdf", b"This is not really a PDF\n") == filetypes.WRONG_TYPE
    assert refused("report.pdf", b"  %PDF-1.4 but not at the start") == filetypes.WRONG_TYPE


def test_macro_enabled_word_is_refused_whatever_its_name():
    data = macro_enabled_docx_bytes()
    assert refused("plan.docx", data) == filetypes.MACROS
    assert refused("plan.docm", data) == filetypes.MACROS


def test_encrypted_zip_entries_are_refused():
    assert refused("plan.docx", with_encrypted_flag(docx_bytes())) == filetypes.ENCRYPTED


def test_empty_and_over_size_files_are_refused():
    assert refused("empty.pdf", b"") == "The selected file is empty."
    assert refused("big.pdf", TINY_PDF, max_bytes=100) == "The selected file must be smaller than 100 bytes."
    assert filetypes.too_large_message(2560 * 1024) == "The selected file must be smaller than 2.5 MB."
    assert filetypes.too_large_message(500 * 1024) == "The selected file must be smaller than 500 KB."
    assert refused("big.pdf", TINY_PDF + bytes(20 * 1024 * 1024)) == "The selected file must be smaller than 20 MB."
    assert check("exact.pdf", TINY_PDF, max_bytes=len(TINY_PDF)) == "pdf"


def test_zip_bombs_are_refused_without_extracting(monkeypatch):
    many = {"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w/>"}
    many.update({f"word/media/image{n}.png": b"" for n in range(filetypes.MAX_ZIP_ENTRIES)})
    assert refused("huge.docx", zip_bytes(many)) == filetypes.TOO_COMPLEX

    monkeypatch.setattr(filetypes, "MAX_ZIP_UNCOMPRESSED_BYTES", 1024 * 1024)
    expands = zip_bytes({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": bytes(2 * 1024 * 1024)})
    assert len(expands) < 10_000
    assert refused("bomb.xlsx", expands) == filetypes.TOO_COMPLEX


def test_zips_that_are_not_office_documents_are_refused():
    assert refused("a.docx", zip_bytes({"word/document.xml": b"<w/>"})) == filetypes.WRONG_TYPE  # no content types
    assert refused("a.docx", zip_bytes({"[Content_Types].xml": b"<Types/>"})) == filetypes.WRONG_TYPE
    assert refused("a.docx", b"PK\x03\x04 truncated") == filetypes.WRONG_TYPE


@pytest.mark.parametrize(("name", "extension"), [
    ("report.PDF", "pdf"), ("C:\\Users\\head\\plan.docx", "docx"), ("a/b/c.tar.gz", "gz"),
    ("no-extension", ""), (".pdf", ""), ("trailing.", ""),
])
def test_extension_of(name, extension):
    assert filetypes.extension_of(name) == extension


@settings(max_examples=200, deadline=None)
@given(data=st.binary(max_size=2048), name=st.sampled_from(["a.pdf", "a.docx", "a.xlsx", "a.doc", "a"]))
def test_any_bytes_are_either_accepted_or_refused_with_a_message(data, name):
    for candidate in (data, b"PK\x03\x04" + data, b"%PDF-" + data):
        try:
            inspect(io.BytesIO(candidate), filename=name)
        except RefusedFile as error:
            assert str(error).startswith("The selected file")
