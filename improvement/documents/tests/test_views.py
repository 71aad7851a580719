"""The documents page, upload form, download and withdrawal through the browser."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from improvement.documents import services
from improvement.documents.models import SchoolDocument
from improvement.documents.selectors import document_path
from improvement.documents.tests.builders import (
    TINY_PDF,
    docx_bytes,
    make_document,
    upload,
    xlsx_bytes,
)
from improvement.documents.tests.conftest import stored_files

pytestmark = pytest.mark.django_db


def list_url(school) -> str:
    return reverse("documents:list", kwargs={"urn": school.urn})


@pytest.mark.parametrize("role", ["headteacher", "monitoring_officer", "senior_adviser", "la_admin"])
def test_each_uploader_role_uploads_through_the_form(client_for, personas, school, upload_root, role):
    client = client_for(personas[role])
    response = client.post(list_url(school), {
        "kind": "improvement_plan", "title": "Plan 2026/27", "file": upload("plan.docx", docx_bytes()),
    })
    assert response.status_code == 302 and response["Location"] == list_url(school)
    document = SchoolDocument.objects.get()
    assert document.uploaded_by == personas[role] and document.school == school
    assert document.detected_type == "docx" and len(stored_files(upload_root)) == 1
    page = client.get(list_url(school)).content.decode()
    assert "Plan 2026/27 has been uploaded." in page
    assert reverse("documents:download", args=[document.pk]) in page and "Current" in page


@pytest.mark.parametrize(("data", "message"), [
    ({"kind": "self_evaluation"}, "Select a file."),
    ({"file": "pdf"}, "Select what kind of document this is."),
    ({"kind": "self_evaluation", "file": "text"}, "The selected file must be a PDF, Word or Excel file."),
    ({"kind": "self_evaluation", "file": "empty"}, "The selected file is empty."),
    ({"kind": "self_evaluation", "file": "zip-as-pdf"},
     "The selected file is an Excel spreadsheet but its name ends in .pdf."),
    ({"kind": "self_evaluation", "file": "pdf", "title": "x" * 201}, "Title must be 200 characters or fewer."),
])
def test_bad_uploads_show_a_clear_error_and_save_nothing(client_for, personas, school, upload_root, data, message):
    files = {"pdf": upload("sef.pdf", TINY_PDF), "text": upload("sef.pdf", b"Not a PDF at all"),
             "empty": upload("sef.pdf", b""), "zip-as-pdf": upload("report.pdf", xlsx_bytes())}
    if "file" in data:
        data = {**data, "file": files[data["file"]]}
    response = client_for(personas["headteacher"]).post(list_url(school), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page and message in page
    assert not SchoolDocument.objects.exists() and stored_files(upload_root) == []


def test_too_large_upload_is_refused_with_the_limit(client_for, personas, school, upload_root, settings):
    settings.UPLOAD_MAX_BYTES = 1024 * 1024
    client = client_for(personas["senior_adviser"])
    assert "smaller than 1 MB" in client.get(list_url(school)).content.decode()  # the hint says so
    response = client.post(list_url(school), {"kind": "other", "file": upload("big.pdf", TINY_PDF + bytes(1024 * 1024))})
    assert response.status_code == 400
    assert "The selected file must be smaller than 1 MB." in response.content.decode()
    assert not SchoolDocument.objects.exists() and stored_files(upload_root) == []


def test_the_upload_form_uses_the_govuk_file_upload_component(client_for, personas, school, upload_root):
    page = client_for(personas["headteacher"]).get(list_url(school)).content.decode()
    assert 'enctype="multipart/form-data"' in page
    assert '<div class="govuk-drop-zone" data-module="govuk-file-upload"><input type="file" name="file"' in page
    assert 'class="govuk-file-upload"' in page and 'accept=".pdf,.docx,.xlsx,.doc,.xls"' in page


@pytest.mark.parametrize("role", ["chair_of_governors", "trust_ceo", "la_viewer", "network_lead"])
def test_readers_see_documents_without_the_upload_form(client_for, personas, school, upload_root, role):
    make_document(personas["la_admin"], school, title="Autumn SEF")
    page = client_for(personas[role]).get(list_url(school)).content.decode()
    assert "Autumn SEF" in page and "Upload a document" not in page and ">Withdraw<" not in page


def test_download_serves_the_bytes_privately_as_an_attachment(client_for, personas, school, upload_root):
    document = make_document(personas["headteacher"], school, name="Plan – draft.docx", data=docx_bytes(),
                             kind="improvement_plan")
    response = client_for(personas["chair_of_governors"]).get(reverse("documents:download", args=[document.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == document_path(document).read_bytes()
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''Plan%20%E2%80%93%20draft.docx" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    assert int(response["Content-Length"]) == document.size


def test_a_pdf_download_has_the_pdf_content_type(client_for, personas, school, upload_root):
    document = make_document(personas["la_admin"], school, name="sef.pdf")
    response = client_for(personas["headteacher"]).get(reverse("documents:download", args=[document.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="sef.pdf"'


def test_other_schools_and_authorities_get_page_not_found(client_for, personas, school, sibling_school,
                                                          other_school, upload_root):
    sibling_doc = make_document(personas["la_admin"], sibling_school)
    own_doc = make_document(personas["la_admin"], school)
    head = client_for(personas["headteacher"])
    assert head.get(reverse("documents:download", args=[sibling_doc.pk])).status_code == 404
    assert head.get(list_url(sibling_school)).status_code == 404
    assert head.get(reverse("documents:withdraw", args=[sibling_doc.pk])).status_code == 404
    other = client_for(personas["other_la_officer"])
    assert other.get(reverse("documents:download", args=[own_doc.pk])).status_code == 404
    assert other.get(list_url(school)).status_code == 404
    assert client_for(personas["monitoring_officer"]).get(list_url(other_school)).status_code == 404


def test_missing_file_on_disk_is_page_not_found(client_for, personas, school, upload_root):
    document = make_document(personas["la_admin"], school)
    for path in stored_files(upload_root):
        path.unlink()
    assert client_for(personas["la_admin"]).get(reverse("documents:download", args=[document.pk])).status_code == 404


def test_withdraw_asks_for_confirmation_then_withdraws(client_for, personas, school, upload_root):
    document = make_document(personas["monitoring_officer"], school, title="Position statement June")
    client = client_for(personas["monitoring_officer"])
    url = reverse("documents:withdraw", args=[document.pk])
    list_page = client.get(list_url(school)).content.decode()
    assert url in list_page

    confirm = client.get(url)
    assert confirm.status_code == 200
    assert "Are you sure you want to withdraw this document?" in confirm.content.decode()
    document.refresh_from_db()
    assert not document.is_withdrawn  # a GET changes nothing

    no_reason = client.post(url, {"reason": ""})
    assert no_reason.status_code == 400 and "Enter why you are withdrawing the document." in no_reason.content.decode()

    done = client.post(url, {"reason": "Superseded by the corrected version"})
    assert done.status_code == 302 and done["Location"] == list_url(school)
    document.refresh_from_db()
    assert document.is_withdrawn and document.withdrawn_by == personas["monitoring_officer"]
    assert stored_files(upload_root)  # the file is kept
    assert client.get(reverse("documents:download", args=[document.pk])).status_code == 404

    again = client.post(url, {"reason": "Double click"})
    assert again.status_code == 302
    assert "had already been withdrawn" in client.get(list_url(school)).content.decode()

    la_page = client_for(personas["la_viewer"]).get(list_url(school)).content.decode()
    assert "Withdrawn documents" in la_page and "Superseded by the corrected version" in la_page
    head_page = client_for(personas["headteacher"]).get(list_url(school)).content.decode()
    assert "Position statement June" not in head_page and "Withdrawn documents" not in head_page


def test_earlier_versions_stay_listed_under_the_current_one(client_for, personas, school, upload_root):
    make_document(personas["la_admin"], school, title="SEF autumn")
    make_document(personas["la_admin"], school, title="SEF spring")
    page = client_for(personas["senior_adviser"]).get(list_url(school)).content.decode()
    assert page.index("SEF spring") < page.index("Current") < page.index("SEF autumn") < page.index("Earlier version")
    assert "No school improvement plan has been uploaded." in page


@pytest.mark.parametrize("role", ["la_viewer", "headteacher", "chair_of_governors", "trust_ceo"])
def test_the_school_profile_links_to_the_documents(client_for, personas, school, role):
    page = client_for(personas[role]).get(reverse("schools:detail", kwargs={"urn": school.urn})).content.decode()
    assert f'href="{list_url(school)}"' in page


def _fill(personas, school, count: int) -> None:
    """Documents of every kind from two uploaders, every third one withdrawn."""
    kinds = ["self_evaluation", "improvement_plan", "position_statement", "other"]
    for n in range(count):
        uploader = personas["headteacher"] if n % 2 else personas["monitoring_officer"]
        document = make_document(uploader, school, kind=kinds[n % 4], title=f"Document {n}")
        if n % 3 == 2:
            services.withdraw_document(actor=personas["senior_adviser"], document=document, reason="Test")


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries.captured_queries)


@pytest.mark.parametrize("role", ["senior_adviser", "headteacher"])
def test_the_documents_page_makes_the_same_queries_for_few_and_many_documents(
    client_for, personas, school, upload_root, role
):
    client = client_for(personas[role])
    _fill(personas, school, 3)
    few = _queries(client, list_url(school))
    _fill(personas, school, 12)
    many = _queries(client, list_url(school))
    assert many == few, f"{few} queries for 3 documents, {many} for 15"
