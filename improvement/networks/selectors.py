"""Reads for network focus support: each network's focus schools with their reasons, support and
funding, and the funding figures (focus schools' share, average per focus and per other school).

Which schools are focus schools is the policy engine's decision `coventry.network_focus`, read
through decisions.selectors (never re-implemented here), or an officer's active override of it,
plus the schools officers added by hand for the year. Every read is a fixed number of queries
whatever the number of schools: the engine's evaluation (decisions.selectors.iter_evaluations)
and one query each for the additions, support offers, funding and removed additions.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Exists, OuterRef, Q, QuerySet

from improvement.accounts.models import Authority
from improvement.decisions.models import DecisionOverride
from improvement.decisions.presenters import missing_fact
from improvement.decisions.selectors import PackChoice, iter_evaluations, pack_years, packs_for
from improvement.networks.models import FocusSchoolAddition, FundingAllocation, SupportOffer
from improvement.policy.calendar import (
    academic_year_bounds,
    academic_year_name,
    academic_year_of,
    academic_year_start,
)
from improvement.policy.rules import CANNOT_DECIDE, DECIDED
from improvement.schools.models import Network, School, Status

FOCUS_KEY = "coventry.network_focus"
ZERO = Decimal("0")
PENNY = Decimal("0.01")
# Override values that make a school a focus school; any other value says it is not one.
_FOCUS_OVERRIDE_WORDS = ("yes", "true", "focus")


# Academic years -------------------------------------------------------------------------------


def as_of_for(academic_year: str, today: date) -> date:
    """The date the policy engine is asked about for an academic year: today during the year,
    the last day of a past year, the first day of a future one."""
    start, end = academic_year_bounds(academic_year)
    return min(max(today, start), end)


def year_choices(selected: str, today: date) -> list[str]:
    """Years to offer, newest first: every year a pack covers, last, this and next year, and
    the selected one."""
    now = academic_year_start(academic_year_of(today))
    years = set(pack_years()) | {academic_year_name(now + n) for n in (-1, 0, 1)} | {selected}
    return sorted(years, reverse=True)


# Focus status of one school -------------------------------------------------------------------


@dataclass(frozen=True)
class FocusReason:
    text: str
    origin: str  # "policy", "override" or "by_hand"
    by: str = ""
    on: date | None = None
    addition: FocusSchoolAddition | None = None


@dataclass
class EngineFocus:
    """What the policy engine (or an officer's override of it) says about one school."""

    # DECIDED or CANNOT_DECIDE; "" when no pack that applies decides network focus.
    status: str = ""
    value: bool | None = None
    reasons: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    pack: str = ""
    override: DecisionOverride | None = None

    @property
    def decides(self) -> bool:
        return self.status in (DECIDED, CANNOT_DECIDE)

    @property
    def override_says_focus(self) -> bool:
        return self.override is not None and self.override.value.strip().lower().startswith(_FOCUS_OVERRIDE_WORDS)

    @property
    def is_focus(self) -> bool:
        if self.override is not None:
            return self.override_says_focus
        return self.status == DECIDED and self.value is True

    @property
    def cannot_decide(self) -> bool:
        return self.override is None and self.status == CANNOT_DECIDE


def _engine_focus(decisions, overrides: dict[str, DecisionOverride], titles: dict[str, str]) -> EngineFocus:
    decision = next((d for d in decisions if d.key == FOCUS_KEY), None)
    if decision is None or decision.status not in (DECIDED, CANNOT_DECIDE):
        # No pack that applies decides network focus: an override of it has nothing to replace.
        return EngineFocus()
    return EngineFocus(
        status=decision.status,
        value=decision.value if decision.status == DECIDED else None,
        reasons=tuple(r.sentence for r in decision.reasons) if decision.value is True or decision.status != DECIDED
        else (),
        missing=tuple(missing_fact(key).label for key in decision.missing_facts),
        pack=titles.get(decision.pack, decision.pack),
        override=overrides.get(FOCUS_KEY),
    )


@dataclass
class SchoolFocus:
    school: School
    engine: EngineFocus
    # Active additions by hand for the year (at most one; a list so templates need no test).
    additions: list[FocusSchoolAddition] = field(default_factory=list)

    @property
    def by_hand(self) -> bool:
        return bool(self.additions)

    @property
    def is_focus(self) -> bool:
        return self.engine.is_focus or self.by_hand

    @property
    def reasons(self) -> list[FocusReason]:
        """Why the school is a focus school: the engine's reasons (or the override), then the
        additions by hand with who added them. Empty for other schools."""
        if not self.is_focus:
            return []
        reasons: list[FocusReason] = []
        override = self.engine.override
        if override is not None and self.engine.override_says_focus:
            reasons.append(FocusReason(f"Decision overridden ({override.value}): {override.reason}", "override",
                                       str(override.created_by), override.created_at.date()))
        elif override is None and self.engine.is_focus:
            reasons.extend(FocusReason(text, "policy") for text in self.engine.reasons)
        reasons.extend(FocusReason(a.reason, "by_hand", str(a.added_by), a.added_on, a) for a in self.additions)
        return reasons


def _focus_by_school(
    schools: QuerySet[School], *, user, authority: Authority, academic_year: str, as_of: date
) -> tuple[PackChoice, list[SchoolFocus]]:
    """Each school of `schools` (in its order) with its focus status: the engine's evaluation and
    one query for the additions by hand."""
    if academic_year_of(as_of) != academic_year:
        raise ValueError(f"{as_of.isoformat()} is not in the academic year {academic_year}")
    choice = packs_for(authority=authority, as_of=as_of)
    titles = {pack.id: pack.title for pack in choice.packs}
    additions: dict[int, list[FocusSchoolAddition]] = defaultdict(list)
    for addition in (FocusSchoolAddition.objects.visible_to(user)
                     .filter(school__in=schools.order_by().values("pk"), academic_year=academic_year,
                             removed_at__isnull=True)
                     .select_related("added_by")):
        additions[addition.school_id].append(addition)
    result = [
        SchoolFocus(e.school, _engine_focus(e.decisions, e.overrides, titles), additions.get(e.school.pk, []))
        for e in iter_evaluations(schools, choice=choice, as_of=as_of)
    ]
    return choice, result


# Funding figures ------------------------------------------------------------------------------


def _average(total: Decimal, count: int) -> Decimal | None:
    return (total / count).quantize(PENNY, ROUND_HALF_UP) if count else None


@dataclass(frozen=True)
class FundingFigures:
    focus_total: Decimal
    other_total: Decimal
    focus_schools: int
    other_schools: int

    @property
    def total(self) -> Decimal:
        return self.focus_total + self.other_total

    @property
    def focus_share(self) -> Decimal | None:
        """The focus schools' share of the funding, in per cent to one decimal place (None when
        nothing is allocated)."""
        if not self.total:
            return None
        return (self.focus_total * 100 / self.total).quantize(Decimal("0.1"), ROUND_HALF_UP)

    @property
    def average_focus(self) -> Decimal | None:
        """Funding per focus school (schools without an allocation count as £0)."""
        return _average(self.focus_total, self.focus_schools)

    @property
    def average_other(self) -> Decimal | None:
        return _average(self.other_total, self.other_schools)


def funding_figures(rows: list[tuple[bool, Decimal]]) -> FundingFigures:
    """Figures from (is focus school, amount allocated) for each school of a network."""
    focus = [amount for is_focus, amount in rows if is_focus]
    other = [amount for is_focus, amount in rows if not is_focus]
    return FundingFigures(sum(focus, ZERO), sum(other, ZERO), len(focus), len(other))


# One network ----------------------------------------------------------------------------------


@dataclass
class SchoolRow:
    focus: SchoolFocus
    # False for a school that has left the network (or closed) but had funding from it this year.
    in_network: bool
    support: list[SupportOffer]
    funding: FundingAllocation | None

    @property
    def school(self) -> School:
        return self.focus.school

    @property
    def is_focus(self) -> bool:
        return self.focus.is_focus

    @property
    def amount(self) -> Decimal:
        return self.funding.amount if self.funding is not None else ZERO


@dataclass
class NetworkFocus:
    network: Network
    academic_year: str
    as_of: date
    choice: PackChoice
    rows: list[SchoolRow]  # focus schools first, then the others, each by name
    removed: list[FocusSchoolAddition]  # additions by hand removed during the year
    figures: FundingFigures

    @property
    def focus_rows(self) -> list[SchoolRow]:
        return [row for row in self.rows if row.is_focus]

    @property
    def other_rows(self) -> list[SchoolRow]:
        return [row for row in self.rows if not row.is_focus]

    @property
    def packs_decide(self) -> bool:
        """Whether a pack that applies in the year decides network focus (else only schools
        added by hand are focus schools)."""
        return any(row.focus.engine.decides for row in self.rows)


def _members(network_ids) -> QuerySet:
    return School.networks.through.objects.filter(network__in=network_ids)


def network_focus(*, user, network: Network, academic_year: str, as_of: date) -> NetworkFocus:
    """The network's schools (open members, and any school the network funded in the year) with
    whether each is a focus school and why, its support and funding, and the funding figures.
    The evaluation's queries and four more, whatever the number of schools."""
    funded = FundingAllocation.objects.filter(network=network, academic_year=academic_year).values("school_id")
    members = _members([network.pk]).values("school_id")
    schools = (
        School.objects.visible_to(user)
        .filter((Q(pk__in=members) & ~Q(status=Status.CLOSED)) | Q(pk__in=funded))
        .annotate(in_network=Exists(_members([network.pk]).filter(school_id=OuterRef("pk"))))
        .order_by("name", "urn")
    )
    choice, focus = _focus_by_school(schools, user=user, authority=network.authority, academic_year=academic_year,
                                     as_of=as_of)
    ids = schools.order_by().values("pk")
    support: dict[int, list[SupportOffer]] = defaultdict(list)
    for offer in (SupportOffer.objects.visible_to(user).filter(school__in=ids, academic_year=academic_year)
                  .select_related("partner_school", "recorded_by")):
        support[offer.school_id].append(offer)
    funding = {
        allocation.school_id: allocation
        for allocation in FundingAllocation.objects.visible_to(user)
        .filter(network=network, academic_year=academic_year).select_related("allocated_by")
    }
    removed = list(
        FocusSchoolAddition.objects.visible_to(user)
        .filter(school__in=ids, academic_year=academic_year, removed_at__isnull=False)
        .select_related("school", "added_by", "removed_by").order_by("-removed_at", "-pk")
    )
    rows = [
        SchoolRow(f, f.school.in_network and f.school.status != Status.CLOSED, support.get(f.school.pk, []),
                  funding.get(f.school.pk))
        for f in focus
    ]
    rows.sort(key=lambda row: not row.is_focus)  # stable: by name within each group
    return NetworkFocus(
        network=network, academic_year=academic_year, as_of=as_of, choice=choice, rows=rows, removed=removed,
        figures=funding_figures([(row.is_focus, row.amount) for row in rows]),
    )


# Every network of the authority ---------------------------------------------------------------


@dataclass
class NetworkSummary:
    network: Network
    schools: int  # open schools in the network
    focus_schools: int  # of those
    figures: FundingFigures


@dataclass
class NetworkOverview:
    academic_year: str
    as_of: date
    choice: PackChoice
    networks: list[NetworkSummary]
    packs_decide: bool


def network_overview(*, user, academic_year: str, as_of: date) -> NetworkOverview:
    """Every network of the user's authority with its number of schools and focus schools, its
    funding total and the focus schools' share: the evaluation's queries and four more, whatever
    the number of networks and schools."""
    networks = list(Network.objects.visible_to(user).select_related("lead"))
    network_ids = [n.pk for n in networks]
    members: dict[int, set[int]] = defaultdict(set)
    for network_id, school_id in (_members(network_ids).exclude(school__status=Status.CLOSED)
                                  .values_list("network_id", "school_id")):
        members[network_id].add(school_id)
    amounts: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for network_id, school_id, amount in (FundingAllocation.objects.visible_to(user)
                                          .filter(network__in=network_ids, academic_year=academic_year)
                                          .values_list("network_id", "school_id", "amount")):
        amounts[network_id][school_id] = amount
    # As subqueries: no parameter list, however many schools.
    open_members = _members(Network.objects.visible_to(user).values("pk")).exclude(school__status=Status.CLOSED)
    funded = FundingAllocation.objects.visible_to(user).filter(academic_year=academic_year)
    schools = School.objects.visible_to(user).filter(
        Q(pk__in=open_members.values("school_id")) | Q(pk__in=funded.values("school_id"))
    ).order_by("pk")
    choice, focus = _focus_by_school(schools, user=user, authority=user.authority, academic_year=academic_year,
                                     as_of=as_of)
    is_focus = {f.school.pk: f.is_focus for f in focus}
    summaries = []
    for network in networks:
        school_ids = members[network.pk] | set(amounts[network.pk])
        figures = funding_figures([(is_focus.get(pk, False), amounts[network.pk].get(pk, ZERO)) for pk in school_ids])
        summaries.append(NetworkSummary(
            network=network, schools=len(members[network.pk]),
            focus_schools=sum(1 for pk in members[network.pk] if is_focus.get(pk, False)), figures=figures,
        ))
    return NetworkOverview(academic_year, as_of, choice, summaries, any(f.engine.decides for f in focus))
