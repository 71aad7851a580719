"""Policy packs: TOML files of rules, validated on load and compiled once.

A broken pack fails with `PackError(file, key, line, message)`: the file, the key path
inside it (e.g. `decisions[2].cases[0].when[1]`, indexes from 0) and the line number.
tomllib reports the line of syntax errors; for schema errors the line of the offending key
is found by scanning the text. How to write a pack is documented in docs/policy.md.
"""

from __future__ import annotations

import ast
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from functools import cache, partial
from pathlib import Path
from typing import Any

from improvement.policy.calendar import (
    NAMED_CALENDARS,
    AcademicCalendar,
    CalendarError,
    academic_year_of,
    academic_year_start,
)
from improvement.policy.predicates import PREDICATES
from improvement.policy.rules import (
    ALWAYS,
    ANCHORS,
    KINDS,
    NO_RULE,
    TIMING_RULES,
    AllOf,
    AnyOf,
    Condition,
    Leaf,
    Outcome,
    Rule,
    Timing,
)

PACKS_DIR = Path(__file__).with_name("packs")
TO_BE_CONFIRMED = "to be confirmed against current statutory guidance"


class PackError(ValueError):
    """A pack that cannot be loaded, naming the file, the key path and the line."""

    def __init__(self, file: str, key: str, line: int | None, message: str) -> None:
        self.file = file
        self.key = key
        self.line = line
        self.message = message
        where = f"{file}:{line}" if line else file
        super().__init__(f"{where}: {key}: {message}")


@dataclass(frozen=True)
class Pack:
    id: str
    title: str
    authority: str
    academic_years: tuple[str, ...]
    calendar: AcademicCalendar
    status: str | None
    notes: str
    sources: tuple[Mapping[str, str], ...]
    rules: tuple[Rule, ...]
    path: Path

    def applies_to(self, as_of: date) -> bool:
        return academic_year_of(as_of) in self.academic_years

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(rule.key for rule in self.rules)

    def describe(self) -> dict[str, Any]:
        """Metadata for listings (list_policy_packs, screens)."""
        return {
            "id": self.id,
            "title": self.title,
            "authority": self.authority,
            "academic_years": list(self.academic_years),
            "status": self.status,
            "notes": self.notes,
            "sources": [dict(s) for s in self.sources],
            "decisions": [{"key": r.key, "label": r.label} for r in self.rules],
        }


def available_packs(directory: Path = PACKS_DIR) -> list[str]:
    return sorted(p.stem for p in directory.glob("*.toml"))


@cache
def load_pack(pack_id: str) -> Pack:
    """A shipped pack by id, loaded and compiled once per process."""
    path = PACKS_DIR / f"{pack_id}.toml"
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", pack_id) or not path.is_file():
        raise PackError(f"{pack_id}.toml", "(pack)", None,
                        f"unknown policy pack {pack_id!r}; available: "
                        f"{', '.join(available_packs())}")
    return load_pack_file(path)


def load_pack_file(path: Path) -> Pack:
    text = path.read_text(encoding="utf-8")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        found = re.search(r"line (\d+)", str(error))
        raise PackError(path.name, "(syntax)", int(found[1]) if found else None,
                        f"not valid TOML: {error}") from None
    return _Builder(path, text).pack(data)


# Building ------------------------------------------------------------------------------------

_CALL = re.compile(r"^\s*(not\s+)?([a-z_][a-z0-9_]*)\s*(?:\((.*)\))?\s*$", re.DOTALL)
_SIMPLE_LITERALS = (str, int, bool)


