"""A synthetic, England-scale school register, generated fast with bulk_create.

`build_register(...)` creates one authority with N schools, their trusts, networks, contacts,
headteacher events, about ten inspections each across the framework eras (valid era for the
date, judgements from the era's scale, checked against the registry), five academic years of all
ten context measures, simple-history "created" rows for schools, inspections and measures (as an
import that records history would leave them), and the denormalised latest full inspection and
outcome, computed in bulk with the same framework helpers the product uses.

`england_register()` builds the 25,000-school register once per bench run and hands the same
one to every section that asks, so later sections (policy evaluation, board packs...) can reuse
it instead of generating their own.

Everything is invented and deterministic for a given seed. Import only after django.setup().
"""

from __future__ import annotations

import random
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from improvement.accounts.models import Authority, User
from improvement.accounts.roles import Role
from improvement.inspections.models import Inspection
from improvement.policy import frameworks
from improvement.schools.models import (
    Contact,
    ContextMeasure,
    Governance,
    Measure,
    Network,
    Phase,
    School,
    SchoolEvent,
    Status,
    Trust,
)

ENGLAND_SCHOOLS = 25_000
MEASURE_YEARS = 5
SOURCE = "Synthetic benchmark data"
SEARCH_TERM = "brook"  # matches about one school name in twelve

PREFIXES = [
    "Ash", "Oak", "Elm", "Birch", "Thorn", "Hazel", "Holly", "Mill", "Stone", "Brook", "Fern",
    "Heath", "Marsh", "Wood", "Kings", "Queens", "North", "South", "East", "West", "Green",
    "Red", "White", "Long", "High", "Low", "New", "Old", "Broad", "Church",
]
ROOTS = [
    "field", "wood", "bridge", "ford", "ley", "ton", "ham", "bury", "combe", "worth", "well",
    "gate", "mere", "dale", "hurst", "stead", "brook", "moor", "cliff", "holme",
]
SAINTS = ["St Mary's", "St John's", "St Peter's", "Holy Trinity", "St Michael's", "All Saints'",
          "St Joseph's", "Our Lady's", "St Andrew's", "Christ Church"]
FIRST_NAMES = ["Alex", "Sam", "Jordan", "Robin", "Morgan", "Casey", "Jamie", "Taylor", "Avery",
               "Riley", "Charlie", "Drew", "Frankie", "Hayden", "Jesse", "Kit", "Lee", "Noel"]
SURNAMES = ["Ashdown", "Brightwell", "Carrow", "Denholm", "Eskdale", "Fenwick", "Glenholm",
            "Harlow", "Inchley", "Jessop", "Kinloch", "Lowther", "Marchbank", "Northey", "Ormsby",
            "Penrose", "Quarrie", "Redfern", "Selwood", "Tenby", "Upwood", "Varley", "Wexcombe"]

# (phase, weight, name endings, establishment number range, ages, pupils range,
#  P(academy), P(free school))  -- roughly England's mix of state-funded schools.
PHASES = [
    (Phase.PRIMARY, 69, ["Primary School", "Infant School", "Junior School", "Primary Academy",
                         "CofE Primary School", "Catholic Primary School"], (2000, 3999), (4, 11),
     (40, 650), 0.40, 0.02),
    (Phase.SECONDARY, 14, ["Academy", "High School", "School", "College", "Community School"],
     (4000, 5999), (11, 18), (500, 1900), 0.80, 0.06),
    (Phase.SPECIAL, 5, ["School", "Special School", "Academy"], (7000, 7999), (3, 19), (40, 300),
     0.45, 0.05),
    (Phase.NURSERY, 2, ["Nursery School"], (1000, 1099), (2, 5), (40, 160), 0.0, 0.0),
    (Phase.PRU_AP, 2, ["Pupil Referral Unit", "Learning Centre"], (1100, 1199), (11, 16),
     (15, 120), 0.45, 0.10),
    (Phase.ALL_THROUGH, 3, ["All-through School", "Academy"], (4000, 5999), (4, 18), (900, 2000),
     0.75, 0.15),
    (Phase.MIDDLE, 1, ["Middle School"], (4000, 5999), (9, 13), (200, 600), 0.5, 0.0),
    (Phase.SIXTEEN_PLUS, 4, ["Sixth Form College", "Sixth Form Academy"], (6900, 6999),
     (16, 19), (300, 2000), 0.70, 0.10),
]
PHASE_WEIGHTS = [p[1] for p in PHASES]

