"""Reading public CSV files: encoding detection, the header row and numbered data rows.

DfE and Ofsted publish Windows-1252; files re-saved by spreadsheet tools arrive as UTF-8, often
with a byte-order mark. The whole file is checked as UTF-8 first (streamed, so a 60 MB file is
never held in memory); if that fails it is read as Windows-1252.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

CHUNK = 1 << 20
csv.field_size_limit(1 << 20)


class UnreadableFile(Exception):
    """The file is not a CSV this service can read; the message says what to do."""


def detect_encoding(path: Path) -> str:
    with path.open("rb") as handle:
        head = handle.read(4)
        if head.startswith(codecs.BOM_UTF8):
            return "utf-8-sig"
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            raise UnreadableFile(
                "The file is saved as UTF-16 ('Unicode text'). Save it as CSV (UTF-8 or "
                "Windows-1252) and upload it again."
            )
        if head.startswith(b"PK\x03\x04"):
            raise UnreadableFile(
                "The file is a spreadsheet or zip archive, not a CSV. Open it and save it as "
                "CSV, or unzip the download first."
            )
        handle.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        first = True
        while chunk := handle.read(CHUNK):
            if first and b"\x00" in chunk[:65536]:
                raise UnreadableFile("The file contains binary data; it is not a CSV file.")
            first = False
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError:
                return "cp1252"
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "cp1252"
    return "utf-8"


def _open_text(path: Path, encoding: str) -> io.TextIOWrapper:
    errors = "strict"
    if encoding == "cp1252":
        # Five byte values are undefined in Windows-1252; map them through Latin-1 so one odd
        # byte in a 60 MB file does not stop an import (they only ever appear in free text).
        errors = "latin1_fallback"
    return io.TextIOWrapper(path.open("rb"), encoding=encoding, errors=errors, newline="")


def _latin1_fallback(error: UnicodeError):
    if isinstance(error, UnicodeDecodeError):
        bad = error.object[error.start:error.end]
        return bad.decode("latin-1"), error.end
    raise error


codecs.register_error("latin1_fallback", _latin1_fallback)


@dataclass
class DataRow:
    line: int  # the line in the file where the row starts (the header is line 1)
    cells: list[str]


class CsvTable:
    """A CSV file opened for one pass: its header, then numbered rows."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        if not self.path.is_file():
            raise FileNotFoundError(str(path))
        self.encoding = detect_encoding(self.path)
        self._handle = _open_text(self.path, self.encoding)
        self._reader = csv.reader(self._handle)
        try:
            header = next(self._reader, None)
        except (csv.Error, UnicodeDecodeError) as exc:
            self.close()
            raise UnreadableFile(f"The header row cannot be read: {exc}") from exc
        if not header or not any(cell.strip() for cell in header):
            self.close()
            raise UnreadableFile("The file is empty: its first line should be the header row.")
        self.header = [cell.replace("\ufeff", "") for cell in header]
        self._last_line = self._reader.line_num

    def rows(self) -> Iterator[DataRow]:
        try:
            while True:
                start = self._last_line + 1
                try:
                    cells = next(self._reader)
                except StopIteration:
                    return
                self._last_line = self._reader.line_num
                if not cells or (len(cells) == 1 and not cells[0].strip()):
                    continue  # blank line
                yield DataRow(start, cells)
        except csv.Error as exc:
            raise UnreadableFile(f"Line {self._last_line + 1} cannot be read as CSV: {exc}") from exc
        finally:
            self.close()

    def close(self) -> None:
        self._handle.close()

    def __enter__(self) -> CsvTable:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def estimate_rows(path: Path) -> int:
    """Data rows, counted as line breaks (quoted multi-line cells make this an upper bound)."""
    count = 0
    last = b"\n"
    with Path(path).open("rb") as handle:
        while chunk := handle.read(CHUNK):
            count += chunk.count(b"\n")
            last = chunk[-1:]
    if last != b"\n":
        count += 1
    return max(count - 1, 0)


_STAMP = re.compile(r"(?<!\d)(20\d{2})(\d{2})(\d{2})(?!\d)", re.ASCII)
_AS_AT = re.compile(r"as_at_(\d{1,2})_([A-Za-z]{3})[a-z]*_(\d{4})", re.IGNORECASE | re.ASCII)


def date_from_file_name(name: str) -> date | None:
    """The extract date in a published file name: edubasealldata20250422.csv,
    ..._latest_inspections_as_at_31_Jan_2026.csv. None when the name carries no date."""
    match = _STAMP.search(name)
    if match:
        try:
            return date(*(int(g) for g in match.groups()))
        except ValueError:
            pass
    match = _AS_AT.search(name)
    if match:
        try:
            return datetime.strptime(" ".join(match.groups()), "%d %b %Y").date()
        except ValueError:
            return None
    return None
