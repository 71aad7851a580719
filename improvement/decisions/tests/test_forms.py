"""Flags, categorisation, agreed visits and pack settings pages: good input saves, bad input
shows a GOV.UK error and saves nothing."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from improvement.decisions import services
from improvement.decisions.models import (
    AdditionalVisits,
    Categorisation,
    PackSettingChange,
    SchoolFlag,
)


def _flags_url(school):
    return reverse("decisions:flags", kwargs={"urn": school.urn})


def _date(prefix: str, day: date) -> dict[str, str]:
    return {f"{prefix}_day": str(day.day), f"{prefix}_month": str(day.month), f"{prefix}_year": str(day.year)}


def _assert_error(response, text: str) -> str:
    html = response.content.decode()
    assert response.status_code == 400, html[:2000]
    assert "There is a problem" in html and text in html
    return html


# Flags ----------------------------------------------------------------------------------------


def test_raise_and_clear_a_flag(client_for, personas, school):
    client = client_for(personas["monitoring_officer"])
    response = client.post(_flags_url(school), {"key": "at_risk_adverse_ofsted", "note": "Falling KS2 results",
                                                **_date("raised_on", date(2024, 2, 1))})
    assert response.status_code == 302
    flag = SchoolFlag.objects.get()
    assert (flag.key, flag.raised_by, flag.raised_on) == ("at_risk_adverse_ofsted", personas["monitoring_officer"],
                                                           date(2024, 2, 1))
    page = client.get(_flags_url(school)).content.decode()
    assert "At risk of an adverse Ofsted report" in page and "Falling KS2 results" in page
    # An active flag is not offered again.
    assert 'value="at_risk_adverse_ofsted"' not in page

    clear = reverse("decisions:flag_clear", kwargs={"urn": school.urn, "pk": flag.pk})
    assert "Are you sure you want to clear this flag?" in client.get(clear).content.decode()
    _assert_error(client.post(clear, {"reason": " "}), "This field is required")
    assert SchoolFlag.objects.get().is_active
    assert client.post(clear, {"reason": "Results recovered"}).status_code == 302
    flag.refresh_from_db()
    assert not flag.is_active and flag.cleared_reason == "Results recovered"
    assert "Cleared flags" in client.get(_flags_url(school)).content.decode()


@pytest.mark.parametrize(("data", "error"), [
    ({"key": "made_up_flag", "note": "n"}, "Select a valid choice"),
    ({"key": "at_risk_adverse_ofsted", "note": ""}, "This field is required"),
    ({"key": "at_risk_adverse_ofsted", "note": "n", "raised_on_day": "31", "raised_on_month": "2",
      "raised_on_year": "2024"}, "Enter a real date"),
])
def test_bad_flag_input_saves_nothing(client_for, personas, school, data, error):
    data = {**_date("raised_on", date(2024, 1, 1)), **data}
    _assert_error(client_for(personas["senior_adviser"]).post(_flags_url(school), data), error)
    assert SchoolFlag.objects.count() == 0


def test_flag_dated_in_the_future_or_already_raised_is_refused(client_for, personas, school):
    client = client_for(personas["senior_adviser"])
    tomorrow = timezone.localdate() + timedelta(days=1)
    _assert_error(client.post(_flags_url(school), {"key": "national_challenge", "note": "n",
                                                   **_date("raised_on", tomorrow)}), "cannot be in the future")
    services.raise_flag(actor=personas["senior_adviser"], school=school, key="national_challenge", note="n",
                        raised_on=date(2024, 1, 1))
    # A forged POST for a flag that is already active.
    _assert_error(client.post(_flags_url(school), {"key": "national_challenge", "note": "again",
                                                   **_date("raised_on", date(2024, 1, 2))}), "valid choice")
    assert SchoolFlag.objects.count() == 1


def test_viewers_see_flags_but_no_form(client_for, personas, school):
    services.raise_flag(actor=personas["senior_adviser"], school=school, key="national_challenge", note="n",
                        raised_on=date(2024, 1, 1))
    page = client_for(personas["la_viewer"]).get(_flags_url(school)).content.decode()
    assert "National Challenge school" in page and "Raise a flag" not in page and "Clear<span" not in page


def test_flags_of_another_authority_are_404(client_for, personas, other_school):
    assert client_for(personas["senior_adviser"]).get(_flags_url(other_school)).status_code == 404


# Categorisation and additional visits ---------------------------------------------------------


def _categorisation_url(school, year="2023/24"):
    return reverse("decisions:categorisation", kwargs={"urn": school.urn}) + f"?year={year}"


def test_record_and_change_a_categorisation(client_for, personas, school):
    client = client_for(personas["senior_adviser"])
    url = _categorisation_url(school)
    assert client.post(url, {"la_category": "2", "kent_support_level": "", "new_improvement_partner": "yes"}
                       ).status_code == 302
    row = Categorisation.objects.get()
    assert (row.academic_year, row.la_category, row.new_improvement_partner) == ("2023/24", 2, True)
    page = client.get(url).content.decode()
    assert re.search(r'value="2"[^>]* checked', page) and "Last recorded by" in page
    assert client.post(url, {"la_category": "1", "kent_support_level": "intensive"}).status_code == 302
    row.refresh_from_db()
    assert (row.la_category, row.kent_support_level, row.new_improvement_partner) == (1, "intensive", None)


@pytest.mark.parametrize(("data", "error"), [
    ({"la_category": "5"}, "Select a valid choice"),
    ({"la_category": "0"}, "Select a valid choice"),
    ({"la_category": "one"}, "Select a valid choice"),
    ({"kent_support_level": "extreme"}, "Select a valid choice"),
    ({}, "Record at least one"),
])
def test_bad_categorisation_saves_nothing(client_for, personas, school, data, error):
    _assert_error(client_for(personas["senior_adviser"]).post(_categorisation_url(school), data), error)
    assert Categorisation.objects.count() == 0


def test_categorisation_for_a_malformed_year_is_404(client_for, personas, school):
    client = client_for(personas["senior_adviser"])
    assert client.get(_categorisation_url(school, "2023-24")).status_code == 404
    assert client.post(_categorisation_url(school, "2023/25"), {"la_category": "1"}).status_code == 404
    assert Categorisation.objects.count() == 0


def _visits_url(school, year="2023/24"):
    return reverse("decisions:additional_visits_create", kwargs={"urn": school.urn}) + f"?year={year}"


def test_record_and_withdraw_additional_visits(client_for, personas, school):
    client = client_for(personas["monitoring_officer"])
    response = client.post(_visits_url(school), {"count": "2", "reason": "New headteacher",
                                                 **_date("agreed_on", date(2023, 9, 4))})
    assert response.status_code == 302
    assert response["Location"] == reverse("decisions:categorisation", kwargs={"urn": school.urn}) + "?year=2023%2F24"
    visits = AdditionalVisits.objects.get()
    assert (visits.count, visits.academic_year, visits.agreed_by) == (2, "2023/24", personas["monitoring_officer"])
    page = client.get(_categorisation_url(school)).content.decode()
    assert "New headteacher" in page and "2 additional visits agreed for 2023/24" in page
    withdraw = reverse("decisions:additional_visits_withdraw", kwargs={"urn": school.urn, "pk": visits.pk})
    assert "Are you sure" in client.get(withdraw).content.decode()
    _assert_error(client.post(withdraw, {"reason": ""}), "This field is required")
    assert client.post(withdraw, {"reason": "Entered for the wrong school"}).status_code == 302
    visits.refresh_from_db()
    assert not visits.is_active
    assert "Withdrawn" in client.get(_categorisation_url(school)).content.decode()


@pytest.mark.parametrize(("data", "error"), [
    ({"count": "0"}, "1 or more"),
    ({"count": "-1"}, "1 or more"),
    ({"count": "21"}, "20 or fewer"),
    ({"count": "two"}, "whole number"),
    ({"count": ""}, "Enter the number of additional visits"),
    ({"reason": ""}, "Enter why the additional visits were agreed"),
    ({"agreed_on_year": ""}, "Enter a day, month and year"),
])
def test_bad_additional_visits_save_nothing(client_for, personas, school, data, error):
    base = {"count": "1", "reason": "Support", **_date("agreed_on", date(2023, 9, 4))}
    _assert_error(client_for(personas["senior_adviser"]).post(_visits_url(school), {**base, **data}), error)
    assert AdditionalVisits.objects.count() == 0


def test_agreed_visits_feed_the_entitlement(client_for, personas, school, authority):
    authority.policy_packs = {"2023/24": ["coventry-2023-24"]}
    authority.save()
    adviser = personas["senior_adviser"]
    services.record_categorisation(actor=adviser, school=school, academic_year="2023/24", la_category=4)
    services.agree_additional_visits(actor=adviser, school=school, academic_year="2023/24", count=2,
                                     reason="Interim head", agreed_on=date(2023, 9, 4))
    html = client_for(adviser).get(reverse("schools:detail", kwargs={"urn": school.urn}),
                                   {"as_of_day": "1", "as_of_month": "10", "as_of_year": "2023"}).content.decode()
    assert "<br>3</dd>" in html  # 1 for category 4, plus 2 agreed
    assert "Interim head" in html


# Pack settings --------------------------------------------------------------------------------

PACKS_URL = "/policy-packs/"


def test_admin_chooses_packs_for_a_year(client_for, personas, authority):
    client = client_for(personas["la_admin"])
    page = client.get(PACKS_URL).content.decode()
    assert "Coventry 2023/24: CMO allocation and support levels" in page and "Default" in page
    response = client.post(PACKS_URL, {"academic_year": "2023/24",
                                       "packs": ["coventry-2023-24", "england-dfe-2022-not-making-necessary-improvements"]})
    assert response.status_code == 302
    authority.refresh_from_db()
    assert authority.policy_packs["2023/24"] == ["coventry-2023-24",
                                                 "england-dfe-2022-not-making-necessary-improvements"]
    page = client.get(PACKS_URL + "?year=2023/24").content.decode()
    assert re.search(r'value="coventry-2023-24"[^>]* checked', page)
    assert not re.search(r'value="kent-2009-10"[^>]* checked', page)
    assert "2023/24: default → coventry-2023-24" in page


@pytest.mark.parametrize(("data", "error"), [
    ({"academic_year": "2023/24", "packs": ["no-such-pack"]}, "Select a valid choice"),
    ({"academic_year": "2023-24", "packs": ["coventry-2023-24"]}, "like 2023/24"),
    ({"academic_year": "2023/25", "packs": ["coventry-2023-24"]}, "like 2023/24"),
    ({"academic_year": "", "packs": ["coventry-2023-24"]}, "This field is required"),
    ({"academic_year": "2024/25", "packs": ["coventry-2023-24"]}, "applies to 2023/24 only"),
])
def test_bad_pack_settings_save_nothing(client_for, personas, authority, data, error):
    _assert_error(client_for(personas["la_admin"]).post(PACKS_URL, data), error)
    authority.refresh_from_db()
    assert authority.policy_packs == {} and PackSettingChange.objects.count() == 0
