"""Properties over any snapshot the schema allows: evaluation never raises, is deterministic,
and every decision is explained."""

from __future__ import annotations

import json
from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from improvement.policy import (
    Snapshot,
    available_packs,
    evaluate,
    evaluate_all,
    frameworks,
    load_pack,
)
from improvement.policy.calendar import academic_year_bounds
from improvement.policy.rules import CANNOT_DECIDE, DECIDED, NO_RULE
from improvement.policy.snapshot import (
    EVENT_KINDS,
    FLAGS,
    GOVERNANCE,
    INTERVENTION_STATUSES,
    INTERVENTION_TYPES,
    KENT_SUPPORT_LEVELS,
    PHASES,
)

PACKS = [load_pack(pack_id) for pack_id in available_packs()]
PROPERTY_SETTINGS = settings(max_examples=60, deadline=None,
                             suppress_health_check=[HealthCheck.too_slow])
dates = st.dates(min_value=date(2005, 9, 1), max_value=date(2027, 8, 31))
maybe = st.none().__or__


@st.composite
def inspections(draw, urns=("100001",)):
    start = draw(dates)
    era = frameworks.era_for_date(start)
    areas = draw(st.lists(st.sampled_from(era.areas), unique_by=lambda a: a.key))
    judgements = {a.key: draw(st.sampled_from(a.scale.keys)) for a in areas}
    categories = [key for key, _ in era.categories_of_concern]
    return {
        "inspection_type": draw(st.sampled_from(["full", "full", "ungraded", "monitoring",
                                                 "focused_monitoring"])),
        "start_date": start.isoformat(),
        "end_date": draw(maybe(st.integers(0, 3).map(
            lambda n: (start + timedelta(days=n)).isoformat()))),
        "publication_date": draw(maybe(st.integers(0, 120).map(
            lambda n: (start + timedelta(days=n)).isoformat()))),
        "judgements": judgements,
        "category_of_concern": draw(maybe(st.sampled_from(categories))),
        "urn": draw(maybe(st.sampled_from(urns))),
    }


@st.composite
def snapshots(draw) -> dict:
    predecessor = draw(maybe(st.just("100000")))
    return {
        "urn": "100001",
        "name": "Property School",
        "phase": draw(st.sampled_from(PHASES)),
        "governance": draw(st.sampled_from(GOVERNANCE)),
        "trust": draw(maybe(st.builds(lambda local: {"name": "Trust", "is_local": local},
                                      maybe(st.booleans())))),
        "la_category": draw(maybe(st.integers(1, 4))),
        "headteacher_start_date": draw(maybe(dates.map(date.isoformat))),
        "predecessor_urn": predecessor,
        "inspections": draw(st.lists(inspections(("100001", "100000")), max_size=4)),
        "flags": draw(maybe(st.lists(st.sampled_from(sorted(FLAGS)), unique=True))),
        "open_concerns": draw(maybe(st.integers(0, 5))),
        "interventions": draw(st.lists(st.fixed_dictionaries({
            "type": st.sampled_from(sorted(INTERVENTION_TYPES)),
            "status": st.sampled_from(INTERVENTION_STATUSES),
            "opened": maybe(dates.map(date.isoformat)),
        }), max_size=2)),
        "kent_support_level": draw(maybe(st.sampled_from(KENT_SUPPORT_LEVELS))),
        "new_improvement_partner": draw(maybe(st.booleans())),
        "events": draw(st.lists(st.fixed_dictionaries({
            "kind": st.sampled_from(EVENT_KINDS), "date": dates.map(date.isoformat)}),
            max_size=2)),
        "additional_visits": draw(st.lists(st.fixed_dictionaries({
            "count": st.integers(1, 3), "reason": st.just("Agreed"),
            "agreed_by": st.just("Senior Advisor"), "agreed_on": dates.map(date.isoformat)}),
            max_size=2)),
    }


@st.composite
def as_of_in_pack_years(draw, pack):
    first, last = academic_year_bounds(draw(st.sampled_from(pack.academic_years)))
    return draw(st.dates(min_value=first, max_value=last))


@PROPERTY_SETTINGS
@given(snapshots(), st.data())
def test_every_pack_explains_every_decision_and_never_raises(data, draw):
    snapshot = Snapshot.from_dict(data)
    for pack in PACKS:
        as_of = draw.draw(as_of_in_pack_years(pack))
        decisions = evaluate(pack, snapshot, as_of)
        assert [d.key for d in decisions] == list(pack.keys)
        for decision in decisions:
            assert decision.status in (DECIDED, CANNOT_DECIDE, NO_RULE)
            assert decision.reasons, decision.key
            assert all(r.sentence and r.rule and r.pack == pack.id and r.source
                       for r in decision.reasons)
            if decision.status == NO_RULE:
                assert decision.value is None
            if decision.status == DECIDED:
                assert decision.value is not None
            json.dumps(decision.to_dict())


@PROPERTY_SETTINGS
@given(snapshots(), dates)
def test_evaluation_is_deterministic(data, as_of):
    first = [d.to_dict() for d in evaluate_all(PACKS, Snapshot.from_dict(data), as_of)]
    second = [d.to_dict() for d in evaluate_all(PACKS, Snapshot.from_dict(data), as_of)]
    assert first == second


@PROPERTY_SETTINGS
@given(snapshots())
def test_snapshots_round_trip(data):
    snapshot = Snapshot.from_dict(data)
    assert Snapshot.from_dict(json.loads(json.dumps(snapshot.to_dict()))) == snapshot
