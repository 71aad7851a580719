"""What an uploaded document really is, decided from its bytes (no Django here).

Accepted: PDF, Word (.docx, and .doc from Office 97-2003) and Excel (.xlsx, and .xls). The
name's extension must agree with the content: a ZIP renamed report.pdf is refused.

- PDF: the file starts with the "%PDF-" header.
- DOCX/XLSX: a ZIP archive holding [Content_Types].xml and word/document.xml or
  xl/workbook.xml. Refused: macro-enabled content (vbaProject, as in .docm/.xlsm), encrypted
  entries, and archives with too many entries or too much declared uncompressed content (zip
  bombs). Only [Content_Types].xml is ever decompressed, with a bounded read.
- DOC/XLS: the OLE2 compound-file header (D0 CF 11 E0 A1 B1 1A E1). The container is the same
  for both, so the extension chooses between them.

Why no magic-number library (the `filetype` package was tried): the three signatures above are
one-line prefixes, and its Office 97-2003 sub-type matchers guess from the sector at offset 512,
where files not written by Office itself often hold the allocation table instead, so a
LibreOffice-saved .doc can be "recognised" as .xls and wrongly refused.

`inspect` raises `RefusedFile` with a sentence for the person uploading (GOV.UK error message
style); it never trusts the name or the browser's content type.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from typing import BinaryIO

MIB = 1024 * 1024
DEFAULT_MAX_BYTES = 20 * MIB
# A Word or Excel file from Office has tens of entries; a workbook with many sheets and images
# a few hundred. Declared sizes beyond these are a zip bomb, not a school's document.
MAX_ZIP_ENTRIES = 1000
MAX_ZIP_UNCOMPRESSED_BYTES = 400 * MIB
MAX_CONTENT_TYPES_BYTES = 1 * MIB

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"

PDF, DOCX, XLSX, DOC, XLS = "pdf", "docx", "xlsx", "doc", "xls"
ACCEPTED_TYPES: tuple[str, ...] = (PDF, DOCX, XLSX, DOC, XLS)
CONTENT_TYPES: dict[str, str] = {
    PDF: "application/pdf",
    DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    DOC: "application/msword",
    XLS: "application/vnd.ms-excel",
}
# "The selected file is ___ but its name ends in .pdf."
DESCRIPTIONS: dict[str, str] = {
    PDF: "a PDF",
    DOCX: "a Word document",
    XLSX: "an Excel spreadsheet",
    DOC: "an older Word document",
    XLS: "an older Excel spreadsheet",
}
ACCEPT_ATTRIBUTE = ",".join(f".{t}" for t in ACCEPTED_TYPES)

WRONG_TYPE = "The selected file must be a PDF, Word or Excel file."
EMPTY = "The selected file is empty."
MACROS = (
    "The selected file contains macros. Save it as a Word (.docx) or Excel (.xlsx) file "
    "without macros, or as a PDF, and upload it again."
)
ENCRYPTED = "The selected file is password protected. Remove the password and upload it again."
TOO_COMPLEX = (
    "The selected file has too many parts to check safely. Save it as a PDF and upload it again."
)


class RefusedFile(ValueError):
    """The file is not accepted; str(error) is the message to show."""


@dataclass(frozen=True)
class Detected:
    type: str  # one of ACCEPTED_TYPES, which is also the file's proper extension

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.type]


def too_large_message(max_bytes: int) -> str:
    return f"The selected file must be smaller than {readable_size(max_bytes)}."


def readable_size(size: int) -> str:
    """20 MB, 2.5 MB, 500 KB (binary units, as the limit is set)."""
    for unit, scale in (("MB", MIB), ("KB", 1024)):
        if size >= scale:
            return f"{round(size / scale, 1):g} {unit}"
    return f"{size} bytes"


def extension_of(filename: str) -> str:
    """The lower-case extension without the dot ('' when there is none)."""
    base = filename.replace("\\", "/").rsplit("/", 1)[-1]
    return base.rsplit(".", 1)[-1].lower() if "." in base.strip(".") else ""


def inspect(stream: BinaryIO, *, filename: str, max_bytes: int = DEFAULT_MAX_BYTES) -> Detected:
    """Decide the file's type from its content, check the name agrees, or raise RefusedFile.

    `stream` must be seekable; it is left at the start.
    """
    stream.seek(0, 2)
    size = stream.tell()
    stream.seek(0)
    if size == 0:
        raise RefusedFile(EMPTY)
    if size > max_bytes:
        raise RefusedFile(too_large_message(max_bytes))
    head = stream.read(len(OLE2_MAGIC))
    stream.seek(0)
    extension = extension_of(filename)

    if head.startswith(OLE2_MAGIC):
        detected = _ole2_type(extension)
    elif head.startswith(ZIP_MAGIC):
        try:
            detected = _office_open_xml_type(stream)
        finally:
            stream.seek(0)
    elif head.startswith(b"%PDF-"):
        detected = PDF
    else:
        raise RefusedFile(WRONG_TYPE)

    if extension != detected:
        raise RefusedFile(_mismatch(detected, extension))
    return Detected(detected)


def _mismatch(detected: str, extension: str) -> str:
    named = f"its name ends in .{extension}" if extension else "its name has no extension"
    return (
        f"The selected file is {DESCRIPTIONS[detected]} but {named}. Rename it to end in "
        f".{detected}, or save it in the right format, and upload it again."
    )


def _ole2_type(extension: str) -> str:
    """Office 97-2003 files share one container: the extension chooses .doc or .xls."""
    if extension in (DOC, XLS):
        return extension
    if extension in (DOCX, XLSX):
        # Office saves a password-protected .docx/.xlsx inside an OLE2 container.
        raise RefusedFile(ENCRYPTED)
    named = f"its name ends in .{extension}" if extension else "its name has no extension"
    raise RefusedFile(
        f"The selected file is an older Word or Excel file but {named}. Rename it to end in "
        ".doc or .xls, or save it as a PDF, and upload it again."
    )


def _office_open_xml_type(stream: BinaryIO) -> str:
    """DOCX or XLSX from the archive's table of contents; never extracts the parts."""
    try:
        archive = zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        raise RefusedFile(WRONG_TYPE) from None
    with archive:
        entries = archive.infolist()
        if len(entries) > MAX_ZIP_ENTRIES:
            raise RefusedFile(TOO_COMPLEX)
        if sum(entry.file_size for entry in entries) > MAX_ZIP_UNCOMPRESSED_BYTES:
            raise RefusedFile(TOO_COMPLEX)
        if any(entry.flag_bits & 0x1 for entry in entries):
            raise RefusedFile(ENCRYPTED)
        names = {entry.filename for entry in entries}
        if "[Content_Types].xml" not in names:
            raise RefusedFile(WRONG_TYPE)
        content_types = _read_bounded(archive, "[Content_Types].xml")
        if (
            b"vbaproject" in content_types.lower()
            or b"macroenabled" in content_types.lower()
            or any(name.lower().endswith("vbaproject.bin") for name in names)
        ):
            raise RefusedFile(MACROS)
        if "word/document.xml" in names:
            return DOCX
        if "xl/workbook.xml" in names:
            return XLSX
    raise RefusedFile(WRONG_TYPE)


def _read_bounded(archive: zipfile.ZipFile, name: str) -> bytes:
    try:
        with archive.open(name) as part:
            data = part.read(MAX_CONTENT_TYPES_BYTES + 1)
    except (zipfile.BadZipFile, NotImplementedError, RuntimeError, ValueError, OSError, EOFError):
        # Corrupt, or compressed with a method Office never uses.
        raise RefusedFile(WRONG_TYPE) from None
    if len(data) > MAX_CONTENT_TYPES_BYTES:
        raise RefusedFile(TOO_COMPLEX)
    return data