class _Builder:
    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.lines = text.splitlines()

    def fail(self, key: str, message: str) -> PackError:
        return PackError(self.path.name, key, _locate(self.lines, key), message)

    # Pack --------------------------------------------------------------------------------

    def pack(self, data: dict[str, Any]) -> Pack:
        self.only(data, "", {"id", "title", "authority", "academic_years", "calendar", "status",
                             "notes", "sources", "term_dates", "decisions"})
        pack_id = self.string(data, "id", "id")
        if pack_id != self.path.stem:
            raise self.fail("id", f"must match the file name ({self.path.stem!r})")
        self.pack_id = pack_id
        years = data.get("academic_years")
        if not isinstance(years, list) or not years:
            raise self.fail("academic_years", "must be a non-empty list like [\"2023/24\"]")
        for n, year in enumerate(years):
            try:
                academic_year_start(year if isinstance(year, str) else "")
            except ValueError:
                raise self.fail(f"academic_years[{n}]",
                                f"{year!r} is not an academic year like 2023/24") from None
        status = data.get("status")
        if status is not None and not isinstance(status, str):
            raise self.fail("status", "must be a string")
        calendar_name = data.get("calendar", "england")
        if calendar_name not in NAMED_CALENDARS:
            raise self.fail("calendar", f"must be one of: {', '.join(NAMED_CALENDARS)}")
        term_dates = data.get("term_dates", {})
        try:
            calendar = AcademicCalendar(calendar_name, self.term_dates(term_dates))
        except CalendarError as error:
            raise self.fail("term_dates", str(error)) from None
        sources = data.get("sources")
        if not isinstance(sources, list) or not sources:
            raise self.fail("sources", "must list the documents this pack transcribes")
        for n, source in enumerate(sources):
            where = f"sources[{n}]"
            if not isinstance(source, dict):
                raise self.fail(where, "must be a table with a document")
            self.only(source, where, {"document", "clauses", "file", "url", "note"})
            self.string(source, "document", f"{where}.document")
        decisions = data.get("decisions")
        if not isinstance(decisions, list) or not decisions:
            raise self.fail("decisions", "must have at least one [[decisions]] table")
        rules: list[Rule] = []
        for n, decision in enumerate(decisions):
            rule = self.rule(decision, f"decisions[{n}]", [r.key for r in rules])
            rules.append(rule)
        return Pack(
            id=pack_id,
            title=self.string(data, "title", "title"),
            authority=self.string(data, "authority", "authority"),
            academic_years=tuple(years),
            calendar=calendar,
            status=status,
            notes=data.get("notes", ""),
            sources=tuple(sources),
            rules=tuple(rules),
            path=self.path,
        )

    def term_dates(self, table: Any) -> dict[str, list[list[str]]]:
        if not isinstance(table, dict):
            raise self.fail("term_dates", "must be a table of academic year -> [[start, end], ...]")
        return {
            year: [[d.isoformat() if isinstance(d, date) else d for d in pair] for pair in pairs]
            for year, pairs in table.items()
        }

    # Decisions ---------------------------------------------------------------------------

    def rule(self, data: Any, where: str, earlier: list[str]) -> Rule:
        if not isinstance(data, dict):
            raise self.fail(where, "must be a table")
        key = self.string(data, "key", f"{where}.key")
        if not re.fullmatch(r"[a-z0-9_]+(\.[a-z0-9_]+)+", key):
            raise self.fail(f"{where}.key", "must be dotted lower-case words, e.g. coventry.visits")
        if key in earlier:
            raise self.fail(f"{where}.key", f"{key!r} is already defined in this pack")
        kind = data.get("kind")
        if kind not in KINDS:
            raise self.fail(f"{where}.kind", f"must be one of: {', '.join(KINDS)}")
        allowed = {"key", "label", "kind", "otherwise", "notes"} | {
            "select": {"cases"},
            "count": {"cases", "additions"},
            "collect": {"items"},
            "schedule": {"applies", "items"},
        }[kind]
        self.only(data, where, allowed)
        if "otherwise" not in data:
            raise self.fail(f"{where}.otherwise", "is required: what applies when no case does")
        label = self.string(data, "label", f"{where}.label")
        otherwise = self.outcome(data["otherwise"], f"{where}.otherwise", earlier, default=True)
        if kind == "schedule":
            cases = [self.outcome(data.get("applies"), f"{where}.applies", earlier)]
            items = self.outcomes(data, "items", where, earlier, schedule_item=True)
            additions = []
        else:
            cases = self.outcomes(data, "cases", where, earlier) if kind != "collect" else []
            items = self.outcomes(data, "items", where, earlier)
            additions = self.outcomes(data, "additions", where, earlier, addition=True)
        finish = partial(self.finish, key)
        return Rule(
            key, label, kind,
            cases=tuple(map(finish, cases)),
            otherwise=finish(otherwise),
            additions=tuple(map(finish, additions)),
            items=tuple(map(finish, items)),
        )

    def finish(self, rule_key: str, outcome: Outcome) -> Outcome:
        """Attach the outcome's rule id and its own sentence as a ready-made Reason."""
        rule_id = f"{rule_key}.{outcome.id}"
        own = (outcome.reason, rule_id, self.pack_id, outcome.source) if outcome.reason else None
        return replace(outcome, rule_id=rule_id, own_reason=own)

    def outcomes(self, data: dict, name: str, where: str, earlier: list[str], **kind) -> list:
        entries = data.get(name, [])
        if not isinstance(entries, list):
            raise self.fail(f"{where}.{name}", "must be a list of tables")
        built = [self.outcome(e, f"{where}.{name}[{n}]", earlier, **kind)
                 for n, e in enumerate(entries)]
        ids = [o.id for o in built]
        for n, outcome_id in enumerate(ids):
            if outcome_id in ids[:n]:
                raise self.fail(f"{where}.{name}[{n}].id", f"{outcome_id!r} is used twice")
        return built

    def outcome(self, data: Any, where: str, earlier: list[str], *, default: bool = False,
                addition: bool = False, schedule_item: bool = False) -> Outcome:
        if not isinstance(data, dict):
            raise self.fail(where, "must be a table")
        allowed = {"id", "scope", "when", "source", "value", "reason", "status", "window",
                   "include"}
        if addition:
            allowed |= {"add", "add_recorded"}
        if schedule_item:
            allowed = {"id", "scope", "when", "source", "label", "timing", "in_school",
                       "out_of_school", "note"}
        self.only(data, where, allowed)
        outcome_id = self.string(data, "id", f"{where}.id")
        if not re.fullmatch(r"[a-z0-9_.]+", outcome_id):
            raise self.fail(f"{where}.id", "must be lower-case words, digits, _ or .")
        for conditional in ("when", "scope"):
            if default and conditional in data:
                raise self.fail(f"{where}.{conditional}", "an otherwise outcome has no condition")
        when = self.condition(data["when"], f"{where}.when") if "when" in data else ALWAYS
        scope = self.condition(data["scope"], f"{where}.scope") if "scope" in data else None
        source = self.string(data, "source", f"{where}.source")
        reason = data.get("reason", "")
        if not isinstance(reason, str):
            raise self.fail(f"{where}.reason", "must be a string")
        status = data.get("status", "decided")
        if status not in ("decided", NO_RULE):
            raise self.fail(f"{where}.status", "must be \"decided\" or \"no_rule\"")
        if status == NO_RULE and not reason:
            raise self.fail(f"{where}.reason", "a no_rule outcome must say why (reason)")
        include = data.get("include")
        if include is not None and include not in earlier:
            raise self.fail(f"{where}.include", "must name a decision defined earlier in the pack")
        if schedule_item:
            item = {"key": outcome_id, "label": self.string(data, "label", f"{where}.label")}
            for extra in ("in_school", "out_of_school"):
                if extra in data:
                    if not isinstance(data[extra], int | float) or isinstance(data[extra], bool):
                        raise self.fail(f"{where}.{extra}", "must be a number of days")
                    item[extra] = data[extra]
            if "note" in data:
                item["note"] = self.string(data, "note", f"{where}.note")
            if "timing" not in data:
                raise self.fail(f"{where}.timing", "is required for a schedule item")
            return Outcome(outcome_id, when, source, scope, value=item,
                           window=self.timing(data["timing"], f"{where}.timing"))
        value = data.get("value")
        self.json_value(value, f"{where}.value")
        add = data.get("add", 0)
        if addition:
            if isinstance(add, bool) or not isinstance(add, int):
                raise self.fail(f"{where}.add", "must be a whole number")
            if data.get("add_recorded") not in (None, "additional_visits"):
                raise self.fail(f"{where}.add_recorded", "must be \"additional_visits\"")
            if not add and "add_recorded" not in data:
                raise self.fail(where, "an addition needs add or add_recorded")
        return Outcome(
            outcome_id, when, source, scope, value=value, reason=reason, status=status,
            window=self.timing(data["window"], f"{where}.window") if "window" in data else None,
            include=include, add=add, add_recorded=data.get("add_recorded"),
        )

    # Conditions and timings --------------------------------------------------------------

    def condition(self, data: Any, where: str, source: str | None = None) -> Condition:
        if isinstance(data, str):
            return self.call(data, where, source)
        if isinstance(data, list):
            if not data:
                raise self.fail(where, "an empty condition list is always true: remove it")
            return AllOf([self.condition(c, f"{where}[{n}]", source) for n, c in enumerate(data)])
        if isinstance(data, dict):
            if set(data) <= {"test", "source"} and "test" in data:
                test_source = self.string(data, "source", f"{where}.source") \
                    if "source" in data else source
                if not isinstance(data["test"], str):
                    raise self.fail(f"{where}.test", "must be a predicate call as a string")
                return self.call(data["test"], f"{where}.test", test_source)
            if len(data) == 1 and next(iter(data)) in ("all", "any"):
                (name, parts), = data.items()
                if not isinstance(parts, list) or not parts:
                    raise self.fail(f"{where}.{name}", "must be a non-empty list of conditions")
                children = [self.condition(c, f"{where}.{name}[{n}]", source)
                            for n, c in enumerate(parts)]
                return (AllOf if name == "all" else AnyOf)(children)
        raise self.fail(where, "a condition is a predicate call string, a list (all), or a "
                               "table with all, any, or test and source")

    def call(self, text: str, where: str, source: str | None) -> Condition:
        match = _CALL.match(text)
        if not match:
            raise self.fail(where, f"{text!r} is not a predicate call like name(arg, ...)")
        negate, name, arg_text = bool(match[1]), match[2], match[3]
        predicate = PREDICATES.get(name)
        if predicate is None:
            raise self.fail(where, f"unknown predicate {name!r}; see docs/policy.md")
        args: tuple[Any, ...] = ()
        if arg_text and arg_text.strip():
            try:
                # literal_eval only accepts literals: nothing from a pack file is executed.
                parsed = ast.literal_eval(f"({arg_text},)")
            except (ValueError, SyntaxError):
                raise self.fail(where, f"arguments of {name} must be literals") from None
            if not all(type(a) in _SIMPLE_LITERALS for a in parsed):
                raise self.fail(where, f"arguments of {name} must be strings, numbers or booleans")
            args = tuple(parsed)
        problem = predicate.check_args(args)
        if problem:
            raise self.fail(where, problem)
        return Leaf(name, args, negate=negate, source=source)

    def timing(self, data: Any, where: str) -> Timing:
        if not isinstance(data, dict):
            raise self.fail(where, "must be a table like { anchor = \"as_of\", next_term = true }")
        anchor = data.get("anchor", "as_of")
        if anchor not in ANCHORS:
            raise self.fail(f"{where}.anchor", f"must be one of: {', '.join(ANCHORS)}")
        rules = [k for k in data if k != "anchor"]
        if len(rules) != 1 or rules[0] not in TIMING_RULES:
            raise self.fail(where, f"needs exactly one of: {', '.join(TIMING_RULES)}")
        (rule,) = rules
        value = data[rule]
        if value is True:
            return Timing(anchor, rule)
        if isinstance(value, list):
            numbers = value
        else:
            # One number is a single half-term, or an upper bound for the other rules.
            numbers = [value, value] if rule == "half_terms" else [0, value]
        if (len(numbers) != 2 or any(isinstance(n, bool) or not isinstance(n, int)
                                     for n in numbers) or numbers[0] > numbers[1]):
            raise self.fail(f"{where}.{rule}", "must be true, a whole number or [low, high]")
        if rule == "half_terms" and not 1 <= numbers[0] <= numbers[1] <= 6:
            raise self.fail(f"{where}.{rule}", "half-terms are numbered 1 to 6")
        return Timing(anchor, rule, numbers[0], numbers[1])

    # Small checks ------------------------------------------------------------------------

    def only(self, data: dict, where: str, allowed: set[str]) -> None:
        for key in data:
            if key not in allowed:
                path = f"{where}.{key}" if where else key
                raise self.fail(path, f"unknown key; expected one of: {', '.join(sorted(allowed))}")

    def string(self, data: dict, key: str, where: str) -> str:
        value = data.get(key)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(where, "is required (a non-empty string)")
        return value

    def json_value(self, value: Any, where: str) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                self.json_value(v, f"{where}.{k}")
        elif isinstance(value, list):
            for n, v in enumerate(value):
                self.json_value(v, f"{where}[{n}]")
        elif value is not None and not isinstance(value, str | int | float | bool):
            raise self.fail(where, "must be a string, number, boolean, list or table "
                                   "(write dates as strings)")


