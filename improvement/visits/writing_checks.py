"""Writing checks for a record before it goes to the school. Pure functions, no Django.

They only warn: the officer sees them before sending and may send anyway. They follow the Kent
notes of visit guidance (handbook section 9): recommendations are manageable (rarely more than
4) and SMART, people are named by role and initials, proportion words match the figures, and
disagreement with the school's self-evaluation is explained.
"""

from __future__ import annotations

import re
from calendar import monthrange
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from improvement.policy.record_templates import FieldKind, RecordTemplate

# The handbook's proportion vocabulary (Ofsted evaluation schedule): phrase -> inclusive % range.
PROPORTIONS: dict[str, tuple[int, int]] = {
    "almost all": (97, 100),
    "vast majority": (97, 100),
    "overwhelming majority": (97, 100),
    "very large majority": (80, 96),
    "most": (80, 96),
    "large majority": (65, 79),
    "majority": (51, 64),
    "minority": (35, 49),
    "small minority": (20, 34),
    "very small minority": (4, 19),
    "few": (4, 19),
    "very few": (0, 3),
    "almost none": (0, 3),
}
# Longest phrases first so "small minority" is not read as "minority".
_PHRASE = re.compile(
    r"\b(" + "|".join(sorted((re.escape(p) for p in PROPORTIONS), key=len, reverse=True)) + r")\b",
    re.IGNORECASE,
)
_PERCENT = re.compile(r"(\d{1,3}(?:\.\d+)?)\s?(?:%|per\s?cent\b|percent\b)", re.IGNORECASE)
# A sentence ends at . ! or ? followed by a space or the end (so 96.2% stays whole), or a newline.
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")
_TITLE_NAME = re.compile(
    r"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr)\.?\s+[A-Z][a-z]+(?:[-'][A-Z]?[a-z]+)?\s+[A-Z][a-z]+(?:[-'][A-Z]?[a-z]+)?\b"
)
_MONTHS = {m.lower(): i for i, m in enumerate(
    ["January", "February", "March", "April", "May", "June", "July", "August", "September",
     "October", "November", "December"], start=1)}
_MONTHS.update({name[:3]: number for name, number in list(_MONTHS.items())})


@dataclass(frozen=True)
class WritingWarning:
    field: str  # field key ("" for the whole record)
    label: str  # where, in words
    message: str


def proportion_range(phrase: str) -> tuple[int, int] | None:
    return PROPORTIONS.get(" ".join(phrase.lower().split()))


def proportion_conflicts(text: str) -> list[str]:
    """Sentences where a proportion word contradicts a percentage next to it.

    Each percentage is paired with the nearest proportion word in the same sentence.
    """
    problems: list[str] = []
    for sentence in _SENTENCE_END.split(text or ""):
        phrases = list(_PHRASE.finditer(sentence))
        if not phrases:
            continue
        for percent in _PERCENT.finditer(sentence):
            value = float(percent.group(1))
            phrase = min(phrases, key=lambda p: abs(p.start() - percent.start()))
            low, high = PROPORTIONS[" ".join(phrase.group(1).lower().split())]
            if not low <= round(value) <= high:
                shown = f"{value:g}%"
                problems.append(
                    f"“{phrase.group(1)}” means {low} to {high}%, but the sentence gives {shown}: "
                    f"“{sentence.strip()[:160]}” Use “{suggest_phrase(value)}” or check the figure."
                )
    return problems


def suggest_phrase(percent: float) -> str:
    for phrase in ("almost all", "most", "large majority", "majority", "minority",
                   "small minority", "few", "almost none"):
        low, high = PROPORTIONS[phrase]
        if low <= round(percent) <= high:
            return phrase
    # 50% sits between "minority" and "majority" in the table.
    return "half"


def initials(name: str) -> str:
    words = [w for w in re.split(r"[\s-]+", name) if w and w.rstrip(".") not in
             {"Mr", "Mrs", "Ms", "Miss", "Mx", "Dr"}]
    return "".join(w[0].upper() for w in words)


def named_individuals(text: str, known_people: Iterable[tuple[str, str]] = ()) -> list[str]:
    """Names in the text: the school's known people ((name, role) pairs) or "Mrs Jane Smith"."""
    found: list[str] = []
    seen: set[str] = set()
    for name, role in known_people:
        name = (name or "").strip()
        if len(name.split()) < 2 or name.lower() in seen:
            continue
        if re.search(rf"\b{re.escape(name)}\b", text or "", re.IGNORECASE):
            seen.add(name.lower())
            found.append(f"“{name}” is named: refer to them as {role or 'their role'} ({initials(name)}).")
    for match in _TITLE_NAME.finditer(text or ""):
        name = match.group(0)
        if any(name.lower().endswith(s) or s.endswith(name.lower()) for s in seen):
            continue
        seen.add(name.lower())
        found.append(f"“{name}” is named: refer to them by role and initials ({initials(name)}).")
    return found


