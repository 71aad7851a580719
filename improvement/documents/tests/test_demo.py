"""The demo's board pre-reads (core/demo.py `_seed_documents`, files from documents/demo_files.py)."""

from __future__ import annotations

import hashlib
import io

import pytest

from improvement.accounts.roles import Role
from improvement.accounts.tests.factories import UserFactory
from improvement.core.demo import DEMO_EMAIL_DOMAIN, _seed_documents
from improvement.documents import demo_files, filetypes, selectors
from improvement.documents.models import SchoolDocument
from improvement.documents.tests.conftest import stored_files
from improvement.schools.models import Status
from improvement.schools.tests.factories import SchoolFactory


def test_demo_files_are_deterministic_and_pass_the_content_check():
    pdf = demo_files.self_evaluation_pdf("Alder Primary School", "Inadequate")
    plan = demo_files.improvement_plan_docx("Alder Primary School")
    assert pdf == demo_files.self_evaluation_pdf("Alder Primary School", "Inadequate")
    assert plan == demo_files.improvement_plan_docx("Alder Primary School")
    assert filetypes.inspect(io.BytesIO(pdf), filename="sef.pdf").type == "pdf"
    assert filetypes.inspect(io.BytesIO(plan), filename="plan.docx").type == "docx"


@pytest.mark.django_db
def test_demo_documents_go_to_the_schools_most_at_risk_once(authority, upload_root):
    UserFactory(authority=authority, role=Role.MONITORING_OFFICER, email=f"officer@{DEMO_EMAIL_DOMAIN}")
    good = SchoolFactory(authority=authority, urn="990101", latest_outcome="good")
    ri_first = SchoolFactory(authority=authority, urn="990102", latest_outcome="requires_improvement")
    ri_second = SchoolFactory(authority=authority, urn="990103", latest_outcome="requires_improvement")
    inadequate = [SchoolFactory(authority=authority, urn=urn, latest_outcome="inadequate")
                  for urn in ("990105", "990104")]
    SchoolFactory(authority=authority, urn="990100", latest_outcome="inadequate", status=Status.CLOSED)

    _seed_documents(authority)
    chosen = {inadequate[0], inadequate[1], ri_first}
    assert {d.school for d in SchoolDocument.objects.all()} == chosen
    for school in chosen:
        latest = selectors.latest_documents_by_kind(school)
        assert {kind: d.detected_type for kind, d in latest.items()} == {
            "self_evaluation": "pdf", "improvement_plan": "docx"}
    assert not SchoolDocument.objects.filter(school__in=[good, ri_second]).exists()
    hashes = sorted(SchoolDocument.objects.values_list("sha256", flat=True))

    _seed_documents(authority)  # idempotent
    assert sorted(SchoolDocument.objects.values_list("sha256", flat=True)) == hashes
    assert len(stored_files(upload_root)) == 6
    for document in SchoolDocument.objects.all():
        assert hashlib.sha256(selectors.document_path(document).read_bytes()).hexdigest() == document.sha256
