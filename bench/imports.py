"""Public data imports (issue 5): a 50,000-row GIAS file and a 25,000-row Ofsted file.

The files are generated in the published layouts (GIAS 2024: 140 columns, Windows-1252, with a
links file of academy conversions; Ofsted 2023 management information: latest, previous and
ungraded inspections), spread over 150 local authorities set up in the database. Each import
runs as its own `manage.py import_...` process, exactly as an operator would run it, so the
time includes starting Django and the peak memory is that process's maximum resident set size
(from wait4). Every run is checked against the import log: the first import creates every row
and the re-import reports 0 created, 0 updated.
"""

from __future__ import annotations

import csv
import os
import random
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from django.db import connections

from bench.report import SectionReport
from improvement.accounts.models import Authority
from improvement.imports.models import ImportRun
from improvement.imports.tests.builders import GIAS_2024, LINKS, OFSTED_2023

TITLE = "Public data imports: GIAS and Ofsted files (issue 5)"
ROOT = Path(__file__).resolve().parent.parent
GIAS_ROWS, OFSTED_ROWS = 50_000, 25_000
QUICK_GIAS_ROWS, QUICK_OFSTED_ROWS = 5_000, 2_500
LA_CODES = [str(code) for code in range(201, 351)]  # 150 authorities; the register section uses 900/901
FIRST_URN = 300_000
FIRST_TARGET_S, REIMPORT_TARGET_S, MEMORY_TARGET_MB = 60.0, 30.0, 500.0

TYPES = [  # (code, name, group, phase code, weight)
    ("1", "Community school", "Local authority maintained schools", "2", 30),
    ("2", "Voluntary aided school", "Local authority maintained schools", "2", 8),
    ("3", "Voluntary controlled school", "Local authority maintained schools", "2", 6),
    ("5", "Foundation school", "Local authority maintained schools", "4", 3),
    ("34", "Academy converter", "Academies", "4", 28),
    ("28", "Academy sponsor led", "Academies", "2", 10),
    ("35", "Free schools", "Free Schools", "7", 5),
    ("7", "Community special school", "Special schools", "0", 5),
    ("14", "Pupil referral unit", "Local authority maintained schools", "0", 3),
    ("15", "Local authority nursery school", "Local authority maintained schools", "1", 2),
]
FIRST = ["Amira", "Ben", "Chloe", "Dev", "Ella", "Finn", "Grace", "Hari", "Isla", "Jon", "Kemi", "Leo"]
LAST = ["Ashdown", "Brook", "Carver", "Dale", "Evans", "Fenwick", "Gale", "Hurst", "Ingram", "Jessop"]
PLACES = ["Ashford", "Brookley", "Carrow", "Dunmere", "Elmstead", "Fernhill", "Greywell", "Holmdale"]


@dataclass
class RunResult:
    seconds: float
    peak_mb: float
    created: int
    updated: int
    unchanged: int
    errors: int


def _d(day: date, sep: str) -> str:
    return day.strftime(f"%d{sep}%m{sep}%Y")


