"""Calibration: how schools' self-evaluation compared with Ofsted's grades at feedback.

Pure: takes (feedback form, era, area, self-evaluation grade, Ofsted grade) rows and counts,
per era and judgement area, how often the school rated itself above, the same as, or below
Ofsted. Grades are compared by their rank on the area's own scale (1 is best), so "above"
means the school rated itself better than Ofsted did. Grades of different eras are never
compared with each other: each era gets its own table.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from improvement.policy import frameworks

ABOVE, EQUAL, BELOW = "above", "equal", "below"


def compare(scale: frameworks.Scale, self_evaluation: str, ofsted: str) -> str | None:
    """ABOVE, EQUAL or BELOW; None when either grade is missing or not on the scale."""
    mine, theirs = scale.grade(self_evaluation or ""), scale.grade(ofsted or "")
    if mine is None or theirs is None:
        return None
    if mine.rank < theirs.rank:
        return ABOVE
    if mine.rank > theirs.rank:
        return BELOW
    return EQUAL


def percent(part: int, whole: int) -> int:
    """Whole percent, halves rounded up (0 when there is nothing to divide)."""
    return (200 * part + whole) // (2 * whole) if whole else 0


@dataclass
class Tally:
    label: str
    above: int = 0
    equal: int = 0
    below: int = 0

    @property
    def total(self) -> int:
        return self.above + self.equal + self.below

    @property
    def above_percent(self) -> int:
        return percent(self.above, self.total)

    @property
    def equal_percent(self) -> int:
        return percent(self.equal, self.total)

    @property
    def below_percent(self) -> int:
        return percent(self.below, self.total)

    def add(self, outcome: str) -> None:
        setattr(self, outcome, getattr(self, outcome) + 1)


@dataclass
class EraCalibration:
    era: frameworks.Era
    areas: list[Tally]
    forms: int
    overall: Tally = field(default_factory=lambda: Tally("All areas"))


def tally(rows: Iterable[tuple[int, str, str, str, str]]) -> list[EraCalibration]:
    """Rows of (feedback id, era key, area key, self-evaluation, Ofsted grade) -> one
    EraCalibration per era present, newest era first, areas in the era's order (areas never
    compared are left out)."""
    counts: dict[str, dict[str, Tally]] = {}
    forms: dict[str, set[int]] = {}
    for feedback_id, era_key, area_key, mine, theirs in rows:
        era = frameworks.ERAS_BY_KEY.get(era_key)
        area = era.area(area_key) if era else None
        if area is None:
            continue
        outcome = compare(area.scale, mine, theirs)
        if outcome is None:
            continue
        counts.setdefault(era_key, {}).setdefault(area_key, Tally(area.label)).add(outcome)
        forms.setdefault(era_key, set()).add(feedback_id)
    result = []
    for era in reversed(frameworks.ERAS):
        by_area = counts.get(era.key)
        if not by_area:
            continue
        areas = [by_area[a.key] for a in era.areas if a.key in by_area]
        overall = Tally("All areas")
        for t in areas:
            overall.above += t.above
            overall.equal += t.equal
            overall.below += t.below
        result.append(EraCalibration(era, areas, len(forms[era.key]), overall))
    return result
