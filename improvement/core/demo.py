"""The fictional demo authority: invented names only, no real schools or people.

Deterministic (a fixed random seed, dates relative to fixed anchors) and idempotent (every row
is found by its natural key before it is created), so `seed_demo` can run on every `make demo`.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction

from improvement.accounts.models import Authority, User
from improvement.accounts.roles import Role
from improvement.inspections.models import Inspection
from improvement.policy import frameworks
from improvement.schools.models import (
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
from improvement.schools.selectors import refresh_latest_inspection

DEMO_LA_CODE = "999"
DEMO_LA_NAME = "Marlowe Vale Council"
# A documented demo credential, not a secret: seed_demo refuses to run with DEBUG off.
DEMO_PASSWORD = "demo-password-2026"  # noqa: S105
DEMO_EMAIL_DOMAIN = "marlowevale.example"
DEMO_YEARS = (2023, 2024, 2025)
# Fixed anchor so the demo is the same whenever it is seeded; heads "new this year" start here.
CURRENT_YEAR_START = date(2026, 9, 1)

PLACES = [
    "Alderbrook", "Ashcombe", "Beckford", "Birchmere", "Bramblefield", "Brookhaven", "Calder",
    "Castlegate", "Cherrywood", "Clayhill", "Coldharbour", "Copperfield", "Dunmore", "Eastleigh",
    "Elmstead", "Fairhaven", "Fernhill", "Foxglove", "Galeford", "Greystone", "Hartwell",
    "Hawthorn", "Hazelmere", "Heathcote", "Hollybank", "Ivydale", "Juniper", "Kestrel",
    "Kingsmead", "Larchwood", "Lindenfield", "Longmoor", "Maplecroft", "Meadowbank", "Millbrook",
    "Moorfield", "Netherby", "Northgate", "Oakridge", "Orchard Vale", "Pinewood", "Quarry Hill",
    "Ravenscroft", "Redbridge", "Riverside", "Rowan", "Saltmarsh", "Sandpiper", "Silverdale",
    "Southmead", "Springfield", "Stonebridge", "Summerfield", "Swallowfield", "Thornbury",
    "Upperton", "Valley Road", "Westbrook", "Whitecliff", "Willowbank", "Windmill Hill",
    "Woodlands", "Yewtree",
]
FIRST_NAMES = ["Alex", "Sam", "Jordan", "Robin", "Morgan", "Casey", "Jamie", "Taylor", "Avery", "Riley"]
SURNAMES = ["Ashdown", "Brightwell", "Carrow", "Denholm", "Eskdale", "Fenwick", "Glenholm", "Harlow",
            "Inchley", "Jessop", "Kinloch", "Lowther", "Marchbank", "Northey", "Ormsby", "Penrose"]
NETWORKS = ["North Network", "South Network", "East Network", "West Network", "Central Network",
            "Riverside Network"]
TRUSTS = [("Vale Schools Partnership", "TR90001", True), ("Marlowe Learning Trust", "TR90002", True),
          ("Brookside Education Trust", "TR90003", True), ("Northern Star Academies", "TR90004", False),
          ("Compass Multi-Academy Trust", "TR90005", False)]

# (phase, count, name suffix, establishment type, type group, governance options)
PHASE_PLAN = [
    (Phase.NURSERY, 2, "Nursery School", "Local authority nursery school", "Local authority maintained schools", [Governance.LA_MAINTAINED]),
    (Phase.PRIMARY, 78, "Primary School", "Community school", "Local authority maintained schools", [Governance.LA_MAINTAINED, Governance.LA_MAINTAINED, Governance.ACADEMY]),
    (Phase.MIDDLE, 2, "Middle School", "Voluntary controlled school", "Local authority maintained schools", [Governance.LA_MAINTAINED]),
    (Phase.SECONDARY, 22, "Academy", "Academy converter", "Academies", [Governance.ACADEMY, Governance.ACADEMY, Governance.LA_MAINTAINED]),
    (Phase.ALL_THROUGH, 2, "All-through School", "Free schools", "Free Schools", [Governance.FREE_SCHOOL]),
    (Phase.SPECIAL, 8, "Special School", "Community special school", "Special schools", [Governance.LA_MAINTAINED, Governance.ACADEMY]),
    (Phase.PRU_AP, 3, "Learning Centre", "Pupil referral unit", "Local authority maintained schools", [Governance.LA_MAINTAINED]),
    (Phase.SIXTEEN_PLUS, 3, "Sixth Form College", "Academy 16-19 converter", "Academies", [Governance.ACADEMY, Governance.OTHER]),
]

# Inspection histories: each a list of (year, month, type, overall/area grade or report card).
STORYLINES = {
    "steady_good": [(2011, 3, "full", "good"), (2015, 5, "ungraded", None), (2019, 11, "full", "good"), (2023, 6, "ungraded", None)],
    "improving": [(2011, 10, "full", "satisfactory"), (2014, 2, "full", "requires_improvement"), (2017, 6, "full", "good"), (2022, 1, "full", "good")],
    "ri_after_below_good": [(2016, 3, "full", "inadequate"), (2019, 10, "full", "requires_improvement"), (2023, 3, "full", "requires_improvement")],
    "inadequate": [(2012, 1, "full", "good"), (2016, 11, "full", "requires_improvement"), (2022, 10, "full", "inadequate")],
    "outstanding": [(2009, 5, "full", "outstanding"), (2021, 11, "full", "outstanding")],
    "post_2024": [(2014, 6, "full", "good"), (2018, 9, "full", "requires_improvement"), (2025, 1, "full", "eif2024")],
    "report_card": [(2013, 5, "full", "good"), (2019, 12, "full", "requires_improvement"), (2026, 2, "full", "report_card")],
    "report_card_concern": [(2017, 3, "full", "requires_improvement"), (2022, 5, "full", "requires_improvement"), (2026, 5, "full", "report_card_concern")],
}
STORY_WEIGHTS = [("steady_good", 40), ("improving", 18), ("ri_after_below_good", 8), ("inadequate", 4),
                 ("outstanding", 10), ("post_2024", 10), ("report_card", 8), ("report_card_concern", 2)]


@dataclass
class DemoSummary:
    authority: Authority
    schools: int
    users: list[tuple[str, str, str]]  # (role label, email, what they see)


def _judgements(era: frameworks.Era, headline: str, rng: random.Random) -> tuple[dict[str, str], str]:
    """Judgements consistent with the storyline's headline grade, and a category of concern."""
    if era.key == "report-card-2025":
        grades = {a.key: rng.choice(["expected_standard", "strong_standard", "expected_standard"])
                  for a in era.areas if not a.optional}
        grades["safeguarding"] = "met"
        if headline == "report_card_concern":
            grades["leadership_and_governance"] = "urgent_improvement"
            grades["achievement"] = "urgent_improvement"
            return grades, "special_measures"
        grades["attendance_and_behaviour"] = "needs_attention"
        return grades, ""
    if era.key == "eif-2024":
        grades = {a.key: rng.choice(["good", "good", "requires_improvement"]) for a in era.areas
                  if not a.optional}
        grades["safeguarding"] = "effective"
        return grades, ""
    grades = {}
    for area in era.areas:
        if area.optional and area.key != "leadership_and_management":
            continue
        grades[area.key] = headline if area.scale.grade(headline) else "good"
    if "safeguarding" in {a.key for a in era.areas}:
        grades["safeguarding"] = "effective"
    category = ""
    if headline == "inadequate":
        category = "special_measures"
    return grades, category


