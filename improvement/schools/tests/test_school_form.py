"""Adding and editing schools: every bad input gives a GOV.UK error and saves nothing;
good input saves with an attributed history row, and a new headteacher is recorded as an event."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from improvement.schools.models import School, SchoolEvent
from improvement.schools.tests.factories import NetworkFactory, TrustFactory
from improvement.schools.tests.form_data import school_form_data

CREATE = reverse("schools:create")


@pytest.fixture
def admin(personas):
    return personas["la_admin"]


@pytest.fixture
def admin_client(admin, client_for):
    return client_for(admin)


def snapshot() -> tuple[int, int, int, list]:
    return (
        School.objects.count(),
        School.history.count(),
        SchoolEvent.objects.count(),
        list(School.objects.order_by("pk").values()),
    )


def assert_refused(response, message: str) -> None:
    html = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in html and "There is a problem" in html
    assert message in html, f"expected the error {message!r}"
    assert "<title>Error: " in html


BAD_INPUT = [
    pytest.param({"urn": "12345"}, "Enter the URN as 6 digits.", id="URN too short"),
    pytest.param({"urn": "1234567"}, "Ensure this value has at most 6 characters", id="URN too long"),
    pytest.param({"urn": "12345a"}, "Enter the URN as 6 digits.", id="URN not digits"),
    pytest.param({"urn": "100002"}, "A school with this URN is already on the register.", id="URN taken"),
    pytest.param({"urn": "200001"}, "A school with this URN is already on the register.",
                 id="URN taken in another authority"),
    pytest.param({"dfe_number": "902/3001"}, "must start with your authority&#x27;s LA code, 901",
                 id="DfE number of another LA"),
    pytest.param({"dfe_number": "901-3001"}, "Enter the DfE number as 3 digits, a slash and 4 digits",
                 id="DfE number malformed"),
    pytest.param({"dfe_number": "901/30011"}, "Enter the DfE number as 3 digits, a slash and 4 digits",
                 id="DfE number too long"),
    pytest.param({"dfe_number": ""}, "This field is required.", id="DfE number missing"),
    pytest.param({"name": ""}, "This field is required.", id="name missing"),
    pytest.param({"phase": "castle"}, "Select a valid choice.", id="phase forged"),
    pytest.param({"open_date": date(2010, 9, 1), "close_date": date(2009, 8, 31), "status": "closed"},
                 "The close date must be on or after the open date.", id="closed before opening"),
    pytest.param({"status": "closed"}, "Enter the date the school closed.", id="closed without date"),
    pytest.param({"statutory_low_age": "11", "statutory_high_age": "4"},
                 "The upper age must not be below the lower age.", id="ages reversed"),
    pytest.param({"statutory_low_age": "-1"}, "Ensure this value is greater than or equal to 0", id="negative age"),
    pytest.param({"open_date_day": "31", "open_date_month": "2"}, "Enter a real date", id="impossible date"),
    pytest.param({"open_date_year": ""}, "Enter a day, month and year.", id="incomplete date"),
    pytest.param({"pupils_on_roll": "lots"}, "Enter a whole number.", id="pupils not a number"),
]


@pytest.mark.parametrize(("change", "message"), BAD_INPUT)
def test_bad_input_on_add_saves_nothing(admin_client, school, sibling_school, other_school, change, message):
    before = snapshot()
    response = admin_client.post(CREATE, school_form_data(**change))
    assert_refused(response, message)
    assert snapshot() == before


@pytest.mark.parametrize(("change", "message"), BAD_INPUT)
def test_bad_input_on_edit_saves_nothing(admin_client, school, sibling_school, other_school, change, message):
    before = snapshot()
    data = school_form_data(**{"urn": school.urn, "dfe_number": "901/2001", "name": "Renamed", **change})
    response = admin_client.post(reverse("schools:edit", args=[school.urn]), data)
    assert_refused(response, message)
    assert snapshot() == before


def test_trust_or_network_of_another_authority_is_refused(admin_client, other_authority, school):
    foreign_trust = TrustFactory(authority=other_authority)
    foreign_network = NetworkFactory(authority=other_authority)
    before = snapshot()
    response = admin_client.post(CREATE, school_form_data(trust=foreign_trust.pk, networks=[foreign_network.pk]))
    assert_refused(response, "Select a valid choice.")
    assert snapshot() == before


def test_error_summary_links_to_the_field(admin_client):
    html = admin_client.post(CREATE, school_form_data(urn="12")).content.decode()
    assert '<a href="#id_urn">Enter the URN as 6 digits.</a>' in html
    assert 'class="govuk-input govuk-input--error"' in html


def test_add_a_school(admin, admin_client, authority, trust):
    network = NetworkFactory(authority=authority, name="East Network")
    response = admin_client.post(
        CREATE, school_form_data(urn="123456", dfe_number="901 / 3001", trust=trust.pk, networks=[network.pk])
    )
    school = School.objects.get(urn="123456")
    assert response.status_code == 302
    assert response["Location"] == reverse("schools:detail", args=["123456"])
    assert (school.authority, school.establishment_number, school.dfe_number) == (authority, "3001", "901/3001")
    assert school.trust == trust
    assert list(school.networks.all()) == [network]
    created = school.history.get()
    assert (created.history_type, created.history_user, created.history_change_reason) == (
        "+", admin, "Added by LA administrator"
    )
    event = school.events.get()
    assert (event.kind, event.occurred_on, event.recorded_by) == (
        SchoolEvent.Kind.HEADTEACHER_CHANGE, date(2020, 9, 1), admin
    )
    assert "Cedar Lane Primary School has been added to the register." in admin_client.get(
        response["Location"]
    ).content.decode()


def test_edit_records_who_changed_what_and_shows_it_to_la_staff(admin, admin_client, personas, client_for, school):
    response = admin_client.post(
        reverse("schools:edit", args=[school.urn]),
        school_form_data(urn=school.urn, dfe_number="901/2001", name="Alder Community Primary",
                         headteacher_name=school.headteacher_name,
                         headteacher_start_date=school.headteacher_start_date, trust=school.trust_id),
    )
    assert response.status_code == 302
    school.refresh_from_db()
    assert school.name == "Alder Community Primary"
    change = school.history.filter(history_type="~").get()
    assert change.history_user == admin
    assert not school.events.exists(), "the headteacher did not change"

    html = client_for(personas["senior_adviser"]).get(school.get_absolute_url()).content.decode()
    assert 'id="history"' in html
    assert "Changed School: Alder Community Primary" in html
    assert str(admin) in html
    assert "Fields: " in html and "name" in html
    assert "Edited by LA administrator" in html


def test_school_side_users_do_not_see_the_change_history(personas, client_for, school, admin_client):
    admin_client.post(reverse("schools:edit", args=[school.urn]),
                      school_form_data(urn=school.urn, dfe_number="901/2001", name="Alder Renamed"))
    html = client_for(personas["headteacher"]).get(school.get_absolute_url()).content.decode()
    assert 'id="history"' not in html
    assert "Edited by LA administrator" not in html


def test_new_headteacher_is_recorded_as_an_event(admin, admin_client, school):
    admin_client.post(
        reverse("schools:edit", args=[school.urn]),
        school_form_data(urn=school.urn, dfe_number="901/2001", headteacher_name="Sam Newhead",
                         headteacher_start_date=date(2025, 4, 22)),
    )
    event = school.events.get()
    assert (event.kind, event.occurred_on, event.detail, event.recorded_by) == (
        SchoolEvent.Kind.HEADTEACHER_CHANGE, date(2025, 4, 22), "Headteacher: Sam Newhead", admin
    )


def test_edit_can_change_the_establishment_number_within_the_authority(admin_client, school):
    admin_client.post(reverse("schools:edit", args=[school.urn]),
                      school_form_data(urn=school.urn, dfe_number="901/2999"))
    school.refresh_from_db()
    assert school.dfe_number == "901/2999"


def test_edit_form_shows_the_current_dfe_number(admin_client, school):
    html = admin_client.get(reverse("schools:edit", args=[school.urn])).content.decode()
    assert 'value="901/2001"' in html
