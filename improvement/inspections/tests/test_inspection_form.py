"""Adding and editing inspections: judgements only from the era's scale, dates that make sense,
nothing saved on error, and the school's denormalised latest outcome kept right."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from improvement.inspections.models import Inspection
from improvement.inspections.tests.factories import InspectionFactory
from improvement.inspections.tests.form_data import EIF_2019_GOOD, inspection_form_data
from improvement.schools.selectors import refresh_latest_inspection


@pytest.fixture
def admin(personas):
    return personas["la_admin"]


@pytest.fixture
def admin_client(admin, client_for):
    return client_for(admin)


def add_url(school) -> str:
    return reverse("inspections:create", args=[school.urn])


def snapshot(school) -> tuple:
    school.refresh_from_db()
    return (
        list(Inspection.objects.order_by("pk").values()),
        Inspection.history.count(),
        school.latest_outcome,
        school.latest_full_inspection_id,
    )


def without(judgements: dict, key: str) -> dict:
    return {k: v for k, v in judgements.items() if k != key}


TOMORROW = timezone.localdate() + timedelta(days=1)

BAD_INPUT = [
    pytest.param({"era": "report-card-2025", "start_date": TOMORROW, "publication_date": None,
                      "judgements": {"inclusion": "expected_standard"}},
                 "The inspection start date cannot be in the future.", id="future start"),
    pytest.param({"start_date": date(2023, 3, 14), "publication_date": date(2023, 3, 13)},
                 "The publication date must be on or after the start date.", id="published before start"),
    pytest.param({"start_date": date(2024, 10, 1), "publication_date": None},
                 "framework ran from 1 September 2019 to 1 September 2024", id="date after the era"),
    pytest.param({"era": "eif-2024", "start_date": date(2024, 9, 1), "publication_date": None,
                      "judgements": {"quality_of_education": "good"}},
                 "framework ran from 2 September 2024 to 9 November 2025", id="date before the era"),
    pytest.param({"judgements": without(EIF_2019_GOOD, "overall_effectiveness")},
                 "Enter the overall effectiveness judgement for a full inspection", id="no overall grade"),
    pytest.param({"judgements": {**EIF_2019_GOOD, "overall_effectiveness": "satisfactory"}},
                 "Select a valid choice. satisfactory is not one of the available choices.",
                 id="grade from another era"),
    pytest.param({"judgements": {**EIF_2019_GOOD, "safeguarding": "met"}},
                 "Select a valid choice. met is not one of the available choices.", id="forged safeguarding"),
    pytest.param({"category_of_concern": "notice_to_improve"},
                 "Select a valid choice. notice_to_improve is not one of the available choices.",
                 id="category from another era"),
    pytest.param({"inspection_type": "deep_dive"}, "Select a valid choice.", id="forged type"),
    pytest.param({"start_date": None}, "Enter a date.", id="no start date"),
]


@pytest.mark.parametrize(("change", "message"), BAD_INPUT)
def test_bad_input_saves_nothing(admin_client, school, change, message):
    InspectionFactory(school=school, start_date=date(2021, 3, 2))
    refresh_latest_inspection(school)
    before = snapshot(school)
    response = admin_client.post(add_url(school), inspection_form_data(**change))
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html
    assert message in html
    assert snapshot(school) == before


def test_duplicate_inspection_is_refused(admin_client, school):
    InspectionFactory(school=school, start_date=date(2023, 3, 14), inspection_type="full")
    before = snapshot(school)
    response = admin_client.post(add_url(school), inspection_form_data(start_date=date(2023, 3, 14)))
    assert "This school already has an inspection of this type starting on that date." in response.content.decode()
    assert snapshot(school) == before


def test_same_date_different_type_is_not_a_duplicate(admin_client, school):
    InspectionFactory(school=school, start_date=date(2023, 3, 14), inspection_type="full")
    response = admin_client.post(
        add_url(school), inspection_form_data(start_date=date(2023, 3, 14), inspection_type="monitoring", judgements={})
    )
    assert response.status_code == 302
    assert school.inspections.count() == 2


def test_unknown_era_goes_back_to_the_era_choice_and_saves_nothing(admin_client, school):
    before = snapshot(school)
    response = admin_client.post(add_url(school), inspection_form_data(era="eif-1999"))
    assert "Which inspection framework was the inspection under?" in response.content.decode()
    assert snapshot(school) == before
    response = admin_client.get(add_url(school), {"era": "eif-1999"})
    assert "Select a valid choice." in response.content.decode()


def test_era_choice_then_form_offers_only_that_eras_areas(admin_client, school):
    html = admin_client.get(add_url(school)).content.decode()
    assert "Report cards, from November 2025" in html and "Section 5, 2005 to 2012" in html
    html = admin_client.get(add_url(school), {"era": "report-card-2025"}).content.decode()
    assert "Curriculum and teaching" in html and "Strong standard" in html
    assert "Overall effectiveness" not in html and "Requires improvement" not in html


def test_judgements_for_areas_outside_the_era_are_ignored(admin_client, school):
    data = inspection_form_data()
    data["judgement_inclusion"] = "exceptional"
    assert admin_client.post(add_url(school), data).status_code == 302
    assert "inclusion" not in school.inspections.get().judgements


def test_add_a_full_inspection(admin, admin_client, school):
    response = admin_client.post(add_url(school), inspection_form_data(
        judgements={**EIF_2019_GOOD, "overall_effectiveness": "requires_improvement", "sixth_form": ""}
    ))
    assert response.status_code == 302
    assert response["Location"] == f"{school.get_absolute_url()}#inspections"
    inspection = school.inspections.get()
    assert inspection.era == "eif-2019"
    assert inspection.judgements == {**EIF_2019_GOOD, "overall_effectiveness": "requires_improvement"}
    record = inspection.history.get()
    assert (record.history_user, record.history_change_reason) == (admin, "Entered by LA administrator")
    school.refresh_from_db()
    assert (school.latest_full_inspection, school.latest_outcome) == (inspection, "requires_improvement")


def test_a_full_inspection_after_september_2024_needs_no_overall_grade(admin_client, school):
    response = admin_client.post(add_url(school), inspection_form_data(
        era="eif-2024", start_date=date(2025, 2, 4), publication_date=date(2025, 3, 1),
        judgements={"quality_of_education": "good", "safeguarding": "effective"},
    ))
    assert response.status_code == 302
    school.refresh_from_db()
    assert school.latest_outcome == "no_overall_grade"


def test_report_card_with_category_of_concern(admin_client, school):
    response = admin_client.post(add_url(school), inspection_form_data(
        era="report-card-2025", start_date=date(2026, 1, 13), publication_date=None,
        judgements={"leadership_and_governance": "urgent_improvement", "safeguarding": "not_met"},
        category_of_concern="special_measures",
    ))
    assert response.status_code == 302
    assert school.inspections.get().category_of_concern == "special_measures"


class TestEdit:
    @pytest.fixture
    def inspection(self, school):
        inspection = InspectionFactory(school=school, start_date=date(2022, 3, 15))
        refresh_latest_inspection(school)
        return inspection

    def url(self, inspection) -> str:
        return reverse("inspections:edit", args=[inspection.school.urn, inspection.pk])

    def test_form_shows_the_recorded_judgements(self, admin_client, inspection):
        html = admin_client.get(self.url(inspection)).content.decode()
        assert 'value="15"' in html and 'value="2022"' in html
        assert '<option value="good" selected>Good</option>' in html

    def test_edit_updates_latest_outcome_and_is_audited(self, admin, admin_client, school, inspection):
        response = admin_client.post(self.url(inspection), inspection_form_data(
            start_date=inspection.start_date, judgements={**EIF_2019_GOOD, "overall_effectiveness": "inadequate"},
            category_of_concern="special_measures",
        ))
        assert response.status_code == 302
        school.refresh_from_db()
        assert school.latest_outcome == "inadequate"
        change = inspection.history.filter(history_type="~").get()
        assert (change.history_user, change.history_change_reason) == (admin, "Edited by LA administrator")

    def test_edit_keeps_the_era_whatever_is_posted(self, admin_client, inspection):
        data = inspection_form_data(era="report-card-2025", start_date=inspection.start_date)
        admin_client.post(self.url(inspection), data)
        inspection.refresh_from_db()
        assert inspection.era == "eif-2019"

    def test_edit_into_a_duplicate_is_refused(self, admin_client, school, inspection):
        InspectionFactory(school=school, start_date=date(2023, 6, 6))
        before = snapshot(school)
        response = admin_client.post(self.url(inspection), inspection_form_data(start_date=date(2023, 6, 6)))
        assert "already has an inspection of this type starting on that date" in response.content.decode()
        assert snapshot(school) == before

    def test_bad_edit_leaves_the_inspection_alone(self, admin_client, school, inspection):
        before = snapshot(school)
        response = admin_client.post(self.url(inspection), inspection_form_data(
            start_date=inspection.start_date, publication_date=date(2022, 1, 1)))
        assert "The publication date must be on or after the start date." in response.content.decode()
        assert snapshot(school) == before

    def test_another_schools_inspection_is_not_found_through_this_school(self, admin_client, school, sibling_school):
        theirs = InspectionFactory(school=sibling_school)
        url = reverse("inspections:edit", args=[school.urn, theirs.pk])
        assert admin_client.get(url).status_code == 404
        assert admin_client.post(url, inspection_form_data()).status_code == 404


class TestLatestOutcome:
    """The school's denormalised latest full inspection follows every add and edit."""

    def test_newer_full_inspection_replaces_the_latest(self, admin_client, school):
        admin_client.post(add_url(school), inspection_form_data(start_date=date(2020, 1, 14)))
        admin_client.post(add_url(school), inspection_form_data(
            start_date=date(2023, 5, 9), judgements={"overall_effectiveness": "outstanding"}))
        school.refresh_from_db()
        assert (school.latest_full_inspection.start_date, school.latest_outcome) == (date(2023, 5, 9), "outstanding")

    def test_older_full_or_newer_ungraded_inspection_leaves_it(self, admin_client, school):
        admin_client.post(add_url(school), inspection_form_data(start_date=date(2022, 1, 11)))
        admin_client.post(add_url(school), inspection_form_data(
            start_date=date(2020, 1, 14), judgements={"overall_effectiveness": "inadequate"}))
        admin_client.post(add_url(school), inspection_form_data(
            start_date=date(2024, 2, 6), inspection_type="ungraded", judgements={}))
        school.refresh_from_db()
        assert (school.latest_full_inspection.start_date, school.latest_outcome) == (date(2022, 1, 11), "good")

    def test_moving_an_inspection_date_can_change_which_is_latest(self, admin_client, school):
        admin_client.post(add_url(school), inspection_form_data(start_date=date(2022, 1, 11)))
        admin_client.post(add_url(school), inspection_form_data(
            start_date=date(2020, 1, 14), judgements={"overall_effectiveness": "inadequate"}))
        older = school.inspections.get(start_date=date(2020, 1, 14))
        admin_client.post(
            reverse("inspections:edit", args=[school.urn, older.pk]),
            inspection_form_data(start_date=date(2023, 1, 10), judgements={"overall_effectiveness": "inadequate"}),
        )
        school.refresh_from_db()
        assert (school.latest_full_inspection, school.latest_outcome) == (older, "inadequate")

    def test_shown_on_list_and_profile(self, admin_client, school):
        admin_client.post(add_url(school), inspection_form_data(
            judgements={"overall_effectiveness": "requires_improvement"}))
        listing = admin_client.get(reverse("schools:list"), {"outcome": "requires_improvement"})
        assert [s.urn for s in listing.context["page"].object_list] == [school.urn]
        assert "Requires improvement" in admin_client.get(school.get_absolute_url()).content.decode()
