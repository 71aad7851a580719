"""Reads for policy decisions: snapshots from the register, the packs that apply, evaluation.

`build_snapshots` turns a queryset of schools into policy snapshots with a fixed number of
queries whatever the number of schools (schools with their trust and predecessor chain,
inspections of the schools and their predecessors, events, flags, the year's categorisation,
agreed visits and open concerns). `evaluate_schools` adds the packs and active overrides.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from improvement.accounts.models import Authority
from improvement.concerns.models import OPEN_CONCERN_STATUSES, Concern
from improvement.decisions.forms import AsOfForm
from improvement.decisions.models import (
    AdditionalVisits,
    Categorisation,
    DecisionOverride,
    SchoolFlag,
)
from improvement.decisions.presenters import (
    SUPPORT_LEVEL_ORDER,
    DecisionView,
    OverrideView,
    PackGroup,
    PortfolioRow,
    decision_view,
    group_by_pack,
    override_view,
    portfolio_row,
)
from improvement.inspections.models import Inspection
from improvement.interventions.selectors import interventions_by_school
from improvement.policy import snapshot as policy
from improvement.policy.calendar import academic_year_bounds, academic_year_of
from improvement.policy.engine import evaluate_all
from improvement.policy.packs import Pack, PackError, available_packs, load_pack
from improvement.policy.rules import Decision
from improvement.policy.snapshot import FLAGS
from improvement.schools.models import School, SchoolEvent, Status

# How far back a chain of predecessors is followed (as schools.selectors.predecessor_chain).
PREDECESSOR_DEPTH = 5
ENGLAND = "England"


# Packs ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PackChoice:
    """The packs that apply to an authority on a date, and why."""

    academic_year: str
    packs: tuple[Pack, ...]
    # "authority": the LA administrator's choice for the year; "default": no choice recorded,
    # so the England-wide packs that cover the year.
    source: str
    # Pack ids in the authority's setting that are no longer shipped (shown, never silently
    # dropped).
    unknown: tuple[str, ...] = ()

    @property
    def is_default(self) -> bool:
        return self.source == "default"


def default_pack_ids(academic_year: str) -> list[str]:
    """The default for a year nobody has chosen packs for: every England-wide pack that covers
    it. Authority packs (Coventry, Kent) only ever apply when an administrator chooses them."""
    return [
        pack_id
        for pack_id in available_packs()
        if (pack := load_pack(pack_id)).authority == ENGLAND and academic_year in pack.academic_years
    ]


def packs_for(*, authority: Authority, as_of: date) -> PackChoice:
    year = academic_year_of(as_of)
    chosen = (authority.policy_packs or {}).get(year)
    if not chosen:
        return PackChoice(year, tuple(load_pack(p) for p in default_pack_ids(year)), "default")
    packs, unknown = [], []
    for pack_id in chosen:
        try:
            packs.append(load_pack(pack_id))
        except PackError:
            unknown.append(pack_id)
    return PackChoice(year, tuple(packs), "authority", tuple(unknown))


def known_decision_keys() -> dict[str, str]:
    """Every decision key of the shipped packs, with its label."""
    keys: dict[str, str] = {}
    for pack_id in available_packs():
        for rule in load_pack(pack_id).rules:
            keys.setdefault(rule.key, rule.label)
    return keys


def latest_covered_date(as_of: date) -> date | None:
    """When no pack covers `as_of`'s academic year: the last day of the latest year a shipped
    pack covers (to offer "show decisions as of" that day), if it is earlier."""
    years = pack_years()
    if not years or academic_year_of(as_of) in years:
        return None
    end = academic_year_bounds(years[-1])[1]
    return end if end < as_of else None


def as_of_query(day: date) -> str:
    return f"as_of_day={day.day}&as_of_month={day.month}&as_of_year={day.year}"


def pack_years() -> list[str]:
    """Every academic year some shipped pack covers, oldest first."""
    return sorted({year for pack_id in available_packs() for year in load_pack(pack_id).academic_years})


# Snapshots ------------------------------------------------------------------------------------


def _chain_fields() -> list[str]:
    return ["__".join(["predecessor"] * depth) + "_id" for depth in range(2, PREDECESSOR_DEPTH + 1)]


def _school_ids(schools: QuerySet[School]) -> QuerySet:
    """The schools as a subquery of primary keys: no parameter list, however many schools."""
    return schools.order_by().values("pk")


def build_snapshots(schools: QuerySet[School], *, as_of: date) -> dict[int, policy.Snapshot]:
    """Policy snapshots of `schools` (unsliced) as of a date, keyed by school id."""
    return {school.pk: snapshot for school, snapshot in school_snapshots(schools, as_of=as_of)}


def school_snapshots(schools: QuerySet[School], *, as_of: date) -> list[tuple[School, policy.Snapshot]]:
    """Each school (in the queryset's order) with its policy snapshot as of a date.

    Queries: 9, whatever the number of schools. What the snapshot says and where it comes from:
    flags active on `as_of`; the categorisation and agreed (not withdrawn) visits of the
    academic year of `as_of`; open concerns counted now (concerns keep no status history);
    intervention processes and warning notices with their dates (the engine reads them as of
    `as_of`).
    """
    year = academic_year_of(as_of)
    chain_fields = _chain_fields()
    rows = list(
        schools.select_related("trust", "predecessor").annotate(
            **{f"_chain{n}": F(name) for n, name in enumerate(chain_fields, start=2)}
        )
    )
    ids = _school_ids(schools)
    # The schools and their predecessors as one UNION ALL subquery. (OR-ing six IN subqueries
    # made PostgreSQL scan every inspection in the database; see docs/benchmarks.md.)
    own_and_predecessors = ids.union(
        *(schools.order_by().values("__".join(["predecessor"] * depth) + "_id")
          for depth in range(1, PREDECESSOR_DEPTH + 1)),
        all=True,
    )

    inspections: dict[int, list[policy.Inspection]] = defaultdict(list)
    for (school_id, urn, era, kind, start, published, judgements, category) in Inspection.objects.filter(
        school__in=own_and_predecessors
    ).values_list(
        "school_id", "school__urn", "era", "inspection_type", "start_date", "publication_date",
        "judgements", "category_of_concern",
    ):
        inspections[school_id].append(policy.Inspection(
            era=era, inspection_type=kind, start_date=start, judgements=judgements or {},
            publication_date=published, category_of_concern=category or None, urn=urn,
        ))

    events: dict[int, list[policy.Event]] = defaultdict(list)
    for school_id, kind, occurred_on, detail in SchoolEvent.objects.filter(school__in=ids).values_list(
        "school_id", "kind", "occurred_on", "detail"
    ):
        events[school_id].append(policy.Event(kind=kind, date=occurred_on, detail=detail))

    flags: dict[int, set[str]] = defaultdict(set)
    for school_id, key in (
        SchoolFlag.objects.filter(school__in=ids, raised_on__lte=as_of)
        .filter(Q(cleared_on__isnull=True) | Q(cleared_on__gt=as_of))
        .values_list("school_id", "key")
    ):
        flags[school_id].add(key)

    categorisations = {
        c.school_id: c for c in Categorisation.objects.filter(school__in=ids, academic_year=year)
    }

    visits: dict[int, list[policy.AdditionalVisits]] = defaultdict(list)
    for v in (
        AdditionalVisits.objects.filter(school__in=ids, academic_year=year, withdrawn_at__isnull=True)
        .select_related("agreed_by")
        .order_by("agreed_on", "pk")
    ):
        visits[v.school_id].append(policy.AdditionalVisits(
            count=v.count, reason=v.reason, agreed_by=str(v.agreed_by), agreed_on=v.agreed_on,
        ))

    concerns = dict(
        Concern.objects.filter(school__in=ids, status__in=OPEN_CONCERN_STATUSES)
        .values("school_id").annotate(n=Count("pk")).values_list("school_id", "n")
    )

    interventions = interventions_by_school(ids)

    snapshots = []
    for school in rows:
        chain = [school.predecessor_id] + [getattr(school, f"_chain{n}") for n in range(2, PREDECESSOR_DEPTH + 1)]
        seen = {school.pk}
        history = list(inspections.get(school.pk, ()))
        for predecessor_id in chain:
            if predecessor_id is None or predecessor_id in seen:
                break
            seen.add(predecessor_id)
            history.extend(inspections.get(predecessor_id, ()))
        category = categorisations.get(school.pk)
        snapshots.append((school, policy.Snapshot(
            urn=school.urn,
            name=school.name,
            phase=school.phase,
            governance=school.governance,
            establishment_type=school.establishment_type,
            trust=policy.Trust(school.trust.name, school.trust.is_local) if school.trust else None,
            la_category=category.la_category if category else None,
            headteacher_start_date=school.headteacher_start_date,
            inspections=tuple(history),
            flags=frozenset(flags.get(school.pk, ())),
            open_concerns=concerns.get(school.pk, 0),
            interventions=tuple(interventions.get(school.pk, ())),
            kent_support_level=(category.kent_support_level or None) if category else None,
            new_improvement_partner=category.new_improvement_partner if category else None,
            events=tuple(events.get(school.pk, ())),
            predecessor_urn=school.predecessor.urn if school.predecessor else None,
            additional_visits=tuple(visits.get(school.pk, ())),
        )))
    return snapshots


# Evaluation -----------------------------------------------------------------------------------


@dataclass
class SchoolEvaluation:
    school: School
    snapshot: policy.Snapshot
    decisions: list[Decision]
    # Active overrides by decision key (including keys the year's packs do not evaluate).
    overrides: dict[str, DecisionOverride] = field(default_factory=dict)


@dataclass
class Evaluation:
    as_of: date
    choice: PackChoice
    schools: list[SchoolEvaluation]


def active_overrides(schools: QuerySet[School]) -> dict[int, dict[str, DecisionOverride]]:
    by_school: dict[int, dict[str, DecisionOverride]] = defaultdict(dict)
    for override in DecisionOverride.objects.filter(
        school__in=_school_ids(schools), revoked_at__isnull=True
    ).select_related("created_by"):
        by_school[override.school_id][override.decision_key] = override
    return by_school


def evaluate_schools(schools: QuerySet[School], *, authority: Authority, as_of: date) -> Evaluation:
    """Every applicable pack's decisions for each school (in the queryset's order), with their
    active overrides: 8 queries whatever the number of schools."""
    choice = packs_for(authority=authority, as_of=as_of)
    return Evaluation(as_of, choice, list(iter_evaluations(schools, choice=choice, as_of=as_of)))


def iter_evaluations(schools: QuerySet[School], *, choice: PackChoice, as_of: date) -> Iterator[SchoolEvaluation]:
    """As evaluate_schools, one school at a time: callers that keep only a summary of each
    school (the portfolio) let its decisions go at once. Keeping the decisions of thousands of
    schools alive makes Python's cyclic garbage collector rescan them all, which cost more than
    the evaluation itself at 25,000 schools (see bench/policy.py)."""
    overrides = active_overrides(schools)
    for school, snapshot in school_snapshots(schools, as_of=as_of):
        yield SchoolEvaluation(school, snapshot, evaluate_all(choice.packs, snapshot, as_of),
                               overrides.get(school.pk, {}))


# The school profile panel ---------------------------------------------------------------------


@dataclass
class SchoolPanel:
    school: School
    as_of: date
    is_today: bool
    as_of_form: AsOfForm
    choice: PackChoice
    groups: list[PackGroup]
    # Active overrides of decisions the year's packs do not evaluate: (label, override).
    other_overrides: list[tuple[str, str, OverrideView]]
    snapshot: policy.Snapshot
    flag_labels: list[str]
    can_record: bool
    can_edit_school: bool

    @property
    def anchor_query(self) -> str:
        """The as-of date as a query string for links back to this panel ("" for today)."""
        return "" if self.is_today else as_of_query(self.as_of)

    @property
    def latest_covered(self) -> date | None:
        return latest_covered_date(self.as_of) if not self.choice.packs else None

    @property
    def latest_covered_query(self) -> str:
        return as_of_query(self.latest_covered) if self.latest_covered else ""


def school_panel(*, user, school: School, query: Mapping[str, str]) -> SchoolPanel | None:
    """The "Monitoring and support" panel of a school's profile, or None for users who may not
    see it (school-side users: flags and categories are LA intelligence). 8 queries."""
    if not user.has_perm("decisions.view_school_decisions", school):
        return None
    form, as_of = AsOfForm.date_from(query)
    evaluation = evaluate_schools(School.objects.filter(pk=school.pk), authority=school.authority, as_of=as_of)
    result = evaluation.schools[0]
    evaluated = {d.key for d in result.decisions}
    labels = known_decision_keys()
    return SchoolPanel(
        school=school,
        as_of=as_of,
        is_today=as_of == timezone.localdate(),
        as_of_form=form,
        choice=evaluation.choice,
        groups=group_by_pack(evaluation.choice.packs, result.decisions, result.overrides),
        other_overrides=[
            (key, labels.get(key, key), override_view(override))
            for key, override in sorted(result.overrides.items()) if key not in evaluated
        ],
        snapshot=result.snapshot,
        flag_labels=[label for key, label in FLAGS.items() if key in (result.snapshot.flags or ())],
        can_record=user.has_perm("decisions.record_school_decisions", school),
        can_edit_school=user.has_perm("schools.change_school", school),
    )


def school_decision(*, school: School, key: str, as_of: date) -> DecisionView | None:
    """One decision for one school (for the override page), or None when the packs that apply
    on `as_of` do not make it."""
    evaluation = evaluate_schools(School.objects.filter(pk=school.pk), authority=school.authority, as_of=as_of)
    packs = {pack.id: pack for pack in evaluation.choice.packs}
    for decision in evaluation.schools[0].decisions:
        if decision.key == key:
            return decision_view(decision, packs.get(decision.pack), None)
    return None


# The portfolio --------------------------------------------------------------------------------


@dataclass
class EntitlementTotal:
    label: str
    total: float
    schools: int
    not_decided: int


@dataclass
class Portfolio:
    as_of: date
    choice: PackChoice
    rows: list[PortfolioRow]

    @property
    def latest_covered(self) -> date | None:
        return latest_covered_date(self.as_of) if not self.choice.packs else None

    @property
    def latest_covered_query(self) -> str:
        return as_of_query(self.latest_covered) if self.latest_covered else ""

    @property
    def support_levels(self) -> list[tuple[str, str, int]]:
        """(key, label, number of schools) for every support level present, most support first."""
        counts: dict[tuple[str, str], int] = defaultdict(int)
        for row in self.rows:
            if row.support_level:
                counts[row.support_level] += 1
        order = {key: n for n, (key, _) in enumerate(SUPPORT_LEVEL_ORDER)}
        return [(key, label, n) for (key, label), n in sorted(counts.items(), key=lambda i: order.get(i[0][0], 99))]

    @property
    def entitlement_totals(self) -> list[EntitlementTotal]:
        totals: dict[str, EntitlementTotal] = {}
        for row in self.rows:
            for e in row.entitlements:
                total = totals.setdefault(e.label, EntitlementTotal(e.label, 0, 0, 0))
                if e.number is None:
                    total.not_decided += 1
                else:
                    total.total += e.number
                    total.schools += 1
        return list(totals.values())

    @property
    def with_triggers(self) -> int:
        return sum(1 for row in self.rows if row.triggers)

    @property
    def early_warnings(self) -> int:
        return sum(1 for row in self.rows if row.early_warning)

    @property
    def not_categorised(self) -> int:
        return sum(1 for row in self.rows if row.la_category is None and not row.kent_support_level)


def portfolio(*, user, as_of: date) -> Portfolio:
    """Every open school of the user's authority with its main decisions: 9 queries."""
    schools = (School.objects.visible_to(user).exclude(status=Status.CLOSED)
               .select_related("latest_full_inspection").order_by("name", "urn"))
    choice = packs_for(authority=user.authority, as_of=as_of)
    networks: dict[int, set[int]] = defaultdict(set)
    for school_id, network_id in School.networks.through.objects.filter(
        school__in=_school_ids(schools)
    ).values_list("school_id", "network_id"):
        networks[school_id].add(network_id)
    rows = [
        portfolio_row(r.school, networks.get(r.school.pk, set()), r.snapshot, r.decisions, r.overrides)
        for r in iter_evaluations(schools, choice=choice, as_of=as_of)
    ]
    return Portfolio(as_of, choice, rows)


