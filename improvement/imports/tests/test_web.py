"""Web imports: upload, dry-run preview, confirm, progress and the import log."""

from __future__ import annotations

import csv
import io
import threading
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from improvement.imports.models import ImportKind, ImportRun
from improvement.imports.services import runs
from improvement.imports.tests.builders import ABSENCE, GIAS_2024, csv_text, gias_row
from improvement.schools.models import ContextMeasure, School

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "uploads"
    settings.IMPORTS_RUN_INLINE = True
    return settings.MEDIA_ROOT


@pytest.fixture
def admin(personas, client_for):
    return client_for(personas["la_admin"])


def upload(name, rows, header=GIAS_2024, encoding="cp1252"):
    return SimpleUploadedFile(name, csv_text(header, rows).encode(encoding), content_type="text/csv")


def post_upload(client, capture, data):
    with capture(execute=True):
        return client.post(reverse("imports:create"), data)


def test_upload_check_confirm_import(admin, personas, django_capture_on_commit_callbacks, media):
    response = post_upload(admin, django_capture_on_commit_callbacks, {
        "kind": "gias", "file": upload("edubasealldata20250422.csv", [gias_row("100101"), gias_row("100102")])})
    run = ImportRun.objects.get()
    assert response.status_code == 302 and response["Location"] == run.get_absolute_url()
    assert run.status == ImportRun.Status.CHECKED and run.created_by == personas["la_admin"]
    assert run.preview["totals"]["created"] == 2 and run.preview["outcome"] == "dry_run"
    assert not School.objects.filter(urn__in=["100101", "100102"]).exists()  # the check wrote nothing
    assert (media / run.stored_file).is_file() and run.stored_file.startswith("imports/")

    page = admin.get(run.get_absolute_url())
    assert b"What the import would do" in page.content and b">Import</button>" in page.content

    with django_capture_on_commit_callbacks(execute=True):
        confirmed = admin.post(reverse("imports:confirm", args=[run.pk]))
    assert confirmed.status_code == 302
    run.refresh_from_db()
    assert run.status == ImportRun.Status.SUCCEEDED and run.report["totals"]["created"] == 2
    school = School.objects.get(urn="100101")
    history = school.history.get()
    assert history.history_user == personas["la_admin"]
    assert history.history_change_reason == "Imported from edubasealldata20250422.csv"

    log = admin.get(reverse("imports:list"))
    assert b"edubasealldata20250422.csv" in log.content and b"Imported" in log.content
    finished = admin.get(run.get_absolute_url())
    assert b"What the import did" in finished.content and b">Import</button>" not in finished.content


def test_invalid_rows_need_an_explicit_choice_and_the_error_report_downloads_safely(
        admin, django_capture_on_commit_callbacks):
    rows = [gias_row("100101"), gias_row("100102", EstablishmentName="=HYPERLINK(\"x\")", OpenDate="31-02-2020")]
    post_upload(admin, django_capture_on_commit_callbacks, {"kind": "gias", "file": upload("gias.csv", rows)})
    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.CHECKED and run.preview["invalid_rows"] == 1
    page = admin.get(run.get_absolute_url())
    assert b"must be a real date" in page.content and b"Import the valid rows and skip the invalid ones" in page.content

    with django_capture_on_commit_callbacks(execute=True):
        refused = admin.post(reverse("imports:confirm", args=[run.pk]), follow=True)
    assert b"The file has invalid rows" in refused.content
    run.refresh_from_db()
    assert run.status == ImportRun.Status.CHECKED and not School.objects.filter(urn="100101").exists()

    download = admin.get(reverse("imports:errors", args=[run.pk]))
    rows_out = list(csv.reader(io.StringIO(b"".join(download.streaming_content).decode("utf-8-sig"))))
    assert rows_out[0][:3] == ["file", "line", "errors"]
    assert rows_out[1][1] == "3" and "OpenDate" in rows_out[1][2]
    assert "'=HYPERLINK(\"x\")" in rows_out[1]  # formula neutralised for spreadsheets

    with django_capture_on_commit_callbacks(execute=True):
        admin.post(reverse("imports:confirm", args=[run.pk]), {"skip_invalid": "on"})
    run.refresh_from_db()
    assert run.status == ImportRun.Status.SUCCEEDED
    assert set(School.objects.filter(urn__startswith="1001").values_list("urn", flat=True)) == {"100101"}


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"kind": "gias"}, "file", "Choose the CSV file to import."),
        ({"kind": "gias", "file": SimpleUploadedFile("gias.xlsx", b"URN\n1")}, "file", "must be a CSV file"),
        ({"kind": "gias", "file": SimpleUploadedFile("gias.csv", b"PK\x03\x04xlsx")}, "file", "not a CSV"),
        ({"kind": "gias", "file": SimpleUploadedFile("gias.csv", b"")}, "file", "empty"),
        ({"kind": "ofsted", "file": SimpleUploadedFile("o.csv", b"URN\n1"),
          "links_file": SimpleUploadedFile("l.csv", b"URN\n1")}, "links_file", "Only a GIAS"),
        ({"kind": "census", "file": SimpleUploadedFile("c.csv", b"URN\n1"), "academic_year": "2023/25"},
         "academic_year", "like 2023/24"),
        ({"kind": "payroll", "file": SimpleUploadedFile("c.csv", b"URN\n1")}, "kind", "Select a valid choice"),
    ],
)
def test_bad_uploads_are_refused_with_a_clear_error_and_nothing_kept(admin, media, data, field, message):
    response = admin.post(reverse("imports:create"), data)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert b"There is a problem" in response.content
    assert not ImportRun.objects.exists()
    assert not (media / "imports").exists() or not any((media / "imports").iterdir())


