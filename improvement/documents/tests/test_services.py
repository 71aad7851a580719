"""Uploading and withdrawing documents, and the selectors the board pack uses."""

from __future__ import annotations

import hashlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.http import Http404

from improvement.documents import selectors, services
from improvement.documents.models import SchoolDocument
from improvement.documents.tests.builders import (
    TINY_PDF,
    docx_bytes,
    make_document,
    xlsx_bytes,
)
from improvement.documents.tests.conftest import stored_files

pytestmark = pytest.mark.django_db


def test_upload_records_the_checked_type_size_and_hash_under_a_random_name(personas, school, upload_root):
    head = personas["headteacher"]
    data = docx_bytes()
    document = make_document(head, school, kind="improvement_plan", name="../../etc/School Plan 2026.docx",
                             data=data, title="  Improvement   plan 2026/27 ")
    document.refresh_from_db()
    assert document.detected_type == "docx"
    assert document.size == len(data)
    assert document.sha256 == hashlib.sha256(data).hexdigest()
    assert document.title == "Improvement plan 2026/27"
    assert document.original_filename == "School Plan 2026.docx"
    assert document.uploaded_by == head and document.kind == "improvement_plan"
    # Stored under UPLOAD_ROOT/documents/ with a random name: nothing from the uploader's name.
    assert [p.relative_to(upload_root).parent.as_posix() for p in stored_files(upload_root)] == ["documents"]
    path = selectors.document_path(document)
    assert path.parent == upload_root / "documents" and path.suffix == ".docx"
    assert "Plan" not in path.name and len(path.stem) == 32
    assert path.read_bytes() == data


def test_a_blank_title_uses_the_kind_of_document(personas, school, upload_root):
    document = make_document(personas["monitoring_officer"], school, kind="position_statement")
    assert document.title == "School position statement"


@pytest.mark.parametrize(("name", "data", "field", "message"), [
    ("sef.pdf", b"", "file", "The selected file is empty."),
    ("sef.pdf", b"Just some text", "file", "The selected file must be a PDF, Word or Excel file."),
    ("sef.pdf", docx_bytes(), "file", "The selected file is a Word document but its name ends in .pdf."),
], ids=["empty", "text-named-pdf", "word-named-pdf"])
def test_a_refused_file_saves_nothing(personas, school, upload_root, name, data, field, message):
    with pytest.raises(ValidationError) as error:
        make_document(personas["senior_adviser"], school, name=name, data=data)
    assert message in error.value.message_dict[field][0]
    assert not SchoolDocument.objects.exists() and stored_files(upload_root) == []


def test_files_over_the_limit_are_refused(personas, school, upload_root, settings):
    settings.UPLOAD_MAX_BYTES = 5 * 1024 * 1024
    with pytest.raises(ValidationError) as error:
        make_document(personas["la_admin"], school, data=TINY_PDF + bytes(5 * 1024 * 1024))
    assert error.value.message_dict["file"] == ["The selected file must be smaller than 5 MB."]
    assert not SchoolDocument.objects.exists() and stored_files(upload_root) == []


def test_bad_kind_title_and_missing_file_are_reported_together(personas, school, upload_root):
    with pytest.raises(ValidationError) as error:
        services.upload_document(actor=personas["la_admin"], school=school, kind="minutes", title="x" * 201,
                                 uploaded_file=None)
    assert error.value.message_dict == {
        "kind": ["Select what kind of document this is."],
        "title": ["Title must be 200 characters or fewer."],
        "file": ["Select a file."],
    }
    assert not SchoolDocument.objects.exists()


def test_no_file_is_left_behind_when_the_row_cannot_be_saved(personas, school, upload_root, monkeypatch):
    def fail(self, *args, **kwargs):
        raise IntegrityError("disk said no")

    monkeypatch.setattr(SchoolDocument, "save", fail)
    with pytest.raises(IntegrityError):
        make_document(personas["la_admin"], school, name="data.xlsx", data=xlsx_bytes())
    assert stored_files(upload_root) == []


def test_no_file_is_left_behind_when_writing_fails_part_way(personas, school, upload_root, monkeypatch):
    storage = SchoolDocument._meta.get_field("file").storage

    def half_write(name, content):
        (upload_root / "documents").mkdir(parents=True, exist_ok=True)
        with open(storage.path(name), "wb") as handle:
            handle.write(b"%PDF-half")
        raise OSError("No space left on device")

    monkeypatch.setattr(storage, "_save", half_write)
    with pytest.raises(OSError):
        make_document(personas["la_admin"], school)
    assert not SchoolDocument.objects.exists() and stored_files(upload_root) == []


