"""Compiled rules: conditions, timings and the four decision kinds packs are written in.

packs.py validates a pack file and builds these objects once; engine.py runs them. Nothing
here parses text at evaluation time: conditions are closures over predicate names and
literal arguments, so evaluating a rule is a few cached dictionary look-ups.

Three-valued logic: a condition is True, False or None ("cannot decide"). `all` is False
as soon as one part is False, otherwise None if any part is None; `any` is True as soon as
one part is True, otherwise None if any part is None; `not` keeps None as None.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from typing import Any, NamedTuple

from improvement.policy.calendar import (
    AcademicCalendar,
    DateWindow,
    academic_year_bounds,
    academic_year_name,
    academic_year_of,
    academic_year_start,
    add_months,
    add_working_days,
    by_31_december,
    weeks_after,
)
from improvement.policy.predicates import PREDICATES, Context, Fact, long_date

DECIDED = "decided"
CANNOT_DECIDE = "cannot_decide"
NO_RULE = "no_rule"
STATUSES = (DECIDED, CANNOT_DECIDE, NO_RULE)


class Reason(NamedTuple):
    """Why: a sentence, the rule id, the pack and the source clause."""

    sentence: str
    rule: str
    pack: str
    source: str

    def to_dict(self) -> dict[str, str]:
        return self._asdict()


# How rules hold reasons until someone reads them: (sentence or a function writing it, rule,
# pack, source). Plain tuples cost a fraction of a Reason, and most sentences of a
# 25,000-school portfolio are never read (see predicates.Fact).
RawReason = tuple["str | Callable[[], str]", str, str, str]


class Decision:
    """One decision about one school, with its reasons. See docs/policy.md for the schema.
    Treat as immutable."""

    __slots__ = ("key", "label", "pack", "status", "value", "_raw_reasons", "_reasons",
                 "missing_facts", "pack_status")

    def __init__(self, key: str, label: str, pack: str, status: str, value: Any,
                 reasons: Sequence[RawReason] | Callable[[], Sequence[RawReason]],
                 missing_facts: tuple[str, ...], pack_status: str | None) -> None:
        self.key = key
        self.label = label
        self.pack = pack
        self.status = status
        self.value = value
        self._raw_reasons = reasons
        self._reasons: tuple[Reason, ...] | None = None
        self.missing_facts = missing_facts
        self.pack_status = pack_status

    def raw_reasons(self) -> list[RawReason]:
        """The reasons before their sentences are written, each said once. Rules give either
        the list or a function building it: explaining an outcome means walking its
        condition again, which is only worth doing when someone reads the reasons."""
        raw = self._raw_reasons
        if callable(raw):
            raw = self._raw_reasons = raw()
        seen: set[object] = set()
        unique = []
        for reason in raw:
            # The same sentence text, or the same formatter (one fact), says the same thing.
            text = reason[0]
            identity = text if isinstance(text, str) else id(text)
            if identity not in seen:
                seen.add(identity)
                unique.append(reason)
        return unique

    @property
    def reasons(self) -> tuple[Reason, ...]:
        if self._reasons is None:
            self._reasons = tuple(
                Reason(text if isinstance(text, str) else text(), rule, pack, source)
                for text, rule, pack, source in self.raw_reasons()
            )
        return self._reasons

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "label": self.label,
            "pack": self.pack,
            "pack_status": self.pack_status,
            "status": self.status,
            "value": self.value,
            "reasons": [r.to_dict() for r in self.reasons],
            "missing_facts": list(self.missing_facts),
        }

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Decision) and self.to_dict() == other.to_dict()

    __hash__ = None  # mutable-looking value dicts: decisions are not dictionary keys

    def __repr__(self) -> str:
        return f"Decision({self.key!r}, status={self.status!r}, value={self.value!r})"


# Conditions ----------------------------------------------------------------------------------

# Parts explain a value: (Fact, source or None) pairs; the rule fills in its own source where a
# part has none. Conditions answer in two steps so that the common path allocates nothing:
# `value` for every outcome considered, `parts` only for outcomes whose reasons are reported.
Part = tuple[Fact, "str | None"]


class Condition:
    __slots__ = ()

    def value(self, ctx: Context) -> bool | None:
        raise NotImplementedError

    def parts(self, ctx: Context) -> tuple[Part, ...]:
        """The facts behind `value`: for False, the failing part of an all (or every part of
        an any); for None, the undecidable parts; for True, the parts that hold."""
        raise NotImplementedError


class Leaf(Condition):
    # `fact` and `value` are instance attributes: closures made once per pack, because this
    # is the innermost call of every evaluation and a closure avoids the attribute look-ups.
    # `value` repeats `fact`'s look-up rather than calling it, so a test is one call, not two
    # (a Fact is a non-empty tuple: `known or fact(ctx)` computes it only when not known).
    __slots__ = ("fact", "value", "source")

    def __init__(self, name: str, args: tuple[Any, ...], *, negate: bool,
                 source: str | None) -> None:
        predicate = PREDICATES[name]
        function = predicate.function
        inputs = predicate.inputs
        if inputs is not None:
            # An answer that depends only on a few fields of the school record is shared by
            # every school with the same fields (predicates.predicate), and by every pack.
            shared = _SHARED_FACTS.setdefault(f"{name}{args!r}", {})

            def fact(ctx: Context) -> Fact:
                fields = inputs(ctx.snapshot)
                found = shared.get(fields)
                if found is None:
                    # setdefault: two threads answering at once still share one Fact, which
                    # Decision.raw_reasons relies on to say each fact once.
                    found = shared.setdefault(fields, function(ctx, *args))
                return found

            def value(ctx: Context) -> bool | None:
                return (shared.get(inputs(ctx.snapshot)) or fact(ctx)).value
        else:
            # Answered once per context. The cache key is a string, e.g.
            # "headteacher_in_first_years(2,)": a string keeps its hash, where a (name, args)
            # tuple is hashed again on every look-up.
            key = f"{name}{args!r}"

            def fact(ctx: Context) -> Fact:
                cache = ctx.cache
                found = cache.get(key)
                if found is None:
                    found = cache[key] = function(ctx, *args)
                return found

            def value(ctx: Context) -> bool | None:
                return (ctx.cache.get(key) or fact(ctx)).value

        def negated(ctx: Context) -> bool | None:
            found = value(ctx)
            return found if found is None else not found

        self.fact = fact
        self.value = negated if negate else value
        self.source = source

    def parts(self, ctx: Context) -> tuple[Part, ...]:
        return ((self.fact(ctx), self.source),)


# Shared answers by leaf key, then by the predicate's inputs: as many as there are distinct
# values of those fields (phases, flag sets, trusts...), kept for the life of the process.
_SHARED_FACTS: dict[str, dict[Any, Fact]] = {}


class AllOf(Condition):
    __slots__ = ("children", "tests")

    def __init__(self, children: Sequence[Condition]) -> None:
        self.children = tuple(children)
        self.tests = tuple(child.value for child in self.children)

    def value(self, ctx: Context) -> bool | None:
        unknown = False
        for test in self.tests:
            value = test(ctx)
            if value is False:
                return False
            if value is None:
                unknown = True
        return None if unknown else True

    def parts(self, ctx: Context) -> tuple[Part, ...]:
        unknown: list[Part] = []
        holding: list[Part] = []
        for child in self.children:
            value = child.value(ctx)
            if value is False:
                return child.parts(ctx)
            (unknown if value is None else holding).extend(child.parts(ctx))
        return tuple(unknown or holding)


class AnyOf(Condition):
    __slots__ = ("children", "tests")

    def __init__(self, children: Sequence[Condition]) -> None:
        self.children = tuple(children)
        self.tests = tuple(child.value for child in self.children)

    def value(self, ctx: Context) -> bool | None:
        unknown = False
        for test in self.tests:
            value = test(ctx)
            if value:
                return True
            if value is None:
                unknown = True
        return None if unknown else False

    def parts(self, ctx: Context) -> tuple[Part, ...]:
        by_value: dict[bool | None, list[Part]] = {True: [], None: [], False: []}
        for child in self.children:
            by_value[child.value(ctx)].extend(child.parts(ctx))
        return tuple(by_value[True] or by_value[None] or by_value[False])


class Always(Condition):
    __slots__ = ()

    def value(self, ctx: Context) -> bool:
        return True

    def parts(self, ctx: Context) -> tuple[Part, ...]:
        return ()


ALWAYS = Always()

# An outcome whose scope is false does not concern the school: it is skipped without a reason.
OUT_OF_SCOPE = "out_of_scope"


def _tester(scope: Condition | None, when: Condition) -> Callable[[Context], Any]:
    """The function giving an outcome's value, or OUT_OF_SCOPE outside its scope. Without a
    scope it is the condition's own method: one call fewer on the hottest path."""
    if scope is None:
        return when.value
    scope_value, when_value = scope.value, when.value

    def test(ctx: Context) -> bool | None | str:
        in_scope = scope_value(ctx)
        if in_scope is None:
            return None
        if not in_scope:
            return OUT_OF_SCOPE
        return when_value(ctx)

    return test


