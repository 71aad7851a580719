"""Pages: create (refusals), edit with Save and autosave, conflicts, steps, escaping, downloads,
and a constant number of queries for the record page."""

from __future__ import annotations

import datetime
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from improvement.actions.models import Action
from improvement.schools.models import Status
from improvement.visits.models import Visit, VisitRecord
from improvement.visits.tests.factories import finalise, make_visit, save, take

pytestmark = pytest.mark.django_db

SCRIPT = '<script>alert("x")</script><b>bold</b>'


@pytest.fixture
def officer(personas):
    return personas["monitoring_officer"]


@pytest.fixture
def head(personas):
    return personas["headteacher"]


def _form_data(client, url) -> dict:
    """Every field of the edit form as the browser would post it (text areas included)."""
    response = client.get(url)
    assert response.status_code == 200
    form = response.context["form"]
    data = {}
    for name, field in form.fields.items():
        bound = form[name]
        value = bound.value()
        if isinstance(value, list):
            data[name] = value
        elif hasattr(field, "fields") and isinstance(value, list | tuple):
            data[name] = value
        else:
            data[name] = "" if value is None else value
    # GovukDateField posts three boxes.
    for name, field in form.fields.items():
        if field.__class__.__name__ == "GovukDateField":
            day = bound_value = form[name].value()
            data.pop(name)
            parts = ["", "", ""]
            if isinstance(bound_value, datetime.date):
                parts = [day.day, day.month, day.year]
            for suffix, part in zip(("day", "month", "year"), parts, strict=True):
                data[f"{name}_{suffix}"] = part
    return data


def test_officer_creates_a_visit(client_for, officer, school):
    client = client_for(officer)
    url = reverse("visits:create", kwargs={"urn": school.urn})
    response = client.get(url)
    assert response.status_code == 200
    response = client.post(url, {"template": "coventry-cmo-record-of-visit@1", "date_day": "2", "date_month": "10",
                                 "date_year": "2023", "focus": "SEND & Inclusion"})
    visit = Visit.objects.get(school=school)
    assert response.status_code == 302 and response.url == reverse("visits:edit", kwargs={"pk": visit.pk})


def test_create_refuses_bad_date_with_nothing_saved(client_for, officer, school):
    client = client_for(officer)
    response = client.post(reverse("visits:create", kwargs={"urn": school.urn}),
                           {"template": "coventry-cmo-record-of-visit@1", "date_day": "31", "date_month": "2", "date_year": "2024"})
    assert response.status_code == 200 and "Enter a real date" in response.content.decode()
    assert not Visit.objects.exists()


def test_create_refused_for_closed_school_and_other_authority(client_for, officer, school, other_school):
    school.status = Status.CLOSED
    school.close_date = datetime.date(2023, 7, 31)
    school.save()
    client = client_for(officer)
    response = client.post(reverse("visits:create", kwargs={"urn": school.urn}),
                           {"template": "coventry-cmo-record-of-visit@1", "date_day": "2", "date_month": "10", "date_year": "2023"})
    assert response.status_code == 302 and not Visit.objects.exists()
    response = client.get(reverse("visits:school_visits", kwargs={"urn": school.urn}))
    assert "This school is closed" in response.content.decode()
    response = client.post(reverse("visits:create", kwargs={"urn": other_school.urn}),
                           {"template": "coventry-cmo-record-of-visit@1", "date_day": "2", "date_month": "10", "date_year": "2023"})
    assert response.status_code == 404 and not Visit.objects.exists()


def test_save_button_saves_and_stale_save_shows_conflict(client_for, officer, school):
    visit = make_visit(officer, school)
    client = client_for(officer)
    url = reverse("visits:edit", kwargs={"pk": visit.pk})
    data = _form_data(client, url)
    stale = dict(data)
    data["achievement"] = "First tab text"
    response = client.post(url, data)
    assert response.status_code == 302
    assert VisitRecord.objects.get(visit=visit).content["achievement"] == "First tab text"
    stale["achievement"] = "Second tab text"
    response = client.post(url, stale)
    assert response.status_code == 409
    page = response.content.decode()
    assert "First tab text" in page and "Second tab text" in page and "have not been saved" in page
    assert VisitRecord.objects.get(visit=visit).content["achievement"] == "First tab text"
    # Choosing "replace with mine" posts my version against the current one: an explicit choice.
    hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page))
    assert hidden["achievement"] == "Second tab text"