def _person(rng: random.Random) -> str:
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}"


@transaction.atomic
def seed_demo_authority() -> DemoSummary:
    rng = random.Random(2026)  # noqa: S311  demo data, not security
    authority, _ = Authority.objects.get_or_create(code=DEMO_LA_CODE, defaults={"name": DEMO_LA_NAME})
    networks = [Network.objects.get_or_create(authority=authority, name=name)[0] for name in NETWORKS]
    trusts = [
        Trust.objects.get_or_create(authority=authority, reference=ref, defaults={"name": name, "is_local": local})[0]
        for name, ref, local in TRUSTS
    ]
    stories = [name for name, weight in STORY_WEIGHTS for _ in range(weight)]
    schools: list[School] = []
    place_index = 0
    urn = 990001
    establishment = 2001
    for phase, count, suffix, est_type, group, governances in PHASE_PLAN:
        for n in range(count):
            place = PLACES[place_index % len(PLACES)]
            name = f"{place} {suffix}" if place_index < len(PLACES) else f"{place} {['Church of England', 'St Anne’s', 'Park'][place_index // len(PLACES) - 1]} {suffix}"
            place_index += 1
            governance = governances[n % len(governances)]
            trust = trusts[n % len(trusts)] if governance in (Governance.ACADEMY, Governance.FREE_SCHOOL) else None
            new_head = rng.random() < 0.09
            head_start = CURRENT_YEAR_START if new_head else date(rng.randint(2008, 2025), 9, 1)
            school, created = School.objects.get_or_create(
                urn=f"{urn:06d}",
                defaults={
                    "authority": authority,
                    "establishment_number": f"{establishment:04d}",
                    "name": name,
                    "phase": phase,
                    "establishment_type": "Academy converter" if governance == Governance.ACADEMY and est_type == "Community school" else est_type,
                    "type_group": "Academies" if governance == Governance.ACADEMY else group,
                    "governance": governance,
                    "status": Status.OPEN,
                    "open_date": date(rng.randint(1950, 2015), 9, 1),
                    "trust": trust,
                    "religious_character": "Church of England" if n % 7 == 3 else "Roman Catholic" if n % 11 == 5 else "",
                    "diocese": "Diocese of Marlowe (fictional)" if n % 7 == 3 else "",
                    "statutory_low_age": {Phase.NURSERY: 2, Phase.PRIMARY: 4, Phase.MIDDLE: 9, Phase.SECONDARY: 11, Phase.ALL_THROUGH: 4, Phase.SPECIAL: 3, Phase.PRU_AP: 11, Phase.SIXTEEN_PLUS: 16}[phase],
                    "statutory_high_age": {Phase.NURSERY: 5, Phase.PRIMARY: 11, Phase.MIDDLE: 13, Phase.SECONDARY: 18, Phase.ALL_THROUGH: 18, Phase.SPECIAL: 19, Phase.PRU_AP: 16, Phase.SIXTEEN_PLUS: 19}[phase],
                    "pupils_on_roll": rng.randint(60, 480) if phase != Phase.SECONDARY else rng.randint(700, 1600),
                    "headteacher_name": _person(rng),
                    "headteacher_start_date": head_start,
                    "chair_of_governors_name": _person(rng),
                    "street": f"{rng.randint(1, 120)} {place} Road",
                    "town": "Marlowe",
                    "postcode": f"MV{rng.randint(1, 9)} {rng.randint(1, 9)}{rng.choice('ABDEFGHJ')}{rng.choice('LNPQRSTU')}",
                },
            )
            urn += 1
            establishment += 1
            schools.append(school)
            if created:
                school.networks.set([networks[place_index % len(networks)]])
                SchoolEvent.objects.create(
                    school=school, kind=SchoolEvent.Kind.HEADTEACHER_CHANGE, occurred_on=head_start,
                    detail=f"Headteacher: {school.headteacher_name}", source="Demo data",
                )
            _seed_inspections(school, rng.choice(stories), rng)
            _seed_measures(school, rng)
    # One closed school, succeeded by an academy that keeps its inspection history.
    _seed_conversion(authority, trusts[1], networks[0], rng)
    users = _seed_users(authority, schools, trusts, networks)
    _seed_visits(authority, schools)
    _seed_allocations(authority)
    _seed_documents(authority)
    seed_network_support(authority)
    _seed_interventions(authority)
    _seed_ofsted_events(authority)
    return DemoSummary(authority=authority, schools=School.objects.filter(authority=authority).count(), users=users)


