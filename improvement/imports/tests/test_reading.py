"""Reading files: encodings, header aliases, missing columns, cell values. No database."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from improvement.imports import values
from improvement.imports.columns import Column, Layout, MissingColumns, resolve
from improvement.imports.parsers import gias, ofsted
from improvement.imports.reading import CsvTable, UnreadableFile, date_from_file_name, estimate_rows
from improvement.imports.tests.builders import GIAS_2015, GIAS_2024, OFSTED_2025, csv_text, gias_row


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_each_encoding_reads_accented_names_and_curly_quotes(tmp_path, encoding):
    path = tmp_path / "edubasealldata20250101.csv"
    path.write_bytes(csv_text(GIAS_2024, [gias_row("100001", EstablishmentName="St Chad’s Café École")])
                     .encode(encoding))
    table = CsvTable(path)
    assert table.header[0] == "URN"  # no BOM left on the first header
    row = next(table.rows())
    header = resolve(table.header, gias.ESTABLISHMENTS)
    assert header.pick(row.cells)["name"] == "St Chad’s Café École"
    assert table.encoding == {"utf-8": "utf-8", "utf-8-sig": "utf-8-sig", "cp1252": "cp1252"}[encoding]


def test_windows_1252_bytes_undefined_in_the_code_page_do_not_stop_the_read(tmp_path):
    path = tmp_path / "odd.csv"
    path.write_bytes(b"URN,Name\r\n100001,Odd\x81byte\r\n")
    row = next(CsvTable(path).rows())
    assert row.cells == ["100001", "Odd\x81byte"]


def test_rows_carry_their_line_numbers_including_multi_line_cells_and_blank_lines(tmp_path):
    path = tmp_path / "lines.csv"
    path.write_text('URN,Street\n100001,"Flat 1\nHigh Street"\n\n100002,Low Street\n', encoding="utf-8")
    rows = list(CsvTable(path).rows())
    assert [(r.line, r.cells[0]) for r in rows] == [(2, "100001"), (5, "100002")]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"\r\n\r\n", "empty"),
        (b"PK\x03\x04rest-of-a-zip", "spreadsheet or zip"),
        (b"\xff\xfeU\x00R\x00N\x00", "UTF-16"),
        (b"URN,Name\n1\x00\x00\x00", "binary"),
    ],
)
def test_files_that_are_not_csv_are_refused_with_a_reason(tmp_path, content, message):
    path = tmp_path / "upload.csv"
    path.write_bytes(content)
    with pytest.raises(UnreadableFile, match=message):
        CsvTable(path)


def test_header_matching_ignores_case_spaces_and_uses_aliases():
    layout = Layout("test", (Column("safeguarding", ("Safeguarding is effective?",)),
                             Column("website", ("SchoolWebsite", "WebsiteAddress"))))
    resolved = resolve(["  SAFEGUARDING   is effective? ", "WebsiteAddress"], layout)
    assert resolved.positions == {"safeguarding": 0, "website": 1}
    assert resolved.label("website") == "WebsiteAddress"


def test_the_double_spaced_ofsted_header_is_found():
    resolved = resolve(OFSTED_2025, ofsted.INSPECTIONS)
    assert resolved.has("oeif.grade.safeguarding")
    assert resolved.label("oeif.grade.safeguarding") == "Latest OEIF  safeguarding is effective?"


def test_a_file_missing_required_columns_names_every_missing_column():
    with pytest.raises(MissingColumns) as caught:
        resolve(["URN", "EstablishmentName", "TypeOfEstablishment (code)"], gias.ESTABLISHMENTS)
    message = str(caught.value)
    assert "LA (code)" in message and "EstablishmentNumber" in message
    assert 'one of "EstablishmentStatus (code)" or "EstablishmentStatus (name)"' in message
    assert "PhaseOfEducation" in message
    assert "TypeOfEstablishment" not in message


def test_both_gias_header_generations_resolve():
    for header in (GIAS_2024, GIAS_2015):
        resolved = resolve(header, gias.ESTABLISHMENTS)
        assert resolved.has("urn") and resolved.has("la_code") and resolved.has("website")
    assert not resolve(GIAS_2015, gias.ESTABLISHMENTS).has("type_code")


def test_estimated_rows_counts_data_lines(tmp_path):
    path = tmp_path / "f.csv"
    path.write_text("URN\n1\n2\n3", encoding="utf-8")
    assert estimate_rows(path) == 3


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("edubasealldata20250422.csv", date(2025, 4, 22)),
        ("links_edubasealldata20250422.csv", date(2025, 4, 22)),
        ("Management_information_-_state-funded_schools_-_latest_inspections_as_at_31_Jan_2026.csv",
         date(2026, 1, 31)),
        ("england_census.csv", None),
        ("edubasealldata20251345.csv", None),
    ],
)
def test_extract_date_from_published_file_names(name, expected):
    assert date_from_file_name(name) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("21-01-2015", date(2015, 1, 21)), ("21/01/2015", date(2015, 1, 21)), ("2015-01-21", date(2015, 1, 21)),
     ("21/01/2015 00:00", date(2015, 1, 21)), ("", None), ("NULL", None), (" ", None)],
)
def test_dates_in_every_published_style(raw, expected):
    assert values.day(raw) == expected


@pytest.mark.parametrize("raw", ["31-02-2020", "2020", "tomorrow", "01/01/1700", "1/13/2020"])
def test_impossible_dates_are_refused(raw):
    with pytest.raises(values.Invalid):
        values.day(raw)


def test_numbers_codes_and_urns():
    assert values.urn("103120.0") == "103120"
    assert values.la_code("0") == "000"
    assert values.decimal("45.3%") == Decimal("45.3")
    assert values.decimal("1,204") == Decimal("1204")
    assert values.whole_number("12") == 12
    for bad in ("12345", "1234567", "ABC123", "１２３４５６"):
        with pytest.raises(values.Invalid):
            values.urn(bad)
    for bad in ("NaN", "Infinity", "1e999999", "twelve"):
        with pytest.raises(values.Invalid):
            values.decimal(bad)