@pytest.mark.parametrize("role", ["la_viewer", "network_lead", "chair_of_governors", "trust_ceo", "other_la_officer"])
def test_only_uploaders_may_upload(personas, school, upload_root, role):
    with pytest.raises(PermissionDenied):
        make_document(personas[role], school)
    assert not SchoolDocument.objects.exists() and stored_files(upload_root) == []


def test_a_headteacher_uploads_only_for_their_own_school(personas, sibling_school, upload_root):
    with pytest.raises(PermissionDenied):
        make_document(personas["headteacher"], sibling_school)


def test_display_filename_keeps_the_checked_extension_and_nothing_dangerous():
    assert services.display_filename("C:\\fakepath\\SEF.PDF", "pdf") == "SEF.pdf"
    assert services.display_filename("evil\r\nname.pdf", "pdf") == "evilname.pdf"
    assert services.display_filename(" ..pdf", "pdf") == "document.pdf"
    long_name = services.display_filename("a" * 400 + ".docx", "docx")
    assert len(long_name) == 255 and long_name.endswith(".docx")


def test_withdrawing_keeps_the_row_and_file_and_records_who_when_and_why(personas, school, upload_root):
    adviser = personas["senior_adviser"]
    first = make_document(personas["headteacher"], school, title="SEF autumn")
    second = make_document(personas["headteacher"], school, title="SEF spring")
    assert selectors.latest_documents_by_kind(school)["self_evaluation"] == second

    services.withdraw_document(actor=adviser, document=second, reason="  Uploaded to the wrong school ")
    second.refresh_from_db()
    assert second.is_withdrawn and second.withdrawn_by == adviser
    assert second.withdrawal_reason == "Uploaded to the wrong school"
    assert selectors.document_path(second).is_file()  # kept for audit
    assert selectors.latest_documents_by_kind(school)["self_evaluation"] == first
    assert list(selectors.school_documents(user=adviser, school=school)) == [first]
    assert list(selectors.withdrawn_documents(user=adviser, school=school)) == [second]
    with pytest.raises(Http404):
        selectors.document_for_user(user=adviser, pk=second.pk)

    with pytest.raises(ValidationError, match="already been withdrawn"):
        services.withdraw_document(actor=adviser, document=second, reason="Again")


def test_withdrawal_needs_a_reason_and_permission(personas, school, upload_root):
    document = make_document(personas["headteacher"], school)
    with pytest.raises(ValidationError) as error:
        services.withdraw_document(actor=personas["headteacher"], document=document, reason="   ")
    assert error.value.message_dict == {"reason": ["Enter why you are withdrawing the document."]}
    for role in ("monitoring_officer", "la_viewer", "chair_of_governors", "trust_ceo", "other_la_officer"):
        with pytest.raises(PermissionDenied):
            services.withdraw_document(actor=personas[role], document=document, reason="Not mine")
    document.refresh_from_db()
    assert not document.is_withdrawn
    services.withdraw_document(actor=personas["headteacher"], document=document, reason="Replaced")
    document.refresh_from_db()
    assert document.withdrawn_by == personas["headteacher"]


def test_an_uploaded_document_cannot_be_changed(personas, school, upload_root):
    document = make_document(personas["la_admin"], school)
    document.title = "Something else"
    with pytest.raises(ValidationError):
        document.save()
    with pytest.raises(ValidationError):
        document.save(update_fields=["title"])


def test_latest_documents_by_kind_is_per_kind_in_pre_read_order(personas, school, sibling_school, upload_root):
    admin = personas["la_admin"]
    make_document(admin, sibling_school, kind="position_statement")
    plan = make_document(admin, school, kind="improvement_plan", name="plan.docx", data=docx_bytes())
    old_sef = make_document(admin, school, kind="self_evaluation")
    new_sef = make_document(admin, school, kind="self_evaluation")
    other = make_document(admin, school, kind="other", name="data.xlsx", data=xlsx_bytes())
    latest = selectors.latest_documents_by_kind(school)
    assert latest == {"self_evaluation": new_sef, "improvement_plan": plan, "other": other}
    assert list(latest) == ["self_evaluation", "improvement_plan", "other"]
    assert old_sef not in latest.values()


def test_document_for_user_hides_other_schools_and_authorities(personas, school, sibling_school, upload_root):
    admin = personas["la_admin"]
    own = make_document(admin, school)
    sibling = make_document(admin, sibling_school)
    for role in ("headteacher", "chair_of_governors", "trust_ceo"):
        assert selectors.document_for_user(user=personas[role], pk=own.pk) == own
        with pytest.raises(Http404):
            selectors.document_for_user(user=personas[role], pk=sibling.pk)
    with pytest.raises(Http404):
        selectors.document_for_user(user=personas["other_la_officer"], pk=own.pk)
    assert selectors.document_for_user(user=personas["la_viewer"], pk=sibling.pk) == sibling
