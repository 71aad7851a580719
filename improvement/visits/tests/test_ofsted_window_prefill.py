"""The record header's Ofsted window comes from the policy engine's Ofsted window decision."""

import datetime

import pytest

from improvement.inspections.tests.factories import InspectionFactory
from improvement.visits.prefill import ofsted_window, register_snapshot


@pytest.mark.django_db
def test_the_window_comes_from_the_packs_that_apply(school):
    InspectionFactory(school=school, start_date=datetime.date(2022, 3, 15))  # good, EIF
    text = ofsted_window(school, datetime.date(2026, 1, 15))  # 2025/26: England-wide packs apply
    assert text.startswith("Expected window 1 September 2024 to 31 August 2026")
    assert "england-" in text


@pytest.mark.django_db
def test_no_window_is_invented_when_no_pack_covers_the_year(school):
    InspectionFactory(school=school, start_date=datetime.date(2022, 3, 15))
    assert ofsted_window(school, datetime.date(2030, 1, 15)) == ""


@pytest.mark.django_db
def test_the_snapshot_keeps_the_last_inspection_beside_the_window(school, time_machine):
    time_machine.move_to(datetime.datetime(2026, 1, 15, 10, 0))
    InspectionFactory(school=school, start_date=datetime.date(2022, 3, 15))
    window = register_snapshot(school)["values"]["inspection.window"]
    assert window.startswith("Expected window 1 September 2024")
    assert window.endswith("Last inspected 15 March 2022 (full (section 5 / graded))")
