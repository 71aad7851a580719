"""The pure row parsers: examples of each rule, and property tests that every row becomes a valid
record, a deliberate skip, or a list of errors naming real fields. No database."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from improvement.imports.columns import resolve
from improvement.imports.parsers import gias, measures, ofsted
from improvement.imports.report import FieldError, Skip
from improvement.imports.tests.builders import GIAS_2024, OFSTED_2023, OFSTED_2025, gias_row
from improvement.inspections.models import Inspection
from improvement.policy import frameworks
from improvement.schools.models import ContextMeasure, Phase, School, Status

TODAY = date(2026, 3, 1)


def cells(header, row):
    resolved = resolve(header, gias.ESTABLISHMENTS if header is GIAS_2024 else ofsted.INSPECTIONS)
    return resolved.pick([str(row.get(h, "")) for h in header])


def ofsted_cells(header, **row):
    return resolve(header, ofsted.INSPECTIONS).pick([str(row.get(h, "")) for h in header])


# ---- GIAS ---------------------------------------------------------------------------------------


def test_a_gias_row_becomes_a_school_record():
    record = gias.parse_establishment(cells(GIAS_2024, gias_row("100001", OpenDate="01-09-1990")))
    assert isinstance(record, gias.GiasRecord)
    assert record.urn == "100001" and record.la_code == "901"
    assert record.fields["phase"] == Phase.PRIMARY
    assert record.fields["governance"] == "la_maintained"
    assert record.fields["status"] == Status.OPEN
    assert record.fields["open_date"] == date(1990, 9, 1)
    assert record.fields["religious_character"] == ""  # "Does not apply"
    assert record.fields["website"] == "https://www.example.org"
    assert record.fields["telephone"] == "01632960000"  # GIAS drops the leading 0
    assert record.head_name == "Ada Example"
    assert record.trust is None


@pytest.mark.parametrize(
    ("overrides", "phase", "governance"),
    [
        ({"TypeOfEstablishment (code)": "34", "TypeOfEstablishment (name)": "Academy converter",
          "PhaseOfEducation (code)": "4"}, Phase.SECONDARY, "academy"),
        ({"TypeOfEstablishment (code)": "7", "TypeOfEstablishment (name)": "Community special school",
          "PhaseOfEducation (code)": "0", "PhaseOfEducation (name)": "Not applicable"}, Phase.SPECIAL, "la_maintained"),
        ({"TypeOfEstablishment (code)": "14", "PhaseOfEducation (code)": "0"}, Phase.PRU_AP, "la_maintained"),
        ({"TypeOfEstablishment (code)": "35", "PhaseOfEducation (code)": "7"}, Phase.ALL_THROUGH, "free_school"),
        ({"PhaseOfEducation (code)": "3"}, Phase.MIDDLE, "la_maintained"),
    ],
)
def test_phase_and_governance_come_from_type_and_phase_codes(overrides, phase, governance):
    record = gias.parse_establishment(cells(GIAS_2024, gias_row("100001", **overrides)))
    assert record.fields["phase"] == phase
    assert record.fields["governance"] == governance


@pytest.mark.parametrize("type_code", ["11", "10", "18", "47", "37", "29"])
def test_establishments_the_register_does_not_hold_are_skipped_not_errors(type_code):
    result = gias.parse_establishment(cells(GIAS_2024, gias_row("100001", **{"TypeOfEstablishment (code)": type_code})))
    assert isinstance(result, Skip)


def test_the_2015_layout_works_from_names_alone():
    row = {"URN": "136750", "LA (code)": "205", "EstablishmentNumber": "4000", "EstablishmentName": "A Free School",
           "TypeOfEstablishment (name)": "Free Schools - 16-19", "EstablishmentStatus (name)": "Open, but proposed to close",
           "PhaseOfEducation (name)": "All Through", "TelephoneSTD": "020", "TelephoneNum": "86000670",
           "WebsiteAddress": "http://www.example.org/"}
    header = list(row)
    result = gias.parse_establishment(resolve(header, gias.ESTABLISHMENTS).pick(list(row.values())))
    assert result.fields["establishment_type_code"] == "39"
    assert result.fields["phase"] == Phase.SIXTEEN_PLUS  # a 16-19 free school, whatever the phase says
    assert result.fields["status"] == Status.PROPOSED_TO_CLOSE
    assert result.fields["telephone"] == "020 86000670"
    assert result.fields["website"] == "http://www.example.org/"
    assert "open_date" not in result.fields  # column absent: the register keeps its value


@pytest.mark.parametrize(
    ("overrides", "field", "reason"),
    [
        ({"EstablishmentStatus (code)": "2"}, "close_date", "the school is closed"),
        ({"OpenDate": "01-09-2020", "CloseDate": "31-08-2019", "EstablishmentStatus (code)": "2"}, "close_date",
         "before the open date"),
        ({"OpenDate": "30-02-2020"}, "open_date", "real date"),
        ({"EstablishmentNumber": "12"}, "establishment_number", "4-digit"),
        ({"EstablishmentName": ""}, "name", "needs a name"),
        ({"PhaseOfEducation (code)": "0"}, "phase_code", "Not applicable"),
        ({"PhaseOfEducation (code)": "9"}, "phase_code", "phase of education"),
        ({"EstablishmentStatus (code)": "7"}, "status_code", "status"),
        ({"StatutoryLowAge": "11", "StatutoryHighAge": "4"}, "high_age", "below"),
        ({"StatutoryHighAge": "99"}, "high_age", "between"),
        ({"NumberOfPupils": "lots"}, "pupils", "whole number"),
        ({"Postcode": "NM1 1AA EXTRA TEXT"}, "postcode", "longer"),
    ],
)
def test_bad_values_are_row_errors_naming_the_field(overrides, field, reason):
    result = gias.parse_establishment(cells(GIAS_2024, gias_row("100001", **overrides)))
    assert isinstance(result, list)
    assert any(e.field == field and reason in e.reason for e in result), result


def test_a_bad_website_is_a_warning_and_left_blank_not_an_error():
    result = gias.parse_establishment(cells(GIAS_2024, gias_row("100001", SchoolWebsite="not a website")))
    assert result.fields["website"] == ""
    assert result.warnings[0].field == "website"


def test_suppressed_pupil_numbers_are_unknown_not_zero():
    result = gias.parse_establishment(cells(GIAS_2024, gias_row("100001", NumberOfPupils="x")))
    assert result.fields["pupils_on_roll"] is None


def test_trust_from_code_and_name():
    result = gias.parse_establishment(cells(GIAS_2024, gias_row(
        "100001", **{"Trusts (code)": "3104", "Trusts (name)": "THE EXAMPLE TRUST"})))
    assert result.trust == ("3104", "THE EXAMPLE TRUST")


@pytest.mark.parametrize(
    ("link_type", "direction"),
    [("Predecessor", "predecessor"), ("Successor - merged", "successor"), ("Sixth Form Centre Link", None),
     ("Other", None)],
)
def test_link_directions(link_type, direction):
    assert gias.link_direction(link_type) == direction


def test_links_parse_and_refuse_bad_rows():
    header = resolve(["URN", "LinkURN", "LinkName", "LinkType", "LinkEstablishedDate"], gias.LINKS)
    good = gias.parse_link(header.pick(["140001", "100001", "Old School", "Predecessor", "01-09-2013"]))
    assert good.link_urn == "100001" and good.established == date(2013, 9, 1)
    assert isinstance(gias.parse_link(header.pick(["140001", "100001", "", "Expansion", ""])), Skip)
    bad = gias.parse_link(header.pick(["140001", "1", "", "Predecessor", "32-01-2020"]))
    assert {e.field for e in bad} == {"link_urn", "established"}


# ---- Ofsted -------------------------------------------------------------------------------------


def eif_row(**overrides):
    row = {"URN": "100001", "LAESTAB": "9012001", "Inspection type": "S5 Inspection",
           "Inspection start date": "15/03/2022", "Publication date": "11/05/2022", "Overall effectiveness": "2",
           "Quality of education": "2", "Behaviour and attitudes": "1", "Personal development": "2",
           "Effectiveness of leadership and management": "3", "Safeguarding is effective?": "Yes",
           "Early years provision (where applicable)": "9", "Sixth form provision (where applicable)": "Not judged",
           "Category of concern": ""}
    row.update(overrides)
    return row


def test_an_eif_row_maps_grades_to_area_keys_and_leaves_not_judged_out():
    record = ofsted.parse_row(ofsted_cells(OFSTED_2023, **eif_row()), today=TODAY)
    (inspection,) = record.inspections
    assert inspection.era == "eif-2019" and inspection.inspection_type == frameworks.FULL
    assert inspection.judgements == {
        "overall_effectiveness": "good", "quality_of_education": "good", "behaviour_and_attitudes": "outstanding",
        "personal_development": "good", "leadership_and_management": "requires_improvement",
        "safeguarding": "effective",
    }
    assert record.la_code == "901"


def test_grades_written_as_floats_by_spreadsheet_tools_are_read():
    record = ofsted.parse_row(ofsted_cells(OFSTED_2023, **eif_row(**{"Overall effectiveness": "4.0",
                                                                       "Early years provision (where applicable)": "9.0"})),
                              today=TODAY)
    assert record.inspections[0].judgements["overall_effectiveness"] == "inadequate"
    assert "early_years" not in record.inspections[0].judgements


def test_grade_three_means_satisfactory_before_september_2012():
    record = ofsted.parse_row(ofsted_cells(OFSTED_2023, **eif_row(**{
        "Inspection start date": "10/02/2011", "Publication date": "01/03/2011", "Overall effectiveness": "3",
        "Quality of education": "9", "Behaviour and attitudes": "9", "Personal development": "9",
        "Safeguarding is effective?": "9"})), today=TODAY)
    inspection = record.inspections[0]
    assert inspection.era == "s5-2005"
    assert inspection.judgements["overall_effectiveness"] == "satisfactory"


def test_a_grade_for_an_area_the_era_lacks_is_a_warning_not_stored():
    record = ofsted.parse_row(ofsted_cells(OFSTED_2023, **eif_row(**{
        "Inspection start date": "10/02/2016", "Publication date": "01/03/2016", "Quality of education": "9",
        "Behaviour and attitudes": "9", "Personal development": "9"})), today=TODAY)
    assert "safeguarding" not in record.inspections[0].judgements
    assert [w.field for w in record.warnings] == ["latest.grade.safeguarding"]


def test_previous_and_ungraded_blocks_become_their_own_inspections():
    record = ofsted.parse_row(ofsted_cells(OFSTED_2023, **eif_row(**{
        "Previous inspection start date": "04/12/2014", "Previous publication date": "19/12/2014",
        "Previous graded inspection overall effectiveness": "3", "Previous category of concern": "",
        "Previous effectiveness of leadership and management": "3",
        "Date of latest ungraded inspection": "05/03/2024", "Ungraded inspection publication date": "24/03/2024",
        "Ungraded inspection overall outcome": "School remains Good (Concerns) - S5 Next",
        "Did the latest ungraded inspection convert to a graded inspection?": "No"})), today=TODAY)
    by_block = {i.block: i for i in record.inspections}
    assert by_block["previous"].judgements == {"overall_effectiveness": "requires_improvement",
                                               "leadership_and_management": "requires_improvement"}
    assert by_block["ungraded"].inspection_type == frameworks.UNGRADED
    assert by_block["ungraded"].ungraded_outcome == "School remains Good (Concerns) - S5 Next"
    assert by_block["ungraded"].judgements == {}


def test_an_ungraded_inspection_converted_to_graded_is_not_recorded_twice():
    record = ofsted.parse_row(ofsted_cells(OFSTED_2023, **eif_row(**{
        "Date of latest ungraded inspection": "15/03/2022",
        "Did the latest ungraded inspection convert to a graded inspection?": "Yes"})), today=TODAY)
    assert [i.block for i in record.inspections] == ["latest"]


def test_report_card_words_and_category_codes():
    row = {"URN": "100001", "LAESTAB": "9012001", "Inspection start date": "20/11/2025",
           "Publication date": "10/01/2026", "Safeguarding standards": "Met", "Inclusion": "Expected standard",
           "Curriculum and teaching": "Needs attention", "Achievement": "Strong standard",
           "Attendance and behaviour": "Exceptional", "Personal development and wellbeing": "Expected standard",
           "Early years (where applicable)": "NULL", "Post-16 provision (where applicable)": "NULL",
           "Leadership and governance": "Urgent improvement", "Category of concern": "RSI"}
    record = ofsted.parse_row(ofsted_cells(OFSTED_2025, **row), today=TODAY)
    (inspection,) = record.inspections
    assert inspection.era == "report-card-2025"
    assert inspection.judgements == {
        "safeguarding": "met", "inclusion": "expected_standard", "curriculum_and_teaching": "needs_attention",
        "achievement": "strong_standard", "attendance_and_behaviour": "exceptional",
        "personal_development": "expected_standard", "leadership_and_governance": "urgent_improvement",
    }
    assert inspection.category_of_concern == "requires_significant_improvement"


def test_the_2025_layout_merges_the_latest_block_with_the_oeif_block_for_the_same_inspection():
    row = {"URN": "100001", "Inspection start date": "15/03/2022", "Publication date": "11/05/2022",
           "Inclusion": "NULL", "Inspection start date of latest OEIF graded inspection": "15/03/2022",
           "Publication date of latest OEIF graded inspection": "11/05/2022",
           "Latest OEIF overall effectiveness": "1", "Latest OEIF  safeguarding is effective?": "Yes"}
    record = ofsted.parse_row(ofsted_cells(OFSTED_2025, **row), today=TODAY)
    (inspection,) = record.inspections
    assert inspection.judgements == {"overall_effectiveness": "outstanding", "safeguarding": "effective"}
    assert record.warnings == []


def test_not_judged_overall_after_september_2024():
    row = {"URN": "100001", "Inspection start date of latest OEIF graded inspection": "01/10/2024",
           "Latest OEIF overall effectiveness": "Not judged", "Latest OEIF quality of education": "2"}
    record = ofsted.parse_row(ofsted_cells(OFSTED_2025, **row), today=TODAY)
    assert record.inspections[0].era == "eif-2024"
    assert record.inspections[0].judgements == {"quality_of_education": "good"}


def test_an_inspection_under_a_predecessor_urn_says_so():
    record = ofsted.parse_row(ofsted_cells(OFSTED_2023, **eif_row(**{
        "URN at time of latest graded inspection": "100002.0"})), today=TODAY)
    assert record.inspections[0].urn_at_time == "100002"
    same = ofsted.parse_row(ofsted_cells(OFSTED_2023, **eif_row(**{
        "URN at time of latest graded inspection": "100001"})), today=TODAY)
    assert same.inspections[0].urn_at_time == ""


@pytest.mark.parametrize(
    ("overrides", "field", "reason"),
    [
        ({"Overall effectiveness": "5"}, "latest.grade.overall_effectiveness", "grade"),
        ({"Overall effectiveness": "Exceptional"}, "latest.grade.overall_effectiveness", "grade"),
        ({"Safeguarding is effective?": "Met"}, "latest.grade.safeguarding", "grade"),
        ({"Category of concern": "RSI"}, "latest.category", "not a category of concern under"),
        ({"Category of concern": "XYZ"}, "latest.category", "SM, SWK"),
        ({"Inspection start date": "15/03/2099"}, "latest.start", "future"),
        ({"Publication date": "01/01/2020"}, "latest.publication", "before the inspection start"),
        ({"Inspection start date": "15-13-2022"}, "latest.start", "date"),
    ],
)
def test_bad_ofsted_cells_are_errors(overrides, field, reason):
    result = ofsted.parse_row(ofsted_cells(OFSTED_2023, **eif_row(**overrides)), today=TODAY)
    assert isinstance(result, list)
    assert any(e.field == field and reason in e.reason for e in result), result


def test_a_school_not_yet_inspected_is_skipped():
    result = ofsted.parse_row(ofsted_cells(OFSTED_2023, URN="100001"), today=TODAY)
    assert isinstance(result, Skip)


@pytest.mark.parametrize(
    ("texts", "kind"),
    [(("Schools into Special Measures Visit 2", "Section 8 deemed section 5"), frameworks.FULL),
     (("Schools into Special Measures Visit 2",), frameworks.MONITORING),
     (("S8 No Formal Designation Visit",), frameworks.FOCUSED_MONITORING),
     (("Section 8 inspection of good and outstanding schools",), frameworks.UNGRADED),
     (("S5 Inspection",), frameworks.FULL), (("",), frameworks.FULL)],
)
def test_inspection_type_from_ofsted_texts(texts, kind):
    assert ofsted.inspection_type_from_text(*texts) == kind


# ---- measures -----------------------------------------------------------------------------------


def measure_cells(kind, header, values):
    return resolve(header, measures.layout_for(measures.KINDS[kind])).pick(values)


def test_census_columns_map_to_measures_with_senelse_as_ehc_plans():
    header = ["URN", "LA", "NOR", "PSENELSE", "PSENELK", "PNUMEAL", "PNUMFSMEVER"]
    record = measures.parse_row(measure_cells("census", header, ["100001", "901", "285", "1.8", "17.5", "NA", "16.2"]),
                                kind=measures.KINDS["census"], year=2018)
    got = {v.measure: v.value for v in record.values}
    assert got == {"pupils_on_roll": Decimal("285.00"), "ehcp_percent": Decimal("1.80"),
                   "sen_support_percent": Decimal("17.50"), "disadvantaged_percent": Decimal("16.20")}
    assert record.academic_year == 2018


@pytest.mark.parametrize("code", ["x", "c", "z", "SUPP", "NE", "low", "NP", "LOWCOV"])
def test_suppression_codes_are_stored_as_suppressed(code):
    record = measures.parse_row(measure_cells("absence", ["URN", "PERCTOT", "PPERSABS10"], ["100001", "4.5", code]),
                                kind=measures.KINDS["absence"], year=2023)
    by_measure = {v.measure: v for v in record.values}
    assert by_measure["persistent_absence_percent"].suppressed is True
    assert by_measure["persistent_absence_percent"].value is None
    assert by_measure["attendance_percent"].value == Decimal("95.50")  # 100 - overall absence


def test_negative_progress_scores_are_allowed_but_negative_percentages_are_not():
    header = ["RECTYPE", "URN", "P8MEA", "PTL2BASICS_94"]
    ok = measures.parse_row(measure_cells("ks4", header, ["1", "100001", "-0.45", "66.2%"]),
                            kind=measures.KINDS["ks4"], year=2023)
    assert {v.measure: v.value for v in ok.values} == {"ks4_progress8": Decimal("-0.45"),
                                                       "ks4_basics_4_percent": Decimal("66.20")}
    bad = measures.parse_row(measure_cells("ks4", header, ["1", "100001", "0.1", "-3"]),
                             kind=measures.KINDS["ks4"], year=2023)
    assert bad == [FieldError("measure.ks4_basics_4_percent.PTL2BASICS_94", "-3", "cannot be negative")]
    over = measures.parse_row(measure_cells("ks4", header, ["1", "100001", "0.1", "101"]),
                              kind=measures.KINDS["ks4"], year=2023)
    assert "more than 100" in over[0].reason


def test_total_rows_are_skipped():
    header = ["RECTYPE", "URN", "P8MEA"]
    assert isinstance(measures.parse_row(measure_cells("ks4", header, ["4", "", "0.1"]),
                                         kind=measures.KINDS["ks4"], year=2023), Skip)
    assert isinstance(measures.parse_row(measure_cells("census", ["URN", "NOR"], ["NAT", "4727089"]),
                                         kind=measures.KINDS["census"], year=2023), Skip)


@pytest.mark.parametrize(("raw", "year"), [("202324", 2023), ("2023/24", 2023), ("2023", 2023), ("2023.0", 2023)])
def test_academic_years(raw, year):
    assert measures.parse_year(raw) == year


@pytest.mark.parametrize("raw", ["202325", "23/24", "1999", "year"])
def test_bad_academic_years(raw):
    with pytest.raises(Exception, match="academic year"):
        measures.parse_year(raw)


# ---- properties ---------------------------------------------------------------------------------

# Cells: sometimes plausible, sometimes rubbish, never trusted.
plausible = st.sampled_from([
    "", "NULL", "0", "1", "2", "3", "4", "7", "9", "34", "100001", "999999", "901", "2001", "Not judged",
    "Yes", "No", "Met", "Good", "Expected standard", "SM", "RSI", "x", "SUPP", "NA", "-0.5", "45.3%", "101",
    "01-09-2020", "31/08/2019", "30-02-2020", "15/03/2099", "www.example.org", "Primary", "Closed",
    "Community school", "Not applicable",
])
cell = st.one_of(plausible, st.text(max_size=40))


def row_strategy(fields, base=None):
    """Arbitrary rows, and (when a valid `base` row is given) that row with a few cells changed
    or removed, so that the valid-record branch is exercised as much as the error branch."""
    arbitrary = st.dictionaries(st.sampled_from(sorted(fields)), cell, max_size=len(fields))
    if base is None:
        return arbitrary
    changes = st.dictionaries(st.sampled_from(sorted(fields)), cell, max_size=4)
    removals = st.sets(st.sampled_from(sorted(base)), max_size=3)
    mutated = st.tuples(changes, removals).map(
        lambda cr: {k: v for k, v in {**base, **cr[0]}.items() if k not in cr[1]})
    return st.one_of(arbitrary, mutated)


GIAS_FIELDS = {c.field for c in gias.ESTABLISHMENTS.columns}
OFSTED_FIELDS = {c.field for c in ofsted.INSPECTIONS.columns}
PROPERTY = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def assert_errors_name_fields(result, fields):
    assert result, "an error result must list at least one error"
    for error in result:
        assert isinstance(error, FieldError)
        assert error.field in fields and error.reason


GIAS_BASE = cells(GIAS_2024, gias_row("100001", OpenDate="01-09-1990", **{"Trusts (code)": "1",
                                                                         "Trusts (name)": "A Trust"}))
OFSTED_BASE = ofsted_cells(OFSTED_2023, **eif_row(**{
    "Previous inspection start date": "04/12/2014", "Previous graded inspection overall effectiveness": "3",
    "Date of latest ungraded inspection": "05/03/2024", "Ungraded inspection overall outcome": "School remains Good",
    "URN at time of previous graded inspection": "100002"}))


@PROPERTY
@given(row_strategy(GIAS_FIELDS, GIAS_BASE))
def test_gias_rows_become_valid_schools_skips_or_errors(row):
    result = gias.parse_establishment(row)
    event(type(result).__name__)
    if isinstance(result, Skip):
        assert result.reason
    elif isinstance(result, list):
        assert_errors_name_fields(result, GIAS_FIELDS)
    else:
        school = School(urn=result.urn, authority_id=1, headteacher_name=result.head_name, **result.fields)
        school.clean_fields(exclude=["authority", "trust", "predecessor", "latest_full_inspection"])
        school.clean()


@PROPERTY
@given(row_strategy(OFSTED_FIELDS, OFSTED_BASE))
def test_ofsted_rows_become_valid_inspections_skips_or_errors(row):
    result = ofsted.parse_row(row, today=TODAY)
    event(type(result).__name__)
    if isinstance(result, Skip):
        assert result.reason
    elif isinstance(result, list):
        assert_errors_name_fields(result, OFSTED_FIELDS)
    else:
        keys = set()
        for record in result.inspections:
            assert record.key not in keys
            keys.add(record.key)
            inspection = Inspection(
                school_id=1, era=record.era, inspection_type=record.inspection_type, start_date=record.start_date,
                publication_date=record.publication_date, judgements=record.judgements,
                category_of_concern=record.category_of_concern, ungraded_outcome=record.ungraded_outcome,
            )
            inspection.clean_fields(exclude=["school"])
            inspection.clean()
            if record.inspection_type == frameworks.FULL:
                assert record.judgements


@PROPERTY
@given(st.sampled_from(sorted(measures.KINDS)), st.data())
def test_measure_rows_become_valid_measures_skips_or_errors(kind_key, data):
    kind = measures.KINDS[kind_key]
    fields = {c.field for c in measures.layout_for(kind).columns}
    base = {"urn": "100001", "year": "202324", "la_code": "901", **{m.field: "12.5" for m in kind.measures}}
    row = data.draw(row_strategy(fields, base))
    result = measures.parse_row(row, kind=kind, year=2023)
    event(type(result).__name__)
    if isinstance(result, Skip):
        assert result.reason
    elif isinstance(result, list):
        assert_errors_name_fields(result, fields)
    else:
        assert result.values
        for value in result.values:
            measure = ContextMeasure(school_id=1, academic_year=result.academic_year, measure=value.measure,
                                     value=value.value, suppressed=value.suppressed, source="test")
            measure.clean_fields(exclude=["school"])
            measure.clean()
