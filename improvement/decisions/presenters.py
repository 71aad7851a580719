"""Policy decisions formatted for people: values as sentences, statuses as tags, portfolio rows.

Decision values are JSON-like data whose shape each pack defines (a number, a flag, a label
with support lists, a date window, a list of scheduled visits). `value_lines` writes any of
them as short lines of text, so a new pack needs no template change.

`PORTFOLIO_ROLES` says which column of the portfolio each decision feeds. Every decision key of
every shipped pack must have a role (a test checks), so a new pack makes its author decide how
it appears there rather than silently vanishing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from improvement.decisions.models import DecisionOverride
from improvement.policy.packs import Pack
from improvement.policy.rules import CANNOT_DECIDE, DECIDED, NO_RULE, Decision, Reason

STATUS_LABELS = {DECIDED: "Decided", CANNOT_DECIDE: "Cannot decide", NO_RULE: "No rule"}
STATUS_TAGS = {DECIDED: "govuk-tag--green", CANNOT_DECIDE: "govuk-tag--yellow", NO_RULE: "govuk-tag--grey"}

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# Keys that only repeat what another key says, or are internal identifiers.
_HIDDEN_KEYS = frozenset({"level", "key", "basis"})


def long_date(value: date) -> str:
    return f"{value.day} {value:%B %Y}"


def humanise(text: str) -> str:
    text = text.replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def _scalar(value: Any) -> str:
    if value is None:
        return "Not known"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, str):
        if _ISO_DATE.match(value):
            return long_date(date.fromisoformat(value))
        return humanise(value)
    if isinstance(value, list):
        return ", ".join(_scalar(v) for v in value) if value else "None"
    if isinstance(value, Mapping):
        return "; ".join(_mapping_lines(value)) or "None"
    return str(value)


def _window(value: Mapping[str, Any]) -> str | None:
    start, end = value.get("from"), value.get("to")
    if start and end:
        return f"{_scalar(start)} to {_scalar(end)}"
    if end:
        return f"By {_scalar(end)}"
    if start:
        return f"From {_scalar(start)}"
    return None


def _mapping_lines(value: Mapping[str, Any]) -> list[str]:
    lines = []
    if "label" in value:
        lines.append(str(value["label"]))
    window = _window(value)
    if window:
        lines.append(window)
    for key, item in value.items():
        if key in _HIDDEN_KEYS or key in ("label", "from", "to") or item in ("", [], None):
            continue
        lines.append(f"{humanise(key)}: {_scalar(item)}")
    return lines


def value_lines(value: Any) -> list[str]:
    """A decision value as lines of text (an empty list for no value)."""
    if value is None:
        return []
    if isinstance(value, Mapping):
        return _mapping_lines(value)
    if isinstance(value, list):
        if not value:
            return ["None"]
        return [_scalar(item) for item in value]
    return [_scalar(value)]


def value_text(value: Any) -> str:
    return "; ".join(value_lines(value))


# Missing facts --------------------------------------------------------------------------------

# Snapshot facts officers can record in the product, and where: "categorisation", "flags" or
# "school" (the school's details).
FACTS: dict[str, tuple[str, str]] = {
    "la_category": ("The LA category for the academic year", "categorisation"),
    "kent_support_level": ("The Kent support level for the academic year", "categorisation"),
    "new_improvement_partner": ("Whether the improvement partner is new this year", "categorisation"),
    "flags": ("Officer-recorded flags", "flags"),
    "headteacher_start_date": ("The headteacher's start date", "school"),
    "trust.is_local": ("Whether the trust is based in the authority's area", "school"),
    "open_concerns": ("The number of open concerns", ""),
}


@dataclass(frozen=True)
class MissingFact:
    key: str
    label: str
    where: str  # "categorisation", "flags", "school" or ""


def missing_fact(key: str) -> MissingFact:
    label, where = FACTS.get(key, (humanise(key), ""))
    return MissingFact(key, label, where)


# Decisions ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OverrideView:
    pk: int
    value: str
    reason: str
    by: str
    at: Any
    computed_value: str


@dataclass(frozen=True)
class DecisionView:
    key: str
    label: str
    pack_id: str
    pack_title: str
    to_be_confirmed: bool
    pack_status: str
    status: str
    lines: list[str]
    reasons: tuple[Reason, ...]
    missing: list[MissingFact]
    override: OverrideView | None

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, humanise(self.status))

    @property
    def status_tag(self) -> str:
        return STATUS_TAGS.get(self.status, "govuk-tag--grey")

    @property
    def computed_text(self) -> str:
        if self.status == DECIDED:
            return "; ".join(self.lines)
        return self.status_label


def override_view(override: DecisionOverride | None) -> OverrideView | None:
    if override is None:
        return None
    return OverrideView(
        pk=override.pk, value=override.value, reason=override.reason, by=str(override.created_by),
        at=override.created_at, computed_value=override.computed_value,
    )


def decision_view(decision: Decision, pack: Pack | None, override: DecisionOverride | None) -> DecisionView:
    status_text = decision.pack_status or ""
    return DecisionView(
        key=decision.key,
        label=decision.label,
        pack_id=decision.pack,
        pack_title=pack.title if pack else decision.pack,
        to_be_confirmed=bool(status_text) and "to be confirmed" in status_text.lower(),
        pack_status=status_text,
        status=decision.status,
        lines=value_lines(decision.value) if decision.status == DECIDED else [],
        reasons=decision.reasons,
        missing=[missing_fact(key) for key in decision.missing_facts],
        override=override_view(override),
    )


@dataclass(frozen=True)
class PackGroup:
    pack: Pack
    decisions: list[DecisionView]

    @property
    def to_be_confirmed(self) -> bool:
        return bool(self.pack.status) and "to be confirmed" in self.pack.status.lower()


def group_by_pack(
    packs: Iterable[Pack], decisions: Iterable[Decision], overrides: Mapping[str, DecisionOverride]
) -> list[PackGroup]:
    by_id = {pack.id: PackGroup(pack, []) for pack in packs}
    for decision in decisions:
        group = by_id.get(decision.pack)
        if group is not None:
            group.decisions.append(decision_view(decision, group.pack, overrides.get(decision.key)))
    return list(by_id.values())


# Portfolio ------------------------------------------------------------------------------------

ENTITLEMENT, SUPPORT_LEVEL, TRIGGER, WINDOW, EARLY_WARNING, DETAIL = (
    "entitlement", "support_level", "trigger", "window", "early_warning", "detail",
)


def _true(value: Any) -> bool:
    return value is True


def _non_empty_list(value: Any) -> bool:
    return isinstance(value, list) and bool(value)


def _has(key: str) -> Callable[[Any], bool]:
    return lambda value: isinstance(value, Mapping) and value.get(key) is True


def _is_one_of(*values: str) -> Callable[[Any], bool]:
    return lambda value: value in values


# Decision key -> (portfolio role, for triggers: when the decided value is a trigger).
PORTFOLIO_ROLES: dict[str, tuple[str, Callable[[Any], bool] | None]] = {
    "coventry.visit_entitlement": (ENTITLEMENT, None),
    "coventry.support_level": (SUPPORT_LEVEL, None),
    "coventry.network_focus": (TRIGGER, _true),
    "kent.improvement_partner_days": (ENTITLEMENT, None),
    "kent.visit_calendar": (DETAIL, None),
    "kent.national_challenge_adviser_days": (DETAIL, None),
    "kent.concern_triggers": (TRIGGER, _non_empty_list),
    "kent.round_table_meetings": (TRIGGER, _has("required")),
    "kent.joint_evaluation_meetings": (TRIGGER, _has("required")),
    "kent.financial_triggers": (TRIGGER, _non_empty_list),
    "dfe.not_making_necessary_improvements": (TRIGGER, _is_one_of("eligible")),
    "dfe.regional_director_intervention": (TRIGGER, _is_one_of("may_mandate", "may_mandate_if_beneficial")),
    "dfe.ofsted_window": (WINDOW, None),
    "dfe.early_warning": (EARLY_WARNING, None),
    "report_card.category_of_concern": (TRIGGER, _is_one_of("special_measures", "requires_significant_improvement")),
    "report_card.monitoring": (TRIGGER, _has("programme")),
    "report_card.targeted_intervention": (TRIGGER, _has("candidate")),
    "report_card.ofsted_window": (WINDOW, None),
    "report_card.early_warning": (EARLY_WARNING, None),
    "ofsted2012.ri_monitoring": (TRIGGER, _non_empty_list),
}

# Support levels, most support first (Coventry's levels, then Kent's recorded levels).
SUPPORT_LEVEL_ORDER = [
    ("school_causing_concern", "School Causing Concern"),
    ("focus_school", "Focus School"),
    ("kent:intensive", "Kent: intensive"),
    ("kent:substantial", "Kent: substantial"),
    ("kent:general", "Kent: general"),
    ("kent:outreach", "Kent: outreach"),
    ("universal", "No additional support level"),
]
_SUPPORT_RANK = {key: n for n, (key, _) in enumerate(SUPPORT_LEVEL_ORDER)}


@dataclass
class Entitlement:
    label: str
    text: str
    number: float | None  # None when not decided, or overridden with something not a number
    status: str
    overridden: bool


@dataclass
class PortfolioRow:
    school: Any
    network_ids: set[int]
    la_category: int | None
    kent_support_level: str
    entitlements: list[Entitlement] = field(default_factory=list)
    support_level: tuple[str, str] | None = None  # (key, label)
    support_overridden: str = ""
    triggers: list[str] = field(default_factory=list)
    early_warning: bool = False
    window_from: str = ""
    window_to: str = ""
    overridden: list[str] = field(default_factory=list)
    undecided: int = 0

    @property
    def window_text(self) -> str:
        if self.window_from and self.window_to:
            return f"{_scalar(self.window_from)} to {_scalar(self.window_to)}"
        return ""

    @property
    def support_rank(self) -> int:
        return _SUPPORT_RANK.get(self.support_level[0], len(_SUPPORT_RANK)) if self.support_level else 99

    @property
    def entitlement_number(self) -> float:
        numbers = [e.number for e in self.entitlements if e.number is not None]
        return sum(numbers) if numbers else -1


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def portfolio_row(school, network_ids: set[int], snapshot, decisions: Iterable[Decision],
                  overrides: Mapping[str, DecisionOverride]) -> PortfolioRow:
    row = PortfolioRow(
        school=school, network_ids=network_ids, la_category=snapshot.la_category,
        kent_support_level=snapshot.kent_support_level or "",
    )
    if snapshot.kent_support_level:
        level = snapshot.kent_support_level
        row.support_level = (f"kent:{level}", f"Kent: {level}")
    for decision in decisions:
        role, is_trigger = PORTFOLIO_ROLES.get(decision.key, (DETAIL, None))
        override = overrides.get(decision.key)
        if decision.status == CANNOT_DECIDE:
            row.undecided += 1
        if override is not None:
            row.overridden.append(f"{decision.label}: {override.value}")
        if role == ENTITLEMENT:
            if override is not None:
                row.entitlements.append(Entitlement(decision.label, override.value, _number(override.value),
                                                    decision.status, True))
            elif decision.status == DECIDED:
                row.entitlements.append(Entitlement(decision.label, value_text(decision.value),
                                                    float(decision.value), decision.status, False))
            else:
                row.entitlements.append(Entitlement(decision.label, STATUS_LABELS[decision.status], None,
                                                    decision.status, False))
        elif role == SUPPORT_LEVEL:
            if override is not None:
                row.support_overridden = override.value
            elif decision.status == DECIDED and isinstance(decision.value, Mapping):
                row.support_level = (str(decision.value.get("level", "")), str(decision.value.get("label", "")))
        elif role == TRIGGER and override is None and decision.status == DECIDED and is_trigger:
            if is_trigger(decision.value):
                row.triggers.append(f"{decision.label}: {value_text(decision.value)}")
        elif role == EARLY_WARNING and override is None and decision.status == DECIDED:
            value = decision.value if isinstance(decision.value, Mapping) else {}
            if value.get("at_risk"):
                row.early_warning = True
                window = value.get("ofsted_window") if isinstance(value.get("ofsted_window"), Mapping) else {}
                row.window_from, row.window_to = window.get("from") or "", window.get("to") or ""
        elif role == WINDOW and decision.status == DECIDED and not row.window_from:
            value = decision.value if isinstance(decision.value, Mapping) else {}
            row.window_from, row.window_to = value.get("from") or "", value.get("to") or ""
    return row
