"""Pack loading: the shipped packs are valid; broken packs name the file, key and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from improvement.policy import PackError, available_packs, load_pack, load_pack_file
from improvement.policy.packs import TO_BE_CONFIRMED

SHIPPED = ["coventry-2023-24", "england-2025-26",
           "england-dfe-2022-not-making-necessary-improvements",
           "england-ofsted-2012-ri-monitoring", "kent-2009-10"]


def test_shipped_packs():
    assert available_packs() == SHIPPED
    for pack_id in SHIPPED:
        pack = load_pack(pack_id)
        assert pack.sources and pack.rules and pack.academic_years
        assert all(rule.key.split(".")[0] for rule in pack.rules)
    assert load_pack("england-2025-26").status == TO_BE_CONFIRMED
    assert load_pack("coventry-2023-24").describe()["authority"] == "Coventry"


def test_unknown_pack():
    with pytest.raises(PackError, match="unknown policy pack 'nowhere'"):
        load_pack("nowhere")


MINIMAL = '''id = "broken"
title = "A test pack"
authority = "England"
academic_years = ["2023/24"]

[[sources]]
document = "A document"

[[decisions]]
key = "test.first"
label = "First"
kind = "select"

  [[decisions.cases]]
  id = "case"
  when = 'phase_is("primary")'
  value = 1
  source = "clause 1"

  [decisions.otherwise]
  id = "otherwise"
  value = 0
  reason = "Not primary."
  source = "clause 2"
'''


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "broken.toml"
    path.write_text(text)
    return path


def test_minimal_pack_loads(tmp_path):
    assert load_pack_file(write(tmp_path, MINIMAL)).keys == ("test.first",)


def line_of(text: str, fragment: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if fragment in line)


def last_line_of(text: str, fragment: str) -> int:
    return max(n for n, line in enumerate(text.splitlines(), 1) if fragment in line)


@pytest.mark.parametrize(("old", "new", "key", "fragment", "message"), [
    ("'phase_is(\"primary\")'", "'phase_is(\"college\")'", "decisions[0].cases[0].when",
     "when = ", "'college' is not one of"),
    ("'phase_is(\"primary\")'", "'phase_was(\"primary\")'", "decisions[0].cases[0].when",
     "when = ", "unknown predicate 'phase_was'"),
    ("'phase_is(\"primary\")'", "'phase_is(__import__(\"os\"))'", "decisions[0].cases[0].when",
     "when = ", "must be literals"),
    ("'phase_is(\"primary\")'", "'la_category_is(\"2\")'", "decisions[0].cases[0].when",
     "when = ", "argument 1 must be int"),
    ('kind = "select"', 'kind = "lookup"', "decisions[0].kind", "kind = ", "must be one of"),
    ('  value = 1\n', '  value = 1\n  colour = "red"\n', "decisions[0].cases[0].colour",
     "colour = ", "unknown key"),
    ('  source = "clause 1"\n', "", "decisions[0].cases[0].source", "[[decisions.cases]]",
     "is required"),
    ('academic_years = ["2023/24"]', 'academic_years = ["2023-24"]', "academic_years[0]",
     "academic_years", "not an academic year"),
    ('id = "broken"', 'id = "other"', "id", 'id = "other"', "must match the file name"),
    ('  value = 1\n', '  value = 1\n  include = "test.later"\n', "decisions[0].cases[0].include",
     "include = ", "defined earlier"),
    ('  value = 1\n', '  value = 1\n  window = { months_after = [30, 12] }\n',
     "decisions[0].cases[0].window.months_after", "window = ", "[low, high]"),
])
def test_schema_errors_name_file_key_and_line(tmp_path, old, new, key, fragment, message):
    text = MINIMAL.replace(old, new)
    assert text != MINIMAL
    with pytest.raises(PackError) as error:
        load_pack_file(write(tmp_path, text))
    assert error.value.file == "broken.toml"
    assert error.value.key == key
    assert message in error.value.message
    assert error.value.line == line_of(text, fragment)
    assert str(error.value).startswith(f"broken.toml:{error.value.line}: {key}: ")


def test_errors_in_later_tables_point_at_the_right_table(tmp_path):
    second = MINIMAL.split("[[decisions]]")[1].replace("test.first", "test.second").replace(
        "'phase_is(\"primary\")'", "'flag(\"no_such_flag\")'")
    text = MINIMAL + "\n[[decisions]]" + second
    with pytest.raises(PackError) as error:
        load_pack_file(write(tmp_path, text))
    assert error.value.key == "decisions[1].cases[0].when"
    assert error.value.line == last_line_of(text, "when = ")


def test_duplicate_decision_keys(tmp_path):
    text = MINIMAL + "\n[[decisions]]" + MINIMAL.split("[[decisions]]")[1]
    with pytest.raises(PackError, match="already defined") as error:
        load_pack_file(write(tmp_path, text))
    assert error.value.key == "decisions[1].key"
    assert error.value.line == last_line_of(text, 'key = "test.first"')


def test_missing_otherwise(tmp_path):
    text = MINIMAL[: MINIMAL.index("  [decisions.otherwise]")]
    with pytest.raises(PackError, match="is required") as error:
        load_pack_file(write(tmp_path, text))
    assert error.value.key == "decisions[0].otherwise"
    assert error.value.line == line_of(text, "[[decisions]]")


def test_toml_syntax_error_gives_the_line(tmp_path):
    text = MINIMAL.replace('label = "First"', 'label = "First')
    with pytest.raises(PackError, match="not valid TOML") as error:
        load_pack_file(write(tmp_path, text))
    assert (error.value.file, error.value.key) == ("broken.toml", "(syntax)")
    assert error.value.line == line_of(text, 'label = "First')