def _seed_inspections(school: School, story: str, rng: random.Random) -> None:
    for year, month, kind, headline in STORYLINES[story]:
        start = date(year, month, 1) + timedelta(days=rng.randint(0, 20))
        while start.weekday() >= 5:
            start += timedelta(days=1)
        era = frameworks.era_for_date(start)
        if era is None:
            continue
        judgements, category = ({}, "") if kind == "ungraded" else _judgements(era, headline, rng)
        Inspection.objects.get_or_create(
            school=school, start_date=start, inspection_type=kind,
            defaults={"era": era.key, "publication_date": start + timedelta(days=rng.randint(20, 45)),
                      "judgements": judgements, "category_of_concern": category, "source": "Demo data"},
        )
    refresh_latest_inspection(school)


def _seed_measures(school: School, rng: random.Random) -> None:
    base = {
        Measure.PUPILS_ON_ROLL: Decimal(school.pupils_on_roll or 200),
        Measure.FSM_PERCENT: Decimal(rng.randint(5, 45)),
        Measure.EAL_PERCENT: Decimal(rng.randint(2, 50)),
        Measure.EHCP_PERCENT: Decimal(rng.randint(1, 6)),
        Measure.SEN_SUPPORT_PERCENT: Decimal(rng.randint(8, 22)),
        Measure.ATTENDANCE_PERCENT: Decimal(rng.randint(900, 965)) / 10,
        Measure.PERSISTENT_ABSENCE_PERCENT: Decimal(rng.randint(50, 280)) / 10,
        Measure.SUSPENSIONS: Decimal(rng.randint(0, 40)),
        Measure.PERMANENT_EXCLUSIONS: Decimal(rng.randint(0, 3)),
    }
    for offset, year in enumerate(DEMO_YEARS):
        for measure, value in base.items():
            drift = Decimal(rng.randint(-15, 15)) / 10 * offset
            suppressed = measure == Measure.PERMANENT_EXCLUSIONS and value < 2
            ContextMeasure.objects.get_or_create(
                school=school, academic_year=year, measure=measure,
                defaults={
                    "value": None if suppressed else max(Decimal(0), min(Decimal(100), value + drift)) if measure.value.endswith("_percent") else max(Decimal(0), value + drift),
                    "suppressed": suppressed,
                    "source": "Demo data (fictional)",
                    "source_date": date(year + 1, 1, 15),
                },
            )