def test_autosave_reports_time_and_new_version_and_refuses_stale(client_for, officer, school):
    visit = make_visit(officer, school)
    client = client_for(officer)
    data = _form_data(client, reverse("visits:edit", kwargs={"pk": visit.pk}))
    data["achievement"] = "typed"
    url = reverse("visits:autosave", kwargs={"pk": visit.pk})
    response = client.post(url, data, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "Saved at" in body and f'value="{data["version"] + 1}"' in body and 'hx-swap-oob="true"' in body
    # The same words again from the old version (Save racing its own autosave) lose nothing.
    response = client.post(url, data, HTTP_HX_REQUEST="true")
    assert "Saved at" in response.content.decode()
    data["achievement"] = "typed differently in another tab"
    response = client.post(url, data, HTTP_HX_REQUEST="true")
    assert "Not saved" in response.content.decode()
    assert VisitRecord.objects.get(visit=visit).version == data["version"] + 1
    assert VisitRecord.objects.get(visit=visit).content["achievement"] == "typed"


def test_action_without_text_is_refused_and_nothing_saved(client_for, officer, school):
    visit = make_visit(officer, school)
    client = client_for(officer)
    url = reverse("visits:edit", kwargs={"pk": visit.pk})
    data = _form_data(client, url)
    data["further_actions-0-lead_role"] = "DHT"
    data["achievement"] = "Not to be half-saved"
    response = client.post(url, data)
    assert response.status_code == 400
    assert "Action 1: enter the action, or clear the row." in response.content.decode()
    assert "achievement" not in VisitRecord.objects.get(visit=visit).content or \
        VisitRecord.objects.get(visit=visit).content["achievement"] != "Not to be half-saved"


def test_huge_section_saves_and_renders(client_for, officer, school):
    visit = make_visit(officer, school)
    client = client_for(officer)
    url = reverse("visits:edit", kwargs={"pk": visit.pk})
    data = _form_data(client, url)
    data["on_the_ground_monitoring"] = ("Evidence from the learning walk. " * 4000)[:100_000]
    assert client.post(url, data).status_code == 302
    response = client.get(reverse("visits:detail", kwargs={"pk": visit.pk}))
    assert response.status_code == 200 and response.content.decode().count("Evidence from the learning walk.") > 3000


def test_html_typed_into_fields_shows_as_text_in_page_word_and_pdf(client_for, officer, school):
    visit = make_visit(officer, school)
    save(officer, visit, achievement=SCRIPT, further_actions=[{"text": SCRIPT, "lead_role": "DHT", "by_when": "1/3/2024"}])
    client = client_for(officer)
    page = client.get(reverse("visits:detail", kwargs={"pk": visit.pk})).content.decode()
    assert SCRIPT not in page and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    page = client.get(reverse("visits:edit", kwargs={"pk": visit.pk})).content.decode()
    assert SCRIPT not in page

    from docx import Document
    response = client.get(reverse("visits:download", kwargs={"pk": visit.pk, "fmt": "docx"}))
    assert response.status_code == 200 and response["Content-Disposition"].endswith('.docx"')
    document = Document(io.BytesIO(response.content))
    texts = [p.text for p in document.paragraphs]
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    assert SCRIPT in texts and SCRIPT in cells
    assert "DRAFT – for accuracy check" in document.sections[0].header.paragraphs[0].text

    from pypdf import PdfReader
    response = client.get(reverse("visits:download", kwargs={"pk": visit.pk, "fmt": "pdf"}))
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert '<script>alert("x")</script><b>bold</b>' in text.replace("\n", "")
    assert "DRAFT – for accuracy check" in text and "Page 1" in text


def test_headteacher_responds_section_by_section(client_for, officer, head, school):
    visit = make_visit(officer, school, day=datetime.date(2023, 10, 2))
    take(officer, visit, "send")
    client = client_for(head)
    url = reverse("visits:step", kwargs={"pk": visit.pk, "step": "mark_inaccurate"})
    response = client.get(url)
    assert "Section 2" in response.content.decode()
    response = client.post(url, {"section-on_the_ground": "", "comment": ""})
    assert response.status_code == 400 and "at least one section" in response.content.decode()
    response = client.post(url, {"section-on_the_ground": "We saw Year 4."})
    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.status == "inaccurate"
    page = client_for(officer).get(reverse("visits:detail", kwargs={"pk": visit.pk})).content.decode()
    assert "We saw Year 4." in page


def test_illegal_step_page_explains_why(client_for, officer, school):
    visit = make_visit(officer, school)
    client = client_for(officer)
    response = client.get(reverse("visits:step", kwargs={"pk": visit.pk, "step": "finalise"}))
    assert "the record is draft" in response.content.decode()
    response = client.post(reverse("visits:step", kwargs={"pk": visit.pk, "step": "finalise"}))
    assert response.status_code == 400
    visit.refresh_from_db()
    assert visit.status == "draft"


def test_send_shows_writing_warnings_first(client_for, officer, school):
    visit = make_visit(officer, school)
    save(officer, visit, achievement="Most pupils (55%) met the standard.",
         further_actions=[{"text": f"Action {n}"} for n in range(5)])
    client = client_for(officer)
    page = client.get(reverse("visits:step", kwargs={"pk": visit.pk, "step": "send"})).content.decode()
    assert "There are 5 actions" in page and "80 to 96%" in page and "Send anyway" in page


def test_future_visit_cannot_be_finalised_through_the_page(client_for, officer, head, school):
    visit = make_visit(officer, school, day=datetime.date.today() + datetime.timedelta(days=3))
    Visit.objects.filter(pk=visit.pk).update(status="accurate")
    response = client_for(officer).post(reverse("visits:step", kwargs={"pk": visit.pk, "step": "finalise"}))
    assert response.status_code == 400 and "future cannot be finalised" in response.content.decode()


def _record_page_queries(client, visit) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("visits:edit", kwargs={"pk": visit.pk})).status_code == 200
    return len(queries)