EST_TYPES = {
    Governance.LA_MAINTAINED: ("Community school", "Local authority maintained schools"),
    Governance.ACADEMY: ("Academy converter", "Academies"),
    Governance.FREE_SCHOOL: ("Free schools", "Free Schools"),
    Governance.OTHER: ("Further education", "Colleges"),
}

# Headline outcome of a full inspection given the previous one: schools tend to stay put.
NEXT_OUTCOME = {
    None: (["outstanding", "good", "ri", "inadequate"], [15, 60, 20, 5]),
    "outstanding": (["outstanding", "good", "ri", "inadequate"], [55, 38, 6, 1]),
    "good": (["outstanding", "good", "ri", "inadequate"], [8, 72, 17, 3]),
    "ri": (["outstanding", "good", "ri", "inadequate"], [2, 55, 35, 8]),
    "inadequate": (["outstanding", "good", "ri", "inadequate"], [0, 35, 55, 10]),
}
GRADE_OF = {  # headline -> grade key per four-point scale
    "four-point-satisfactory": {"outstanding": "outstanding", "good": "good",
                                "ri": "satisfactory", "inadequate": "inadequate"},
    "four-point-requires-improvement": {"outstanding": "outstanding", "good": "good",
                                        "ri": "requires_improvement", "inadequate": "inadequate"},
    "report-card-five-point": {"outstanding": "exceptional", "good": "strong_standard",
                               "ri": "needs_attention", "inadequate": "urgent_improvement"},
}
EXPECTED_FOR_GOOD = "expected_standard"


@dataclass
class Register:
    """What `build_register` made, for sections to measure against."""

    authority: Authority
    user: User  # a monitoring officer of the authority (LA staff)
    admin: User  # an LA administrator of the authority
    schools: int
    open_schools: int
    inspections: int
    measures: int
    history_rows: int
    profile_urn: str  # an open school with ten inspections over at least three eras
    profile_inspections: int
    profile_measures: int
    profile_edits: int  # edits saved through the product's services, each a history row
    network_id: int
    search_term: str = SEARCH_TERM
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)


QUICK_SCHOOLS = 2_000
_england: Register | None = None
_england_size = ENGLAND_SCHOOLS


def use_quick_size() -> None:
    """`--quick`: sections asking for the England register get 2,000 schools instead."""
    global _england_size
    _england_size = QUICK_SCHOOLS


def england_register() -> Register:
    """The 25,000-school register, built on first use and shared by every section of a run."""
    global _england
    if _england is None:
        _england = build_register(code="900", name="Synthetic England", schools=_england_size,
                                  first_urn=100000, seed=2026)
    return _england


