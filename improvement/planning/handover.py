"""The handover checklist when a school's officer changes (Kent improvement partner handbook,
section 7, "School improvement partner handover arrangements"). Pure data: each item has a
stable key stored on the tick rows, a label, and whether the handover needs it to be complete."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ChecklistItem:
    key: str
    label: str
    required: bool = True


CHECKLIST: tuple[ChecklistItem, ...] = (
    ChecklistItem("headteacher_consulted", "Headteacher consulted about the change of officer"),
    ChecklistItem("notes_sent", "Notes of visits and reports from the last two years sent to the new officer"),
    ChecklistItem("self_evaluation_sent", "Self-evaluation sections and external reviews sent to the new officer"),
    ChecklistItem("briefing_call", "New officer briefed on the key issues by telephone or in a meeting"),
    ChecklistItem("joint_first_visit", "Joint first visit to the school (if needed)", required=False),
)
ITEMS = {item.key: item for item in CHECKLIST}


def is_complete(ticked_keys: set[str]) -> bool:
    return all(item.key in ticked_keys for item in CHECKLIST if item.required)
