"""Ofsted inspection framework eras: their dates, graded areas and grade scales, as data.

This is the one registry every part of the product asks about eras. It is pure Python (no
Django) so the policy engine can use it on plain snapshots. Facts come from
shared/research/domain-facts.md section 1.

The helpers at the bottom answer questions about an inspection history honestly: where an era
gives no overall grade they say "not determinable" and why, never a guess.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Protocol


@dataclass(frozen=True)
class Grade:
    key: str
    label: str
    # Rank orders grades within one scale: 1 is best. Grades from different scales are never
    # compared by rank (Ofsted says report-card grades cannot be compared with the old ones).
    rank: int
    below_good: bool | None = None


@dataclass(frozen=True)
class Scale:
    key: str
    grades: tuple[Grade, ...]

    def grade(self, key: str) -> Grade | None:
        return self._by_key.get(key)

    @cached_property
    def _by_key(self) -> dict[str, Grade]:
        # Built once per scale (the engine asks per school); the first grade of a key wins.
        return {g.key: g for g in reversed(self.grades)}

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(g.key for g in self.grades)

    def choices(self) -> list[tuple[str, str]]:
        return [(g.key, g.label) for g in self.grades]


@dataclass(frozen=True)
class Area:
    key: str
    label: str
    scale: Scale
    # Areas that apply only to some schools (early years, sixth form) are optional.
    optional: bool = False


@dataclass(frozen=True)
class Era:
    key: str
    name: str
    starts: date
    ends: date | None  # inclusive; None while the era is current
    areas: tuple[Area, ...]
    has_overall_grade: bool
    categories_of_concern: tuple[tuple[str, str], ...]
    notes: str = ""
    inspection_types: tuple[str, ...] = field(default=())

    def area(self, key: str) -> Area | None:
        return self._areas_by_key.get(key)

    @cached_property
    def _areas_by_key(self) -> dict[str, Area]:
        # Built once per era (the engine asks per school); the first area of a key wins.
        return {a.key: a for a in reversed(self.areas)}

    def covers(self, day: date) -> bool:
        return self.starts <= day and (self.ends is None or day <= self.ends)


FOUR_POINT_2005 = Scale(
    "four-point-satisfactory",
    (
        Grade("outstanding", "Outstanding", 1, below_good=False),
        Grade("good", "Good", 2, below_good=False),
        Grade("satisfactory", "Satisfactory", 3, below_good=True),
        Grade("inadequate", "Inadequate", 4, below_good=True),
    ),
)
FOUR_POINT_2012 = Scale(
    "four-point-requires-improvement",
    (
        Grade("outstanding", "Outstanding", 1, below_good=False),
        Grade("good", "Good", 2, below_good=False),
        Grade("requires_improvement", "Requires improvement", 3, below_good=True),
        Grade("inadequate", "Inadequate", 4, below_good=True),
    ),
)
SAFEGUARDING_EFFECTIVE = Scale(
    "safeguarding-effective",
    (
        Grade("effective", "Effective", 1),
        Grade("not_effective", "Not effective", 2),
    ),
)
REPORT_CARD = Scale(
    "report-card-five-point",
    (
        Grade("exceptional", "Exceptional", 1),
        Grade("strong_standard", "Strong standard", 2),
        Grade("expected_standard", "Expected standard", 3),
        Grade("needs_attention", "Needs attention", 4),
        Grade("urgent_improvement", "Urgent improvement", 5),
    ),
)
SAFEGUARDING_MET = Scale(
    "safeguarding-met",
    (
        Grade("met", "Met", 1),
        Grade("not_met", "Not met", 2),
    ),
)

FULL = "full"
UNGRADED = "ungraded"
MONITORING = "monitoring"
FOCUSED_MONITORING = "focused_monitoring"
INSPECTION_TYPES: tuple[tuple[str, str], ...] = (
    (FULL, "Full (section 5 / graded)"),
    (UNGRADED, "Ungraded (section 8)"),
    (MONITORING, "Monitoring (section 8)"),
    (FOCUSED_MONITORING, "Focused monitoring / urgent (section 8)"),
)

CATEGORY_NOTICE_TO_IMPROVE = ("notice_to_improve", "Notice to improve")
CATEGORY_SPECIAL_MEASURES = ("special_measures", "Special measures")
CATEGORY_SERIOUS_WEAKNESSES = ("serious_weaknesses", "Serious weaknesses")
CATEGORY_REQUIRES_SIGNIFICANT_IMPROVEMENT = (
    "requires_significant_improvement",
    "Requires significant improvement",
)


def _eif_areas(*, with_overall: bool) -> tuple[Area, ...]:
    areas = [
        Area("quality_of_education", "Quality of education", FOUR_POINT_2012),
        Area("behaviour_and_attitudes", "Behaviour and attitudes", FOUR_POINT_2012),
        Area("personal_development", "Personal development", FOUR_POINT_2012),
        Area("leadership_and_management", "Leadership and management", FOUR_POINT_2012),
        Area("early_years", "Early years provision", FOUR_POINT_2012, optional=True),
        Area("sixth_form", "Sixth form provision", FOUR_POINT_2012, optional=True),
        Area("safeguarding", "Safeguarding", SAFEGUARDING_EFFECTIVE, optional=True),
    ]
    if with_overall:
        areas.insert(0, Area("overall_effectiveness", "Overall effectiveness", FOUR_POINT_2012))
    return tuple(areas)


ERAS: tuple[Era, ...] = (
    Era(
        key="s5-2005",
        name="Section 5, 2005 to 2012",
        starts=date(2005, 9, 1),
        ends=date(2012, 8, 31),
        areas=(
            Area("overall_effectiveness", "Overall effectiveness", FOUR_POINT_2005),
            Area("achievement", "Achievement of pupils", FOUR_POINT_2005, optional=True),
            Area("quality_of_teaching", "Quality of teaching", FOUR_POINT_2005, optional=True),
            Area("behaviour_and_safety", "Behaviour and safety", FOUR_POINT_2005, optional=True),
            Area(
                "leadership_and_management",
                "Leadership and management",
                FOUR_POINT_2005,
                optional=True,
            ),
            Area("capacity_to_improve", "Capacity for sustained improvement", FOUR_POINT_2005,
                 optional=True),
            Area("early_years", "Early years foundation stage", FOUR_POINT_2005, optional=True),
            Area("sixth_form", "Sixth form", FOUR_POINT_2005, optional=True),
        ),
        has_overall_grade=True,
        categories_of_concern=(CATEGORY_NOTICE_TO_IMPROVE, CATEGORY_SPECIAL_MEASURES),
    ),
    Era(
        key="s5-2012",
        name="Section 5, 2012 to 2019",
        starts=date(2012, 9, 1),
        ends=date(2019, 8, 31),
        areas=(
            Area("overall_effectiveness", "Overall effectiveness", FOUR_POINT_2012),
            Area("leadership_and_management", "Effectiveness of leadership and management",
                 FOUR_POINT_2012),
            Area("quality_of_teaching", "Quality of teaching, learning and assessment",
                 FOUR_POINT_2012),
            Area("personal_development_behaviour", "Personal development, behaviour and welfare",
                 FOUR_POINT_2012, optional=True),
            Area("outcomes", "Outcomes for pupils", FOUR_POINT_2012),
            Area("early_years", "Early years provision", FOUR_POINT_2012, optional=True),
            Area("sixth_form", "16 to 19 study programmes", FOUR_POINT_2012, optional=True),
        ),
        has_overall_grade=True,
        categories_of_concern=(CATEGORY_SERIOUS_WEAKNESSES, CATEGORY_SPECIAL_MEASURES),
        notes="Requires improvement replaced satisfactory in September 2012.",
    ),
    Era(
        key="eif-2019",
        name="Education inspection framework, 2019 to 2024",
        starts=date(2019, 9, 1),
        ends=date(2024, 9, 1),
        areas=_eif_areas(with_overall=True),
        has_overall_grade=True,
        categories_of_concern=(CATEGORY_SERIOUS_WEAKNESSES, CATEGORY_SPECIAL_MEASURES),
    ),
    Era(
        key="eif-2024",
        name="Education inspection framework without overall grade, 2024 to 2025",
        starts=date(2024, 9, 2),
        ends=date(2025, 11, 9),
        areas=_eif_areas(with_overall=False),
        has_overall_grade=False,
        categories_of_concern=(CATEGORY_SERIOUS_WEAKNESSES, CATEGORY_SPECIAL_MEASURES),
        notes="From 2 September 2024 state-funded schools received no overall effectiveness grade.",
    ),
    Era(
        key="report-card-2025",
        name="Report cards, from November 2025",
        starts=date(2025, 11, 10),
        ends=None,
        areas=(
            Area("inclusion", "Inclusion", REPORT_CARD),
            Area("curriculum_and_teaching", "Curriculum and teaching", REPORT_CARD),
            Area("achievement", "Achievement", REPORT_CARD),
            Area("attendance_and_behaviour", "Attendance and behaviour", REPORT_CARD),
            Area("personal_development", "Personal development and well-being", REPORT_CARD),
            Area("leadership_and_governance", "Leadership and governance", REPORT_CARD),
            Area("early_years", "Early years", REPORT_CARD, optional=True),
            Area("sixth_form", "Sixth form / post-16", REPORT_CARD, optional=True),
            Area("safeguarding", "Safeguarding", SAFEGUARDING_MET),
        ),
        has_overall_grade=False,
        categories_of_concern=(
            CATEGORY_REQUIRES_SIGNIFICANT_IMPROVEMENT,
            CATEGORY_SPECIAL_MEASURES,
        ),
        notes="Report cards give no overall grade; grades cannot be compared with earlier scales.",
    ),
)

ERAS_BY_KEY: Mapping[str, Era] = {era.key: era for era in ERAS}
ERA_CHOICES: list[tuple[str, str]] = [(era.key, era.name) for era in ERAS]
ALL_CATEGORIES: list[tuple[str, str]] = list(
    dict.fromkeys(cat for era in ERAS for cat in era.categories_of_concern)
)


def era_for_date(day: date) -> Era | None:
    """The era whose dates cover `day`, or None before September 2005."""
    return next((era for era in ERAS if era.covers(day)), None)


def get_era(key: str) -> Era:
    try:
        return ERAS_BY_KEY[key]
    except KeyError:
        raise KeyError(f"Unknown inspection framework era {key!r}") from None


def judgement_errors(era_key: str, judgements: Mapping[str, str]) -> dict[str, str]:
    """Area key -> error message for every judgement not valid in the era (empty when valid)."""
    era = ERAS_BY_KEY.get(era_key)
    if era is None:
        return {"era": f"Unknown framework era {era_key!r}."}
    errors: dict[str, str] = {}
    for area_key, grade_key in judgements.items():
        area = era.area(area_key)
        if area is None:
            errors[area_key] = f"{era.name} has no judgement area {area_key!r}."
        elif area.scale.grade(grade_key) is None:
            allowed = ", ".join(g.label for g in area.scale.grades)
            errors[area_key] = f"{area.label} must be one of: {allowed}."
    return errors


class InspectionLike(Protocol):
    """What the helpers need of an inspection: a model row or a policy snapshot both fit."""

    era: str
    inspection_type: str
    start_date: date
    judgements: Mapping[str, str]


@dataclass(frozen=True)
class Determination:
    """A yes/no answer that may honestly be 'not determinable', always with a reason."""

    value: bool | None
    reason: str

    @property
    def determinable(self) -> bool:
        return self.value is not None


def full_inspections(inspections: Iterable[InspectionLike]) -> list[InspectionLike]:
    """Full (section 5 / graded) inspections, newest first."""
    return sorted(
        (i for i in inspections if i.inspection_type == FULL),
        key=lambda i: i.start_date,
        reverse=True,
    )


def latest_full_inspection(inspections: Iterable[InspectionLike]) -> InspectionLike | None:
    ordered = full_inspections(inspections)
    return ordered[0] if ordered else None


def previous_full_inspection(inspections: Iterable[InspectionLike]) -> InspectionLike | None:
    ordered = full_inspections(inspections)
    return ordered[1] if len(ordered) > 1 else None


def overall_grade(inspection: InspectionLike) -> Grade | None:
    era = ERAS_BY_KEY.get(inspection.era)
    if era is None or not era.has_overall_grade:
        return None
    area = era.area("overall_effectiveness")
    key = inspection.judgements.get("overall_effectiveness")
    return area.scale.grade(key) if area and key else None


def is_below_good(inspection: InspectionLike | None) -> Determination:
    """Whether an inspection's overall outcome is below Good (or its equivalent)."""
    if inspection is None:
        return Determination(None, "No full inspection is recorded.")
    era = ERAS_BY_KEY.get(inspection.era)
    if era is None:
        return Determination(None, f"Unknown framework era {inspection.era!r}.")
    if not era.has_overall_grade:
        return Determination(
            None,
            f"Not determinable: inspections under {era.name!r} give no overall effectiveness grade.",
        )
    grade = overall_grade(inspection)
    if grade is None:
        return Determination(None, "The overall effectiveness judgement is not recorded.")
    verdict = "below Good" if grade.below_good else "Good or better"
    return Determination(
        bool(grade.below_good),
        f"Overall effectiveness {grade.label} ({inspection.start_date.day} {inspection.start_date:%B %Y}) is {verdict}.",
    )


