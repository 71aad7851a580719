"""import_gias: the register from GIAS files, all or nothing, idempotent, audited, with events."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from improvement.imports.models import ImportRun
from improvement.imports.services.engine import ImportOptions
from improvement.imports.services.gias import import_gias
from improvement.imports.tests.builders import GIAS_2015, GIAS_2024, LINKS, gias_row, write_csv
from improvement.inspections.tests.factories import InspectionFactory
from improvement.schools.models import School, SchoolEvent, Status, Trust
from improvement.schools.tests.factories import SchoolFactory

pytestmark = pytest.mark.django_db


def run(path, *args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_gias", str(path), *args, stdout=out, stderr=err)
    return out.getvalue()


def run_failing(path, *args):
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("import_gias", str(path), *args, stdout=out, stderr=err)
    return caught.value, out.getvalue()


@pytest.fixture
def gias_file(tmp_path, authority):
    def make(rows, *, header=GIAS_2024, name="edubasealldata20250422.csv", encoding="cp1252"):
        return write_csv(tmp_path / name, header, rows, encoding=encoding)
    return make


def total_line(output):
    return next(line for line in output.splitlines() if line.startswith(("901 ", "Total")))


def test_first_import_creates_schools_and_the_second_changes_nothing(gias_file):
    path = gias_file([gias_row("100101"), gias_row("100102", EstablishmentName="Birch Infant School")])
    first = run(path)
    assert total_line(first).split()[:4] == ["901", "2", "0", "0"]
    school = School.objects.get(urn="100102")
    assert school.name == "Birch Infant School" and school.authority.code == "901"
    assert school.phase == "primary" and school.governance == "la_maintained"
    assert school.headteacher_name == "Ada Example" and school.headteacher_start_date is None
    history = school.history.get()
    assert history.history_change_reason == "Imported from edubasealldata20250422.csv"
    assert history.history_type == "+"

    second = run(path)
    assert total_line(second).split()[:4] == ["901", "0", "0", "2"]
    assert school.history.count() == 1  # no history rows for unchanged schools
    assert not SchoolEvent.objects.exists()


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_every_encoding_gives_the_same_names(gias_file, encoding):
    run(gias_file([gias_row("100101", EstablishmentName="St Chad’s Église School")], encoding=encoding))
    assert School.objects.get(urn="100101").name == "St Chad’s Église School"


def test_a_changed_headteacher_is_an_event_dated_by_the_extract(gias_file, tmp_path):
    run(gias_file([gias_row("100101")], name="edubasealldata20250101.csv"))
    out = run(gias_file([gias_row("100101", HeadFirstName="Grace", HeadLastName="Sample")],
                        name="edubasealldata20250422.csv"))
    assert "change of headteacher 1" in out
    school = School.objects.get(urn="100101")
    assert school.headteacher_name == "Grace Sample"
    assert school.headteacher_start_date == date(2025, 4, 22)
    event = school.events.get()
    assert event.kind == SchoolEvent.Kind.HEADTEACHER_CHANGE
    assert event.occurred_on == date(2025, 4, 22)
    assert "previously Ada Example" in event.detail
    assert event.source == "edubasealldata20250422.csv"
    latest = school.history.latest()
    assert latest.history_type == "~" and latest.history_change_reason == "Imported from edubasealldata20250422.csv"


def test_a_blank_head_name_in_the_file_keeps_the_recorded_head(gias_file):
    run(gias_file([gias_row("100101")]))
    run(gias_file([gias_row("100101", HeadFirstName="", HeadLastName="")], name="edubasealldata20250501.csv"))
    assert School.objects.get(urn="100101").headteacher_name == "Ada Example"
    assert not SchoolEvent.objects.exists()


def test_a_closure_is_counted_and_recorded(gias_file):
    run(gias_file([gias_row("100101")]))
    out = run(gias_file([gias_row("100101", **{"EstablishmentStatus (code)": "2", "EstablishmentStatus (name)": "Closed",
                                               "CloseDate": "31-08-2025"})], name="edubasealldata20250901.csv"))
    assert total_line(out).split()[:5] == ["901", "0", "1", "0", "1"]
    school = School.objects.get(urn="100101")
    assert school.status == Status.CLOSED and school.close_date == date(2025, 8, 31)
    event = school.events.get()
    assert event.kind == SchoolEvent.Kind.CLOSURE and event.occurred_on == date(2025, 8, 31)


def test_one_bad_row_means_nothing_is_written_and_the_report_says_where(gias_file):
    path = gias_file([gias_row("100101"), gias_row("100102", OpenDate="31-02-2020"), gias_row("100103")])
    error, out = run_failing(path)
    assert error.returncode == 1
    assert not School.objects.exists()
    assert 'line 3, column "OpenDate" value "31-02-2020": must be a real date' in out
    assert "Nothing was written: 1 rows have errors" in out


def test_skip_invalid_imports_the_valid_rows_and_writes_the_invalid_ones(gias_file, tmp_path):
    path = gias_file([gias_row("100101"), gias_row("100102", EstablishmentNumber="12"), gias_row("100103")])
    errors = tmp_path / "errors.csv"
    out = run(path, "--skip-invalid", "--errors", str(errors))
    assert set(School.objects.values_list("urn", flat=True)) == {"100101", "100103"}
    assert "1 invalid rows were skipped" in out
    with errors.open(encoding="utf-8-sig") as handle:
        (row,) = list(csv.DictReader(handle))
    assert row["line"] == "3" and row["URN"] == "100102"
    assert 'EstablishmentNumber "12": must be the 4-digit establishment number' in row["errors"]


def test_a_urn_twice_in_one_file_is_an_error_on_both_lines(gias_file):
    path = gias_file([gias_row("100101"), gias_row("100102"), gias_row("100101", EstablishmentName="Other")])
    _error, out = run_failing(path)
    assert "line 2, column \"URN\" value \"100101\": URN 100101 is also on line 4" in out
    assert "line 4, column \"URN\" value \"100101\": URN 100101 is also on line 2" in out
    assert not School.objects.exists()


def test_an_import_never_moves_a_school_from_another_authority(gias_file, other_school):
    _error, out = run_failing(gias_file([gias_row(other_school.urn)]))
    assert "is registered to another authority" in out
    other_school.refresh_from_db()
    assert other_school.authority.code == "902"


def test_rows_for_las_not_set_up_or_not_chosen_are_skipped_not_errors(gias_file, other_authority):
    path = gias_file([gias_row("100101"), gias_row("100102", **{"LA (code)": "902"}),
                      gias_row("100103", **{"LA (code)": "330"})])
    out = run(path, "--la", "901")
    assert set(School.objects.values_list("urn", flat=True)) == {"100101"}
    assert "1  in other LAs (not chosen for this import)" in out
    assert "1  in LAs not set up in this database" in out


def test_independent_schools_and_other_types_are_skipped_and_counted(gias_file):
    out = run(gias_file([gias_row("100101"), gias_row("100102", **{"TypeOfEstablishment (code)": "11",
                                                                    "TypeOfEstablishment (name)": "Other independent school"})]))
    assert School.objects.count() == 1
    assert "establishment type not held in the register: Other independent school" in out


def test_the_2015_layout_imports_and_leaves_missing_columns_alone(gias_file):
    existing = SchoolFactory(authority__code="901", urn="136750", establishment_number="4000", pupils_on_roll=700)
    row = {"URN": "136750", "LA (code)": "901", "EstablishmentNumber": "4000", "EstablishmentName": "Old Name Free School",
           "TypeOfEstablishment (name)": "Free Schools", "EstablishmentStatus (name)": "Open",
           "PhaseOfEducation (name)": "Secondary", "CloseDate": "", "OpenDate": "07-09-2011"}
    run(gias_file([row], header=GIAS_2015, name="edubasealldata20150407.csv"))
    existing.refresh_from_db()
    assert existing.name == "Old Name Free School" and existing.governance == "free_school"
    assert existing.open_date == date(2011, 9, 7)
    assert existing.pupils_on_roll is None  # NumberOfPupils is present but empty: the file says unknown


def test_a_file_missing_required_columns_fails_before_reading_rows(tmp_path, authority):
    path = write_csv(tmp_path / "bad.csv", ["URN", "EstablishmentName"], [["100101", "X"]])
    error, out = run_failing(path)
    assert error.returncode == 1
    assert "missing required columns: LA (code); EstablishmentNumber" in str(error)
    assert "0 rows read" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["missing.csv"], "does not exist"),
        (["FILE", "--skip-invalid"], "--skip-invalid needs --errors"),
        (["FILE", "--la", "99"], "3-digit LA codes"),
        (["FILE", "--la", "999"], "No authority with LA code 999"),
    ],
)
def test_usage_errors_exit_with_status_2(gias_file, args, message):
    path = gias_file([gias_row("100101")])
    args = [str(path) if a == "FILE" else a for a in args]
    with pytest.raises(CommandError, match=message) as caught:
        call_command("import_gias", *args, stdout=io.StringIO(), stderr=io.StringIO())
    assert caught.value.returncode == 2


def test_dry_run_counts_but_writes_nothing(gias_file):
    out = run(gias_file([gias_row("100101")]), "--dry-run")
    assert "Dry run" in out and total_line(out).split()[:2] == ["901", "1"]
    assert not School.objects.exists()
    assert not ImportRun.objects.exists()


def test_trusts_are_created_once_and_linked(gias_file):
    trust_cols = {"Trusts (code)": "3104", "Trusts (name)": "Example Learning Trust"}
    path = gias_file([gias_row("100101", **trust_cols), gias_row("100102", **trust_cols)])
    out = run(path)
    trust = Trust.objects.get(reference="3104")
    assert trust.authority.code == "901" and trust.name == "Example Learning Trust"
    assert set(trust.schools.values_list("urn", flat=True)) == {"100101", "100102"}
    assert "trusts added 1" in out
    run(gias_file([gias_row("100101", **trust_cols), gias_row("100102")], name="edubasealldata20250501.csv"))
    assert School.objects.get(urn="100102").trust is None


def test_links_set_predecessors_record_conversions_and_bring_inspection_history(gias_file, tmp_path):
    old = SchoolFactory(authority__code="901", urn="100101", governance="la_maintained", name="Old Community School")
    InspectionFactory(school=old, start_date=date(2019, 1, 10), publication_date=date(2019, 2, 1),
                      era="s5-2012", judgements={"overall_effectiveness": "requires_improvement"})
    academy = gias_row("140101", **{"TypeOfEstablishment (code)": "34", "TypeOfEstablishment (name)": "Academy converter",
                                    "OpenDate": "01-09-2021"})
    closed = gias_row("100101", EstablishmentName="Old Community School", CloseDate="31-08-2021",
                      **{"EstablishmentStatus (code)": "2"})
    links = write_csv(tmp_path / "links_edubasealldata20250422.csv", LINKS, [
        ["140101", "100101", "Old Community School", "Predecessor", "01-09-2021"],
        ["100101", "140101", "New Academy", "Successor", "01-09-2021"],
        ["140101", "999999", "Elsewhere", "Predecessor", ""],
    ])
    out = run(gias_file([academy, closed]), "--links", str(links))
    successor = School.objects.get(urn="140101")
    assert successor.predecessor_id == old.pk
    event = successor.events.get(kind=SchoolEvent.Kind.CONVERSION)
    assert event.occurred_on == date(2021, 9, 1) and "URN 100101" in event.detail
    assert successor.latest_outcome == "requires_improvement"  # the predecessor's inspection
    assert "predecessor links set 1" in out and "academy conversion 1" in out
    assert successor.history.latest().history_change_reason == "Imported from links_edubasealldata20250422.csv"

    again = run(gias_file([academy, closed]), "--links", str(links))
    assert "predecessor links set" not in again
    assert successor.events.filter(kind=SchoolEvent.Kind.CONVERSION).count() == 1


def test_a_bad_links_row_rejects_the_whole_import(gias_file, tmp_path):
    links = write_csv(tmp_path / "links.csv", LINKS, [["140101", "1001", "X", "Predecessor", ""]])
    _error, out = run_failing(gias_file([gias_row("100101")]), "--links", str(links))
    assert 'links.csv line 2, column "LinkURN" value "1001"' in out
    assert not School.objects.exists()


def test_a_links_file_with_the_wrong_columns_is_refused(gias_file, tmp_path):
    links = write_csv(tmp_path / "links.csv", ["URN", "Other"], [["140101", "X"]])
    error, _out = run_failing(gias_file([gias_row("100101")]), "--links", str(links))
    assert "The links file links.csv" in str(error) and "LinkURN" in str(error)
    assert not School.objects.exists()


def test_the_import_is_logged_for_each_la_with_only_its_own_figures(gias_file, authority, other_authority):
    run(gias_file([gias_row("100101"), gias_row("100102", **{"LA (code)": "902"})]))
    logs = {log.authority.code: log for log in ImportRun.objects.all()}
    assert set(logs) == {"901", "902"}
    mine = logs["901"]
    assert mine.via_command and mine.status == ImportRun.Status.SUCCEEDED
    assert list(mine.report["by_la"]) == ["901"] and mine.report["totals"]["created"] == 1
    assert "1 other LA(s)" in mine.report["notes"][-1]


def test_progress_is_plain_lines_when_not_a_terminal(gias_file):
    err = io.StringIO()
    call_command("import_gias", str(gias_file([gias_row("100101")])), stdout=io.StringIO(), stderr=err)
    assert "rows/s" in err.getvalue() and "Finished: 1 rows" in err.getvalue()


def test_queries_do_not_grow_with_rows(gias_file, tmp_path):
    def queries_for(count, name):
        rows = [gias_row(f"{100100 + i}", EstablishmentNumber=f"{2000 + i}",
                         **{"Trusts (code)": str(i % 3), "Trusts (name)": f"Trust {i % 3}"}) for i in range(count)]
        path = gias_file(rows, name=name)
        with CaptureQueriesContext(connection) as first:
            import_gias(path, ImportOptions())
        changed = [dict(r, EstablishmentName=r["EstablishmentName"] + " (renamed)") for r in rows]
        with CaptureQueriesContext(connection) as update:
            import_gias(gias_file(changed, name=name), ImportOptions())
        return len(first), len(update)

    small = queries_for(5, "a.csv")
    School.objects.all().delete()
    large = queries_for(200, "b.csv")
    # Writes go in batches (SQLite takes at most 999 parameters a statement), never row by row:
    # 195 more rows may cost a few more batches, not 195 more queries.
    assert large[0] - small[0] <= 10 and large[1] - small[1] <= 10, (small, large)


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_terminal_gets_a_progress_bar_with_rows_per_second(gias_file):
    from improvement.imports.progress import RichProgress, for_stream

    terminal = _Terminal()
    progress = for_stream(terminal)
    assert isinstance(progress, RichProgress)
    report = import_gias(gias_file([gias_row("100101")]), ImportOptions(progress=progress))
    assert report.outcome == "committed"
    assert "rows/s" in terminal.getvalue()