def test_uploads_over_the_size_limit_are_refused(admin, settings):
    settings.IMPORTS_MAX_UPLOAD_MB = 0
    response = admin.post(reverse("imports:create"), {"kind": "gias", "file": upload("g.csv", [gias_row("100101")])})
    assert "smaller than 0 MB" in " ".join(response.context["form"].errors["file"])


def test_a_file_missing_columns_fails_its_check_and_can_be_discarded(admin, django_capture_on_commit_callbacks, media):
    bad = SimpleUploadedFile("edubase.csv", b"URN,EstablishmentName\r\n100101,X\r\n")
    post_upload(admin, django_capture_on_commit_callbacks, {"kind": "gias", "file": bad})
    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.FAILED and "LA (code)" in run.failure
    page = admin.get(run.get_absolute_url())
    assert b"This file cannot be imported" in page.content and b"Discard the upload" in page.content
    with django_capture_on_commit_callbacks(execute=True):
        admin.post(reverse("imports:cancel", args=[run.pk]))
    run.refresh_from_db()
    assert run.status == ImportRun.Status.CANCELLED
    assert not (media / run.stored_file).exists()


def test_an_upload_only_touches_the_admins_own_authority(admin, other_school, django_capture_on_commit_callbacks):
    rows = [gias_row("100101"), gias_row(other_school.urn, **{"LA (code)": "902", "EstablishmentName": "Hijacked"})]
    post_upload(admin, django_capture_on_commit_callbacks, {"kind": "gias", "file": upload("g.csv", rows)})
    run = ImportRun.objects.get()
    assert run.preview["skipped"] == {"in other LAs (not chosen for this import)": 1}
    with django_capture_on_commit_callbacks(execute=True):
        admin.post(reverse("imports:confirm", args=[run.pk]))
    other_school.refresh_from_db()
    assert other_school.name == "Other LA School"


def test_another_authoritys_admin_cannot_see_the_run(personas, client_for, other_authority):
    from improvement.accounts.roles import Role
    from improvement.accounts.tests.factories import UserFactory

    run = ImportRun.objects.create(authority=personas["la_admin"].authority, kind=ImportKind.GIAS,
                                   status=ImportRun.Status.SUCCEEDED, file_name="g.csv")
    outsider = client_for(UserFactory(authority=other_authority, role=Role.LA_ADMIN))
    assert outsider.get(run.get_absolute_url()).status_code == 404
    assert outsider.post(reverse("imports:confirm", args=[run.pk])).status_code == 404
    assert b"g.csv" not in outsider.get(reverse("imports:list")).content


def test_measures_upload_with_an_academic_year(admin, school, django_capture_on_commit_callbacks):
    data = {"kind": "absence", "academic_year": "2023/24",
            "file": upload("england_abs.csv", [["901", "2001", school.urn, "4.5", "SUPP"]], header=ABSENCE)}
    post_upload(admin, django_capture_on_commit_callbacks, data)
    run = ImportRun.objects.get()
    assert run.academic_year == 2023 and run.status == ImportRun.Status.CHECKED
    with django_capture_on_commit_callbacks(execute=True):
        admin.post(reverse("imports:confirm", args=[run.pk]))
    assert ContextMeasure.objects.get(school=school, measure="persistent_absence_percent").suppressed


def test_a_measures_file_without_a_year_fails_its_check_saying_so(admin, school, django_capture_on_commit_callbacks):
    data = {"kind": "absence", "file": upload("england_abs.csv", [["901", "2001", school.urn, "4.5", "9"]],
                                              header=ABSENCE)}
    post_upload(admin, django_capture_on_commit_callbacks, data)
    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.FAILED and "--year" in run.failure