def test_record_page_queries_do_not_grow_with_carried_forward_actions(client_for, officer, head, school, sibling_school):
    def school_with(n, target):
        first = make_visit(officer, target, day=datetime.date(2023, 10, 2))
        save(officer, first, further_actions=[{"text": f"Action {i}", "lead_role": "DHT", "by_when": "1/3/2024"}
                                              for i in range(n)])
        take(officer, first, "send")
        Visit.objects.filter(pk=first.pk).update(status="accurate")
        take(officer, first, "finalise")
        return make_visit(officer, target, day=datetime.date(2024, 2, 1))

    few = school_with(2, school)
    many = school_with(20, sibling_school)
    assert Action.objects.filter(school=sibling_school).count() == 20
    client = client_for(officer)
    assert _record_page_queries(client, few) == _record_page_queries(client, many)
    with CaptureQueriesContext(connection) as q2:
        client.get(reverse("visits:detail", kwargs={"pk": few.pk}))
    with CaptureQueriesContext(connection) as q20:
        client.get(reverse("visits:detail", kwargs={"pk": many.pk}))
    assert len(q2) == len(q20)
    assert "Action 19" in client.get(reverse("visits:detail", kwargs={"pk": many.pk})).content.decode()


def test_finalised_record_amendment_through_the_page(client_for, officer, head, school):
    visit = make_visit(officer, school)
    save(officer, visit, achievement="Original")
    finalise(officer, head, visit)
    client = client_for(officer)
    assert client.get(reverse("visits:edit", kwargs={"pk": visit.pk})).status_code == 302
    url = reverse("visits:amend", kwargs={"pk": visit.pk})
    data = _form_data(client, url)
    data["achievement"] = "Corrected"
    response = client.post(url, {**data, "reason": ""})
    assert response.status_code == 400 and "Give the reason" in response.content.decode()
    response = client.post(url, {**data, "reason": "Data validated"})
    assert response.status_code == 302
    record = VisitRecord.objects.get(visit=visit)
    assert record.content["achievement"] == "Corrected" and record.amendment_number == 1


@pytest.mark.parametrize("template", ["coventry-cmo-record-of-visit", "kent-note-of-visit-familiarisation",
                                      "kent-note-of-visit-autumn", "kent-note-of-visit-spring",
                                      "kent-note-of-visit-summer"])
def test_every_shipped_template_edits_saves_renders_and_exports(client_for, officer, school, template):
    visit = make_visit(officer, school, template=template, day=datetime.date(2010, 3, 1))
    client = client_for(officer)
    url = reverse("visits:edit", kwargs={"pk": visit.pk})
    data = _form_data(client, url)
    for name in data:
        if name.endswith("-0-text") or name.endswith("-0-measure") or name.endswith("-0-description"):
            data[name] = f"Entered in {name}"
    assert client.post(url, data).status_code == 302
    page = client.get(reverse("visits:detail", kwargs={"pk": visit.pk})).content.decode()
    for section in visit.template.sections:
        assert section.title.replace("“", "&ldquo;") in page or section.title in page
    for fmt in ("docx", "pdf"):
        assert client.get(reverse("visits:download", kwargs={"pk": visit.pk, "fmt": fmt})).status_code == 200