def parts_of(outcome: Outcome, ctx: Context) -> tuple[Part, ...]:
    """The parts explaining outcome.test: the scope's when it is undecidable."""
    scope = outcome.scope
    if scope is not None and scope.value(ctx) is None:
        return scope.parts(ctx)
    return outcome.when.parts(ctx)


def _missing(parts: Sequence[Part]) -> list[str]:
    return [name for fact, _ in parts for name in fact.missing]


# Timings -------------------------------------------------------------------------------------

ANCHORS = (
    "as_of",
    "latest_full_inspection_start",
    "latest_full_inspection_end",
    "latest_full_inspection_published",
)


@dataclass(frozen=True, slots=True)
class Timing:
    """When something is due, relative to an anchor date, as a from-to window."""

    anchor: str
    rule: str  # one of TIMING_RULES
    low: int = 0
    high: int = 0
    # Timings key the calendar's window memo for every school: hash the fields once.
    _hash: int = field(init=False, repr=False, compare=False, default=0)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_hash", hash((self.anchor, self.rule, self.low, self.high)))

    def __hash__(self) -> int:
        return self._hash

    def window(self, ctx: Context, calendar: AcademicCalendar):
        """({"from": ..., "to": ...}, note, missing facts); the window is None when the anchor
        is unknown."""
        anchor, note, missing = self._anchor(ctx, calendar)
        if anchor is None:
            return None, note, missing
        # Many schools share an anchor (the as-of date above all): compute each window once.
        key = (self, anchor)
        window = calendar.memo.get(key)
        if window is None:
            window = TIMING_RULES[self.rule](self, anchor, calendar).to_dict()
            calendar.memo[key] = window
        return window, note, ()

    def _anchor(self, ctx: Context, calendar: AcademicCalendar):
        if self.anchor == "as_of":
            return ctx.as_of, "", ()
        latest = ctx.latest_full
        if latest is None:
            return None, "No full inspection is recorded.", ("latest full inspection",)
        if self.anchor == "latest_full_inspection_start":
            return latest.start_date, "", ()
        if self.anchor == "latest_full_inspection_end":
            if latest.end_date is not None:
                return latest.end_date, "", ()
            # Section 5 inspections last two days; assume so when the end is not recorded.
            end = calendar.add_school_days(latest.start_date, 1)
            return end, f"End date not recorded: assumed {long_date(end)} (two-day inspection).", ()
        if latest.publication_date is None:
            return None, "The publication date of the latest full inspection is not recorded.", (
                "latest full inspection: publication_date",)
        return latest.publication_date, "", ()