def _seed_conversion(authority: Authority, trust: Trust, network: Network, rng: random.Random) -> None:
    predecessor, created = School.objects.get_or_create(
        urn="989001",
        defaults={"authority": authority, "establishment_number": "4001", "name": "Old Forge Community School",
                  "phase": Phase.SECONDARY, "governance": Governance.LA_MAINTAINED, "status": Status.CLOSED,
                  "establishment_type": "Community school", "type_group": "Local authority maintained schools",
                  "open_date": date(1972, 9, 1), "close_date": date(2021, 8, 31), "town": "Marlowe"},
    )
    _seed_inspections(predecessor, "improving", rng)
    successor, created = School.objects.get_or_create(
        urn="989002",
        defaults={"authority": authority, "establishment_number": "4002", "name": "Old Forge Academy",
                  "phase": Phase.SECONDARY, "governance": Governance.ACADEMY, "status": Status.OPEN,
                  "establishment_type": "Academy converter", "type_group": "Academies", "trust": trust,
                  "open_date": date(2021, 9, 1), "predecessor": predecessor, "pupils_on_roll": 1100,
                  "headteacher_name": _person(rng), "headteacher_start_date": date(2021, 9, 1), "town": "Marlowe"},
    )
    if created:
        successor.networks.set([network])
        SchoolEvent.objects.create(school=successor, kind=SchoolEvent.Kind.CONVERSION, occurred_on=date(2021, 9, 1),
                                   detail="Converted from Old Forge Community School (URN 989001)", source="Demo data")
    refresh_latest_inspection(successor)


def _seed_users(authority, schools, trusts, networks) -> list[tuple[str, str, str]]:
    head_school = next(s for s in schools if s.phase == Phase.PRIMARY)
    plan = [
        (Role.LA_ADMIN, "admin", None, None, "Everything in the authority; adds and edits schools, inspections and measures"),
        (Role.SENIOR_ADVISER, "senior.adviser", None, None, "All schools in the authority and their change history"),
        (Role.MONITORING_OFFICER, "officer", None, None, "Their visits, records, diary and allocated schools"),
        (Role.MONITORING_OFFICER, "officer2", None, None, "A second officer: takes over three schools this year"),
        (Role.NETWORK_LEAD, "network.lead", None, None, "All schools in the authority, read only; leads the North Network"),
        (Role.LA_VIEWER, "viewer", None, None, "All schools in the authority, read only"),
        (Role.HEADTEACHER, "head", head_school, None, f"Only {head_school.name}"),
        (Role.CHAIR_OF_GOVERNORS, "chair", head_school, None, f"Only {head_school.name}"),
        (Role.TRUST_CEO, "trust.ceo", None, trusts[1], f"Only the schools of {trusts[1].name}"),
    ]
    users = []
    for role, local_part, school, trust, sees in plan:
        email = f"{local_part}@{DEMO_EMAIL_DOMAIN}"
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User(email=email, full_name=f"Demo {role.label}", authority=authority, role=role,
                        school=school, trust=trust)
            user.set_password(DEMO_PASSWORD)
            user.save()
        users.append((role.label, email, sees))
        if role == Role.NETWORK_LEAD and networks[0].lead_id is None:
            networks[0].lead = user
            networks[0].save(update_fields=["lead"])
    return users


def _seed_visits(authority: Authority, schools: list[School]) -> None:
    """A few records at different points of their life, written through the visit services
    so the demo shows the real lifecycle: distributed, awaiting the head's check, and a draft
    that carries the first visit's open actions forward."""
    from improvement.policy import record_templates
    from improvement.visits import services as visit_services
    from improvement.visits.models import Visit

    officer = User.objects.get(email=f"officer@{DEMO_EMAIL_DOMAIN}")
    head = User.objects.get(email=f"head@{DEMO_EMAIL_DOMAIN}")
    head_school = head.school
    if Visit.objects.filter(school__authority=authority).exists():
        return
    template = record_templates.get_template("coventry-cmo-record-of-visit", 1)
    first = visit_services.create_visit(
        actor=officer, school=head_school, template=template, day=date(2026, 9, 22),
        focus="SEND & Inclusion", staff_present=[{"role": "Headteacher", "name": "HT"},
                                                  {"role": "SENDCo", "name": "SENDCo"}],
    )
    record = first.record
    content = dict(record.content)
    content.update({
        "on_the_ground_monitoring": (
            "Learning walk with the SENDCo across Years 3 to 6. Most pupils with SEN support "
            "were working on adapted tasks that matched their plans; in two classes adaptations "
            "were less consistent and relied on adult support."
        ),
        "further_actions": [
            {"text": "Share the adaptive teaching checklist with all class teachers", "lead": "SENDCo",
             "by_when": "17/10/2026"},
            {"text": "Review provision maps for pupils with EHC plans with parents", "lead": "HT",
             "by_when": "11/12/2026"},
        ],
    })
    visit_services.ensure_row_uids(template, content)
    visit_services.save_record(actor=officer, visit=first, content=content, expected_version=record.version)
    for actor, step in ((officer, "send"), (head, "confirm_accurate"), (officer, "finalise"),
                        (officer, "distribute")):
        visit_services.transition(actor=actor, visit=first, step_name=step)
    # The second visit's draft carries the first visit's open actions forward for review.
    visit_services.create_visit(
        actor=officer, school=head_school, template=template, day=date(2026, 11, 17),
        focus="Subject leadership",
    )
    awaiting = next(s for s in schools if s.pk != head_school.pk and s.phase == Phase.PRIMARY)
    sent = visit_services.create_visit(actor=officer, school=awaiting, template=template,
                                       day=date(2026, 10, 6), focus="Behaviour & Attitudes")
    sent_content = dict(sent.record.content)
    sent_content["on_the_ground_monitoring"] = (
        "Pupil voice and a behaviour walk at lunchtime; routines were calm and consistent."
    )
    visit_services.save_record(actor=officer, visit=sent, content=sent_content,
                               expected_version=sent.record.version)
    visit_services.transition(actor=officer, visit=sent, step_name="send")


