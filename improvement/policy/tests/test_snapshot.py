"""Snapshot.from_dict: valid input round-trips; invalid input names the school and the field."""

from __future__ import annotations

import pytest

from improvement.policy import Snapshot, SnapshotError

VALID = {
    "urn": "100001", "name": "Test School", "phase": "primary", "governance": "academy",
    "trust": {"name": "Local Trust", "is_local": True}, "la_category": 2,
    "headteacher_start_date": "2020-09-01", "predecessor_urn": "100000",
    "inspections": [{"urn": "100000", "inspection_type": "full", "start_date": "2019-10-01",
                     "end_date": "2019-10-02", "publication_date": "2019-11-01",
                     "judgements": {"overall_effectiveness": "good"}}],
    "flags": ["performance_data_concern"], "open_concerns": 1,
    "interventions": [{"type": "pci", "status": "open", "opened": "2023-09-01"}],
    "kent_support_level": None, "new_improvement_partner": None,
    "events": [{"kind": "headteacher_change", "date": "2020-09-01"}],
    "additional_visits": [{"count": 1, "reason": "Context", "agreed_by": "Senior Advisor",
                           "agreed_on": "2023-09-10"}],
}


def test_round_trip():
    snapshot = Snapshot.from_dict(VALID)
    assert snapshot.inspections[0].era == "eif-2019"  # derived from the date
    assert Snapshot.from_dict(snapshot.to_dict()) == snapshot


def test_absent_flags_are_unknown_but_an_empty_list_is_none_raised():
    minimal = {"urn": "100001", "name": "A", "phase": "primary", "governance": "la_maintained"}
    assert Snapshot.from_dict(minimal).flags is None
    assert Snapshot.from_dict({**minimal, "flags": []}).flags == frozenset()


def broken(path: str, value):
    """VALID with one field replaced (path like 'inspections.0.start_date')."""
    data = {**VALID, "inspections": [dict(VALID["inspections"][0])]}
    target = data
    *parents, last = path.split(".")
    for part in parents:
        target = target[int(part)] if part.isdigit() else target[part]
    target[int(last) if last.isdigit() else last] = value
    return data


@pytest.mark.parametrize(("path", "value", "field", "message"), [
    ("urn", "12345", "urn", "6 digits"),
    ("phase", "college", "phase", "not one of"),
    ("governance", None, "governance", "required"),
    ("la_category", 5, "la_category", "1, 2, 3, 4"),
    ("headteacher_start_date", "01/09/2020", "headteacher_start_date", "not a date"),
    ("flags", ["made_up_flag"], "flags[0]", "not a known flag"),
    ("inspections.0.start_date", None, "inspections[0].start_date", "required"),
    ("inspections.0.era", "s5-2012", "inspections[0].era", "does not cover"),
    ("inspections.0.judgements", {"overall_effectiveness": "excellent"},
     "inspections[0].judgements.overall_effectiveness", "must be one of"),
    ("inspections.0.inspection_type", "graded", "inspections[0].inspection_type", "not one of"),
    ("inspections.0.end_date", "2019-09-30", "inspections[0].end_date", "before the start"),
    ("trust", {"name": "T", "local": True}, "trust.local", "not a known field"),
    ("open_concerns", -1, "open_concerns", "0 or more"),
    ("additional_visits", [{"count": 0, "reason": "x", "agreed_by": "y",
                            "agreed_on": "2023-01-01"}], "additional_visits[0].count",
     "at least 1"),
    ("colour", "blue", "colour", "not a snapshot field"),
])
def test_invalid_input_names_school_and_field(path, value, field, message):
    with pytest.raises(SnapshotError) as error:
        Snapshot.from_dict(broken(path, value))
    assert error.value.field == field
    assert message in error.value.message
    expected_school = "12345" if path == "urn" else "100001"  # as given, even if malformed
    assert error.value.school == expected_school
    assert f"School {expected_school}: field {field!r}" in str(error.value)


@pytest.mark.parametrize("data", [None, [], "school", 3])
def test_non_objects_are_refused(data):
    with pytest.raises(SnapshotError, match="must be a JSON object"):
        Snapshot.from_dict(data)
