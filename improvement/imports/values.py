"""Pure parsers for single cell values in public data files.

Each function takes the raw text of one cell and returns a Python value, or raises `Invalid`
with a reason a person can act on. "Not given" markers (an empty cell, `NULL`) come back as
None or "", never as 0.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation

# Cells that mean "no value" in DfE and Ofsted files.
BLANKS = frozenset({"", "null", "none given"})

# Codes publishers use in place of a number. `SUPPRESSED` values are stored as "suppressed";
# `NOT_APPLICABLE` values are not stored at all. See docs/imports.md.
SUPPRESSED = frozenset({"x", "c", "z", "supp", "ne", "low", "np", "lowcov", ":"})
NOT_APPLICABLE = frozenset({"na", "n/a", "..", "-", "."})


class Invalid(ValueError):
    """A cell that cannot be read; `reason` is shown to the person importing."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def text(raw: str | None) -> str:
    """The cell's text without surrounding spaces; a NULL marker becomes ""."""
    value = (raw or "").strip()
    return "" if value.casefold() in BLANKS else value


def is_blank(raw: str | None) -> bool:
    return text(raw) == ""


_WHOLE_FLOAT = re.compile(r"^(\d+)\.0+$", re.ASCII)


def digits(raw: str | None) -> str:
    """A code made of digits. Spreadsheet tools sometimes write 123456 as 123456.0: accepted."""
    value = text(raw)
    match = _WHOLE_FLOAT.match(value)
    if match:
        value = match.group(1)
    if not (value.isascii() and value.isdigit()):
        raise Invalid("must be a whole number")
    return value


def urn(raw: str | None) -> str:
    value = text(raw)
    if not value:
        raise Invalid("is empty; every row needs a URN")
    try:
        value = digits(value)
    except Invalid:
        raise Invalid("must be the school's 6-digit URN") from None
    if len(value) != 6:
        raise Invalid("must be the school's 6-digit URN")
    return value


def la_code(raw: str | None) -> str:
    """An LA code, padded to 3 digits (GIAS writes 0 for establishments outside England)."""
    value = text(raw)
    if not value:
        raise Invalid("is empty; every row needs an LA code")
    try:
        value = digits(value)
    except Invalid:
        raise Invalid("must be a 3-digit LA code, like 331") from None
    if len(value) > 3:
        raise Invalid("must be a 3-digit LA code, like 331")
    return value.zfill(3)


def whole_number(raw: str | None, *, minimum: int = 0, maximum: int | None = None) -> int | None:
    value = text(raw)
    if not value:
        return None
    try:
        number = int(digits(value.replace(",", "")))
    except Invalid:
        raise Invalid("must be a whole number") from None
    if number < minimum or (maximum is not None and number > maximum):
        limit = f"between {minimum} and {maximum}" if maximum is not None else f"at least {minimum}"
        raise Invalid(f"must be {limit}")
    return number


_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$", re.ASCII)


def decimal(raw: str | None) -> Decimal | None:
    """A number such as 45.3, 45.3% or 1,204; None when the cell is empty."""
    value = text(raw).replace(",", "")
    if value.endswith("%"):
        value = value[:-1].strip()
    if not value:
        return None
    if len(value) > 30 or not _NUMBER.match(value):
        raise Invalid("must be a number")
    try:
        return Decimal(value)
    except InvalidOperation:  # pragma: no cover - the pattern admits only plain decimals
        raise Invalid("must be a number") from None


_DATE = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$", re.ASCII)
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$", re.ASCII)


def day(raw: str | None) -> date | None:
    """A date written dd-mm-yyyy (GIAS), dd/mm/yyyy (Ofsted) or yyyy-mm-dd."""
    value = text(raw)
    if not value:
        return None
    # Spreadsheet tools sometimes add a midnight time: "21/01/2015 00:00".
    value = value.split(" ", 1)[0]
    match = _DATE.match(value)
    if match:
        d, m, y = (int(part) for part in match.groups())
    else:
        match = _ISO_DATE.match(value)
        if not match:
            raise Invalid("must be a date written like 31-08-2024 or 31/08/2024")
        y, m, d = (int(part) for part in match.groups())
    if not 1800 <= y <= 2100:
        raise Invalid("must be a real date, like 31-08-2024")
    try:
        return date(y, m, d)
    except ValueError:
        raise Invalid("must be a real date, like 31-08-2024") from None


def casefolded(raw: str | None) -> str:
    """Lower-case text with runs of spaces, hyphens and dashes reduced, for name matching."""
    value = text(raw).casefold().replace("\u2013", "-").replace("\u2014", "-")
    value = re.sub(r"\s*-\s*", "-", value)
    return re.sub(r"\s+", " ", value)