def _months(t: Timing, day: date, _: AcademicCalendar) -> DateWindow:
    return DateWindow(add_months(day, t.low) if t.low else None, add_months(day, t.high))


def _academic_years(t: Timing, day: date, _: AcademicCalendar) -> DateWindow:
    first = academic_year_start(academic_year_of(day))
    return DateWindow(
        academic_year_bounds(academic_year_name(first + t.low))[0],
        academic_year_bounds(academic_year_name(first + t.high))[1],
    )


TIMING_RULES: dict[str, Callable[[Timing, date, AcademicCalendar], DateWindow]] = {
    "weeks_after": lambda t, day, _: weeks_after(day, t.low, t.high),
    "working_days_after": lambda t, day, _: DateWindow(
        add_working_days(day, t.low) if t.low else None, add_working_days(day, t.high)),
    "school_days_after": lambda t, day, cal: DateWindow(None, cal.add_school_days(day, t.high)),
    "months_after": _months,
    "academic_years_after": _academic_years,
    "half_terms": lambda t, day, cal: cal.half_terms_window(academic_year_of(day), t.low, t.high),
    "by_31_december": lambda t, day, _: DateWindow(None, by_31_december(day)),
    "next_half_term": lambda t, day, cal: cal.next_half_term(day).window(),
    "next_term": lambda t, day, cal: cal.next_term(day),
    "no_date": lambda t, day, _: DateWindow(None, None),
}


