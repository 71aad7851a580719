"""docs/imports.md documents the alias tables: every header name an importer looks for is there,
so the document cannot drift from the code."""

from __future__ import annotations

from pathlib import Path

import pytest

from improvement.imports.columns import normalise_header
from improvement.imports.parsers import gias, measures, ofsted

DOC = Path(__file__).resolve().parents[3] / "docs" / "imports.md"


def documented_names() -> set[str]:
    text = DOC.read_text(encoding="utf-8")
    return {normalise_header(part) for part in text.split("`")[1::2]}


def header_names():
    for layout in (gias.ESTABLISHMENTS, gias.LINKS, *(measures.layout_for(k) for k in measures.KINDS.values())):
        for column in layout.columns:
            yield from column.aliases
    for field in ("urn", "laestab", "school_name"):
        yield from ofsted.INSPECTIONS.column(field).aliases
    for aliases in ofsted.AREA_ALIASES.values():
        yield from aliases
    for spec in ofsted.BLOCKS:
        for part in (spec.start, spec.publication, spec.urn_at, spec.category, spec.type_text, spec.grouping,
                     spec.outcome, spec.converted):
            yield from part
        yield from (name for _area, name in spec.extra_grades)
        if spec.grade_prefix:
            yield spec.grade_prefix


@pytest.mark.parametrize("name", sorted(set(header_names())))
def test_every_header_name_is_documented(name):
    assert normalise_header(name) in documented_names(), f"docs/imports.md does not mention `{name}`"


def test_every_measure_key_is_documented():
    names = documented_names()
    for kind in measures.KINDS.values():
        assert kind.key in names
        for column in kind.measures:
            assert column.measure in names
