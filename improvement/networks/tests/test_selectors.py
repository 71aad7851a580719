"""The network focus selector: which schools are focus schools and why (the policy engine's
decision, an override of it, additions by hand), their support and funding, the funding figures,
and a fixed number of queries whatever the number of schools."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from improvement.decisions import services as decision_services
from improvement.networks import selectors, services
from improvement.networks.models import SupportKind
from improvement.networks.selectors import FundingFigures, as_of_for, funding_figures, year_choices
from improvement.networks.tests.conftest import AS_OF, YEAR, good_school, ri_school
from improvement.schools.models import Status
from improvement.schools.tests.factories import SchoolFactory


def _focus(user, network, year=YEAR, as_of=AS_OF):
    return selectors.network_focus(user=user, network=network, academic_year=year, as_of=as_of)


def _by_name(result):
    return {row.school.name: row for row in result.rows}


@pytest.fixture
def five_schools(authority, coventry, network, adviser, school, sibling_school):
    """Three focus schools (Requires improvement; a new head; added by hand) and two others,
    with 6,000 of 10,000 pounds of funding going to the focus schools."""
    network.schools.remove(school, sibling_school)
    schools = {
        "ri": ri_school(authority, network, name="A RI Primary"),
        "new_head": good_school(authority, network, name="B New Head Primary",
                                headteacher_start_date=date(2023, 9, 1)),
        "by_hand": good_school(authority, network, name="C Added Primary"),
        "other1": good_school(authority, network, name="D Good Primary"),
        "other2": good_school(authority, network, name="E Good Primary"),
    }
    services.add_focus_school(actor=adviser, school=schools["by_hand"], academic_year=YEAR,
                              reason="Self-evaluation less than Good", added_on=date(2023, 10, 2))
    for key, amount in (("ri", 1000), ("new_head", 2000), ("by_hand", 3000), ("other1", 4000)):
        services.allocate_funding(actor=adviser, network=network, school=schools[key], academic_year=YEAR,
                                  amount=amount, purpose="Network improvement work")
    return schools


def test_focus_schools_come_first_with_their_reasons(adviser, network, five_schools):
    result = _focus(adviser, network)
    assert [row.school.name for row in result.rows] == [
        "A RI Primary", "B New Head Primary", "C Added Primary", "D Good Primary", "E Good Primary"]
    assert [row.is_focus for row in result.rows] == [True, True, True, False, False]
    rows = _by_name(result)

    ri = rows["A RI Primary"].focus.reasons
    assert {r.origin for r in ri} == {"policy"}
    assert any("Requires improvement" in r.text for r in ri)
    assert rows["A RI Primary"].focus.engine.pack  # the pack that decided it, for the page

    assert any("Change of headteacher on 1 September 2023" in r.text for r in rows["B New Head Primary"].focus.reasons)

    by_hand = rows["C Added Primary"].focus.reasons
    assert [(r.origin, r.text, r.by, r.on) for r in by_hand] == [
        ("by_hand", "Self-evaluation less than Good", str(adviser), date(2023, 10, 2))]
    assert by_hand[0].addition.is_active
    assert rows["D Good Primary"].focus.reasons == []
    assert result.packs_decide


def test_funding_figures_give_the_focus_schools_share(adviser, network, five_schools):
    figures = _focus(adviser, network).figures
    assert figures.total == Decimal("10000.00")
    assert figures.focus_total == Decimal("6000.00")
    assert figures.focus_share == Decimal("60.0")
    assert (figures.focus_schools, figures.other_schools) == (3, 2)
    assert figures.average_focus == Decimal("2000.00")
    # The school without an allocation counts as nothing: 4,000 over two schools.
    assert figures.average_other == Decimal("2000.00")


def test_funding_figures_round_to_a_tenth_of_a_percent_and_a_penny():
    figures = funding_figures([(True, Decimal("1000")), (False, Decimal("1000")), (False, Decimal("1000")),
                               (False, Decimal("0"))])
    assert figures.focus_share == Decimal("33.3")
    assert figures.average_other == Decimal("666.67")
    empty = FundingFigures(Decimal("0"), Decimal("0"), 0, 0)
    assert (empty.total, empty.focus_share, empty.average_focus, empty.average_other) == (Decimal("0"), None, None,
                                                                                         None)


def test_support_offers_and_funding_belong_to_their_school_and_year(adviser, authority, network, five_schools):
    school = five_schools["ri"]
    services.record_support_offer(actor=adviser, school=school, academic_year=YEAR,
                                  kind=SupportKind.PAIRED_SCHOOL, partner_school=five_schools["other1"],
                                  description="Joint reading reviews", provided_by="D Good Primary",
                                  start_date=date(2023, 10, 9))
    services.record_support_offer(actor=adviser, school=school, academic_year="2024/25",
                                  kind=SupportKind.TRAINING_EXPERTISE, description="Next year",
                                  provided_by="Hub", start_date=date(2024, 9, 9))
    row = _by_name(_focus(adviser, network))["A RI Primary"]
    assert [(o.kind, o.partner_school) for o in row.support] == [(SupportKind.PAIRED_SCHOOL, five_schools["other1"])]
    assert row.funding.amount == Decimal("1000.00")


def test_an_override_of_the_decision_wins_over_the_engine(adviser, network, five_schools):
    decision_services.record_override(actor=adviser, school=five_schools["ri"], decision_key="coventry.network_focus",
                                      value="No", reason="Inspection due to be re-graded")
    decision_services.record_override(actor=adviser, school=five_schools["other1"],
                                      decision_key="coventry.network_focus", value="Yes", reason="Falling roll")
    rows = _by_name(_focus(adviser, network))
    assert not rows["A RI Primary"].is_focus
    assert rows["D Good Primary"].is_focus
    assert [(r.origin, r.text) for r in rows["D Good Primary"].focus.reasons] == [
        ("override", "Decision overridden (Yes): Falling roll")]


def test_removed_additions_are_listed_apart_and_no_longer_make_a_focus_school(adviser, network, five_schools):
    addition = five_schools["by_hand"].focus_additions.get()
    services.remove_focus_school(actor=adviser, addition=addition, reason="Settled")
    result = _focus(adviser, network)
    assert not _by_name(result)["C Added Primary"].is_focus
    assert [a.removal_reason for a in result.removed] == ["Settled"]


def test_without_a_pack_deciding_focus_only_additions_by_hand_count(adviser, authority, network, five_schools):
    result = _focus(adviser, network, year="2026/27", as_of=date(2026, 11, 23))
    assert not result.packs_decide
    assert [row.is_focus for row in result.rows] == [False] * 5
    services.add_focus_school(actor=adviser, school=five_schools["other2"], academic_year="2026/27",
                              reason="New head", added_on=date(2026, 9, 4))
    result = _focus(adviser, network, year="2026/27", as_of=date(2026, 11, 23))
    assert [row.school.name for row in result.focus_rows] == ["E Good Primary"]
    assert result.figures.total == 0 and result.figures.focus_share is None


def test_closed_schools_and_schools_that_left_are_listed_only_when_the_network_funded_them(
        adviser, authority, network, five_schools):
    left = five_schools["other1"]  # funded 4,000 this year
    network.schools.remove(left)
    closed = good_school(authority, network, name="F Closed Primary")
    closed.status, closed.close_date = Status.CLOSED, date(2023, 12, 20)
    closed.save()
    rows = _by_name(_focus(adviser, network))
    assert "F Closed Primary" not in rows
    assert not rows["D Good Primary"].in_network
    assert _focus(adviser, network).figures.total == Decimal("10000.00")


def test_the_selector_only_reads_the_users_authority(personas, network, five_schools):
    result = _focus(personas["other_la_officer"], network)
    assert result.rows == [] and result.figures.total == 0


def test_the_selector_refuses_an_as_of_date_outside_the_year(adviser, network):
    with pytest.raises(ValueError, match="not in the academic year"):
        _focus(adviser, network, year="2024/25", as_of=AS_OF)


def test_overview_counts_each_network(adviser, authority, network, five_schools):
    south = network.__class__.objects.create(authority=authority, name="South Network")
    south_school = good_school(authority, south, name="G South Primary")
    services.allocate_funding(actor=adviser, network=south, school=south_school, academic_year=YEAR, amount=500,
                              purpose="p")
    overview = selectors.network_overview(user=adviser, academic_year=YEAR, as_of=AS_OF)
    summaries = {s.network.name: s for s in overview.networks}
    north = summaries["North Network"]
    assert (north.schools, north.focus_schools, north.figures.total, north.figures.focus_share) == (
        5, 3, Decimal("10000.00"), Decimal("60.0"))
    assert (summaries["South Network"].schools, summaries["South Network"].focus_schools,
            summaries["South Network"].figures.focus_share) == (1, 0, Decimal("0.0"))


def _grow(authority, network, adviser, n: int) -> None:
    """n more schools of each kind: a focus school by the engine with support and funding, one added
    by hand, and a school that is not a focus school."""
    for i in range(n):
        ri = ri_school(authority, network)
        services.record_support_offer(actor=adviser, school=ri, academic_year=YEAR,
                                      kind=SupportKind.TRAINING_EXPERTISE, description="Training", provided_by="Hub",
                                      start_date=date(2023, 10, 9))
        services.allocate_funding(actor=adviser, network=network, school=ri, academic_year=YEAR, amount=100 + i,
                                  purpose="p")
        added = good_school(authority, network)
        services.add_focus_school(actor=adviser, school=added, academic_year=YEAR, reason="r")
        good_school(authority, network)


def _count(fn) -> int:
    with CaptureQueriesContext(connection) as queries:
        fn()
    return len(queries)


def test_queries_do_not_grow_with_the_number_of_schools(adviser, authority, coventry, network):
    adviser.authority  # noqa: B018  the signed-in user's authority is loaded once per request
    network = network.__class__.objects.select_related("authority").get(pk=network.pk)
    _grow(authority, network, adviser, 1)
    small = (_count(lambda: _focus(adviser, network)),
             _count(lambda: selectors.network_overview(user=adviser, academic_year=YEAR, as_of=AS_OF)))
    _grow(authority, network, adviser, 6)
    large = (_count(lambda: _focus(adviser, network)),
             _count(lambda: selectors.network_overview(user=adviser, academic_year=YEAR, as_of=AS_OF)))
    # Equal, not a fixed figure: the engine's snapshot grows as other apps feed it.
    assert small == large


def test_as_of_date_and_year_choices():
    assert as_of_for("2026/27", date(2026, 11, 23)) == date(2026, 11, 23)
    assert as_of_for("2023/24", date(2026, 11, 23)) == date(2024, 8, 31)
    assert as_of_for("2027/28", date(2026, 11, 23)) == date(2027, 9, 1)
    years = year_choices("2019/20", date(2026, 11, 23))
    assert years[:3] == ["2027/28", "2026/27", "2025/26"]
    assert "2023/24" in years and "2019/20" in years  # every year a pack covers, and the one asked for


def test_a_school_of_two_networks_added_by_hand_is_a_focus_school_in_both(adviser, authority, network, coventry):
    other = network.__class__.objects.create(authority=authority, name="Central Network")
    shared = SchoolFactory(authority=authority, name="Shared Primary")
    network.schools.add(shared)
    other.schools.add(shared)
    services.add_focus_school(actor=adviser, school=shared, academic_year=YEAR, reason="New head")
    for n in (network, other):
        assert _by_name(_focus(adviser, n))["Shared Primary"].is_focus
