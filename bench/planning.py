"""Visit planning (issue 7): the yearly planner for a Kent-sized authority, and the planning pages.

1. The planner run: `planning.services.plan_visits` for an authority of 600 schools and 40
   officers (15 schools each), Kent's 2009/10 pack (the handbook's visit calendar: autumn,
   spring and summer visits, a familiarisation visit for schools with a new partner or head) and
   5 visits a week per officer. The timed run includes everything the page's button does:
   evaluating the packs for every school, reading allocations and the existing plan, the pure
   planner, and inserting the planned visits with their status and history rows. Each timed run
   is rolled back so that every run plans the whole year. Target: <= 5 s.
2. Re-running the planner on the planned year (nothing to add): the idempotent case.
3. Pages for the same authority with the year planned: coverage (entitled vs planned vs agreed vs
   completed by term and officer, evaluated on request), the plan page and an officer's diary.
   The coverage page's query count is compared with a 60-school authority's: it must not grow.
"""

from __future__ import annotations

import time
from datetime import date

from django.db import transaction
from django.urls import reverse

from bench.measure import measure_get, signed_in_client
from bench.report import SectionReport, Timing
from bench.synthetic import build_register
from improvement.accounts.models import User
from improvement.accounts.roles import Role
from improvement.planning import services
from improvement.planning.models import OfficerAllocation, PlannedVisit
from improvement.schools.models import School

TITLE = "Visit planning: the yearly planner and the coverage page (issue 7)"
YEAR = "2009/10"
PACKS = {YEAR: ["kent-2009-10"]}
TODAY = date(2009, 8, 3)  # planning the year before it starts
SCHOOLS, OFFICERS, PER_WEEK = 600, 40, 5
PLAN_TARGET_MS = 5000.0
PAGE_TARGET_MS = 1000.0


def _authority(code: str, name: str, schools: int, first_urn: int, officers: int):
    la = build_register(code=code, name=name, schools=schools, first_urn=first_urn, seed=7, history=False,
                        profile_edits=0)
    la.authority.policy_packs = PACKS
    la.authority.save(update_fields=["policy_packs"])
    adviser = User.objects.create_user(f"adviser@{code}.bench.example", "not-used-bench-password",
                                       full_name="Bench Senior Adviser", authority=la.authority,
                                       role=Role.SENIOR_ADVISER)
    team = [User.objects.create_user(f"officer{i}@{code}.bench.example", "not-used-bench-password",
                                     full_name=f"Bench Officer {i + 1}", authority=la.authority,
                                     role=Role.MONITORING_OFFICER) for i in range(officers)]
    open_schools = list(School.objects.filter(authority=la.authority, status__in=services.OPEN_SCHOOL_STATUSES)
                        .order_by("pk"))
    OfficerAllocation.objects.bulk_create(
        OfficerAllocation(school=s, academic_year=YEAR, officer=team[i % officers], allocated_by=adviser)
        for i, s in enumerate(open_schools))
    return la, adviser, team, len(open_schools)


def _plan(adviser):
    return services.plan_visits(actor=adviser, academic_year=YEAR, visits_per_week=PER_WEEK, today=TODAY)


def run(report: SectionReport) -> None:
    quick = bool(getattr(report.options, "quick", False))
    repeats = 1 if quick else 3
    la, adviser, team, open_schools = _authority("904", "Synthetic Planning LA", SCHOOLS, 800000, OFFICERS)
    report.fact("Authority", f"{open_schools} open schools ({SCHOOLS} in the register), {OFFICERS} officers, "
                f"pack {PACKS[YEAR][0]}, planning {YEAR} on {TODAY:%d %B %Y}, {PER_WEEK} visits a week")

    samples, created, unplaced, undecided = [], 0, 0, 0
    for _ in range(repeats):
        with transaction.atomic():
            started = time.perf_counter()
            result = _plan(adviser)
            samples.append((time.perf_counter() - started) * 1000)
            created, unplaced, undecided = len(result.created), len(result.unplaced), len(result.undecided)
            transaction.set_rollback(True)
    report.row(f"Plan the year: {created:,} visits proposed for {open_schools} schools "
               f"({unplaced} unplaced, {undecided} undecided entitlements)",
               timing=Timing(samples), target_p95_ms=PLAN_TARGET_MS)

    _plan(adviser)  # keep this one
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        again = _plan(adviser)
        samples.append((time.perf_counter() - started) * 1000)
        assert not again.created, "re-running the planner added visits"
    report.row("Re-run the planner on the planned year (adds nothing)", timing=Timing(samples),
               target_p95_ms=PLAN_TARGET_MS)
    planned = PlannedVisit.objects.filter(school__authority=la.authority).count()
    report.fact("Planned visits", f"{planned:,}")

    requests = 5 if quick else 20
    client = signed_in_client(adviser)
    coverage = measure_get(client, f"{reverse('planning:coverage')}?year={YEAR}", requests=requests)
    report.row(f"Coverage page, {open_schools} schools (evaluated on request)", timing=coverage.timing,
               target_p95_ms=PAGE_TARGET_MS, queries=coverage.queries)
    small, small_adviser, _, small_open = _authority("905", "Synthetic Small Planning LA", 60, 810000, 4)
    services.plan_visits(actor=small_adviser, academic_year=YEAR, visits_per_week=PER_WEEK, today=TODAY)
    small_page = measure_get(signed_in_client(small_adviser), f"{reverse('planning:coverage')}?year={YEAR}",
                             requests=3)
    report.row(f"Coverage page queries: {open_schools} schools vs {small_open} schools "
               f"({coverage.queries} vs {small_page.queries})",
               target="the same number of queries at any size", met=coverage.queries == small_page.queries)
    plan_page = measure_get(client, f"{reverse('planning:plan')}?year={YEAR}", requests=requests)
    report.row("Plan page (first 100 of the year's visits, status totals)", timing=plan_page.timing,
               target_p95_ms=PAGE_TARGET_MS, queries=plan_page.queries)
    diary = measure_get(client, f"{reverse('planning:diary')}?officer={team[0].pk}&view=month&month=2009-11",
                        requests=requests)
    report.row("An officer's diary, month view", timing=diary.timing, target_p95_ms=PAGE_TARGET_MS,
               queries=diary.queries)
