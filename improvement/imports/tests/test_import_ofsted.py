"""import_ofsted: inspection history from Ofsted management information."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.management import CommandError, call_command

from improvement.imports.tests.builders import OFSTED_2023, OFSTED_2025, write_csv
from improvement.inspections.models import Inspection
from improvement.inspections.tests.factories import InspectionFactory
from improvement.schools.tests.factories import SchoolFactory

pytestmark = pytest.mark.django_db

FILE = "Management_information_-_state-funded_schools_-_latest_inspections_as_at_31_Jan_2026.csv"


def latest_row(urn="100001", **overrides):
    row = {"URN": urn, "LAESTAB": "9012001", "School name": "Alder Primary School", "Inspection type": "S5 Inspection",
           "Inspection start date": "15/03/2022", "Publication date": "11/05/2022", "Overall effectiveness": "3",
           "Quality of education": "3", "Behaviour and attitudes": "2", "Personal development": "2",
           "Effectiveness of leadership and management": "3", "Safeguarding is effective?": "Yes",
           "Early years provision (where applicable)": "9", "Sixth form provision (where applicable)": "9"}
    row.update(overrides)
    return row


def run(path, *args):
    out = io.StringIO()
    call_command("import_ofsted", str(path), *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def counts(output, code="901"):
    line = next(line for line in output.splitlines() if line.startswith(code + " "))
    return [int(n.replace(",", "")) for n in line.split()[1:]]


@pytest.fixture
def ofsted_file(tmp_path):
    def make(rows, header=OFSTED_2023, name=FILE, encoding="cp1252"):
        return write_csv(tmp_path / name, header, rows, encoding=encoding)
    return make


def test_latest_previous_and_ungraded_inspections_are_recorded_once(school, ofsted_file):
    path = ofsted_file([latest_row(**{
        "Previous inspection start date": "04/12/2014", "Previous publication date": "19/12/2014",
        "Previous graded inspection overall effectiveness": "2", "Previous category of concern": "",
        "Date of latest ungraded inspection": "05/03/2024", "Ungraded inspection publication date": "24/03/2024",
        "Ungraded inspection overall outcome": "School remains Good (Concerns) - S5 Next",
        "Did the latest ungraded inspection convert to a graded inspection?": "No"})])
    first = run(path)
    assert counts(first)[:3] == [3, 0, 0]
    latest = school.inspections.get(start_date=date(2022, 3, 15))
    assert latest.era == "eif-2019" and latest.inspection_type == "full"
    assert latest.judgements == {"overall_effectiveness": "requires_improvement",
                                 "quality_of_education": "requires_improvement", "behaviour_and_attitudes": "good",
                                 "personal_development": "good", "leadership_and_management": "requires_improvement",
                                 "safeguarding": "effective"}
    assert latest.source == FILE
    assert latest.history.get().history_change_reason == f"Imported from {FILE}"
    previous = school.inspections.get(start_date=date(2014, 12, 4))
    assert previous.era == "s5-2012" and previous.judgements == {"overall_effectiveness": "good"}
    ungraded = school.inspections.get(inspection_type="ungraded")
    assert ungraded.ungraded_outcome == "School remains Good (Concerns) - S5 Next" and ungraded.judgements == {}
    school.refresh_from_db()
    assert school.latest_outcome == "requires_improvement" and school.latest_full_inspection == latest

    second = run(path)
    assert counts(second)[:3] == [0, 0, 3]
    assert Inspection.objects.count() == 3 and latest.history.count() == 1


def test_changed_grades_update_the_inspection_with_history(school, ofsted_file):
    run(ofsted_file([latest_row()]))
    out = run(ofsted_file([latest_row(**{"Overall effectiveness": "4", "Category of concern": "SWK"})]))
    assert counts(out)[:3] == [0, 1, 0]
    inspection = school.inspections.get()
    assert inspection.judgements["overall_effectiveness"] == "inadequate"
    assert inspection.category_of_concern == "serious_weaknesses"
    assert inspection.history.count() == 2
    school.refresh_from_db()
    assert school.latest_outcome == "inadequate"


def test_a_provisional_inspection_becomes_final_and_keeps_grades_the_file_lacks(school, ofsted_file):
    provisional = InspectionFactory(school=school, start_date=date(2022, 3, 15), publication_date=None,
                                    is_provisional=True, judgements={"overall_effectiveness": "good",
                                                                     "early_years": "good"})
    run(ofsted_file([latest_row()]))
    provisional.refresh_from_db()
    assert provisional.is_provisional is False
    assert provisional.publication_date == date(2022, 5, 11)
    assert provisional.judgements["overall_effectiveness"] == "requires_improvement"
    assert provisional.judgements["early_years"] == "good"  # 9 in the file: not judged there


def test_report_card_rows(school, ofsted_file):
    row = {"URN": school.urn, "LAESTAB": "9012001", "Inspection start date": "20/11/2025",
           "Publication date": "12/01/2026", "Safeguarding standards": "Not met", "Inclusion": "Needs attention",
           "Curriculum and teaching": "Urgent improvement", "Achievement": "Expected standard",
           "Attendance and behaviour": "Expected standard", "Personal development and wellbeing": "Strong standard",
           "Leadership and governance": "Urgent improvement", "Category of concern": "SM",
           "Inspection start date of latest OEIF graded inspection": "15/03/2022",
           "Latest OEIF overall effectiveness": "2", "Latest OEIF  safeguarding is effective?": "Yes"}
    run(ofsted_file([row], header=OFSTED_2025, encoding="utf-8-sig"))
    report_card = school.inspections.get(era="report-card-2025")
    assert report_card.judgements["safeguarding"] == "not_met"
    assert report_card.category_of_concern == "special_measures"
    assert school.inspections.get(era="eif-2019").judgements == {"overall_effectiveness": "good",
                                                                 "safeguarding": "effective"}
    school.refresh_from_db()
    assert school.latest_outcome == "no_overall_grade"  # report cards give no overall grade


def test_an_inspection_under_a_predecessor_urn_goes_to_the_predecessor(school, ofsted_file, authority):
    predecessor = SchoolFactory(authority=authority, urn="100009")
    school.predecessor = predecessor
    school.save()
    run(ofsted_file([latest_row(**{"URN at time of latest graded inspection": "100009",
                                   "Does the latest graded inspection relate to the URN of the current school?": "No"})]))
    assert predecessor.inspections.count() == 1 and school.inspections.count() == 0
    school.refresh_from_db()
    assert school.latest_outcome == "requires_improvement"  # the history follows the predecessor


def test_one_bad_grade_rejects_the_file(school, sibling_school, ofsted_file):
    path = ofsted_file([latest_row(), latest_row(sibling_school.urn, **{"Quality of education": "5"})])
    out = io.StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("import_ofsted", str(path), stdout=out, stderr=io.StringIO())
    assert caught.value.returncode == 1
    assert 'line 3, column "Quality of education" value "5": is not a quality of education grade' in out.getvalue()
    assert not Inspection.objects.exists()


def test_schools_not_in_the_register_are_skipped(school, ofsted_file):
    out = run(ofsted_file([latest_row(), latest_row("100555")]))
    assert counts(out)[0] == 1 and counts(out)[4] == 1
    assert "school not in the register for this LA (import GIAS first)" in out


def test_other_authorities_schools_are_never_touched(school, other_school, ofsted_file):
    out = run(ofsted_file([latest_row(other_school.urn, LAESTAB="9012001")]), "--la", "901")
    assert not other_school.inspections.exists()
    assert "school not in the register for this LA" in out


def test_the_same_inspection_twice_with_different_grades_is_an_error(school, authority, ofsted_file):
    successor = SchoolFactory(authority=authority, urn="100010")
    rows = [latest_row(), latest_row(successor.urn, **{"URN at time of latest graded inspection": school.urn,
                                                        "Overall effectiveness": "1"})]
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_ofsted", str(ofsted_file(rows)), stdout=out, stderr=io.StringIO())
    assert "the same inspection is on line 2 with different grades" in out.getvalue()


def test_latest_outcome_refresh_is_bulk(school, sibling_school, ofsted_file, django_assert_max_num_queries):
    rows = [latest_row(), latest_row(sibling_school.urn, **{"Overall effectiveness": "1"})]
    with django_assert_max_num_queries(20):
        run(ofsted_file(rows))
    sibling_school.refresh_from_db()
    assert sibling_school.latest_outcome == "outstanding"
