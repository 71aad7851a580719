"""Meeting records are record templates too: Coventry's School Improvement Board (entry, standard,
exit) and Progress Check-In records, and Kent's Round Table Meeting minutes. Every row and note of
the source is in the template; the keys are the contract with the interventions app; broken
meeting metadata fails with the file, the key and the line. No database."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from improvement.policy import record_templates as rt
from improvement.policy.record_templates import FieldKind, TemplateError, parse_template

SIB_KEYS = ("coventry-sib-entry", "coventry-sib-standard", "coventry-sib-exit")
ALL_KEYS = (*SIB_KEYS, "coventry-pci", "kent-rtm")
FUNDAMENTAL_QUESTION = (
    "Are we confident that this school will receive an overall Good judgement at its next Ofsted inspection?"
)
PROTOCOLS = "(honesty; transparency; shared goal; mutual respect; confidentiality)"
ACTION_COLUMNS = ("text", "lead", "monitored_by", "success_measure", "support_offered", "by_when")


def _t(key: str) -> rt.RecordTemplate:
    return rt.get_template(key, 1)


def _all_text(t: rt.RecordTemplate) -> str:
    """Every word the template carries, whitespace collapsed."""
    parts = [t.title, t.purpose, t.distribution_note]
    for section in t.sections:
        parts += [section.title, section.guidance, *section.prompts]
    for _, f in t.all_fields():
        parts += [f.label, f.hint, f.default, *f.prompts, *f.options]
    for reference in t.references:
        parts += [reference.title, reference.note, *(cell for row in reference.rows for cell in row)]
    return re.sub(r"\s+", " ", " ".join(parts))


def _section_keys(t):
    return [s.key for s in t.sections]


def _field_keys(t, section_key):
    return [f.key for f in next(s for s in t.sections if s.key == section_key).fields]


# --- loading and metadata -----------------------------------------------------------------------


def test_the_five_meeting_templates_load_with_their_metadata():
    registry = rt.registry()
    expected = {
        "coventry-sib-entry": ("sib_entry", 90),
        "coventry-sib-standard": ("sib_standard", 90),
        "coventry-sib-exit": ("sib_exit", 90),
        "coventry-pci": ("pci", 60),
        "kent-rtm": ("rtm", None),
    }
    for key, (meeting_kind, minutes) in expected.items():
        t = registry[f"{key}@1"]
        assert (t.record_kind, t.meeting_kind, t.duration_minutes) == ("meeting", meeting_kind, minutes)
        assert t.is_meeting and t.distribution == ()
        assert not t.deadlines  # neither source states a deadline for the notes
    for key in ALL_KEYS[:4]:
        t = registry[f"{key}@1"]
        assert (t.pack, t.authority, t.authority_code, t.academic_years) == (
            "coventry-2023-24", "Coventry", "331", ("2023/24",))
        assert t.private_and_confidential  # "Private & Confidential" on every Coventry record
        assert t.distribution_note.startswith("Following the meeting, the Chair will complete the notes")
    rtm = registry["kent-rtm@1"]
    kent_note = registry["kent-note-of-visit-autumn@1"]
    assert (rtm.pack, rtm.authority, rtm.authority_code, rtm.academic_years) == (
        "kent-2009-10", "Kent", kent_note.authority_code, kent_note.academic_years)
    assert not rtm.private_and_confidential
    # Visit templates keep their defaults.
    for key in ("coventry-cmo-record-of-visit", "kent-note-of-visit-autumn"):
        t = _t(key)
        assert (t.record_kind, t.meeting_kind, t.duration_minutes, t.is_meeting) == ("visit", "", None, False)


def test_the_meeting_prefill_sources_are_known():
    assert {"meeting.when", "meeting.venue", "meeting.board", "meeting.attendees", "meeting.number",
            "meeting.outcome", "meeting.confident_good", "meeting.next_meeting",
            "meeting.process_opened"} <= set(rt.PREFILL_SOURCES)


# --- the contract: header, sections and field keys ---------------------------------------------


@pytest.mark.parametrize("key", [*SIB_KEYS, "coventry-pci"])
def test_coventry_header(key):
    t = _t(key)
    header = {f.key: f for f in t.header}
    expected = ["school", "venue", "time_and_date", "board", "pre_read_documents"]
    if key != "coventry-pci":
        expected.append("other_attendees")  # the PCI record names others under its attendees
    assert list(header) == expected
    for field_key, source in (("school", "school.name"), ("venue", "meeting.venue"),
                              ("time_and_date", "meeting.when"), ("board", "meeting.board")):
        f = header[field_key]
        assert (f.kind, f.prefill, f.readonly) == (FieldKind.TEXT, source, True)
    assert header["venue"].label == "School and venue"
    assert header["venue"].hint.startswith("Expectation is that meeting would take place at the school")
    minutes = "60" if key == "coventry-pci" else "90"
    assert f"Expectation is for a meeting of approximately {minutes} minutes." in header["time_and_date"].hint
    board = header["board"]
    assert board.label == ("Attendees" if key == "coventry-pci" else "Board")
    assert board.prompts[:2] == ("Chair (usually Senior Advisor – School Improvement)", "Headteacher")
    assert board.prompts[-1] == "Coventry Monitoring Officer"
    pre_read = header["pre_read_documents"]
    assert (pre_read.kind, pre_read.label) == (FieldKind.EVIDENCE_LIST, "Pre-read documents")
    assert "School Improvement Plan" in pre_read.options and "School self-evaluation" in pre_read.options
    if key != "coventry-pci":
        others = header["other_attendees"]
        assert (others.kind, others.prefill, others.readonly) == (FieldKind.PEOPLE_PRESENT, "", False)


def test_sib_board_pre_reads_and_timing_per_record():
    entry, standard, exit_ = (_t(k) for k in SIB_KEYS)
    assert entry.field("board").prompts == (
        "Chair (usually Senior Advisor – School Improvement)", "Headteacher", "Chair of Governors",
        "Network Lead", "Coventry Monitoring Officer",
    )
    assert entry.field("pre_read_documents").options == (
        "CMO records for visits since previous SIB meeting",
        "School self-evaluation",
        "School Improvement Plan",
        "School position statement (which includes most recent national assessment data available)",
    )
    for later in (standard, exit_):
        assert later.field("board").prompts == entry.field("board").prompts
        assert later.field("pre_read_documents").options == (
            "Previous SIB meeting record", *entry.field("pre_read_documents").options)
    assert "An initial date will be set for an entry SIB meeting by the board (via email)" in (
        entry.field("time_and_date").hint)
    assert "with frequency dictated by the outcome agreed by the board at that meeting" in (
        standard.field("time_and_date").hint)
    assert exit_.field("time_and_date").hint.endswith(
        "A date will be set for each SIB meeting at the end of the previous one.")


def test_sib_entry_sections_and_fields():
    t = _t("coventry-sib-entry")
    assert _section_keys(t) == [
        "purpose_and_protocols", "background", "context", "key_actions_progress", "impact_of_support",
        "self_evaluation", "agreed_outcome", "agreed_actions", "next_meeting",
    ]
    assert _field_keys(t, "agreed_outcome") == [
        "confident_good", "outcome", "outcome_discussion", "significant_concerns", "additional_support",
    ]
    titles = {s.key: s.title for s in t.sections}
    assert titles["background"] == "SIB background"
    assert titles["key_actions_progress"] == "Key actions / progress"
    assert titles["self_evaluation"] == "School Self-Evaluation"
    assert t.field("additional_support").label == "Additional support required"
    assert t.field("outcome_discussion").label == (
        "Discussion of progress and trajectory (particularly leadership and management)")


@pytest.mark.parametrize("key", ["coventry-sib-standard", "coventry-sib-exit"])
def test_sib_standard_and_exit_sections_and_fields(key):
    t = _t(key)
    assert _section_keys(t) == [
        "purpose_and_protocols", "background", "context", "progress_against_actions",
        "other_key_actions", "impact_of_support", "self_evaluation", "agreed_outcome",
        "agreed_actions", "next_meeting",
    ]
    assert t.field("key_actions_progress") is None
    assert t.field("other_key_actions").label == "Other key actions / progress"
    progress = next(s for s in t.sections if s.key == "progress_against_actions")
    assert progress.guidance.startswith("List previous agreed actions and any comment / evidence")
    outcome_fields = _field_keys(t, "agreed_outcome")
    if key == "coventry-sib-exit":
        # The exit record's agreed outcome note has no "significant concerns" sentence.
        assert outcome_fields == ["confident_good", "outcome", "outcome_discussion"]
        assert t.field("significant_concerns") is None and t.field("additional_support") is None
    else:
        assert outcome_fields == [
            "confident_good", "outcome", "outcome_discussion", "significant_concerns", "additional_support",
        ]


@pytest.mark.parametrize("key", SIB_KEYS)
def test_sib_common_fields(key):
    t = _t(key)
    purpose = t.field("purpose_and_protocols")
    assert (purpose.kind, purpose.readonly, purpose.prefill) == (FieldKind.TEXT, False, "")
    assert purpose.default.startswith("The board will be advised of the purpose of the SIB process")
    assert PROTOCOLS in purpose.default
    assert t.field("context").prompts == (
        "Key school characteristics (NOR, FSM, EAL, SEND, Pupil Premium etc)",
        "Most recent performance data",
        "Attendance / Exclusions data",
        "Ofsted feedback (from most recent inspection)",
        "Key changes in school (e.g. staffing, leadership, governance)",
    )
    assert t.field("self_evaluation").kind == FieldKind.JUDGEMENT_TABLE
    confident = t.field("confident_good")
    assert (confident.label, confident.prefill, confident.readonly) == (
        FUNDAMENTAL_QUESTION, "meeting.confident_good", True)
    outcome = t.field("outcome")
    assert (outcome.label, outcome.prefill, outcome.readonly) == ("Agreed outcome", "meeting.outcome", True)
    assert outcome.hint == "The board will agree to either:" and len(outcome.prompts) == 3
    agreed_outcome = next(s for s in t.sections if s.key == "agreed_outcome")
    assert f"ask the fundamental question: {FUNDAMENTAL_QUESTION}" in agreed_outcome.guidance


def test_exit_outcome_options_differ_from_entry_and_standard():
    entry, standard, exit_ = (_t(k).field("outcome").prompts for k in SIB_KEYS)
    assert entry == standard == (
        "Remain within the SIB process with next meeting required next half-term",
        "Remain within the SIB process with next meeting required next term",
        "Set the next meeting within the SIB process as having an exit agenda",
    )
    assert exit_ == (
        "Remain within the SIB process with next meeting required next half-term",
        "Remain within the SIB process with next meeting required next term",
        "Exit the SIB process and begin the Progress Check-In process",
    )
    exit_t = _t("coventry-sib-exit")
    assert "(agree whether the school is securely ready to exit the SIB process)" in (
        exit_t.field("purpose_and_protocols").default)
    guidance = {s.key: s.guidance for s in exit_t.sections}
    assert guidance["agreed_actions"].startswith("Even though the school could be exiting the SIB process")
    assert "ongoing actions that the school will undertake moving forward should be listed" in (
        guidance["agreed_actions"])
    assert guidance["next_meeting"].endswith(
        "if the exit from the SIB process is agreed, a date needs to be set for a Progress Check-In meeting")


def test_pci_sections_and_fields():
    t = _t("coventry-pci")
    assert _section_keys(t) == [
        "purpose_and_protocols", "background", "context", "ofsted_areas_progress",
        "progress_against_actions", "self_evaluation", "impact_of_support", "agreed_actions",
        "next_meeting",
    ]
    # The PCI record has no agreed outcome and no fundamental question.
    assert t.field("outcome") is None and t.field("confident_good") is None
    titles = {s.key: s.title for s in t.sections}
    assert titles["background"] == "PCI background"
    assert titles["ofsted_areas_progress"] == "Progress against Ofsted areas for improvement"
    assert t.field("board").prompts == (
        "Chair (usually Senior Advisor – School Improvement)", "Headteacher", "Coventry Monitoring Officer",
    )
    assert "Chair of Governors, other school leaders" in t.field("board").hint
    assert t.field("pre_read_documents").options == (
        "Previous PCI meeting record", "CMO records for visits since previous PCI meeting",
        "School self-evaluation", "School Improvement Plan", "School Position Statement",
    )
    assert PROTOCOLS in t.field("purpose_and_protocols").default
    assert t.field("self_evaluation").kind == FieldKind.JUDGEMENT_TABLE
    next_meeting = next(s for s in t.sections if s.key == "next_meeting")
    assert next_meeting.guidance == "To take place in the next school term."


def test_kent_round_table_meeting_header_key_questions_and_agenda_in_order():
    t = _t("kent-rtm")
    header = {f.key: f for f in t.header}
    assert list(header) == ["school", "time_and_date", "venue", "board", "other_attendees"]
    assert header["time_and_date"].prefill == "meeting.when" and header["venue"].prefill == "meeting.venue"
    board = header["board"]
    assert (board.label, board.prefill, board.readonly) == ("Invited (core group)", "meeting.board", True)
    assert board.prompts == (
        "headteacher",
        "strategy consultants identified in the Raising Attainment Plan",
        "other LA personnel deployed in the school",
        "senior members of leadership team",
        "governor",
        "SIP",
        "any others agreed between SIP and headteacher",
    )
    assert header["other_attendees"].kind == FieldKind.PEOPLE_PRESENT
    assert _field_keys(t, "key_questions") == ["what_changed", "impact_of_change", "do_differently"]
    assert [f.label for f in t.sections[0].fields] == [
        "What school practice or behaviour has changed since the last RTM?",
        "What was the impact of that change?",
        "In the light of the latest data, do we need to do anything differently?",
    ]
    # The seven agenda items, in the handbook's order, after the key questions.
    assert [(s.key, s.title) for s in t.sections[1:]] == [
        ("minutes_and_matters_arising", "Minutes of last RTM and matters arising"),
        ("progress_against_plan", "School report on progress against the raising attainment plan"),
        ("evaluation_of_support", "Evaluation of all ASK support"),
        ("other_support", "LCSP and other support"),
        ("agreed_actions", "Agreed actions and future brokering"),
        ("aob", "AOB"),
        ("next_meeting", "Date of next meeting"),
    ]
    assert _field_keys(t, "agreed_actions") == ["agreed_actions", "future_brokering"]
    assert t.field("progress_against_plan").prompts == (
        "establish if groups are on track to meet targets identified in the Raising Attainment Plan",
        "ensure that efficient pupil tracking methods are being used systematically and at classroom level",
        "ensure regular pupil progress meetings are in place",
        "inform planning",
        "review support for pupils at risk of underachievement",
    )
    next_meeting = t.field("next_meeting")
    assert (next_meeting.prefill, next_meeting.readonly) == ("meeting.next_meeting", True)
    assert "keep accurate minutes" in t.distribution_note and "at least a week in advance" in t.distribution_note


@pytest.mark.parametrize("key", ALL_KEYS)
def test_agreed_actions_carry_forward_and_next_meeting_is_read_only(key):
    t = _t(key)
    actions = t.field("agreed_actions")
    assert actions.kind == FieldKind.ACTIONS_TABLE and actions.carries_forward
    assert [f.key for f in t.fields_of_kind(FieldKind.ACTIONS_TABLE)] == ["agreed_actions"]
    if key != "kent-rtm":
        assert actions.columns == ACTION_COLUMNS
    next_meeting = t.field("next_meeting")
    assert (next_meeting.kind, next_meeting.prefill, next_meeting.readonly) == (
        FieldKind.TEXT, "meeting.next_meeting", True)
    # Every meeting.* prefill the template uses is read-only: the meeting is the record of it.
    for _, f in t.all_fields():
        if f.prefill.startswith("meeting."):
            assert f.readonly, f.key


# --- every note of the source is there ----------------------------------------------------------

# The notes of the Coventry records, verbatim (double spaces after full stops made single).
SIB_COMMON_NOTES = (
    "Expectation is that meeting would take place at the school but alternatives could be considered "
    "(including Teams / hybrid meetings if necessary)",
    "Expectation is for a meeting of approximately 90 minutes.",
    "The board will consist of:",
    "Schools may request other board members (e.g. a Deputy Headteacher or other governor representative) "
    "but the intention is for the board not to become too large and for it to be consistent over time",
    "List documents to be distributed a week ahead of the SIB board – to include:",
    "Other colleagues may be invited to particular meetings or parts of meetings (e.g. staff within schools "
    "who have been leading on particular improvement aspects covered on the agenda)",
    "The board will be advised of the purpose of the SIB process (to provide a framework that delivers rapid "
    "school improvement through monitoring, challenge and support), the purpose of this particular meeting",
    "and the protocols which are key to a successful SIB process (honesty; transparency; shared goal; "
    "mutual respect; confidentiality)",
    "Information can include:",
    "School to provide self-evaluation judgements against each of the Ofsted areas. The SIB process is not "
    "intended to verify these judgements. However, the process may provide evidence to support particular "
    "judgements or identify further areas for development and these should be commented on (and reflected "
    "in the agreed actions where appropriate).",
    "The board will discuss the progress and trajectory of the school (particularly with respect to "
    "Leadership & Management) in its improvement journey and ask the fundamental question: "
    + FUNDAMENTAL_QUESTION
    + " (using this as a criteria to judge its capacity to provide a securely good level of education to "
    "its children)",
    "The board will agree to either:",
    "To be agreed in line with agreed outcome above",
    "Following the meeting, the Chair will complete the notes and these will be sent for an accuracy check "
    "to the headteacher before being finalised and shared with the board.",
)
ENTRY_AND_STANDARD_NOTES = (
    "The board need to agree and record any significant concerns and any additional support required",
    "List agreed actions that the school will undertake following this meeting. This should include clarity "
    "on who will undertake actions, who will monitor progress, how success will be measured and also what "
    "support will be offered to school to help achieve desired outcomes",
)
STANDARD_AND_EXIT_NOTES = (
    "Record the reasons that the SIB process was put in place and any relevant notes about timescales and "
    "progress up to this meeting",
    "List previous agreed actions and any comment / evidence regarding progress against each one – the "
    "school could ask non-board staff members to present",
    "Opportunity for school to present other key actions / progress undertaken since the previous SIB "
    "meeting (e.g. in relation to new matters arising from CMO visits or other sources)",
    "List any support received (either via the SIB process or otherwise) and note impact (detail may "
    "already be included above)",
)
NOTES = {
    "coventry-sib-entry": (
        *SIB_COMMON_NOTES, *ENTRY_AND_STANDARD_NOTES,
        "An initial date will be set for an entry SIB meeting by the board (via email) with each subsequent "
        "meeting being set as an agenda item.",
        "(to agree an outcome and actions moving forward)",
        "Record the reasons that the SIB process has been started.",
        "Opportunity for school to present recent key actions / progress undertaken (e.g. in relation to new "
        "matters arising from CMO visits or other sources)",
        "List any support received and note impact (detail may already be included above)",
    ),
    "coventry-sib-standard": (
        *SIB_COMMON_NOTES, *ENTRY_AND_STANDARD_NOTES, *STANDARD_AND_EXIT_NOTES,
        "A date will be set for each SIB meeting at the end of the previous one with frequency dictated by "
        "the outcome agreed by the board at that meeting",
        "(to agree an outcome and actions moving forward)",
    ),
    "coventry-sib-exit": (
        *SIB_COMMON_NOTES, *STANDARD_AND_EXIT_NOTES,
        "A date will be set for each SIB meeting at the end of the previous one.",
        "(agree whether the school is securely ready to exit the SIB process)",
        "Even though the school could be exiting the SIB process, there may still be actions ongoing which "
        "can be tracked as part of the Progress Check-In process.",
        "Therefore, ongoing actions that the school will undertake moving forward should be listed.",
        "– if the exit from the SIB process is agreed, a date needs to be set for a Progress Check-In meeting",
    ),
    "coventry-pci": (
        "Expectation is that meeting would take place at the school but alternatives could be considered "
        "(including Teams / hybrid meetings if necessary)",
        "Expectation is for a meeting of approximately 60 minutes. A date will be set for each PCI meeting at "
        "the end of the previous one with meetings taking place termly.",
        "The following would normally be in attendance:",
        "It may be useful for others to attend, e.g. Chair of Governors, other school leaders, and this can "
        "be agreed for each meeting.",
        "Useful documents to be distributed a week ahead of the meeting could include:",
        "Attendees will be advised of the purpose of the PCI process (to provide a framework that supports "
        "sustained school improvement",
        "the protocols which are key to a successful PCI process (honesty; transparency; shared goal; mutual "
        "respect; confidentiality)",
        "Record the reasons that the PCI process was put in place",
        "Information can include:",
        "Identify progress against areas for improvement identified in previous inspection (where relevant).",
        "List previous agreed actions and any comment / evidence regarding progress against each one – the "
        "school could ask non-board staff members to present",
        "School to provide self-evaluation judgements against each of the Ofsted areas. The PCI process is "
        "not intended to verify these judgements. However, the process provides a focussed opportunity for "
        "schools to present evidence and could identify further areas for development (to be reflected in "
        "the agreed actions where appropriate).",
        "List any support received and note impact (detail may already be included above)",
        "List agreed actions that the school will undertake following this meeting. This should include "
        "clarity on who will undertake actions, who will monitor progress, how success will be measured and "
        "also what support will be offered to school to help achieve desired outcomes",
        "To take place in the next school term.",
        "Following the meeting, the Chair will complete the notes and these will be sent for an accuracy "
        "check to the Headteacher before being finalised and shared with the board.",
    ),
    # Kent handbook section 15, every part.
    "kent-rtm": (
        "Where significant ASK resources are being deployed to schools, the strategy of holding a seasonal "
        "RTM with the leadership of the school ensures that support going into the school:",
        "is focused on priorities identified in the raising attainment plan",
        "helps to keep support on track by monitoring and evaluating progress",
        "celebrates changes in behaviour and practice",
        "supports effective communication, avoids duplication of effort and clarifies roles",
        "ensures there is evaluation of support that focuses on pupil progress",
        "supports leadership",
        "Seasonal RTMs are required for all schools involved in the following:",
        "category schools, to support the tracking of progress against the Ofsted key issues for action",
        "schools causing particular concern and those on the Improving Schools' Programmes",
        "RAYS, ISP and Ensuring Success",
        "The SIP is responsible for convening and chairing the meeting.",
        "It is the responsibility of the SIP to keep accurate minutes of the meeting.",
        "The agreed RTM template is to be used to ensure that RTMs follow a consistent format",
        "Every season (three times per year). The timing of the meeting is negotiable as the latest pupil "
        "progress data must be readily available.",
        "The key impact of ASK support is acceleration of pupil progress.",
        "RTMs are required to:",
        "The core group should consist of:",
        "It is good practice for the SIP to send, at least a week in advance, the agenda and minutes of the "
        "last meeting to all personnel invited to attend and to remind them of the following key questions",
        "What school practice or behaviour has changed since the last RTM?",
        "What was the impact of that change?",
        "In the light of the latest data, do we need to do anything differently?",
        "It is expected that the school will have undertaken a review of the Raising Attainment Plan and "
        "updated the cover sheet.",
        "Where officers are unable to attend, a brief report about the impact of their work is helpful.",
    ),
}


@pytest.mark.parametrize("key", ALL_KEYS)
def test_every_note_of_the_source_is_in_the_template(key):
    text = _all_text(_t(key))
    missing = [note for note in NOTES[key] if note not in text]
    assert not missing


def test_no_personal_contact_details_in_meeting_templates():
    for key in ALL_KEYS:
        raw = Path(_t(key).path).read_text(encoding="utf-8")
        assert "@" not in raw, key
        assert not re.search(r"\b0\d{3,4}[ -]?\d{3}[ -]?\d{3,4}\b", raw), key  # UK phone numbers


# --- choosing a meeting template ----------------------------------------------------------------


def test_meeting_template_returns_the_template_for_the_kind():
    assert rt.meeting_template("sib_entry", "331", "2023/24").key == "coventry-sib-entry"
    assert rt.meeting_template("sib_standard", "331", "2023/24").key == "coventry-sib-standard"
    assert rt.meeting_template("sib_exit", authority_code="331").key == "coventry-sib-exit"
    assert rt.meeting_template("pci").key == "coventry-pci"
    assert rt.meeting_template("rtm", "886", "2009/10").key == "kent-rtm"
    # An authority (or a year) without its own template falls back to the newest of that kind.
    assert rt.meeting_template("sib_entry", "901", "2025/26").key == "coventry-sib-entry"
    assert rt.meeting_template("rtm", "331", "2023/24").key == "kent-rtm"
    with pytest.raises(ValueError, match="Unknown meeting kind 'sib_review'"):
        rt.meeting_template("sib_review")


def test_templates_of_kind_and_templates_for_keep_meetings_apart():
    assert [t.key for t in rt.templates_of_kind("meeting")] == [
        "coventry-sib-entry", "coventry-sib-standard", "coventry-sib-exit", "coventry-pci", "kent-rtm",
    ]
    visits = [t.key for t in rt.templates_of_kind("visit")]
    assert "coventry-cmo-record-of-visit" in visits and not set(visits) & set(ALL_KEYS)
    with pytest.raises(ValueError, match="Unknown record kind"):
        rt.templates_of_kind("minutes")
    assert "kent-rtm" not in [t.key for t in rt.templates_for("886", "2009/10")]
    assert [t.key for t in rt.templates_for("886", "2009/10", record_kind="meeting")] == ["kent-rtm"]
    assert "kent-rtm" in [t.key for t in rt.templates_for("886", "2009/10", record_kind=None)]


MEETING = """\
[template]
key = "test-meeting"
version = 1
pack = "test-pack"
authority = "Test"
authority_code = "901"
academic_years = ["2023/24"]
title = "Test meeting"
short_title = "Test meeting"
source = "A test"
private_and_confidential = true
record_kind = "meeting"
meeting_kind = "sib_entry"
duration_minutes = 90

