"""Small real files for the document tests, made in memory."""

from __future__ import annotations

import io
import zipfile

import docx
import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile

# A complete one-page PDF (header, catalog, pages, page, xref, trailer).
TINY_PDF = (
    b"%PDF-1.4\n"
    b"1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
    b"xref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n0000000054 00000 n \n0000000105 00000 n \n"
    b"trailer<</Size 4/Root 1 0 R>>\nstartxref\n170\n%%EOF\n"
)
OLE2_HEADER = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)


def docx_bytes(text: str = "Self-evaluation summary") -> bytes:
    document = docx.Document()
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def xlsx_bytes() -> bytes:
    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "KS2 reading, writing and maths"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def zip_bytes(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def macro_enabled_docx_bytes() -> bytes:
    """A .docm as Word saves it: a vbaProject part and a macro-enabled main content type."""
    with zipfile.ZipFile(io.BytesIO(docx_bytes())) as source:
        entries = {info.filename: source.read(info) for info in source.infolist()}
    entries["[Content_Types].xml"] = entries["[Content_Types].xml"].replace(
        b"wordprocessingml.document.main+xml", b"ms-word.document.macroEnabled.main+xml"
    ).replace(b"</Types>", b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>')
    entries["word/vbaProject.bin"] = OLE2_HEADER
    return zip_bytes(entries)


def with_encrypted_flag(data: bytes) -> bytes:
    """The same archive with every entry marked encrypted (general purpose flag bit 0)."""
    result = bytearray(data)
    start = 0
    while (index := result.find(b"PK\x01\x02", start)) != -1:
        result[index + 8] |= 0x01
        start = index + 4
    return bytes(result)


def upload(name: str, data: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def make_document(actor, school, *, kind: str = "self_evaluation", name: str = "sef.pdf",
                  data: bytes = TINY_PDF, title: str = ""):
    from improvement.documents import services

    return services.upload_document(actor=actor, school=school, kind=kind, title=title,
                                    uploaded_file=upload(name, data))
