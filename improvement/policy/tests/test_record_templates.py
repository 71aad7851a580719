"""Record templates are data: the shipped ones load and carry the whole form; broken ones fail
with the file, the key and the line."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from improvement.policy import record_templates as rt
from improvement.policy.record_templates import FieldKind, TemplateError, parse_template

MINIMAL = """\
[template]
key = "test-record"
version = 1
pack = "test-pack"
authority = "Test"
authority_code = "901"
academic_years = ["2023/24"]
title = "Test record"
short_title = "Test"
source = "A test"
private_and_confidential = true

[[sections]]
key = "one"
title = "Section one"

  [[sections.fields]]
  key = "notes"
  label = "Notes"
  kind = "text"

  [[sections.fields]]
  key = "second"
  label = "Second"
  kind = "text"
"""


def test_every_shipped_template_loads():
    templates = rt.registry()
    assert set(templates) == {
        "coventry-cmo-record-of-visit@1",
        "kent-note-of-visit-familiarisation@1",
        "kent-note-of-visit-autumn@1",
        "kent-note-of-visit-spring@1",
        "kent-note-of-visit-summer@1",
        # Meeting records (test_meeting_templates.py).
        "coventry-sib-entry@1",
        "coventry-sib-standard@1",
        "coventry-sib-exit@1",
        "coventry-pci@1",
        "kent-rtm@1",
    }


def test_coventry_record_of_visit_has_the_whole_form():
    t = rt.get_template("coventry-cmo-record-of-visit", 1)
    assert [f.key for f in t.header] == [
        "school", "dfe_number", "date_of_visit", "visit_undertaken_by", "school_staff_present",
        "visit_number", "current_ofsted_grade", "ofsted_window",
    ]
    assert t.purpose.startswith("To provide professional challenge and support")
    context, on_the_ground, review = t.sections
    assert [f.label for f in context.fields] == [
        "People Profile", "Pupil Profile", "Achievement", "SEND & Inclusion", "Behaviour",
        "Attendance and punctuality", "CEP 2023/24 Priorities", "External Support",
        "Inspection cycle", "Other school updates",
    ]
    assert all(f.prompts for f in context.fields)
    assert "Headteacher wellbeing (discussion – probably not recorded in RoV)" in context.fields[0].prompts
    assert "Use of reintegration and part-time timetables" in context.fields[4].prompts
    focus = t.field("focus")
    assert focus.kind == FieldKind.CHOICE and focus.default == "SEND & Inclusion" and focus.allow_other
    assert {"Subject leadership", "EAL", "EYFS", "Personal Development"} <= set(focus.choices)
    assert set(t.field("monitoring_activities").options) == {
        "Learning Walk", "Lesson visits", "Pupil voice", "Staff voice",
        "Meetings with subject leads", "Work scrutiny",
    }
    assert t.field("monitoring_evidence").kind == FieldKind.EVIDENCE_LIST
    assert t.field("self_evaluation").rows == "framework_era"
    actions = t.field("further_actions")
    assert actions.columns == ("text", "lead", "by_when") and actions.carries_forward
    assert dict(actions.table_columns())["by_when"] == "By when? (Time specific)"
    assert t.field("good_practice").kind == FieldKind.GOOD_PRACTICE_LIST
    concerns = t.field("concerns")
    assert set(concerns.options) >= {"Safeguarding", "Projected numbers", "Leadership/staffing stability",
                                     "Complaints", "Well-being"}
    assert t.distribution == ("headteacher", "trust_ceo")
    assert "Chair of Governors" in t.distribution_note
    assert [r.title for r in t.references][0].startswith("Coventry Education Partnership Priorities")
    assert len(t.references[0].rows) == 5
    # The form states no deadline, so none is shown.
    assert t.deadlines == () and rt.deadline_dates(t, date(2023, 10, 2)) == []
    assert t.field("pupil_profile").prefill == "register.pupil_profile"


def test_kent_notes_of_visit_have_their_seasons_and_deadlines():
    notes = {t.sequence: t for t in rt.templates_for("886", "2009/10")}
    assert list(notes) == ["familiarisation", "autumn", "spring", "summer"]
    assert notes["autumn"].field("targets").kind == FieldKind.TARGETS_TABLE
    assert notes["autumn"].field("level_of_support").choices == ("Outreach", "General", "Substantial", "Intensive")
    assert notes["spring"].field("provision_evaluation").prompts
    assert {s.key for s in notes["summer"].sections} >= {"leadership_and_management", "overall"}
    for note in notes.values():
        assert note.field("recommendations").carries_forward
        assert note.distribution == ("headteacher", "chair_of_governors")
    # Friday 16 October 2009: 5 school days is Friday 23 October; 10 school days skips the
    # Kent half-term (26 to 30 October) and lands on Friday 6 November.
    due = {d.key: day for d, day in rt.deadline_dates(notes["autumn"], date(2009, 10, 16))}
    assert due == {"draft_to_headteacher": date(2009, 10, 23), "circulated": date(2009, 11, 6)}


def test_concerns_are_hidden_from_chairs_and_trust_ceos():
    t = rt.get_template("coventry-cmo-record-of-visit", 1)
    section = t.sections[2]
    concerns = t.field("concerns")
    assert t.field_visible_to(section, concerns, "headteacher")
    assert t.field_visible_to(section, concerns, "senior_adviser")
    assert not t.field_visible_to(section, concerns, "chair_of_governors")
    assert not t.field_visible_to(section, concerns, "trust_ceo")


def test_minimal_template_parses():
    t = parse_template(MINIMAL, "test.toml")
    assert t.private_and_confidential and t.ident == "test-record@1"
    assert t.deadlines == ()


def _broken(old: str, new: str) -> TemplateError:
    text = MINIMAL.replace(old, new, 1)
    assert text != MINIMAL
    with pytest.raises(TemplateError) as exc:
        parse_template(text, Path("packs/broken.toml"))
    return exc.value


def test_unknown_field_kind_names_file_key_and_line():
    error = _broken('key = "second"\n  label = "Second"\n  kind = "text"',
                    'key = "second"\n  label = "Second"\n  kind = "essay"')
    assert error.path.endswith("broken.toml")
    assert error.key == "sections[0].fields[1].kind"
    assert error.line == 25
    assert "unknown field kind 'essay'" in str(error) and "broken.toml, line 25" in str(error)


def test_missing_required_key():
    error = _broken('title = "Section one"\n', "")
    assert error.key == "sections[0].title" and "is required" in error.message
    assert error.line == 13  # the section's header line when the key is absent


def test_bad_prefill_source_and_readonly_without_source():
    error = _broken('kind = "text"\n', 'kind = "text"\n  prefill = "school.favourite_colour"\n')
    assert error.key == "sections[0].fields[0].prefill" and error.line == 21
    error = _broken('kind = "text"\n', 'kind = "text"\n  readonly = true\n')
    assert "needs a prefill source" in error.message


def test_duplicate_field_key_and_unknown_role():
    error = _broken('key = "second"', 'key = "notes"')
    assert "already used" in error.message and error.key == "sections[0].fields[1].key"
    error = _broken('title = "Section one"', 'title = "Section one"\nvisible_to = ["janitor"]')
    assert "unknown role 'janitor'" in error.message and error.line == 16


def test_syntax_error_and_wrong_types():
    error = _broken('version = 1', 'version = ')
    assert error.key == "(syntax)" and error.line == 3
    error = _broken('version = 1', 'version = "one"')
    assert error.key == "template.version" and error.line == 3 and "whole number" in error.message
    error = _broken('academic_years = ["2023/24"]', 'academic_years = ["2023/25"]')
    assert "not like 2023/24" in error.message


def test_actions_table_needs_a_text_column_and_known_columns():
    error = _broken('kind = "text"\n', 'kind = "actions_table"\n  columns = ["lead"]\n')
    assert "needs the 'text' column" in error.message
    error = _broken('kind = "text"\n', 'kind = "actions_table"\n  columns = ["text", "colour"]\n')
    assert "unknown action column 'colour'" in error.message


def test_unknown_keys_are_refused_not_ignored():
    error = _broken('kind = "text"\n', 'kind = "text"\n  promts = ["typo"]\n')
    assert error.key == "sections[0].fields[0].promts" and error.line == 21


def test_deadline_counts():
    text = MINIMAL + '\n[[deadlines]]\nkey = "d"\nlabel = "D"\ndays = 5\ncount = "fortnights"\n'
    with pytest.raises(TemplateError, match="count: must be one of"):
        parse_template(text, "x.toml")
    text = MINIMAL + '\n[[deadlines]]\nkey = "d"\nlabel = "D"\ndays = 3\ncount = "working_days"\n'
    t = parse_template(text, "x.toml")
    # Friday 22 December 2023 + 3 working days skips Christmas, Boxing Day: Friday 29th.
    assert rt.deadline_dates(t, date(2023, 12, 22))[0][1] == date(2023, 12, 29)
