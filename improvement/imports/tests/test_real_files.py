"""The importers against real published files nobody on this project wrote (../shared/data, see
each folder's PROVENANCE.md). Skipped, saying why, when that folder is not beside the repo."""

from __future__ import annotations

import csv
from datetime import date

import pytest

from improvement.accounts.tests.factories import AuthorityFactory
from improvement.imports.report import COMMITTED, REJECTED
from improvement.imports.services.engine import ImportOptions
from improvement.imports.services.gias import import_gias
from improvement.imports.services.measures import import_measures
from improvement.imports.services.ofsted import import_ofsted
from improvement.imports.tests.builders import SHARED_DATA
from improvement.inspections.models import Inspection
from improvement.schools.models import ContextMeasure, School
from improvement.schools.tests.factories import SchoolFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not SHARED_DATA.is_dir(), reason=f"real public data not found at {SHARED_DATA}"),
]
GIAS = SHARED_DATA / "gias"
OFSTED = SHARED_DATA / "ofsted" / "west_midlands_df.csv"
DFE = SHARED_DATA / "dfe_school_level"


def test_edubase_2015_extract_in_windows_1252_imports_and_reimports_unchanged():
    for code, name in (("926", "Norfolk"), ("886", "Kent"), ("330", "Birmingham")):
        AuthorityFactory(code=code, name=name)
    path = GIAS / "edubasealldata20150407_extract.csv"
    first = import_gias(path, ImportOptions())
    assert first.outcome == COMMITTED and first.encoding == "Windows-1252"
    assert first.by_la["926"].created == 5 and first.totals().errors == 0
    norwich = School.objects.get(name="The Free School Norwich")
    assert norwich.authority.code == "926" and norwich.governance == "free_school"
    second = import_gias(path, ImportOptions())
    assert second.totals().created == 0 and second.totals().updated == 0
    assert second.totals().unchanged == first.totals().created


def test_gias_2024_layout_with_codes():
    for code in ("201", "202", "860", "865", "878"):
        AuthorityFactory(code=code)
    report = import_gias(GIAS / "itt-mentor-services_gias_subset.csv", ImportOptions())
    assert report.outcome == COMMITTED
    assert report.skipped["establishment type not held in the register: British schools overseas"] == 0
    assert School.objects.count() == 5  # 3 rows are independent special or overseas schools
    closed = School.objects.get(urn="100004")
    assert closed.status == "closed" and closed.close_date == date(1992, 8, 31)


def test_the_messy_file_with_ragged_rows_is_rejected_naming_the_lines():
    for code in ("201", "202", "318", "319", "330", "370", "825", "936"):
        AuthorityFactory(code=code)
    path = GIAS / "teaching-vacancies_example_schools_data.csv"
    report = import_gias(path, ImportOptions())
    assert report.outcome == REJECTED and not School.objects.exists()
    ragged = [p for p in report.problems if "cells but the header has 120" in p.reason]
    assert ragged, report.text()
    valid = import_gias(path, ImportOptions(skip_invalid=True))
    assert valid.outcome == COMMITTED and School.objects.count() == valid.totals().created > 0


def test_the_national_links_file_sets_predecessors_for_registered_schools():
    authority = AuthorityFactory(code="202")
    with (GIAS / "links_edubasealldata20250422.csv").open(encoding="cp1252", newline="") as handle:
        link = next(r for r in csv.DictReader(handle) if r["LinkType"] == "Predecessor")
    successor = SchoolFactory(authority=authority, urn=link["URN"], governance="academy")
    predecessor = SchoolFactory(authority=authority, urn=link["LinkURN"], governance="la_maintained")
    gias_file = GIAS / "itt-mentor-services_gias_subset.csv"
    report = import_gias(gias_file, ImportOptions(links_path=GIAS / "links_edubasealldata20250422.csv"))
    assert report.outcome == COMMITTED, report.text()
    successor.refresh_from_db()
    assert successor.predecessor_id == predecessor.pk
    assert successor.events.filter(kind="conversion").count() == 1


def test_ofsted_west_midlands_file_for_coventry():
    coventry = AuthorityFactory(code="331", name="Coventry")
    urns = set()
    with OFSTED.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["LAESTAB"].startswith("331"):
                urns |= {row[c].removesuffix(".0") for c in ("URN", "URN at time of latest graded inspection",
                                                            "URN at time of previous graded inspection") if row[c]}
    School.objects.bulk_create([School(authority=coventry, urn=u, establishment_number="2000", name=f"School {u}",
                                       phase="primary", governance="la_maintained") for u in urns])
    first = import_ofsted(OFSTED, ImportOptions(la_codes=frozenset({"331"})))
    assert first.outcome == COMMITTED, first.text()
    assert first.by_la["331"].created > 200 and first.totals().errors == 0
    assert first.skipped["in LAs not set up in this database"] > 2000
    assert Inspection.objects.filter(era="eif-2019", inspection_type="full").exists()
    assert Inspection.objects.exclude(ungraded_outcome="").exists()
    assert not School.objects.filter(authority=coventry, latest_outcome="").filter(
        inspections__inspection_type="full").exists()
    second = import_ofsted(OFSTED, ImportOptions(la_codes=frozenset({"331"})))
    assert second.totals().created == 0 and second.totals().updated == 0


@pytest.mark.parametrize(
    ("file_name", "kind", "year", "suppressed"),
    [
        ("england_census.csv", "census", 2018, False),
        ("england_abs.csv", "absence", 2018, False),  # no Coventry school is suppressed in 2018/19
        ("england_abs_older_PPERSABS15.csv", "absence", 2012, True),
        ("england_ks4provisional.csv", "ks4", 2018, True),
    ],
)
def test_dfe_performance_table_files(file_name, kind, year, suppressed):
    authority = AuthorityFactory(code="331")
    with (DFE / file_name).open(encoding="utf-8-sig", newline="") as handle:
        urns = {r["URN"] for r in csv.DictReader(handle) if r.get("LA", r.get("LEA")) == "331" and r["URN"]}
    School.objects.bulk_create([School(authority=authority, urn=u, establishment_number="2000", name=f"School {u}",
                                       phase="primary", governance="la_maintained") for u in urns])
    report = import_measures(DFE / file_name, ImportOptions(year=year), kind=kind)
    assert report.outcome == COMMITTED, report.text()
    assert report.by_la["331"].created > 50
    assert ContextMeasure.objects.filter(suppressed=True).exists() is suppressed
    assert not ContextMeasure.objects.filter(suppressed=False, value__isnull=True).exists()
    again = import_measures(DFE / file_name, ImportOptions(year=year), kind=kind)
    assert again.totals().created == 0 and again.totals().updated == 0
