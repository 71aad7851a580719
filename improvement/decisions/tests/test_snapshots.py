"""Snapshots from the register: faithful to what is recorded, and a fixed number of queries."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from improvement.accounts.roles import Role
from improvement.accounts.tests.factories import UserFactory
from improvement.concerns.models import Concern, ConcernStatus
from improvement.decisions import selectors, services
from improvement.decisions.models import SchoolFlag
from improvement.inspections.tests.factories import InspectionFactory
from improvement.policy import snapshot as policy
from improvement.policy.packs import available_packs, load_pack
from improvement.schools.models import Governance, Phase, School, SchoolEvent
from improvement.schools.tests.factories import SchoolFactory, TrustFactory

AS_OF = date(2024, 1, 15)
GOOD_2012 = {"overall_effectiveness": "good", "leadership_and_management": "good"}


@pytest.fixture
def officer(authority):
    return UserFactory(authority=authority, role=Role.SENIOR_ADVISER, full_name="Sam Adviser")


def test_register_choices_are_the_policy_vocabulary():
    """A school's phase and governance keys are passed straight to the rules: they must be the
    snapshot's own keys, or every phase rule would silently say 'no rule'."""
    assert set(Phase.values) == set(policy.PHASES)
    assert set(Governance.values) == set(policy.GOVERNANCE)
    assert set(SchoolEvent.Kind.values) == set(policy.EVENT_KINDS)


def test_snapshot_carries_every_recorded_fact(authority, officer):
    trust = TrustFactory(authority=authority, name="City Trust", is_local=False)
    predecessor = SchoolFactory(authority=authority, urn="300500", name="Old Oak Primary")
    school = SchoolFactory(
        authority=authority, urn="300501", name="Oak Academy", phase=Phase.SECONDARY,
        governance=Governance.ACADEMY, establishment_type="Academy converter", trust=trust,
        headteacher_start_date=date(2022, 9, 1), predecessor=predecessor,
    )
    InspectionFactory(school=predecessor, era="s5-2012", start_date=date(2018, 5, 1), publication_date=date(2018, 6, 1),
                      judgements=GOOD_2012)
    own = InspectionFactory(
        school=school, start_date=date(2023, 3, 7), publication_date=date(2023, 4, 20),
        judgements={"overall_effectiveness": "requires_improvement", "leadership_and_management": "good"},
    )
    SchoolEvent.objects.create(school=school, kind="headteacher_change", occurred_on=date(2022, 9, 1), detail="New")
    services.raise_flag(actor=officer, school=school, key="performance_data_concern", note="KS4 data",
                        raised_on=date(2023, 10, 1))
    services.record_categorisation(actor=officer, school=school, academic_year="2023/24", la_category=2,
                                   kent_support_level="general", new_improvement_partner=True)
    services.agree_additional_visits(actor=officer, school=school, academic_year="2023/24", count=2,
                                     reason="New leadership team", agreed_on=date(2023, 9, 10))
    Concern.objects.create(school=school, category="Safeguarding", description="x", raised_by=officer)
    Concern.objects.create(school=school, category="Finance", description="y", raised_by=officer,
                           status=ConcernStatus.CLOSED)

    snap = selectors.build_snapshots(School.objects.filter(pk=school.pk), as_of=AS_OF)[school.pk]

    assert (snap.urn, snap.name, snap.phase, snap.governance) == ("300501", "Oak Academy", "secondary", "academy")
    assert snap.establishment_type == "Academy converter"
    assert snap.trust == policy.Trust("City Trust", False)
    assert snap.headteacher_start_date == date(2022, 9, 1)
    assert snap.predecessor_urn == "300500"
    assert sorted((i.urn, i.start_date) for i in snap.inspections) == [
        ("300500", date(2018, 5, 1)), ("300501", date(2023, 3, 7))]
    mine = next(i for i in snap.inspections if i.urn == "300501")
    assert (mine.era, mine.inspection_type, mine.publication_date) == (own.era, "full", date(2023, 4, 20))
    assert mine.judgements == own.judgements and mine.category_of_concern is None
    assert snap.events == (policy.Event("headteacher_change", date(2022, 9, 1), "New"),)
    assert snap.flags == frozenset({"performance_data_concern"})
    assert (snap.la_category, snap.kent_support_level, snap.new_improvement_partner) == (2, "general", True)
    assert snap.additional_visits == (
        policy.AdditionalVisits(2, "New leadership team", "Sam Adviser", date(2023, 9, 10)),)
    assert snap.open_concerns == 1
    assert snap.interventions == ()
    # What the app builds is what the JSON schema accepts.
    assert policy.Snapshot.from_dict(snap.to_dict()) == snap


def test_unrecorded_facts_stay_unknown(school):
    school.headteacher_start_date = None
    school.save()
    snap = selectors.build_snapshots(School.objects.filter(pk=school.pk), as_of=AS_OF)[school.pk]
    assert snap.la_category is None and snap.kent_support_level is None and snap.new_improvement_partner is None
    assert snap.headteacher_start_date is None
    # Flags are kept in the product: none raised is a known "none", not "not provided".
    assert snap.flags == frozenset() and snap.open_concerns == 0 and snap.additional_visits == ()


