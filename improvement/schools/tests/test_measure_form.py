"""Context measures: bad input gives a GOV.UK error and saves nothing; good input is audited."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from improvement.schools.models import ContextMeasure
from improvement.schools.tests.factories import ContextMeasureFactory
from improvement.schools.tests.form_data import current_academic_year, measure_form_data


@pytest.fixture
def admin(personas):
    return personas["la_admin"]


@pytest.fixture
def admin_client(admin, client_for):
    return client_for(admin)


def add_url(school) -> str:
    return reverse("schools:measure_create", args=[school.urn])


def snapshot() -> tuple[int, int, list]:
    return (
        ContextMeasure.objects.count(),
        ContextMeasure.history.count(),
        list(ContextMeasure.objects.order_by("pk").values()),
    )


BAD_INPUT = [
    pytest.param({"suppressed": "on"}, "A suppressed measure has no value.", id="value and suppressed"),
    pytest.param({"value": ""}, "Enter a value, or mark the measure as suppressed.", id="neither"),
    pytest.param({"value": "100.5"}, "A percentage cannot be more than 100.", id="percentage over 100"),
    pytest.param({"value": "-0.5"}, "The value cannot be negative.", id="negative"),
    pytest.param({"measure": "suspensions", "value": "-3"}, "The value cannot be negative.", id="negative count"),
    pytest.param({"value": "ninety"}, "Enter a number.", id="not a number"),
    pytest.param({"value": "12345678.123"}, "Ensure that there are no more than", id="too many digits"),
    pytest.param({"academic_year": "1999"}, "Select a valid choice.", id="forged year"),
    pytest.param({"measure": "happiness"}, "Select a valid choice.", id="forged measure"),
    pytest.param({"source": ""}, "This field is required.", id="no source"),
]


@pytest.mark.parametrize(("change", "message"), BAD_INPUT)
def test_bad_input_saves_nothing(admin_client, school, change, message):
    ContextMeasureFactory(school=school, academic_year=2022)
    before = snapshot()
    response = admin_client.post(add_url(school), measure_form_data(**change))
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html
    assert message in html
    assert snapshot() == before


def test_duplicate_year_and_measure_is_refused(admin_client, school):
    existing = ContextMeasureFactory(school=school, academic_year=2023, measure="attendance_percent")
    before = snapshot()
    response = admin_client.post(add_url(school), measure_form_data(academic_year="2023", value="90"))
    assert "This measure is already recorded for that year: edit it instead." in response.content.decode()
    assert snapshot() == before
    existing.refresh_from_db()
    assert existing.value == Decimal("94.5")


def test_the_same_measure_for_another_school_is_not_a_duplicate(admin_client, school, sibling_school):
    ContextMeasureFactory(school=sibling_school, academic_year=2023)
    response = admin_client.post(add_url(school), measure_form_data(academic_year="2023"))
    assert response.status_code == 302
    assert school.measures.count() == 1


def test_add_a_measure_is_attributed(admin, admin_client, school):
    response = admin_client.post(add_url(school), measure_form_data(value="96.1"))
    assert response.status_code == 302
    assert response["Location"] == f"{school.get_absolute_url()}#measures"
    measure = school.measures.get()
    assert (measure.academic_year, measure.measure, measure.value, measure.suppressed) == (
        current_academic_year() - 1, "attendance_percent", Decimal("96.1"), False
    )
    history = measure.history.get()
    assert (history.history_user, history.history_change_reason) == (admin, "Entered by LA administrator")


def test_suppressed_value_is_stored_as_unknown_not_zero(admin_client, school):
    admin_client.post(add_url(school), measure_form_data(measure="permanent_exclusions", value="", suppressed="on"))
    measure = school.measures.get()
    assert (measure.value, measure.suppressed) == (None, True)


def test_counts_may_exceed_100(admin_client, school):
    response = admin_client.post(add_url(school), measure_form_data(measure="pupils_on_roll", value="1450"))
    assert response.status_code == 302


def test_edit_a_measure(admin, admin_client, school):
    measure = ContextMeasureFactory(school=school, academic_year=2023, value=Decimal("94.5"))
    url = reverse("schools:measure_edit", args=[school.urn, measure.pk])
    assert 'value="94.50"' in admin_client.get(url).content.decode()
    response = admin_client.post(url, measure_form_data(academic_year="2023", value="92.25"))
    assert response.status_code == 302
    measure.refresh_from_db()
    assert measure.value == Decimal("92.25")
    assert measure.history.filter(history_type="~", history_user=admin).exists()


def test_edit_bad_input_leaves_the_measure_alone(admin_client, school):
    measure = ContextMeasureFactory(school=school, academic_year=2023)
    before = snapshot()
    response = admin_client.post(
        reverse("schools:measure_edit", args=[school.urn, measure.pk]),
        measure_form_data(academic_year="2023", value="101"),
    )
    assert "A percentage cannot be more than 100." in response.content.decode()
    assert snapshot() == before


def test_a_measure_older_than_the_offered_years_can_still_be_corrected(admin_client, school):
    """Imports bring five or more years of history; the year list must not make them uneditable."""
    old_year = current_academic_year() - 10
    measure = ContextMeasureFactory(school=school, academic_year=old_year)
    response = admin_client.post(
        reverse("schools:measure_edit", args=[school.urn, measure.pk]),
        measure_form_data(academic_year=str(old_year), value="93"),
    )
    assert response.status_code == 302
    measure.refresh_from_db()
    assert measure.value == Decimal("93")


def test_another_schools_measure_is_not_found_through_this_school(admin_client, school, sibling_school):
    theirs = ContextMeasureFactory(school=sibling_school)
    url = reverse("schools:measure_edit", args=[school.urn, theirs.pk])
    assert admin_client.get(url).status_code == 404
    before = snapshot()
    assert admin_client.post(url, measure_form_data(academic_year="2023", value="1")).status_code == 404
    assert snapshot() == before