def parse_by_when(value: str) -> date | None:
    """A "by when" as a date: 31/03/2024, 2024-03-31, 31 March 2024, or March 2024 (month end)."""
    text = (value or "").strip().lower().replace(",", " ")
    text = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", text)
    text = re.sub(r"^(by|end of|before)\s+", "", text)
    for fmt in ("%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d", "%d.%m.%Y", "%d-%m-%Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            pass
    parts = text.split()
    try:
        if len(parts) == 3 and parts[1] in _MONTHS:
            return date(int(parts[2]), _MONTHS[parts[1]], int(parts[0]))
        if len(parts) == 2 and parts[0] in _MONTHS and len(parts[1]) == 4:
            year, month = int(parts[1]), _MONTHS[parts[0]]
            return date(year, month, monthrange(year, month)[1])
    except ValueError:
        return None
    return None


def _texts(template: RecordTemplate, content: Mapping[str, Any]) -> Iterable[tuple[str, str, str]]:
    """(field key, label, text) for every piece of free text in the record."""
    for _section, f in template.all_fields():
        if f.readonly:
            continue
        value = content.get(f.key)
        if isinstance(value, str):
            yield f.key, f.label, value
        elif isinstance(value, list):
            for row in value:
                if isinstance(row, dict):
                    for column, cell in row.items():
                        if isinstance(cell, str) and column not in ("name", "uid"):
                            yield f.key, f.label, cell
        elif isinstance(value, dict):
            for cell in value.values():
                if isinstance(cell, dict) and isinstance(cell.get("comment"), str):
                    yield f.key, f.label, cell["comment"]


def check_record(
    template: RecordTemplate,
    content: Mapping[str, Any],
    *,
    known_people: Iterable[tuple[str, str]] = (),
    judgement_labels: Mapping[str, str] | None = None,
) -> list[WritingWarning]:
    """Every warning for a record's content. Never raises for odd content."""
    warnings: list[WritingWarning] = []
    people = list(known_people)
    for key, label, text in _texts(template, content):
        for problem in proportion_conflicts(text):
            warnings.append(WritingWarning(key, label, problem))
        for problem in named_individuals(text, people):
            warnings.append(WritingWarning(key, label, problem))

    for f in template.fields_of_kind(FieldKind.ACTIONS_TABLE):
        rows = [r for r in content.get(f.key) or [] if isinstance(r, dict) and any(
            str(v).strip() for k, v in r.items() if k != "uid")]
        if len(rows) > template.max_actions:
            warnings.append(WritingWarning(
                f.key, f.label,
                f"There are {len(rows)} actions: it is unlikely there should be more than "
                f"{template.max_actions}. Keep the actions manageable and focused on the highest priorities.",
            ))
        for number, row in enumerate(rows, start=1):
            missing = []
            if "lead" in f.columns and not (str(row.get("lead_role", "")).strip() or str(row.get("lead_initials", "")).strip()):
                missing.append("a lead")
            if "by_when" in f.columns and not str(row.get("by_when", "")).strip():
                missing.append("a date by when")
            if "success_measure" in f.columns and not str(row.get("success_measure", "")).strip():
                missing.append("a success measure")
            if missing:
                warnings.append(WritingWarning(f.key, f.label, f"Action {number} needs {' and '.join(missing)}."))
            by_when = str(row.get("by_when", "")).strip()
            if by_when and parse_by_when(by_when) is None:
                warnings.append(WritingWarning(
                    f.key, f.label,
                    f"Action {number}: “{by_when[:60]}” is not a date. Give a date, like 31 March 2024.",
                ))

    labels = judgement_labels or {}
    for f in template.fields_of_kind(FieldKind.JUDGEMENT_TABLE):
        table = content.get(f.key) or {}
        if not isinstance(table, dict):
            continue
        for area, cell in table.items():
            if not isinstance(cell, dict):
                continue
            school, officer = cell.get("school") or "", cell.get("officer") or ""
            if school and officer and school != officer and not str(cell.get("comment", "")).strip():
                warnings.append(WritingWarning(
                    f.key, f.label,
                    f"{labels.get(area, area)}: the school's judgement differs from yours. "
                    "Say why, with reference to the inspection framework.",
                ))
    return warnings