def _seed_allocations(authority: Authority) -> None:
    """Officers allocated for last year and this year; three schools change officer this
    year, so the demo shows the Kent handover checklist and the continuity figures."""
    from improvement.planning import services as planning_services
    from improvement.planning.models import OfficerAllocation

    if OfficerAllocation.objects.filter(school__authority=authority).exists():
        return
    adviser = User.objects.get(email=f"senior.adviser@{DEMO_EMAIL_DOMAIN}")
    officers = [User.objects.get(email=f"officer@{DEMO_EMAIL_DOMAIN}"),
                User.objects.get(email=f"officer2@{DEMO_EMAIL_DOMAIN}")]
    open_schools = [s for s in School.objects.filter(authority=authority).order_by("urn") if s.is_open]
    for index, school in enumerate(open_schools):
        last_year_officer = officers[index % 2]
        planning_services.allocate_officer(actor=adviser, school=school, academic_year="2025/26",
                                           officer=last_year_officer)
        this_year_officer = officers[1] if index in (0, 2, 4) else last_year_officer
        planning_services.allocate_officer(
            actor=adviser, school=school, academic_year="2026/27", officer=this_year_officer,
            reason="Rebalanced caseloads" if this_year_officer != last_year_officer else "",
        )


DEMO_NETWORK_YEAR = "2026/27"


def seed_network_support(authority: Authority) -> None:
    """Network focus support for 2026/27 in the first two demo networks, through the network
    services: up to two focus schools added by hand in each (a head new this September first),
    support for them, and funding for every open school with a larger share for focus schools.
    The North Network's lead records their own network; a senior adviser the other. Once only:
    nothing is added when the authority already has network funding for the year."""
    from improvement.networks import services as network_services
    from improvement.networks.models import FundingAllocation, SupportKind, SupportStatus

    if FundingAllocation.objects.filter(network__authority=authority, academic_year=DEMO_NETWORK_YEAR).exists():
        return
    adviser = User.objects.get(email=f"senior.adviser@{DEMO_EMAIL_DOMAIN}")
    for name in NETWORKS[:2]:
        network = Network.objects.select_related("lead").get(authority=authority, name=name)
        actor = network.lead or adviser
        schools = list(network.schools.exclude(status=Status.CLOSED).order_by("urn"))
        if len(schools) < 4:  # two focus schools and two others to support and compare
            continue
        new_heads = [s for s in schools if s.headteacher_start_date == CURRENT_YEAR_START]
        primaries = [s for s in schools if s.phase == Phase.PRIMARY and s not in new_heads]
        focus = new_heads[:1] + (primaries or [s for s in schools if s not in new_heads])[:1]
        others = [s for s in schools if s not in focus]
        for school in focus:
            is_new_head = school in new_heads
            # A partner of the same phase where there is one.
            partner = next((s for s in others if s.phase == school.phase), others[0])
            network_services.add_focus_school(
                actor=actor, school=school, academic_year=DEMO_NETWORK_YEAR, added_on=date(2026, 9, 4),
                reason=("New headteacher from 1 September 2026." if is_new_head else
                        "Self-evaluation after the summer review judged the quality of education less than "
                        "Good; a new deputy headteacher from September."),
            )
            network_services.record_support_offer(
                actor=actor, school=school, academic_year=DEMO_NETWORK_YEAR,
                kind=SupportKind.MENTOR_NEW_HEADTEACHER if is_new_head else SupportKind.PAIRED_SCHOOL,
                partner_school=None if is_new_head else partner,
                description=("Half-termly mentoring meetings and a joint learning walk each term." if is_new_head
                             else "Joint curriculum reviews with a school that has raised the quality of "
                                  "education in reading."),
                provided_by=f"Headteacher of {partner.name}", start_date=date(2026, 9, 14),
                status=SupportStatus.IN_PLACE,
            )
        network_services.record_support_offer(
            actor=actor, school=focus[-1], academic_year=DEMO_NETWORK_YEAR,
            kind=SupportKind.LEADERSHIP_SUPPORT, description="Coaching for the new deputy headteacher.",
            provided_by=f"Deputy headteacher of {others[1].name}", start_date=date(2026, 10, 5),
            status=SupportStatus.OFFERED,
        )
        for school in schools:
            in_focus = school in focus
            network_services.allocate_funding(
                actor=actor, network=network, school=school, academic_year=DEMO_NETWORK_YEAR,
                amount=Decimal("3000.00") if in_focus else Decimal("1200.00"),
                purpose=("Release time for mentoring and joint reviews." if in_focus
                         else "Network reading project: training and resources."),
            )


