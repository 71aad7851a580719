"""import_measures: DfE school-level files into context measures."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from improvement.imports.tests.builders import (
    ABSENCE,
    ABSENCE_2012,
    CENSUS,
    EES_EXCLUSIONS,
    KS2,
    KS4,
    write_csv,
)
from improvement.schools.models import ContextMeasure

pytestmark = pytest.mark.django_db


def run(path, *args):
    out = io.StringIO()
    call_command("import_measures", str(path), *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def counts(output, code="901"):
    line = next(line for line in output.splitlines() if line.startswith(code + " "))
    return [int(n.replace(",", "")) for n in line.split()[1:]]


def measures_of(school):
    return {(m.measure, m.academic_year): (m.value, m.suppressed) for m in ContextMeasure.objects.filter(school=school)}


def test_census(school, tmp_path):
    path = write_csv(tmp_path / "england_census.csv", CENSUS, [
        {"URN": school.urn, "LA": "901", "ESTAB": "2001", "SCHOOLTYPE": "State-funded primary", "NOR": "285",
         "PSENELSE": "1.8", "PSENELK": "17.5", "PNUMEAL": "NA", "PNUMFSMEVER": "16.2"},
        {"URN": "NAT", "LA": "", "ESTAB": "PRI", "NOR": "4727089"},
    ], encoding="utf-8-sig")
    out = run(path, "--kind", "census", "--year", "2018/19")
    assert measures_of(school) == {
        ("pupils_on_roll", 2018): (Decimal("285.00"), False),
        ("ehcp_percent", 2018): (Decimal("1.80"), False),
        ("sen_support_percent", 2018): (Decimal("17.50"), False),
        ("disadvantaged_percent", 2018): (Decimal("16.20"), False),
    }
    assert counts(out)[:3] == [4, 0, 0]
    measure = ContextMeasure.objects.get(school=school, measure="ehcp_percent")
    assert measure.source == "england_census.csv"
    assert measure.history.get().history_change_reason == "Imported from england_census.csv"
    again = run(path, "--kind", "census", "--year", "2018")
    assert counts(again)[:3] == [0, 0, 4]


def test_absence_stores_attendance_and_suppressed_persistent_absence(school, sibling_school, tmp_path):
    path = write_csv(tmp_path / "england_abs.csv", ABSENCE_2012, [
        ["901", "2001", school.urn, "3.5", "SUPP"],
        ["901", "2002", sibling_school.urn, "5.4", "6.1"],
    ])
    run(path, "--kind", "absence", "--year", "2012")
    assert measures_of(school) == {("attendance_percent", 2012): (Decimal("96.50"), False),
                                   ("persistent_absence_percent", 2012): (None, True)}


def test_a_changed_value_is_updated_and_audited(school, tmp_path):
    def absence(value):
        return write_csv(tmp_path / "england_abs.csv", ABSENCE, [["901", "2001", school.urn, "4.0", value]])
    run(absence("10.5"), "--kind", "absence", "--year", "2023")
    out = run(absence("x"), "--kind", "absence", "--year", "2023")
    assert counts(out)[:3] == [0, 1, 1]
    measure = ContextMeasure.objects.get(school=school, measure="persistent_absence_percent")
    assert measure.suppressed and measure.value is None
    assert measure.history.count() == 2


def test_ks4_with_negative_progress_and_percent_signs(school, tmp_path):
    path = write_csv(tmp_path / "england_ks4final.csv", KS4, [
        {"RECTYPE": "1", "LEA": "901", "URN": school.urn, "ATT8SCR": "47.2", "P8MEA": "-0.45",
         "PTL2BASICS_94": "66.2%", "PTL2BASICS_95": "NE", "EBACCAPS": "LOWCOV"},
        {"RECTYPE": "4", "LEA": "901", "URN": "", "ATT8SCR": "45.0"},
    ])
    run(path, "--kind", "ks4", "--year", "2023")
    assert measures_of(school) == {
        ("ks4_attainment8", 2023): (Decimal("47.20"), False),
        ("ks4_progress8", 2023): (Decimal("-0.45"), False),
        ("ks4_basics_4_percent", 2023): (Decimal("66.20"), False),
        ("ks4_basics_5_percent", 2023): (None, True),
        ("ks4_ebacc_aps", 2023): (None, True),
    }


def test_ks2(school, tmp_path):
    path = write_csv(tmp_path / "england_ks2final.csv", KS2, [
        {"RECTYPE": "1", "LEA": "901", "URN": school.urn, "PTRWM_EXP": "61%", "PTRWM_HIGH": "c",
         "READPROG": "-1.2", "WRITPROG": "0.4", "MATPROG": "z"},
    ])
    run(path, "--kind", "ks2", "--year", "2023")
    got = measures_of(school)
    assert got[("ks2_rwm_expected_percent", 2023)] == (Decimal("61.00"), False)
    assert got[("ks2_rwm_higher_percent", 2023)] == (None, True)
    assert got[("ks2_reading_progress", 2023)] == (Decimal("-1.20"), False)


def test_the_year_comes_from_time_period_when_the_file_has_it(school, tmp_path):
    path = write_csv(tmp_path / "exclusions_school_level.csv", EES_EXCLUSIONS, [
        {"time_period": "202223", "geographic_level": "School", "old_la_code": "901", "school_urn": school.urn,
         "perm_excl": "0", "susp": "14"},
        {"time_period": "202324", "geographic_level": "School", "old_la_code": "901", "school_urn": school.urn,
         "perm_excl": "1", "susp": "c"},
    ], encoding="utf-8")
    run(path, "--kind", "exclusions")
    assert measures_of(school) == {
        ("permanent_exclusions", 2022): (Decimal("0.00"), False),
        ("suspensions", 2022): (Decimal("14.00"), False),
        ("permanent_exclusions", 2023): (Decimal("1.00"), False),
        ("suspensions", 2023): (None, True),
    }


def test_a_file_without_a_year_needs_year_and_that_is_a_usage_error(school, tmp_path):
    path = write_csv(tmp_path / "england_abs.csv", ABSENCE, [["901", "2001", school.urn, "4.0", "10"]])
    with pytest.raises(CommandError, match="--year 2023") as caught:
        run(path, "--kind", "absence")
    assert caught.value.returncode == 2
    with pytest.raises(CommandError, match="academic year") as caught:
        run(path, "--kind", "absence", "--year", "2023/25")
    assert caught.value.returncode == 2
    assert not ContextMeasure.objects.exists()


def test_bad_values_reject_the_file_with_line_and_column(school, sibling_school, tmp_path):
    path = write_csv(tmp_path / "england_abs.csv", ABSENCE, [
        ["901", "2001", school.urn, "4.0", "10"],
        ["901", "2002", sibling_school.urn, "4.0", "112"],
        ["901", "2002", sibling_school.urn, "4.0", "11"],
    ])
    out = io.StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("import_measures", str(path), "--kind", "absence", "--year", "2023", stdout=out,
                     stderr=io.StringIO())
    assert caught.value.returncode == 1
    text = out.getvalue()
    assert 'line 3, column "PPERSABS10" value "112": is a percentage, so cannot be more than 100' in text
    assert "line 4, column \"URN\" value \"100002\": URN 100002 for 2023/24 is also on line 3" in text
    assert not ContextMeasure.objects.exists()


def test_unknown_kind_is_a_usage_error(school, tmp_path):
    path = write_csv(tmp_path / "f.csv", ABSENCE, [])
    with pytest.raises(CommandError, match="invalid choice"):
        run(path, "--kind", "finance", "--year", "2023")