def test_progress_polls_with_htmx_and_refreshes_the_page_when_done(admin, personas):
    run = ImportRun.objects.create(authority=personas["la_admin"].authority, kind=ImportKind.GIAS,
                                   status=ImportRun.Status.RUNNING, file_name="g.csv", phase="Reading rows",
                                   rows_done=12000, rows_total=50000)
    page = admin.get(run.get_absolute_url())
    assert b'hx-trigger="every 2s"' in page.content and b"12,000" in page.content
    assert b"Refresh this page" in page.content  # works without JavaScript
    fragment = admin.get(run.get_absolute_url(), headers={"HX-Request": "true"})
    assert b"<html" not in fragment.content and b"of about 50,000 rows (24%)" in fragment.content
    assert "HX-Refresh" not in fragment

    ImportRun.objects.filter(pk=run.pk).update(status=ImportRun.Status.SUCCEEDED)
    done = admin.get(run.get_absolute_url(), headers={"HX-Request": "true"})
    assert done["HX-Refresh"] == "true"


def test_a_run_that_stopped_reporting_progress_says_so(admin, personas):
    run = ImportRun.objects.create(authority=personas["la_admin"].authority, kind=ImportKind.GIAS,
                                   status=ImportRun.Status.RUNNING, file_name="g.csv")
    ImportRun.objects.filter(pk=run.pk).update(updated_at=timezone.now() - timedelta(hours=1))
    page = admin.get(run.get_absolute_url())
    assert b"has not reported progress for 15 minutes" in page.content
    assert b"every 2s" not in page.content
    assert b"Discard the upload" in page.content
    admin.post(reverse("imports:cancel", args=[run.pk]))
    run.refresh_from_db()
    assert run.status == ImportRun.Status.CANCELLED


def test_confirming_twice_does_not_run_twice(admin, django_capture_on_commit_callbacks):
    post_upload(admin, django_capture_on_commit_callbacks, {"kind": "gias", "file": upload("g.csv", [gias_row("100101")])})
    run = ImportRun.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        admin.post(reverse("imports:confirm", args=[run.pk]))
    again = admin.post(reverse("imports:confirm", args=[run.pk]), follow=True)
    assert b"already been confirmed" in again.content
    assert School.objects.get(urn="100101").history.count() == 1


def test_the_log_page_does_not_query_per_run(admin, personas, django_assert_max_num_queries):
    for i in range(30):
        ImportRun.objects.create(authority=personas["la_admin"].authority, kind=ImportKind.OFSTED,
                                 status=ImportRun.Status.SUCCEEDED, file_name=f"f{i}.csv",
                                 created_by=personas["la_admin"])
    with django_assert_max_num_queries(12):
        response = admin.get(reverse("imports:list"))
    assert response.content.count(b"govuk-tag--green") == 25  # one page


def test_the_navigation_shows_imports_to_la_admins_only(personas, client_for):
    assert b'href="/imports/"' in client_for(personas["la_admin"]).get(reverse("schools:list")).content
    assert b'href="/imports/"' not in client_for(personas["senior_adviser"]).get(reverse("schools:list")).content


@pytest.mark.django_db(transaction=True)
def test_the_background_thread_checks_the_file_after_the_request(personas, settings):
    settings.IMPORTS_RUN_INLINE = False
    run = runs.start_upload(actor=personas["la_admin"], kind="gias",
                            upload=upload("edubasealldata20250422.csv", [gias_row("100101")]))
    worker = next(t for t in threading.enumerate() if t.name == f"import-run-{run.pk}")
    worker.join(timeout=30)
    run.refresh_from_db()
    assert run.status == ImportRun.Status.CHECKED and run.preview["totals"]["created"] == 1


def test_the_report_shows_events_skipped_rows_and_warnings(admin, personas):
    from improvement.imports.report import ImportReport

    report = ImportReport(kind="GIAS", source="g.csv", counted="schools", outcome="committed", rows_read=3)
    report.la("901").updated = 2
    report.events["change of headteacher"] = 2
    report.skipped["in LAs not set up in this database"] = 7
    report.warnings["SchoolWebsite: is not a web address; left blank"] = 1
    run = ImportRun.objects.create(authority=personas["la_admin"].authority, kind=ImportKind.GIAS,
                                   status=ImportRun.Status.SUCCEEDED, file_name="g.csv", report=report.as_dict())
    page = admin.get(run.get_absolute_url()).content.decode()
    assert "Change of headteacher: 2" in page
    assert "7: in LAs not set up in this database" in page
    assert "1: SchoolWebsite: is not a web address; left blank" in page
