"""A workflow as data: named steps that move a record from some statuses to one, taken by one
kind of actor. Visit records and meeting minutes each declare their own table of steps and use
this to check a step and to list the steps open from a status. Pure Python."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Step:
    name: str
    label: str  # the button
    sources: frozenset[str]
    target: str
    actor: str
    needs_comment: bool = False
    comment_label: str = ""


class IllegalStep(Exception):
    """A step that the status does not allow, with a message people can read."""


class Workflow:
    def __init__(self, steps: Iterable[Step], labels: dict[str, str], noun: str) -> None:
        self.steps = {step.name: step for step in steps}
        self.labels = labels
        self.noun = noun  # "the record", "the meeting": how refusals name the thing

    def check(self, name: str, current: str) -> Step:
        step = self.steps.get(name)
        if step is None:
            raise IllegalStep(f"There is no step called {name!r}.")
        if current not in step.sources:
            allowed = " or ".join(self.labels[s].lower() for s in sorted(step.sources))
            raise IllegalStep(
                f"You cannot {step.label[0].lower()}{step.label[1:]} now: {self.noun} is "
                f"{self.labels.get(current, current).lower()}, and this step needs it to be {allowed}."
            )
        return step

    def steps_from(self, current: str) -> list[Step]:
        return [s for s in self.steps.values() if current in s.sources]