def write_gias(path: Path, links_path: Path, rows: int, rng: random.Random) -> tuple[list[str], int]:
    """The establishments file and its links file; returns the open schools' URNs and the number
    of conversions (an LA-maintained school closed and succeeded by an academy)."""
    weights = [t[4] for t in TYPES]
    open_urns: list[str] = []
    links: list[list[str]] = []
    with path.open("w", encoding="cp1252", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=GIAS_2024, restval="", lineterminator="\r\n")
        writer.writeheader()
        i = 0
        while i < rows:
            la = LA_CODES[i % len(LA_CODES)]
            code, type_name, group, phase, _w = rng.choices(TYPES, weights)[0]
            urn = str(FIRST_URN + i)
            closed = rng.random() < 0.06
            row = {
                "URN": urn, "LA (code)": la, "LA (name)": f"Authority {la}",
                "EstablishmentNumber": f"{2000 + (i // len(LA_CODES)) % 7000:04d}",
                "EstablishmentName": f"{rng.choice(PLACES)} {rng.choice(['Primary', 'Academy', 'School', 'Church School'])} {i}",
                "TypeOfEstablishment (code)": code, "TypeOfEstablishment (name)": type_name,
                "EstablishmentTypeGroup (name)": group, "EstablishmentStatus (code)": "2" if closed else "1",
                "EstablishmentStatus (name)": "Closed" if closed else "Open",
                "OpenDate": _d(date(1960, 1, 1) + timedelta(days=rng.randrange(20000)), "-"),
                "CloseDate": "31-08-2020" if closed else "", "PhaseOfEducation (code)": phase,
                "StatutoryLowAge": "4", "StatutoryHighAge": "11" if phase in ("1", "2") else "16",
                "ReligiousCharacter (name)": rng.choice(["Does not apply", "Church of England", "Roman Catholic"]),
                "Diocese (name)": "Not applicable", "NumberOfPupils": str(rng.randrange(40, 1800)),
                "PercentageFSM": f"{rng.uniform(2, 60):.1f}", "Street": f"{rng.randrange(1, 200)} School Road",
                "Town": rng.choice(PLACES), "Postcode": f"ZZ{rng.randrange(1, 99)} {rng.randrange(1, 9)}AA",
                "SchoolWebsite": f"www.school{urn}.example.org", "TelephoneNum": f"1632{rng.randrange(10**5, 10**6)}",
                "HeadTitle (name)": "Ms", "HeadFirstName": rng.choice(FIRST), "HeadLastName": rng.choice(LAST),
                "Trusts (code)": "", "Trusts (name)": "",
            }
            if code in ("34", "28", "35"):
                trust = 10_000 + rng.randrange(400)
                row["Trusts (code)"], row["Trusts (name)"] = str(trust), f"Learning Trust {trust}"
            writer.writerow(row)
            i += 1
            if code == "34" and not closed and i < rows and rng.random() < 0.25:
                # The academy's LA-maintained predecessor, closed the day before it opened.
                predecessor = dict(row, URN=str(FIRST_URN + i), EstablishmentName=f"{row['EstablishmentName']} (old)",
                                   **{"TypeOfEstablishment (code)": "1", "TypeOfEstablishment (name)": "Community school",
                                      "EstablishmentTypeGroup (name)": "Local authority maintained schools",
                                      "EstablishmentStatus (code)": "2", "EstablishmentStatus (name)": "Closed",
                                      "CloseDate": "31-08-2016", "Trusts (code)": "", "Trusts (name)": ""})
                writer.writerow(predecessor)
                links.append([urn, predecessor["URN"], predecessor["EstablishmentName"], "Predecessor", "01-09-2016"])
                links.append([predecessor["URN"], urn, row["EstablishmentName"], "Successor", "01-09-2016"])
                i += 1
            elif not closed:
                open_urns.append(urn)
    with links_path.open("w", encoding="cp1252", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n", quoting=csv.QUOTE_ALL)
        writer.writerow(LINKS)
        writer.writerows(links)
    return open_urns, len(links) // 2


GRADE_COLUMNS = [  # (latest column, previous column, what goes in it)
    ("Overall effectiveness", "Previous graded inspection overall effectiveness", "overall"),
    ("Quality of education", "Previous quality of education", "eif"),
    ("Behaviour and attitudes", "Previous behaviour and attitudes", "eif"),
    ("Personal development", "Previous personal development", "eif"),
    ("Effectiveness of leadership and management", "Previous effectiveness of leadership and management", "grade"),
    ("Safeguarding is effective?", "Previous safeguarding is effective?", "safeguarding"),
    ("Early years provision (where applicable)", "Previous early years provision (where applicable)", "optional"),
    ("Sixth form provision (where applicable)", "Previous sixth form provision (where applicable)", "none"),
]


def _grades(day: date, rng: random.Random, previous: bool) -> dict[str, str]:
    """Grade columns as Ofsted fills them for an inspection starting on `day`."""
    eif = day >= date(2019, 9, 1)

    def grade() -> str:
        return rng.choices("1234", [15, 60, 20, 5])[0]

    values = {
        "overall": grade() if day < date(2024, 9, 2) else "Not judged",
        "eif": grade() if eif else "9",
        "grade": grade(),
        "safeguarding": "Yes" if eif else "9",
        "optional": rng.choice(["9", grade()]),
        "none": "9",
    }
    return {columns[1 if previous else 0]: values[columns[2]] for columns in GRADE_COLUMNS}


def write_ofsted(path: Path, urns: list[str], rows: int, rng: random.Random) -> None:
    with path.open("w", encoding="cp1252", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=OFSTED_2023, restval="", lineterminator="\r\n")
        writer.writeheader()
        for urn in urns[:rows]:
            latest = date(2012, 9, 3) + timedelta(days=rng.randrange(4300))
            previous = latest - timedelta(days=rng.randrange(900, 2200))
            la = LA_CODES[(int(urn) - FIRST_URN) % len(LA_CODES)]
            row = {
                "URN": urn, "LAESTAB": f"{la}2000", "School name": f"School {urn}", "Ofsted phase": "Primary",
                "Inspection type": "S5 Inspection", "Inspection start date": _d(latest, "/"),
                "Publication date": _d(latest + timedelta(days=30), "/"),
                "Previous inspection start date": _d(previous, "/"),
                "Previous publication date": _d(previous + timedelta(days=30), "/"),
                **_grades(latest, rng, previous=False), **_grades(previous, rng, previous=True),
            }
            if rng.random() < 0.4 and latest < date(2024, 9, 1):
                ungraded = latest + timedelta(days=rng.randrange(400, 800))
                if ungraded < date(2025, 7, 1):
                    row.update({"Date of latest ungraded inspection": _d(ungraded, "/"),
                                "Ungraded inspection publication date": _d(ungraded + timedelta(days=20), "/"),
                                "Ungraded inspection overall outcome": "School remains Good",
                                "Did the latest ungraded inspection convert to a graded inspection?": "No"})
            writer.writerow(row)


def run_command(args: list[str], log_dir: Path, label: str) -> RunResult:
    """Run one import in its own process; time it, take its peak RSS, read its import log."""
    connections.close_all()  # no open connection or transaction while the child writes
    before = ImportRun.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    connections.close_all()
    out_path, err_path = log_dir / f"{label}.out", log_dir / f"{label}.err"
    with out_path.open("w") as out, err_path.open("w") as err:
        started = time.perf_counter()
        process = subprocess.Popen([sys.executable, "manage.py", *args], cwd=ROOT, stdout=out, stderr=err,  # noqa: S603 - our own arguments
                                   env=os.environ.copy())
        _pid, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise RuntimeError(f"{label} exited {process.returncode}:\n{out_path.read_text()[-3000:]}\n"
                           f"{err_path.read_text()[-3000:]}")
    totals = {"created": 0, "updated": 0, "unchanged": 0, "errors": 0}
    for report in ImportRun.objects.filter(pk__gt=before).values_list("report", flat=True):
        for name in totals:
            totals[name] += report["totals"][name]
    connections.close_all()
    return RunResult(seconds=seconds, peak_mb=usage.ru_maxrss / 1024, **totals)


def _row(report: SectionReport, what: str, result: RunResult, target_s: float | None) -> None:
    counts = f"{result.created:,} created, {result.updated:,} updated, {result.unchanged:,} unchanged"
    if target_s is None:
        report.row(f"{what}: {counts}; peak memory {result.peak_mb:,.0f} MB (informative, no target)",
                   median_ms=result.seconds * 1000)
        return
    met = result.seconds <= target_s and result.peak_mb <= MEMORY_TARGET_MB and result.errors == 0
    report.row(f"{what}: {counts}; peak memory {result.peak_mb:,.0f} MB",
               target=f"≤ {target_s:g} s; ≤ {MEMORY_TARGET_MB:g} MB", median_ms=result.seconds * 1000, met=met)


def run(report: SectionReport) -> None:
    quick = bool(getattr(report.options, "quick", False))
    gias_rows, ofsted_rows = (QUICK_GIAS_ROWS, QUICK_OFSTED_ROWS) if quick else (GIAS_ROWS, OFSTED_ROWS)
    rng = random.Random(2025)
    existing = set(Authority.objects.filter(code__in=LA_CODES).values_list("code", flat=True))
    Authority.objects.bulk_create([Authority(code=c, name=f"Bench Authority {c}") for c in LA_CODES
                                   if c not in existing])

    work = Path(tempfile.mkdtemp(prefix="imports-", dir=os.environ.get("VAR_DIR")))
    gias, links, ofsted = (work / "edubasealldata20250422.csv", work / "links_edubasealldata20250422.csv",
                           work / "ofsted_latest_inspections_as_at_31_Jul_2025.csv")
    started = time.perf_counter()
    open_urns, conversions = write_gias(gias, links, gias_rows, rng)
    write_ofsted(ofsted, open_urns, ofsted_rows, rng)
    report.fact("Files", f"GIAS {gias_rows:,} rows × {len(GIAS_2024)} columns ({gias.stat().st_size / 1e6:,.0f} MB, "
                f"Windows-1252) over {len(LA_CODES)} LAs, with a links file of {conversions:,} academy "
                f"conversions; Ofsted {ofsted_rows:,} rows × {len(OFSTED_2023)} columns "
                f"({ofsted.stat().st_size / 1e6:,.0f} MB), each row a latest and a previous graded inspection "
                f"and 40% an ungraded one; generated in {time.perf_counter() - started:,.0f} s")
    report.fact("How", "each import is a separate `python manage.py import_gias|import_ofsted FILE` process "
                "(time includes Django start-up); peak memory is the process's maximum resident set size; "
                "counts are read back from the import log")

    first = run_command(["import_gias", str(gias), "--links", str(links)], work, "gias-first")
    _row(report, f"GIAS first import, {gias_rows:,} rows and links", first, FIRST_TARGET_S)
    again = run_command(["import_gias", str(gias), "--links", str(links)], work, "gias-again")
    _row(report, "GIAS re-import, no changes", again, REIMPORT_TARGET_S)
    if again.created or again.updated:
        raise AssertionError(f"GIAS re-import changed rows: {again}")

    changed = work / "edubasealldata20250522.csv"
    with gias.open(encoding="cp1252", newline="") as src, changed.open("w", encoding="cp1252", newline="") as dst:
        reader, writer = csv.reader(src), csv.writer(dst, lineterminator="\r\n")
        writer.writerow(next(reader))
        head = GIAS_2024.index("HeadLastName")
        pupils = GIAS_2024.index("NumberOfPupils")
        for n, cells in enumerate(reader):
            cells[pupils] = str(int(cells[pupils] or 0) + 1)  # a new census: every count moves
            if n % 10 == 0:
                cells[head] = cells[head] + "-Smith"
            writer.writerow(cells)
    month_later = run_command(["import_gias", str(changed)], work, "gias-changed")
    _row(report, "GIAS after a census: every pupil count changed, 1 school in 10 a new head", month_later, None)

    first = run_command(["import_ofsted", str(ofsted)], work, "ofsted-first")
    _row(report, f"Ofsted first import, {ofsted_rows:,} rows", first, FIRST_TARGET_S)
    again = run_command(["import_ofsted", str(ofsted)], work, "ofsted-again")
    _row(report, "Ofsted re-import, no changes", again, REIMPORT_TARGET_S)
    if again.created or again.updated:
        raise AssertionError(f"Ofsted re-import changed rows: {again}")
    if quick:
        report.note("Quick run: a tenth of the rows; the targets apply to the full-size files.")
    report.note("Each import runs once: the Median column is that run's wall time, including Django start-up. "
                "The 1-minute load average recorded with the run shows how busy the machine was; on this "
                "2-core machine other work roughly doubles the times.")
    report.note("Writes are bulk_create / bulk_update with simple-history in batches of 500; existing rows are "
                "read once per import in batches of 900 URNs, so no query is issued per row.")