[[sections]]
key = "one"
title = "Section one"

  [[sections.fields]]
  key = "when"
  label = "When"
  kind = "text"
  prefill = "meeting.when"
  readonly = true
"""


def _meeting(*, years=("2023/24",), version=1, code="901", kind="sib_entry", key="test-meeting"):
    text = (MEETING.replace('version = 1', f"version = {version}")
            .replace('authority_code = "901"', f'authority_code = "{code}"')
            .replace('academic_years = ["2023/24"]', f"academic_years = {list(years)!r}".replace("'", '"'))
            .replace('meeting_kind = "sib_entry"', f'meeting_kind = "{kind}"')
            .replace('key = "test-meeting"', f'key = "{key}"'))
    return parse_template(text, f"{key}.toml")


def test_meeting_template_prefers_the_authority_and_year_then_the_newest(monkeypatch):
    templates = [
        _meeting(key="a-old", years=("2022/23",), code="901"),
        _meeting(key="a-now", years=("2023/24",), code="901"),
        _meeting(key="a-now", years=("2023/24",), code="901", version=2),
        _meeting(key="b-later", years=("2024/25",), code="902"),
        _meeting(key="pci-only", kind="pci", years=("2030/31",), code="903"),
    ]
    monkeypatch.setattr(rt, "registry", lambda: {t.ident: t for t in templates})
    assert rt.meeting_template("sib_entry", "901", "2023/24").ident == "a-now@2"
    assert rt.meeting_template("sib_entry", "901", "2022/23").ident == "a-old@1"
    # The authority's newest when no template of its own covers the year.
    assert rt.meeting_template("sib_entry", "901", "2026/27").ident == "a-now@2"
    # Another authority's newest when the authority has none of that kind.
    assert rt.meeting_template("sib_entry", "999", "2023/24").ident == "b-later@1"
    assert rt.meeting_template("sib_entry").ident == "b-later@1"
    assert rt.meeting_template("sib_entry", academic_year="2022/23").ident == "a-old@1"
    assert rt.meeting_template("pci", "901", "2023/24").ident == "pci-only@1"
    assert rt.meeting_template("rtm") is None  # no template records that kind of meeting


# --- broken meeting metadata names the file, the key and the line ----------------------------------


def _line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), start=1) if line.startswith(needle))


def _broken(old: str, new: str) -> tuple[TemplateError, str]:
    text = MEETING.replace(old, new, 1)
    assert text != MEETING
    with pytest.raises(TemplateError) as exc:
        parse_template(text, Path("record_templates/broken-meeting.toml"))
    return exc.value, text


def test_meeting_template_parses():
    t = parse_template(MEETING, "meeting.toml")
    assert (t.record_kind, t.meeting_kind, t.duration_minutes) == ("meeting", "sib_entry", 90)


def test_meeting_kind_missing_on_a_meeting_template():
    error, _ = _broken('meeting_kind = "sib_entry"\n', "")
    assert error.path.endswith("broken-meeting.toml")
    assert error.key == "template.meeting_kind" and "is required when record_kind" in error.message
    assert error.line == 1  # the [template] table, where the key is missing
    assert str(error).startswith("broken-meeting.toml, line 1: template.meeting_kind:")


def test_unknown_meeting_kind():
    error, text = _broken('meeting_kind = "sib_entry"', 'meeting_kind = "sib_review"')
    assert error.key == "template.meeting_kind"
    assert error.line == _line_of(text, "meeting_kind") == 13
    assert "unknown meeting kind 'sib_review'" in error.message and "sib_entry" in error.message
    error, text = _broken('meeting_kind = "sib_entry"', "meeting_kind = 3")
    assert error.key == "template.meeting_kind" and "must be a string" in error.message


def test_meeting_kind_and_duration_on_a_visit_template_are_refused():
    error, text = _broken('record_kind = "meeting"\n', "")
    assert error.key == "template.meeting_kind" and error.line == _line_of(text, "meeting_kind")
    assert "only a meeting template" in error.message
    error, text = _broken('record_kind = "meeting"\nmeeting_kind = "sib_entry"\n', 'record_kind = "visit"\n')
    assert error.key == "template.duration_minutes" and error.line == _line_of(text, "duration_minutes")
    assert "only a meeting template" in error.message


def test_record_kind_and_duration_values():
    error, text = _broken('record_kind = "meeting"', 'record_kind = "minutes"')
    assert error.key == "template.record_kind" and error.line == _line_of(text, "record_kind") == 12
    assert "unknown record kind 'minutes' (known: visit, meeting)" in error.message
    error, text = _broken("duration_minutes = 90", "duration_minutes = 0")
    assert error.key == "template.duration_minutes" and error.line == 14 and "positive" in error.message
    error, _ = _broken("duration_minutes = 90", 'duration_minutes = "90"')
    assert "must be a whole number" in error.message
    error, _ = _broken("duration_minutes = 90", "duration_minutes = true")
    assert "must be a whole number" in error.message


def test_unknown_meeting_prefill_source():
    error, text = _broken('prefill = "meeting.when"', 'prefill = "meeting.chair_mood"')
    assert error.key == "sections[0].fields[0].prefill" and error.line == _line_of(text, "  prefill")
    assert "unknown source 'meeting.chair_mood'" in error.message


def test_meeting_outcomes_and_pre_read_days_are_validated_with_file_key_and_line():
    import pytest as _pytest

    from improvement.policy.record_templates import TEMPLATE_DIR, TemplateError, parse_template

    shipped = (TEMPLATE_DIR / "coventry-pci-meeting-2023-24.toml").read_text()
    assert 'outcomes = ["continue"]' in shipped and "pre_read_days = 7" in shipped

    def variant(old: str, new: str) -> str:
        return shipped.replace(old, new, 1)

    with _pytest.raises(TemplateError, match=r"line \d+: template.outcomes: unknown outcome 'adjourn'"):
        parse_template(variant('outcomes = ["continue"]', 'outcomes = ["adjourn"]'), "t.toml")
    with _pytest.raises(TemplateError, match="pre_read_days: must be 0 or more"):
        parse_template(variant("pre_read_days = 7", "pre_read_days = -1"), "t.toml")
    visit = variant('record_kind = "meeting"', 'record_kind = "visit"').replace('meeting_kind = "pci"\n', "")
    visit = visit.replace("duration_minutes = 60\n", "")
    with _pytest.raises(TemplateError, match="outcomes: only a meeting template"):
        parse_template(visit, "t.toml")
    assert parse_template(variant('outcomes = ["continue"]\n', ""), "t.toml").outcomes == ("continue",)