def _matches(row: PortfolioRow, query: str) -> bool:
    query = query.strip().lower()
    return not query or query in row.school.name.lower() or query == row.school.urn


def filter_rows(rows: list[PortfolioRow], data: Mapping[str, Any]) -> list[PortfolioRow]:
    """Rows matching a PortfolioFilterForm's cleaned data."""
    network = data.get("network")
    wanted = {
        "phase": data.get("phase") or "",
        "support": data.get("support_level") or "",
        "triggers": data.get("triggers") or "",
        "early": data.get("early_warning") or "",
    }
    result = []
    for row in rows:
        if not _matches(row, data.get("q") or ""):
            continue
        if wanted["phase"] and row.school.phase != wanted["phase"]:
            continue
        if network is not None and network.pk not in row.network_ids:
            continue
        if wanted["support"] and (row.support_level or ("", ""))[0] != wanted["support"]:
            continue
        if wanted["triggers"] and bool(row.triggers) != (wanted["triggers"] == "yes"):
            continue
        if wanted["early"] and row.early_warning != (wanted["early"] == "yes"):
            continue
        result.append(row)
    return result


# Sort key -> function of a row giving (value unknown?, sort values...). Rows whose value is
# unknown go last whichever the direction.
PORTFOLIO_SORTS: dict[str, Any] = {
    "name": lambda r: (False, r.school.name.lower(), r.school.urn),
    "urn": lambda r: (False, r.school.urn),
    "phase": lambda r: (False, r.school.get_phase_display(), r.school.name.lower()),
    "category": lambda r: (r.la_category is None, r.la_category or 0, r.school.name.lower()),
    "entitlement": lambda r: (r.entitlement_number < 0, r.entitlement_number, r.school.name.lower()),
    "support": lambda r: (r.support_level is None, r.support_rank, r.school.name.lower()),
    "triggers": lambda r: (False, -len(r.triggers), r.school.name.lower()),
    "window": lambda r: (not (r.window_from or r.window_to), r.window_from or r.window_to, r.school.name.lower()),
}


def sort_rows(rows: list[PortfolioRow], sort: str) -> list[PortfolioRow]:
    key = PORTFOLIO_SORTS.get(sort.lstrip("-"), PORTFOLIO_SORTS["name"])
    ordered = sorted(rows, key=lambda r: key(r)[1:], reverse=sort.startswith("-"))
    return [r for r in ordered if not key(r)[0]] + [r for r in ordered if key(r)[0]]


def early_warning_rows(rows: list[PortfolioRow]) -> list[PortfolioRow]:
    """Schools that would become eligible for intervention if their next inspection repeated a
    below-Good outcome, soonest Ofsted window first (unknown windows last)."""
    flagged = [row for row in rows if row.early_warning]
    return sorted(flagged, key=lambda r: (r.window_from or r.window_to or "9999-12-31", r.school.urn))


# Pack listings --------------------------------------------------------------------------------


def pack_label(pack_id: str) -> str:
    try:
        return load_pack(pack_id).title
    except PackError:
        return f"{pack_id} (no longer available)"


def pack_catalogue() -> list[dict[str, Any]]:
    """Every shipped pack's metadata (list_policy_packs and the pack settings page)."""
    return [load_pack(pack_id).describe() for pack_id in available_packs()]