def outcome_label(inspection: InspectionLike | None) -> str:
    """Short human label for an inspection's headline outcome, honest about era differences."""
    if inspection is None:
        return "Not inspected"
    era = ERAS_BY_KEY.get(inspection.era)
    if era is None:
        return "Unknown framework"
    grade = overall_grade(inspection)
    if grade is not None:
        return grade.label
    if era.has_overall_grade:
        return "Overall grade not recorded"
    return "No overall grade"


def judgement_rows(inspection: InspectionLike) -> Sequence[tuple[Area, Grade | None]]:
    """Each of the era's areas with the grade given (None where not judged)."""
    era = ERAS_BY_KEY.get(inspection.era)
    if era is None:
        return []
    return [(area, area.scale.grade(inspection.judgements.get(area.key, ""))) for area in era.areas]


NOT_INSPECTED = "not_inspected"
NO_OVERALL_GRADE = "no_overall_grade"
OUTCOME_CHOICES: list[tuple[str, str]] = [
    ("outstanding", "Outstanding"),
    ("good", "Good"),
    ("requires_improvement", "Requires improvement"),
    ("satisfactory", "Satisfactory"),
    ("inadequate", "Inadequate"),
    (NO_OVERALL_GRADE, "No overall grade (from September 2024)"),
    (NOT_INSPECTED, "Not inspected"),
]


def outcome_key(inspection: InspectionLike | None) -> str:
    """A stable key for the headline outcome, used to filter and sort the school list."""
    if inspection is None:
        return NOT_INSPECTED
    grade = overall_grade(inspection)
    if grade is not None:
        return grade.key
    return NO_OVERALL_GRADE