def _seed_interventions(authority: Authority) -> None:
    """Support and intervention through the services, so the demo shows each stage: a School
    Improvement Board (entered by decision) whose entry minutes wait for the school's accuracy
    check and whose next meeting is days away; the demo headteacher's school in a Progress Check-In after exiting a
    board, its latest minutes waiting for the head's accuracy check; and Round Table Meetings
    convened by an officer. Once only."""
    from django.utils import timezone

    from improvement.interventions import services as intervention_services
    from improvement.interventions.models import Process

    if Process.objects.filter(school__authority=authority).exists():
        return
    adviser = User.objects.get(email=f"senior.adviser@{DEMO_EMAIL_DOMAIN}")
    officer = User.objects.get(email=f"officer@{DEMO_EMAIL_DOMAIN}")
    head = User.objects.get(email=f"head@{DEMO_EMAIL_DOMAIN}")

    def at(day: date, hour: int = 15, minute: int = 30):
        return timezone.make_aware(datetime.combine(day, time(hour, minute)))

    def write(meeting, **fields):
        from improvement.interventions.models import Meeting
        from improvement.visits.services import ensure_row_uids

        meeting = Meeting.objects.get(pk=meeting.pk)
        content = ensure_row_uids(meeting.template, {**meeting.content, **fields})
        return intervention_services.save_minutes(actor=adviser, meeting=meeting, content=content,
                                                  expected_version=meeting.version)

    def steps(meeting, *names):
        for name in names:
            actor = meeting.process.school.accounts.filter(role=Role.HEADTEACHER).first() if name in (
                "confirm_accurate", "comment") else adviser
            meeting = intervention_services.take_step(actor=actor or adviser, meeting=meeting, step_name=name)
        return meeting

    at_risk = list(School.objects.filter(authority=authority, status=Status.OPEN,
                                         latest_outcome__in=["inadequate", "requires_improvement"])
                   .exclude(pk=head.school_id).order_by("latest_outcome", "urn")[:2])
    if len(at_risk) < 2:
        return
    board_school, rtm_school = at_risk

    # A School Improvement Board, entered by decision, with shared entry minutes.
    intervention_services.record_decision(
        actor=adviser, school=board_school, kind="sib_entry", grounds="insufficient_progress",
        outcome="The school enters the School Improvement Board process.",
        reasons="Actions agreed at monitoring visits last year were not completed and leadership capacity is a "
                "significant concern.", decided_by=adviser, decided_on=date(2026, 9, 4),
    )
    sib = intervention_services.open_process(
        actor=adviser, school=board_school, kind="sib", opened_on=date(2026, 9, 7),
        reason="Inspection judged leadership and management less than good; rapid improvement is needed.",
        chair=adviser, first_meeting_at=at(date(2026, 9, 28)), venue="At the school, meeting room",
    )
    entry = steps(sib.meetings.get(), "hold")
    write(entry, background="Entered following the decision of 4 September 2026.",
          context="Attendance below the authority average; two new teachers in Key Stage 2.",
          key_actions_progress="A new reading programme from September; phonics training for all staff.",
          outcome_discussion="Leaders understand the priorities; capacity in middle leadership is still thin.",
          agreed_actions=[{"text": "Daily reading checks for the lowest 20% of readers", "lead_role": "Deputy head",
                           "lead_initials": "DH", "monitored_by": "Chair of governors",
                           "success_measure": "Phonics tracker shows 80% on track", "by_when": "11/12/2026"}])
    intervention_services.record_outcome(actor=adviser, meeting=entry, outcome="next_half_term", confident_good="no",
                                         next_starts_at=at(date(2026, 11, 27)), next_venue="At the school")
    # Only the demo headteacher's school has a headteacher account, so these minutes wait for
    # the school's accuracy check.
    steps(entry, "send")

    # The demo headteacher's school: exited a board in July, now in a Progress Check-In.
    old_sib = intervention_services.open_process(
        actor=adviser, school=head.school, kind="sib", opened_on=date(2025, 10, 6),
        reason="Requires improvement with leadership and management requiring improvement.",
        chair=adviser, first_meeting_at=at(date(2025, 10, 20)), venue="At the school",
    )
    old_entry = steps(old_sib.meetings.get(), "hold")
    intervention_services.record_outcome(actor=adviser, meeting=old_entry, outcome="exit_agenda",
                                         confident_good="yes", next_starts_at=at(date(2026, 7, 6)),
                                         next_venue="At the school")
    steps(old_entry, "send", "confirm_accurate", "finalise", "share")
    exit_meeting = steps(old_entry.__class__.objects.get(pk=old_entry.pk).next_meeting, "hold")
    write(exit_meeting, outcome_discussion="Leadership is now secure; outcomes have risen for two years.")
    intervention_services.record_outcome(actor=adviser, meeting=exit_meeting, outcome="exit_to_pci",
                                         confident_good="yes", next_starts_at=at(date(2026, 11, 16)),
                                         next_venue="At the school")
    steps(exit_meeting, "send", "confirm_accurate", "finalise", "share")
    pci_meeting = exit_meeting.__class__.objects.get(pk=exit_meeting.pk).next_meeting
    pci_meeting = steps(pci_meeting, "hold")
    write(pci_meeting, ofsted_areas_progress="Writing in Key Stage 2: books show sustained improvement.",
          agreed_actions=[{"text": "Moderate Year 6 writing with a partner school", "lead_role": "English lead",
                           "lead_initials": "EL", "by_when": "26/03/2027"}])
    intervention_services.record_outcome(actor=adviser, meeting=pci_meeting, outcome="continue", confident_good="",
                                         next_starts_at=at(date(2027, 1, 18)), next_venue="At the school")
    steps(pci_meeting, "send")

    # Round Table Meetings convened by the school's officer.
    intervention_services.open_process(
        actor=officer, school=rtm_school, kind="rtm", opened_on=date(2026, 10, 5),
        reason="Substantial support: the round table keeps the support on track against the raising attainment plan.",
        chair=officer, first_meeting_at=at(date(2026, 12, 8), 9, 0), venue="At the school",
    )