# Decisions -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Outcome:
    """A case of a select/count rule, an item of a collect rule, or an addition."""

    id: str
    when: Condition
    source: str
    # Which schools the outcome concerns at all (e.g. phase_is("secondary")); its facts are
    # not repeated as reasons, and a school outside it gets no "why not" sentence.
    scope: Condition | None = None
    value: Any = None
    reason: str = ""
    status: str = DECIDED
    window: Timing | None = None
    include: str | None = None
    add: int = 0
    add_recorded: str | None = None
    # Filled in by the pack builder, which knows the rule key and pack id: the rule id of
    # this outcome, and its own sentence as a ready-made Reason (None without a sentence).
    rule_id: str = ""
    own_reason: RawReason | None = None
    test: Callable[[Context], Any] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "test", _tester(self.scope, self.when))


class PackEnv(NamedTuple):
    """What a rule needs from its pack while evaluating."""

    pack_id: str
    pack_status: str | None
    calendar: AcademicCalendar
    earlier: Mapping[str, Decision]


@dataclass(frozen=True, slots=True)
class Rule:
    key: str
    label: str
    kind: str  # select | count | collect | schedule
    cases: tuple[Outcome, ...] = ()
    otherwise: Outcome | None = None
    additions: tuple[Outcome, ...] = ()
    items: tuple[Outcome, ...] = ()

    def evaluate(self, ctx: Context, env: PackEnv) -> Decision:
        return _KINDS[self.kind](self, ctx, env)

    # Helpers shared by the kinds.

    def reasons(self, env: PackEnv, outcome: Outcome, parts: Sequence[Part],
                extra: Sequence[str] = ()) -> list[RawReason]:
        rule_id = outcome.rule_id
        pack_id = env.pack_id
        reasons = [outcome.own_reason] if outcome.own_reason else []
        for fact, source in parts:
            reasons.append((fact.text, rule_id, pack_id, source or outcome.source))
        for sentence in extra:
            if sentence:
                reasons.append((sentence, rule_id, pack_id, outcome.source))
        return reasons

    def decision(self, env: PackEnv, status: str, value: Any,
                 reasons: Sequence[RawReason] | Callable[[], Sequence[RawReason]],
                 missing: Sequence[str] = ()) -> Decision:
        return Decision(self.key, self.label, env.pack_id, status, value, reasons,
                        tuple(dict.fromkeys(missing)) if missing else (), env.pack_status)

    def explain(self, env: PackEnv, outcome: Outcome, parts: Sequence[Part]) -> list[RawReason]:
        """Reasons for an outcome that did not (or may not) apply: the facts, without the
        outcome's own sentence, which says what it would have meant."""
        return [r for r in self.reasons(env, outcome, parts) if r is not outcome.own_reason]

    def cannot_decide(self, env: PackEnv, outcome: Outcome, parts: Sequence[Part]) -> Decision:
        return self.decision(env, CANNOT_DECIDE, None,
                             partial(_explain_undecided, self, env, outcome, parts),
                             _missing(parts))

    def select(self, ctx: Context, env: PackEnv) -> Outcome | Decision:
        """The first case whose condition holds (or otherwise), or a cannot-decide Decision."""
        for case in self.cases:
            value = case.test(ctx)
            if value is OUT_OF_SCOPE or value is False:
                continue
            if value is None:
                return self.cannot_decide(env, case, parts_of(case, ctx))
            return case
        return self.otherwise

    def resolve(self, ctx: Context, env: PackEnv, outcome: Outcome,
                parts: Sequence[Part] | None = None) -> Decision:
        """The Decision for a chosen outcome, computing its window and inclusions. Without
        `parts`, the outcome's condition is explained when the reasons are read."""
        if outcome.status == NO_RULE:
            return self.decision(env, NO_RULE, None,
                                 partial(_explain_outcome, self, env, outcome, ctx, parts))
        value = outcome.value
        extra: tuple[str, ...] = ()
        if outcome.window is not None:
            window, note, missing = outcome.window.window(ctx, env.calendar)
            if window is None:
                return self.decision(env, CANNOT_DECIDE, None, partial(
                    _explain_outcome, self, env, outcome, ctx, parts, (note,)), missing)
            value = {**(value or {}), **window}
            extra = (note,)
        if outcome.include is not None:
            included = env.earlier.get(outcome.include)
            value = {**(value or {}), outcome.include.rsplit(".", 1)[-1]:
                     included.value if included else None}
        return Decision(self.key, self.label, env.pack_id, DECIDED, value,
                        partial(_explain_outcome, self, env, outcome, ctx, parts, extra), (),
                        env.pack_status)


