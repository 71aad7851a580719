"""evaluate_policy and list_policy_packs: the documented JSON, and exit status 2 with a message
naming the file, school and field for bad input, never a traceback."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command, execute_from_command_line
from django.core.management.base import CommandError

from improvement.policy import available_packs

EXAMPLES = Path(settings.BASE_DIR) / "docs" / "examples"
PACKS = "coventry-2023-24,england-dfe-2022-not-making-necessary-improvements"


def _run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def _refused(*args: str) -> str:
    with pytest.raises(CommandError) as error:
        _run(*args)
    assert error.value.returncode == 2
    return str(error.value)


def _write(tmp_path: Path, data, name: str = "snapshots.json") -> str:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return str(path)


def test_worked_example_is_reproduced_exactly():
    out = _run("evaluate_policy", PACKS, str(EXAMPLES / "snapshot-example.json"), "--as-of", "2024-01-15")
    assert out == (EXAMPLES / "decisions-example.json").read_text(encoding="utf-8")


def test_output_follows_the_documented_schema(tmp_path):
    path = _write(tmp_path, [{"urn": "100001", "name": "Alder Primary", "phase": "primary",
                              "governance": "la_maintained", "la_category": 3}])
    data = json.loads(_run("evaluate_policy", "coventry-2023-24", path, "--as-of", "2023-10-02"))
    assert list(data) == ["schema", "as_of", "packs", "schools"]
    assert data["schema"] == "school-improvement-monitor/policy-decisions/v1" and data["as_of"] == "2023-10-02"
    assert [p["id"] for p in data["packs"]] == ["coventry-2023-24"]
    decision = data["schools"][0]["decisions"][0]
    assert list(decision) == ["key", "label", "pack", "pack_status", "status", "value", "reasons", "missing_facts"]
    assert (decision["key"], decision["status"], decision["value"]) == ("coventry.visit_entitlement", "decided", 2)


def test_a_single_snapshot_object_and_a_pack_file_are_accepted(tmp_path):
    path = _write(tmp_path, {"urn": "100001", "name": "A", "phase": "secondary", "governance": "academy"})
    pack_file = Path(settings.BASE_DIR) / "improvement" / "policy" / "packs" / "coventry-2023-24.toml"
    data = json.loads(_run("evaluate_policy", str(pack_file), path, "--as-of", "2024-01-15"))
    assert data["schools"][0]["urn"] == "100001"


def test_unknown_pack_exits_2_naming_it(tmp_path):
    path = _write(tmp_path, [])
    message = _refused("evaluate_policy", "coventry-2099", path)
    assert "unknown policy pack 'coventry-2099'" in message and "coventry-2023-24" in message


def test_broken_pack_file_names_file_key_and_line(tmp_path):
    source = (Path(settings.BASE_DIR) / "improvement/policy/packs/coventry-2023-24.toml").read_text()
    broken = tmp_path / "coventry-2023-24.toml"
    broken.write_text(source.replace('academic_years = ["2023/24"]', 'academic_years = ["2023-24"]'))
    message = _refused("evaluate_policy", str(broken), _write(tmp_path, []))
    assert "coventry-2023-24.toml:8: academic_years[0]" in message


@pytest.mark.parametrize(("content", "expected"), [
    ('{"schools": [', "not valid JSON: Expecting value at line 1, column 14"),
    ('"just text"', "expected {\"schools\": [...]}"),
    ('{"schools": {"urn": "100001"}}', "field 'schools' must be a list"),
    ([{"urn": "100001", "name": "A", "phase": "primary", "governance": "la_maintained"},
      {"urn": "100002", "name": "B", "phase": "primary", "governance": "la_maintained", "la_category": 7}],
     "school 100002 ([1]): field 'la_category': must be 1, 2, 3, 4 or null"),
    ({"schools": [{"urn": "100003", "name": "C", "phase": "infant", "governance": "la_maintained"}]},
     "school 100003 (schools[0]): field 'phase': 'infant' is not one of"),
    ({"schools": [{"urn": "100004", "name": "D", "phase": "primary", "governance": "academy",
                   "inspections": [{"inspection_type": "full", "start_date": "2023-02-30"}]}]},
     "school 100004 (schools[0]): field 'inspections[0].start_date': '2023-02-30' is not a date"),
    ({"urn": "100005", "name": "E", "phase": "primary", "governance": "academy", "flgas": []},
     "school 100005: field 'flgas': is not a snapshot field"),
])
def test_invalid_snapshot_files_exit_2_naming_school_and_field(tmp_path, content, expected):
    message = _refused("evaluate_policy", "coventry-2023-24", _write(tmp_path, content))
    assert expected in message


def test_missing_file_and_bad_date_exit_2(tmp_path):
    assert "file not found" in _refused("evaluate_policy", "coventry-2023-24", str(tmp_path / "nope.json"))
    path = _write(tmp_path, [])
    assert "is not a date" in _refused("evaluate_policy", "coventry-2023-24", path, "--as-of", "15/01/2024")


def test_from_the_command_line_the_status_is_2_and_no_traceback(tmp_path, capsys):
    path = _write(tmp_path, [{"urn": "100002", "name": "B", "phase": "primary", "governance": "x"}])
    with pytest.raises(SystemExit) as exit_:
        execute_from_command_line(["manage.py", "evaluate_policy", "coventry-2023-24", path])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert "school 100002" in err and "field 'governance'" in err and "Traceback" not in err


def test_list_policy_packs_names_every_pack_and_marks_status():
    out = _run("list_policy_packs")
    for pack_id in available_packs():
        assert pack_id in out
    assert "coventry.visit_entitlement: CMO visits this academic year" in out
    assert "Status: to be confirmed against current statutory guidance" in out
    data = json.loads(_run("list_policy_packs", "--json"))
    assert [p["id"] for p in data] == available_packs()
    assert {"id", "title", "authority", "academic_years", "status", "sources", "decisions"} <= set(data[0])