def _seed_documents(authority: Authority) -> None:
    """Board pre-reads for the three schools most at risk (inadequate first, then requires
    improvement): a self-evaluation PDF and an improvement plan in Word, uploaded by the
    monitoring officer through the documents service. Skips any kind a school already has."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from improvement.documents import demo_files
    from improvement.documents import services as document_services
    from improvement.documents.models import DocumentKind, SchoolDocument

    officer = User.objects.get(email=f"officer@{DEMO_EMAIL_DOMAIN}")
    outcomes = dict(frameworks.OUTCOME_CHOICES)
    at_risk = [
        school
        for outcome in ("inadequate", "requires_improvement")
        for school in School.objects.filter(authority=authority, status=Status.OPEN, latest_outcome=outcome)
        .order_by("urn")
    ][:3]
    for school in at_risk:
        files = [
            (DocumentKind.SELF_EVALUATION, "Self-evaluation, autumn 2026", "self-evaluation-autumn-2026.pdf",
             lambda school=school: demo_files.self_evaluation_pdf(school.name, outcomes[school.latest_outcome])),
            (DocumentKind.IMPROVEMENT_PLAN, "School improvement plan 2026/27", "school-improvement-plan-2026-27.docx",
             lambda school=school: demo_files.improvement_plan_docx(school.name)),
        ]
        for kind, title, filename, build in files:
            if SchoolDocument.objects.filter(school=school, kind=kind).exists():
                continue
            document_services.upload_document(actor=officer, school=school, kind=kind, title=title,
                                               uploaded_file=SimpleUploadedFile(filename, build()))


def _seed_ofsted_events(authority: Authority) -> None:
    """Ofsted inspection events through the services: for two schools, a notification of this
    autumn's inspection and its feedback form (a couple of grades differing, so provisional
    inspections appear in their histories); and feedback forms for earlier published
    inspections, so the calibration page has something to show (one of them a 2012 framework
    requires improvement inspection, with the HMI visit that followed). Once only.

    The two schools are good or better, so their new inspection never moves a school into or
    out of the at-risk lists the other demo data is chosen from."""
    from django.utils import timezone

    from improvement.ofsted_events import services as ofsted
    from improvement.ofsted_events.deadlines import inspection_last_day
    from improvement.ofsted_events.models import InspectionFeedback, OfstedNotification
    from improvement.policy.calendar import add_working_days

    if InspectionFeedback.objects.filter(school__authority=authority).exists():
        return
    adviser = User.objects.get(email=f"senior.adviser@{DEMO_EMAIL_DOMAIN}")
    officer = User.objects.get(email=f"officer@{DEMO_EMAIL_DOMAIN}")
    head_school = User.objects.get(email=f"head@{DEMO_EMAIL_DOMAIN}").school

    def at(day: date, hour: int, minute: int = 0):
        return timezone.make_aware(datetime.combine(day, time(hour, minute)))

    era = frameworks.get_era("report-card-2025")
    recent = [
        # (inspection day, the school's grades where they differ from Ofsted's, with why)
        (date(2026, 11, 3), {"achievement": ("strong_standard", "expected_standard",
                                             "The school's own assessment of reading in Year 2 was more generous "
                                             "than the inspectors found."),
                             "attendance_and_behaviour": ("expected_standard", "needs_attention",
                                                          "Persistent absence of disadvantaged pupils was higher "
                                                          "than the school's figures showed.")}),
        (date(2026, 11, 17), {"inclusion": ("expected_standard", "strong_standard",
                                            "The school undersold its SEND provision; inspectors saw strong "
                                            "adaptive teaching."),
                              "leadership_and_governance": ("strong_standard", "expected_standard",
                                                            "Governors' challenge is not yet recorded well enough.")}),
    ]
    recorded = []
    candidates = (School.objects.filter(authority=authority, status=Status.OPEN, phase=Phase.PRIMARY,
                                        latest_outcome__in=["outstanding", "good"])
                  .exclude(pk=head_school.pk).order_by("urn"))
    for school, (day, differing) in zip(candidates, recent, strict=False):
        notification = ofsted.log_notification(actor=officer, school=school, details=ofsted.NotificationDetails(
            called_at=at(day - timedelta(days=1), 12, 20), inspection_type=frameworks.FULL, inspection_starts_on=day,
            lead_inspector="His Majesty's Inspector (demo)", told_by="Headteacher",
            told_la_at=at(day - timedelta(days=1), 12, 45)))
        grades = []
        for area in era.areas:
            if area.optional:
                continue
            ofsted_grade = "met" if area.key == "safeguarding" else "expected_standard"
            mine, ofsted_grade, why = differing.get(area.key, (ofsted_grade, ofsted_grade, ""))
            grades.append(ofsted.GradeEntry(area.key, mine, ofsted_grade, why))
        OfstedNotification.objects.filter(pk=notification.pk).update(
            logged_at=notification.told_la_at + timedelta(minutes=10))
        details = ofsted.FeedbackDetails(
            era=era.key, inspection_date=day, lead_inspector=notification.lead_inspector, grades=grades,
            main_findings="Pupils are safe and happy; the curriculum is well planned. Reading in Key Stage 1 is "
                          "not yet consistently strong.",
            improvements="Make sure the weakest readers catch up quickly; sharpen governors' oversight of "
                         "attendance.")
        recorded.append(ofsted.record_feedback(actor=officer, school=school, notification=notification,
                                               details=details))

    # Earlier published inspections, with the feedback the LA recorded at the time.
    picked: list[Inspection] = []
    for era_key, count in (("s5-2012", 3), ("eif-2019", 4), ("report-card-2025", 2)):
        # Requires improvement sorts first, so the 2012 framework's monitoring shows.
        inspections = (Inspection.objects.filter(school__authority=authority, school__status=Status.OPEN,
                                                 era=era_key, inspection_type=frameworks.FULL, is_provisional=False)
                       .select_related("school")
                       .order_by("-judgements__overall_effectiveness", "school__urn", "start_date"))
        taken = 0
        for inspection in inspections:
            if taken < count and all(p.school_id != inspection.school_id for p in picked):
                picked.append(inspection)
                taken += 1
    head_latest = (Inspection.objects.filter(school=head_school, inspection_type=frameworks.FULL)
                   .order_by("-start_date").first())
    if head_latest is not None and head_latest not in picked:
        picked.append(head_latest)  # so the demo headteacher can read a published form
    for n, inspection in enumerate(picked):
        era = frameworks.get_era(inspection.era)
        grades = []
        for m, area in enumerate(era.areas):
            theirs = inspection.judgements.get(area.key, "")
            grade = area.scale.grade(theirs)
            if grade is None:
                continue
            shift = -1 if (n + m) % 4 == 0 else 1 if (n + m) % 7 == 3 else 0  # -1: the school rated itself higher
            if area.key == "safeguarding":
                shift = 0
            mine = next((g.key for g in area.scale.grades if g.rank == grade.rank + shift), theirs)
            why = "" if mine == theirs else (
                "The school's self-evaluation was more generous than the evidence inspectors saw."
                if shift < 0 else "The school was more cautious than the inspectors.")
            grades.append(ofsted.GradeEntry(area.key, mine, theirs, why))
        recorded.append(ofsted.record_feedback(actor=adviser, school=inspection.school, details=ofsted.FeedbackDetails(
            era=era.key, inspection_date=inspection.start_date, lead_inspector="Lead inspector (demo)",
            grades=grades, category_of_concern=inspection.category_of_concern,
            main_findings="Recorded at the feedback meeting at the end of the inspection.")))
        ri_leadership = inspection.judgements.get("leadership_and_management") == "requires_improvement"
        if era.key == "s5-2012" and inspection.judgements.get("overall_effectiveness") == "requires_improvement" \
                and ri_leadership:
            ofsted.record_monitoring_feedback(actor=adviser, school=inspection.school, details=ofsted.MonitoringDetails(
                visit_date=_hmi_visit_day(inspection.start_date), context="below_good",
                lead_inspector="His Majesty's Inspector (demo)", days=Decimal("1"), lessons_observed=5,
                overall_progress="effective_action",
                key_issues=[ofsted.KeyIssueEntry(1, "Improve the quality of teaching in mathematics", 3),
                            ofsted.KeyIssueEntry(2, "Strengthen governors' challenge to leaders", 2)]))
    # Each form sent in the day after the inspection ended, within the handbook's two days.
    for feedback in recorded:
        sent = add_working_days(inspection_last_day(feedback.inspection_date, frameworks.FULL), 1)
        InspectionFeedback.objects.filter(pk=feedback.pk).update(recorded_at=at(sent, 16))
    if picked:
        ofsted.record_subject_feedback(actor=adviser, school=picked[0].school, details=ofsted.SubjectDetails(
            inspection_date=date(2026, 6, 9), lead_inspector="His Majesty's Inspector (demo)", focus="Geography",
            outcomes="Pupils know more about places and use maps well; fieldwork is planned in every year.",
            hmi_judgement=2))


def _hmi_visit_day(inspection_start: date) -> date:
    """A weekday five weeks after an inspection (inside the 2012 pack's HMI window)."""
    day = inspection_start + timedelta(weeks=5)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day