def build_register(
    *,
    code: str,
    name: str,
    schools: int,
    first_urn: int,
    seed: int,
    chunk: int = 1000,
    history: bool = True,
    profile_edits: int = 3,
) -> Register:
    """Create an authority with `schools` schools and everything they carry. See module docs."""
    started = time.perf_counter()
    rng = random.Random(seed)
    today = timezone.localdate()
    timings: dict[str, float] = defaultdict(float)

    def lap(label: str, since: float) -> float:
        now = time.perf_counter()
        timings[label] += now - since
        return now

    with transaction.atomic():
        authority = Authority.objects.create(code=code, name=name)
        user = User.objects.create_user(
            f"officer@{code}.bench.example", "not-used-bench-password", full_name="Bench Officer",
            authority=authority, role=Role.MONITORING_OFFICER,
        )
        admin = User.objects.create_user(
            f"admin@{code}.bench.example", "not-used-bench-password", full_name="Bench Administrator",
            authority=authority, role=Role.LA_ADMIN,
        )
        networks = Network.objects.bulk_create(
            Network(authority=authority, name=f"{PREFIXES[i % len(PREFIXES)]} Network {i + 1}")
            for i in range(max(3, min(50, schools // 500)))
        )
        trusts = Trust.objects.bulk_create(
            Trust(authority=authority, name=f"{rng.choice(PREFIXES)}{rng.choice(ROOTS)} Learning Trust {i + 1}",
                  reference=f"TR{code}{i:05d}", is_local=rng.random() < 0.6)
            for i in range(max(3, schools // 20))
        )

    counts: Counter[str] = Counter()
    next_number: dict[tuple[int, int], int] = {}
    profile: tuple[str, int, int] | None = None
    for offset in range(0, schools, chunk):
        size = min(chunk, schools - offset)
        t = time.perf_counter()
        with transaction.atomic():
            batch = [
                _school(rng, authority, trusts, first_urn + offset + i, next_number, today)
                for i in range(size)
            ]
            School.objects.bulk_create(batch)
            School.networks.through.objects.bulk_create(
                School.networks.through(school_id=s.pk, network_id=networks[rng.randrange(len(networks))].pk)
                for s in batch
            )
            Contact.objects.bulk_create(
                Contact(school=s, role=role, name=_person(rng),
                        email=f"{role.split()[0].lower()}@{s.urn}.school.example")
                for s in batch for role in ("School business manager", "Designated safeguarding lead")
            )
            SchoolEvent.objects.bulk_create(
                SchoolEvent(school=s, kind=SchoolEvent.Kind.HEADTEACHER_CHANGE,
                            occurred_on=s.headteacher_start_date, detail=f"Headteacher: {s.headteacher_name}",
                            source=SOURCE)
                for s in batch
            )
            t = lap("schools", t)

            inspections: list[Inspection] = []
            per_school: dict[int, list[Inspection]] = {}
            for s in batch:
                mine = _inspections(rng, s, today)
                per_school[s.pk] = mine
                inspections.extend(mine)
            Inspection.objects.bulk_create(inspections, batch_size=2000)
            t = lap("inspections", t)

            measures = [m for s in batch for m in _measures(rng, s)]
            ContextMeasure.objects.bulk_create(measures, batch_size=2000)
            t = lap("measures", t)

            if history:
                when = timezone.now()
                for model, rows in ((School, batch), (Inspection, inspections), (ContextMeasure, measures)):
                    model.history.bulk_history_create(
                        rows, batch_size=2000, default_change_reason="Synthetic import", default_date=when
                    )
                    counts["history"] += len(rows)
                t = lap("history", t)

            # Denormalised latest full inspection and outcome, in bulk, using the product's
            # own framework helpers (schools.selectors.refresh_latest_inspection does the same
            # for one school; calling it 25,000 times would take minutes).
            by_outcome: dict[str, list[int]] = defaultdict(list)
            for s in batch:
                latest = frameworks.latest_full_inspection(per_school[s.pk])
                by_outcome[frameworks.outcome_key(latest)].append(s.pk)
            ids = [s.pk for s in batch]
            School.objects.filter(pk__in=ids).update(
                latest_full_inspection=Subquery(
                    Inspection.objects.filter(school_id=OuterRef("pk"), inspection_type=frameworks.FULL)
                    .order_by("-start_date", "-pk")
                    .values("pk")[:1]
                )
            )
            for key, pks in by_outcome.items():
                School.objects.filter(pk__in=pks).update(latest_outcome=key)
            t = lap("latest outcome", t)

        counts["schools"] += len(batch)
        counts["open"] += sum(1 for s in batch if s.status != Status.CLOSED)
        counts["inspections"] += len(inspections)
        counts["measures"] += len(measures)
        if profile is None:
            for s in batch:
                mine = per_school[s.pk]
                if s.status == Status.OPEN and len(mine) == 10 and len({i.era for i in mine}) >= 3:
                    profile = (s.urn, len(mine), sum(1 for m in measures if m.school_id == s.pk))
                    break

    if connection.vendor == "sqlite":
        t = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        lap("analyze", t)
    elif connection.vendor == "postgresql":
        t = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        lap("analyze", t)

    if profile is None:  # tiny registers: the school with the most inspections
        s = max(School.objects.filter(authority=authority), key=lambda x: x.inspections.count())
        profile = (s.urn, s.inspections.count(), s.measures.count())
    _check_latest_outcomes(authority)
    _edit(School.objects.get(urn=profile[0]), admin, profile_edits)
    return Register(
        authority=authority,
        user=user,
        admin=admin,
        schools=counts["schools"],
        open_schools=counts["open"],
        inspections=counts["inspections"],
        measures=counts["measures"],
        history_rows=counts["history"],
        profile_urn=profile[0],
        profile_inspections=profile[1],
        profile_measures=profile[2],
        profile_edits=profile_edits,
        network_id=networks[0].pk,
        seconds=time.perf_counter() - started,
        timings=dict(timings),
    )


def _person(rng: random.Random) -> str:
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}"


def _school(rng, authority, trusts, urn, next_number, today) -> School:
    phase, _, endings, numbers, ages, pupils, p_academy, p_free = rng.choices(PHASES, PHASE_WEIGHTS)[0]
    roll = rng.random()
    governance = (
        Governance.ACADEMY if roll < p_academy
        else Governance.FREE_SCHOOL if roll < p_academy + p_free
        else Governance.OTHER if phase == Phase.SIXTEEN_PLUS and roll > 0.95
        else Governance.LA_MAINTAINED
    )
    place = rng.choice(PREFIXES) + rng.choice(ROOTS)
    ending = rng.choice(endings)
    if phase == Phase.PRIMARY and rng.random() < 0.12:
        name = f"{rng.choice(SAINTS)} {ending}, {place}"
    else:
        name = f"{place} {ending}"
    low, high = numbers
    n = next_number.get(numbers, low)
    next_number[numbers] = low if n >= high else n + 1
    status = rng.choices(
        [Status.OPEN, Status.CLOSED, Status.PROPOSED_TO_CLOSE, Status.PROPOSED_TO_OPEN], [94, 4, 1, 1]
    )[0]
    opened = date(rng.randint(1950, 2020), 9, 1)
    est_type, type_group = EST_TYPES[governance]
    return School(
        authority=authority,
        urn=f"{urn:06d}",
        establishment_number=f"{n:04d}",
        name=name,
        phase=phase,
        establishment_type=est_type,
        type_group=type_group,
        governance=governance,
        status=status,
        open_date=opened,
        close_date=date(rng.randint(2015, today.year - 1), 8, 31) if status == Status.CLOSED else None,
        trust=rng.choice(trusts) if governance in (Governance.ACADEMY, Governance.FREE_SCHOOL) else None,
        religious_character=rng.choice(["Church of England", "Roman Catholic"]) if rng.random() < 0.3 else "",
        statutory_low_age=ages[0],
        statutory_high_age=ages[1],
        pupils_on_roll=rng.randint(*pupils),
        headteacher_name=_person(rng),
        headteacher_start_date=date(rng.randint(2005, today.year), 9, 1),
        chair_of_governors_name=_person(rng),
        street=f"{rng.randint(1, 200)} {place} Road",
        town=place,
        postcode=f"ZZ{rng.randint(1, 99)} {rng.randint(1, 9)}{rng.choice('ABDEFGHJ')}{rng.choice('LNPQRSTU')}",
    )


def _inspections(rng: random.Random, school: School, today: date) -> list[Inspection]:
    """About ten inspections from 2006 to today: full ones, with ungraded and monitoring
    inspections between them as Ofsted's cycle would put them."""
    result: list[Inspection] = []
    day = date(2006, 1, 9) + timedelta(days=rng.randint(0, 900))
    headline: str | None = None
    kind = frameworks.FULL
    while day <= today:
        while day.weekday() >= 5:
            day += timedelta(days=1)
        if day > today:
            break
        era = frameworks.era_for_date(day)
        if era is not None:
            judgements: dict[str, str] = {}
            category = ""
            if kind == frameworks.FULL:
                headline = rng.choices(*NEXT_OUTCOME[headline])[0]
                judgements, category = _judgements(rng, era, headline, school.phase)
            publication = day + timedelta(days=rng.randint(18, 40))
            result.append(Inspection(
                school=school, era=era.key, inspection_type=kind, start_date=day,
                publication_date=publication if publication <= today else None,
                judgements=judgements, category_of_concern=category, source=SOURCE,
            ))
        # What comes next depends on the last full outcome.
        if headline == "inadequate":
            kind, gap = rng.choice([(frameworks.MONITORING, 150), (frameworks.MONITORING, 200),
                                    (frameworks.FULL, 600)])
        elif headline == "ri":
            kind, gap = rng.choice([(frameworks.MONITORING, 250), (frameworks.FULL, 800),
                                    (frameworks.FOCUSED_MONITORING, 400)])
        else:
            kind, gap = rng.choice([(frameworks.UNGRADED, 900), (frameworks.FULL, 1000),
                                    (frameworks.UNGRADED, 700)])
        day += timedelta(days=gap + rng.randint(-60, 120))
    return result


def _judgements(rng: random.Random, era: frameworks.Era, headline: str, phase: str) -> tuple[dict[str, str], str]:
    judgements: dict[str, str] = {}
    for area in era.areas:
        if area.key == "early_years" and phase not in (Phase.PRIMARY, Phase.NURSERY, Phase.ALL_THROUGH):
            continue
        if area.key == "sixth_form" and phase not in (Phase.SECONDARY, Phase.ALL_THROUGH, Phase.SIXTEEN_PLUS):
            continue
        scale = area.scale
        if scale.key in ("safeguarding-effective", "safeguarding-met"):
            bad = headline == "inadequate" and rng.random() < 0.4
            judgements[area.key] = scale.grades[1 if bad else 0].key
            continue
        if area.optional and area.key not in ("early_years", "sixth_form") and rng.random() < 0.3:
            continue  # older reports did not always grade every optional area
        grade = GRADE_OF[scale.key][headline]
        if scale.key == "report-card-five-point" and headline == "good":
            grade = rng.choice([EXPECTED_FOR_GOOD, EXPECTED_FOR_GOOD, "strong_standard"])
        if area.key != "overall_effectiveness" and rng.random() < 0.25:  # areas differ a little
            keys = scale.keys
            index = keys.index(grade) + rng.choice([-1, 1])
            grade = keys[min(max(index, 0), len(keys) - 1)]
        judgements[area.key] = grade
    category = ""
    if headline == "inadequate":
        allowed = [key for key, _ in era.categories_of_concern]
        category = rng.choice(allowed)
    errors = frameworks.judgement_errors(era.key, judgements)
    if errors:  # the generator must only ever produce valid data
        raise AssertionError(f"invalid synthetic judgements for {era.key}: {errors}")
    return judgements, category


MEASURE_BASE = {
    Measure.FSM_PERCENT: (5, 55, 1),
    Measure.DISADVANTAGED_PERCENT: (8, 65, 1),
    Measure.EAL_PERCENT: (1, 60, 1),
    Measure.EHCP_PERCENT: (1, 6, 10),
    Measure.SEN_SUPPORT_PERCENT: (6, 24, 10),
    Measure.ATTENDANCE_PERCENT: (880, 970, 10),
    Measure.PERSISTENT_ABSENCE_PERCENT: (40, 320, 10),
}


# The ten context measures of issue 2 (attainment measures added to Measure later are not
# generated: they exist for some phases only).
CONTEXT_MEASURES = [Measure.PUPILS_ON_ROLL, *MEASURE_BASE, Measure.SUSPENSIONS, Measure.PERMANENT_EXCLUSIONS]


def _measures(rng: random.Random, school: School) -> list[ContextMeasure]:
    first_year = timezone.localdate().year - MEASURE_YEARS  # the last five complete years
    pupils = school.pupils_on_roll or 200
    rows: list[ContextMeasure] = []
    base = {m: Decimal(rng.randint(lo, hi)) / scale for m, (lo, hi, scale) in MEASURE_BASE.items()}
    for year in range(first_year, first_year + MEASURE_YEARS):
        source_date = date(year + 1, 1, 18)
        values: dict[str, Decimal | None] = {
            Measure.PUPILS_ON_ROLL: Decimal(max(5, pupils + rng.randint(-30, 30))),
            Measure.SUSPENSIONS: Decimal(rng.randint(0, pupils // 15 + 1)),
            Measure.PERMANENT_EXCLUSIONS: Decimal(rng.randint(0, 3)),
        }
        for measure, value in base.items():
            drift = Decimal(rng.randint(-20, 20)) / 10
            values[measure] = min(Decimal(100), max(Decimal(0), value + drift))
        if values[Measure.PERMANENT_EXCLUSIONS] < 2 and rng.random() < 0.5:
            values[Measure.PERMANENT_EXCLUSIONS] = None  # small numbers are suppressed
        for measure in CONTEXT_MEASURES:
            value = values[measure]
            rows.append(ContextMeasure(
                school=school, academic_year=year, measure=measure, value=value,
                suppressed=value is None, source=f"DfE statistics {year}/{(year + 1) % 100:02d}",
                source_date=source_date,
            ))
    return rows


def _edit(school: School, actor: User, edits: int) -> None:
    """Edits as an LA administrator makes them, through the product's service (history rows)."""
    from improvement.schools.services import school_update

    for n in range(edits):
        school_update(actor=actor, school=school, data={
            "pupils_on_roll": (school.pupils_on_roll or 200) + 5,
            "headteacher_name": f"{FIRST_NAMES[n]} {SURNAMES[n]}" if n % 2 == 0 else school.headteacher_name,
            "telephone": f"0100 000 {n:04d}",
        })


def _check_latest_outcomes(authority: Authority, sample: int = 25) -> None:
    """The bulk denormalisation must agree with the product's one-school refresh."""
    from improvement.schools.selectors import refresh_latest_inspection

    for school in School.objects.filter(authority=authority).order_by("?")[:sample]:
        expected = (school.latest_full_inspection_id, school.latest_outcome)
        refresh_latest_inspection(school)
        got = (school.latest_full_inspection.pk if school.latest_full_inspection else None,
               school.latest_outcome)
        if got != expected:
            raise AssertionError(f"bulk latest outcome {expected} differs from refresh {got} for {school.urn}")