def test_flags_and_year_rows_follow_the_as_of_date(school, officer):
    flag = services.raise_flag(actor=officer, school=school, key="cmo_visit_concerns", note="Visit 3",
                               raised_on=date(2023, 11, 1))
    services.clear_flag(actor=officer, flag=flag, reason="Resolved", cleared_on=date(2024, 2, 1))
    services.record_categorisation(actor=officer, school=school, academic_year="2022/23", la_category=4)
    visits = services.agree_additional_visits(actor=officer, school=school, academic_year="2023/24", count=1,
                                              reason="Support", agreed_on=date(2023, 9, 5))
    services.withdraw_additional_visits(actor=officer, visits=visits, reason="Recorded in error")

    def snap(day):
        return selectors.build_snapshots(School.objects.filter(pk=school.pk), as_of=day)[school.pk]

    assert snap(date(2023, 10, 31)).flags == frozenset()
    assert snap(date(2024, 1, 31)).flags == {"cmo_visit_concerns"}
    assert snap(date(2024, 2, 1)).flags == frozenset()  # cleared that day
    assert snap(date(2023, 6, 1)).la_category == 4  # 2022/23
    assert snap(date(2023, 9, 1)).la_category is None  # 2023/24 not categorised
    assert snap(date(2024, 1, 31)).additional_visits == ()  # withdrawn


def test_predecessor_chain_is_followed_and_cycles_stop(authority):
    oldest = SchoolFactory(authority=authority, urn="300601")
    middle = SchoolFactory(authority=authority, urn="300602", predecessor=oldest)
    newest = SchoolFactory(authority=authority, urn="300603", predecessor=middle)
    for s, year in ((oldest, 2012), (middle, 2016), (newest, 2021)):
        InspectionFactory(school=s, start_date=date(year, 3, 1), publication_date=date(year, 4, 1),
                          era="s5-2012" if year < 2019 else "eif-2019",
                          judgements={"overall_effectiveness": "good", "leadership_and_management": "good"})
    oldest.predecessor = newest  # a data error must not loop forever
    oldest.save()
    snaps = selectors.build_snapshots(School.objects.filter(pk__in=[newest.pk, oldest.pk]), as_of=AS_OF)
    assert sorted(i.urn for i in snaps[newest.pk].inspections) == ["300601", "300602", "300603"]
    assert sorted(i.urn for i in snaps[oldest.pk].inspections) == ["300601", "300602", "300603"]


def _populate(authority, officer, n: int, offset: int) -> None:
    trust = TrustFactory(authority=authority)
    for i in range(n):
        predecessor = SchoolFactory(authority=authority, urn=f"{310000 + offset + i:06d}")
        school = SchoolFactory(authority=authority, urn=f"{320000 + offset + i:06d}", trust=trust,
                               predecessor=predecessor)
        InspectionFactory(school=school)
        InspectionFactory(school=predecessor, era="s5-2012", start_date=date(2018, 1, 9), judgements=GOOD_2012)
        SchoolEvent.objects.create(school=school, kind="headteacher_change", occurred_on=date(2023, 1, 1))
        SchoolFlag.objects.create(school=school, key="performance_data_concern", note="n",
                                  raised_on=date(2023, 1, 1), raised_by=officer)
        services.record_categorisation(actor=officer, school=school, academic_year="2023/24", la_category=1)
        services.agree_additional_visits(actor=officer, school=school, academic_year="2023/24", count=1,
                                         reason="r", agreed_on=date(2023, 9, 2))
        services.record_override(actor=officer, school=school, decision_key="coventry.visit_entitlement",
                                 value="5", reason="Agreed at the board")


def test_building_and_evaluating_costs_the_same_queries_for_2_or_12_schools(authority, officer):
    authority.policy_packs = {"2023/24": ["coventry-2023-24", "england-dfe-2022-not-making-necessary-improvements"]}
    authority.save()
    counts = []
    for n, offset in ((2, 0), (12, 100)):
        _populate(authority, officer, n, offset)
        schools = School.objects.filter(authority=authority)
        with CaptureQueriesContext(connection) as queries:
            evaluation = selectors.evaluate_schools(schools, authority=authority, as_of=AS_OF)
        assert len(evaluation.schools) == schools.count()
        counts.append(len(queries))
    assert counts[0] == counts[1] == 10


def test_default_packs_are_the_england_packs_that_cover_the_year(authority):
    choice = selectors.packs_for(authority=authority, as_of=date(2024, 1, 15))
    assert choice.is_default and choice.academic_year == "2023/24"
    assert [p.id for p in choice.packs] == ["england-dfe-2022-not-making-necessary-improvements"]
    assert all(load_pack(p).authority == "England" for p in selectors.default_pack_ids("2025/26"))
    assert set(selectors.default_pack_ids("2025/26")) == {
        "england-2025-26", "england-dfe-2022-not-making-necessary-improvements"}
    assert selectors.default_pack_ids("2031/32") == []


def test_the_authority_setting_wins_and_names_packs_no_longer_shipped(authority):
    authority.policy_packs = {"2023/24": ["coventry-2023-24", "withdrawn-pack"]}
    authority.save()
    choice = selectors.packs_for(authority=authority, as_of=date(2023, 9, 1))
    assert choice.source == "authority"
    assert [p.id for p in choice.packs] == ["coventry-2023-24"]
    assert choice.unknown == ("withdrawn-pack",)
    # The year before is not covered by the setting: the default applies.
    assert selectors.packs_for(authority=authority, as_of=date(2023, 8, 31)).is_default


def test_known_decision_keys_cover_every_shipped_pack():
    keys = selectors.known_decision_keys()
    for pack_id in available_packs():
        assert set(load_pack(pack_id).keys) <= set(keys)
