"""Finding columns by header name, through alias tables.

Publishers rename and reorder columns between releases, so no importer reads a column by
position. Each file kind has a `Layout`: the fields it reads, each with the header names it has
been published under (its aliases). Header names are compared ignoring case, surrounding spaces
and runs of spaces (Ofsted once published "Latest OEIF  safeguarding is effective?" with two).

A file that lacks a required column fails before any row is read, naming what is missing. The
alias tables themselves are in the parser modules and documented in docs/imports.md.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field


def normalise_header(name: str) -> str:
    name = name.replace("\ufeff", "").replace("\u00a0", " ")
    return re.sub(r"\s+", " ", name).strip().casefold()


@dataclass(frozen=True)
class Column:
    """One field an importer reads, and every header name it has been published under."""

    field: str
    aliases: tuple[str, ...]
    required: bool = False


@dataclass(frozen=True)
class Layout:
    name: str
    columns: tuple[Column, ...]
    # Groups of fields of which at least one must be present, e.g. a code or a name column.
    required_any: tuple[tuple[str, ...], ...] = ()

    def column(self, field_name: str) -> Column:
        return next(c for c in self.columns if c.field == field_name)


class MissingColumns(Exception):
    def __init__(self, missing: Sequence[str]) -> None:
        self.missing = list(missing)
        super().__init__(
            "The file is missing required columns: " + "; ".join(self.missing) + ". "
            "Check that it is the right kind of file, with its header row first."
        )


@dataclass
class ResolvedHeader:
    """Which position in the file's header row holds each field the layout knows."""

    header: list[str]
    positions: dict[str, int] = field(default_factory=dict)
    # field -> the header name as it appears in this file, for error reports.
    names: dict[str, str] = field(default_factory=dict)
    # Headers with more than one alias present: (field, used header, ignored header).
    ambiguous: list[tuple[str, str, str]] = field(default_factory=list)

    def has(self, field_name: str) -> bool:
        return field_name in self.positions

    def has_any(self, *field_names: str) -> bool:
        return any(f in self.positions for f in field_names)

    def label(self, field_name: str) -> str:
        return self.names.get(field_name, field_name)

    def pick(self, row: Sequence[str]) -> dict[str, str]:
        """The row's cells keyed by field name (only fields this file has)."""
        return {f: row[i] for f, i in self.positions.items() if i < len(row)}


def resolve(header: Sequence[str], layout: Layout) -> ResolvedHeader:
    """Match a header row to a layout, or raise MissingColumns naming every gap."""
    by_name: dict[str, int] = {}
    for index, name in enumerate(header):
        by_name.setdefault(normalise_header(name), index)
    resolved = ResolvedHeader(header=list(header))
    for column in layout.columns:
        found = [(alias, by_name[normalise_header(alias)]) for alias in column.aliases
                 if normalise_header(alias) in by_name]
        if not found:
            continue
        alias, index = found[0]
        resolved.positions[column.field] = index
        resolved.names[column.field] = header[index].strip()
        for _other_alias, other_index in found[1:]:
            if other_index != index:
                resolved.ambiguous.append((column.field, header[index], header[other_index]))
    missing = [
        f"{column.aliases[0]}" for column in layout.columns
        if column.required and column.field not in resolved.positions
    ]
    for group in layout.required_any:
        if not any(f in resolved.positions for f in group):
            names = " or ".join(f'"{layout.column(f).aliases[0]}"' for f in group)
            missing.append(f"one of {names}")
    if missing:
        raise MissingColumns(missing)
    return resolved