# Reasons are written by module functions bound with functools.partial rather than by
# closures: a closure makes its function allocate a cell for every variable it captures on
# each call, whichever path the call takes, and resolve runs for almost every decision.


def _explain_outcome(rule: Rule, env: PackEnv, outcome: Outcome, ctx: Context,
                     parts: Sequence[Part] | None, extra: Sequence[str] = ()) -> list[RawReason]:
    """A chosen outcome's reasons: its own sentence, the facts behind its condition (walked
    again when `parts` is None) and extra sentences, such as a window's note."""
    return rule.reasons(env, outcome, parts_of(outcome, ctx) if parts is None else parts, extra)


def _explain_undecided(rule: Rule, env: PackEnv, outcome: Outcome,
                       parts: Sequence[Part]) -> list[RawReason]:
    """Why an outcome could not be decided: the facts (its own sentence only when there are
    none, so that the decision still has a reason)."""
    return rule.explain(env, outcome, parts) or rule.reasons(env, outcome, parts)


def _explain_considered(rule: Rule, env: PackEnv, ctx: Context,
                        considered: Sequence[tuple[Outcome, bool, Sequence[str]]],
                        base: Decision | None = None) -> list[RawReason]:
    """The reasons of a count (after those of its base) or a collect: for each outcome
    considered, why it held (with its extra sentences) or why it did not."""
    reasons = base.raw_reasons() if base is not None else []
    for outcome, held, extra in considered:
        parts = parts_of(outcome, ctx)
        reasons.extend(rule.reasons(env, outcome, parts, extra) if held
                       else rule.explain(env, outcome, parts))
    return reasons


def _select(rule: Rule, ctx: Context, env: PackEnv) -> Decision:
    # Rule.select inlined: this runs for most rules of every school.
    for case in rule.cases:
        value = case.test(ctx)
        if value is OUT_OF_SCOPE or value is False:
            continue
        if value is None:
            return rule.cannot_decide(env, case, parts_of(case, ctx))
        return rule.resolve(ctx, env, case)
    return rule.resolve(ctx, env, rule.otherwise)