# Finding the line of a key -------------------------------------------------------------------

_SEGMENT = re.compile(r"([A-Za-z0-9_]+)(?:\[(\d+)\])?")
_HEADER = re.compile(r"^\s*\[\[?\s*([A-Za-z0-9_.\"/ -]+?)\s*\]\]?\s*(#.*)?$")


def _locate(lines: list[str], key_path: str) -> int | None:
    """The 1-based line of `key_path` (e.g. decisions[2].cases[0].when) in a pack's text: the
    deepest table header or key assignment that can be found for the path."""
    segments = [(m[1], None if m[2] is None else int(m[2]))
                for m in _SEGMENT.finditer(key_path)]
    start, end = 0, len(lines)
    table = ""
    found: int | None = None
    for name, index in segments:
        dotted = f"{table}.{name}" if table else name
        headers = [n for n in range(start, end) if _header(lines[n]) == dotted]
        if headers:
            n = headers[index or 0] if (index or 0) < len(headers) else headers[-1]
            following = [m for m in range(n + 1, end)
                         if (h := _header(lines[m])) is not None and not h.startswith(dotted + ".")]
            start, end = n, following[0] if following else end
            table = dotted
            found = n + 1
            continue
        assignment = re.compile(rf"(^\s*|[{{,]\s*){re.escape(name)}\s*=")
        for n in range(start, end):
            if _header(lines[n]) is None and assignment.search(lines[n]):
                found = n + 1
                start = n
                break
        else:
            return found
        # Inside an inline value: deeper segments are on or after this line.
        table = dotted
    return found


def _header(line: str) -> str | None:
    match = _HEADER.match(line)
    return match[1].replace(" ", "") if match else None
