"""What HMI's monitoring and subject feedback can say, by framework era: pure data, no Django.

The Kent improvement partner handbook 2009/10 (section 17) records, for an HMI monitoring
visit, an HMI judgement of 1 to 4 for each key issue and an overall judgement that "good /
satisfactory / inadequate progress" has been made; a subject, theme or survey inspection may
give an HMI judgement. Later monitoring letters say whether leaders are taking effective action
instead (background knowledge, not from the shared reference documents: see
docs/ofsted-events.md).
"""

from __future__ import annotations

from improvement.policy import frameworks

HMI_JUDGEMENTS = (1, 2, 3, 4)

# (key, label) of the overall progress judgement, by era key; eras not listed use LATER_PROGRESS.
HANDBOOK_PROGRESS: tuple[tuple[str, str], ...] = (
    ("good_progress", "Good progress"),
    ("satisfactory_progress", "Satisfactory progress"),
    ("inadequate_progress", "Inadequate progress"),
)
LATER_PROGRESS: tuple[tuple[str, str], ...] = (
    ("effective_action", "Leaders are taking effective action"),
    ("not_effective_action", "Leaders are not taking effective action"),
)
PROGRESS_BY_ERA: dict[str, tuple[tuple[str, str], ...]] = {"s5-2005": HANDBOOK_PROGRESS}
PROGRESS_LABELS: dict[str, str] = dict(HANDBOOK_PROGRESS + LATER_PROGRESS)


def progress_choices(era: frameworks.Era) -> list[tuple[str, str]]:
    return list(PROGRESS_BY_ERA.get(era.key, LATER_PROGRESS))


def progress_label(key: str) -> str:
    return PROGRESS_LABELS.get(key, key)


def _four_point_scale(era: frameworks.Era) -> frameworks.Scale | None:
    """The era's 1-4 scale (outstanding to inadequate), if it has one."""
    for area in era.areas:
        if len(area.scale.grades) == 4:
            return area.scale
    return None


def hmi_judgement_choices(era: frameworks.Era | None) -> list[tuple[int, str]]:
    """1 to 4, with the era's words where the era grades on four points (report cards do not)."""
    scale = _four_point_scale(era) if era else None
    if scale is None:
        return [(n, f"{n}{' (highest)' if n == 1 else ' (lowest)' if n == 4 else ''}") for n in HMI_JUDGEMENTS]
    return [(grade.rank, f"{grade.rank} – {grade.label}") for grade in scale.grades]


def hmi_judgement_label(era: frameworks.Era | None, value: int | None) -> str:
    if value is None:
        return "Not given"
    return dict(hmi_judgement_choices(era)).get(value, str(value))