def _count(rule: Rule, ctx: Context, env: PackEnv) -> Decision:
    base = _select(rule, ctx, env)
    if base.status != DECIDED:
        return base
    total = base.value
    missing: list[str] = []
    # (addition, whether it was added, extra sentences), explained when reasons are read.
    considered: list[tuple[Outcome, bool, Sequence[str]]] = []
    for addition in rule.additions:
        value = addition.test(ctx)
        if value is OUT_OF_SCOPE:
            continue
        if not value:
            # Why nothing was added is part of the explanation ("no second visit because").
            if value is None:
                missing.extend(_missing(parts_of(addition, ctx)))
            considered.append((addition, False, ()))
            continue
        amount = addition.add
        extra = []
        if addition.add_recorded == "additional_visits":
            visits = [v for v in ctx.snapshot.additional_visits if v.agreed_on <= ctx.as_of]
            amount = sum(v.count for v in visits)
            extra = [f"{v.count} additional visit(s) agreed by {v.agreed_by} on "
                     f"{long_date(v.agreed_on)}: {v.reason}." for v in visits]
            if not amount:
                continue
        total += amount
        considered.append((addition, True, extra))

    explain = partial(_explain_considered, rule, env, ctx, considered, base)
    if missing:
        return rule.decision(env, CANNOT_DECIDE, None, explain, missing)
    return rule.decision(env, DECIDED, total, explain)


def _collect(rule: Rule, ctx: Context, env: PackEnv) -> Decision:
    matched: list[Any] = []
    considered: list[tuple[Outcome, bool, Sequence[str]]] = []
    missing: list[str] = []
    for item in rule.items:
        value = item.test(ctx)
        if value is OUT_OF_SCOPE or value is False:
            continue
        if value:
            matched.append(item.value)
        else:
            missing.extend(_missing(parts_of(item, ctx)))
        considered.append((item, bool(value), ()))

    explain = partial(_explain_considered, rule, env, ctx, considered)
    if missing:
        # The value lists what is known to hold; the rest could not be checked.
        return rule.decision(env, CANNOT_DECIDE, matched, explain, missing)
    if not matched:
        return rule.resolve(ctx, env, rule.otherwise, ())
    return rule.decision(env, DECIDED, matched, explain)


def _schedule(rule: Rule, ctx: Context, env: PackEnv) -> Decision:
    # A schedule's single case is its gate: does the schedule apply to this school at all?
    gate: Outcome = rule.cases[0]
    value = gate.test(ctx)
    if value is None:
        return rule.cannot_decide(env, gate, parts_of(gate, ctx))
    if value is OUT_OF_SCOPE or not value:
        parts = () if value is OUT_OF_SCOPE else parts_of(gate, ctx)
        return rule.resolve(ctx, env, rule.otherwise, parts)
    entries = []
    missing: list[str] = []
    # (item, whether it may not apply, the window's note): what the reasons will say.
    explained: list[tuple[Outcome, bool, str]] = []
    for item in rule.items:
        applies = item.test(ctx)
        if applies is OUT_OF_SCOPE or applies is False:
            continue
        entry = dict(item.value)
        if applies is None:
            entry["applies"] = None
            missing.extend(_missing(parts_of(item, ctx)))
        window, note, window_missing = item.window.window(ctx, env.calendar)
        if window is None:
            missing.extend(window_missing)
        else:
            entry.update(window)
        if applies is None or note:
            explained.append((item, applies is None, note))
        entries.append(entry)
    status = CANNOT_DECIDE if missing else DECIDED
    return rule.decision(env, status, entries,
                         partial(_explain_schedule, rule, env, ctx, gate, explained), missing)


def _explain_schedule(rule: Rule, env: PackEnv, ctx: Context, gate: Outcome,
                      explained: Sequence[tuple[Outcome, bool, str]]) -> list[RawReason]:
    """A schedule's reasons: why it applies, then for each item that may not apply, why,
    and the notes of its window."""
    reasons = rule.reasons(env, gate, parts_of(gate, ctx))
    for item, undecided, note in explained:
        if undecided:
            reasons.extend(rule.reasons(env, item, parts_of(item, ctx)))
        if note:
            reasons.append((note, item.rule_id, env.pack_id, item.source))
    return reasons


_KINDS: dict[str, Callable[[Rule, Context, PackEnv], Decision]] = {
    "select": _select,
    "count": _count,
    "collect": _collect,
    "schedule": _schedule,
}
KINDS = tuple(_KINDS)
KIND_FUNCTIONS: Mapping[str, Callable[[Rule, Context, PackEnv], Decision]] = _KINDS
