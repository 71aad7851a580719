"""Progress of an import: a rich progress bar on a terminal, plain periodic lines otherwise, and
an ImportRun row for the web (see services/runs.py)."""

from __future__ import annotations

import time
from typing import IO, Protocol


class Progress(Protocol):
    def start(self, label: str, total: int | None) -> None: ...
    def advance(self, rows: int = 1) -> None: ...
    def phase(self, label: str) -> None: ...
    def finish(self) -> None: ...


class NullProgress:
    def start(self, label: str, total: int | None) -> None:
        pass

    def advance(self, rows: int = 1) -> None:
        pass

    def phase(self, label: str) -> None:
        pass

    def finish(self) -> None:
        pass


class ThrottledProgress:
    """Counts rows and calls `emit` at most every `interval` seconds."""

    def __init__(self, interval: float = 5.0) -> None:
        self.interval = interval
        self.label = ""
        self.total: int | None = None
        self.done = 0
        self.started = time.monotonic()
        self._last = 0.0

    def start(self, label: str, total: int | None) -> None:
        self.label, self.total, self.done = label, total, 0
        self.started = time.monotonic()
        self._last = self.started
        self.emit(final=False)

    def advance(self, rows: int = 1) -> None:
        self.done += rows
        now = time.monotonic()
        if now - self._last >= self.interval:
            self._last = now
            self.emit(final=False)

    def phase(self, label: str) -> None:
        self.label = label
        self.emit(final=False, phase=True)

    def finish(self) -> None:
        self.emit(final=True)

    @property
    def rate(self) -> float:
        elapsed = time.monotonic() - self.started
        return self.done / elapsed if elapsed > 0 else 0.0

    def emit(self, *, final: bool, phase: bool = False) -> None:  # pragma: no cover - overridden
        raise NotImplementedError


class PlainProgress(ThrottledProgress):
    """For logs and pipes: one line every few seconds, e.g. 'Reading rows: 20,000 of about
    50,000 (8,120 rows/s)'."""

    def __init__(self, stream: IO[str], interval: float = 5.0) -> None:
        super().__init__(interval)
        self.stream = stream

    def emit(self, *, final: bool, phase: bool = False) -> None:
        if phase:
            line = f"{self.label}..."
        elif final:
            line = f"Finished: {self.done:,} rows in {time.monotonic() - self.started:,.1f} s"
        else:
            of = f" of about {self.total:,}" if self.total else ""
            line = f"{self.label}: {self.done:,}{of} rows ({self.rate:,.0f} rows/s)"
        self.stream.write(line + "\n")
        self.stream.flush()


class RichProgress:
    """A progress bar with rows per second, for an interactive terminal."""

    def __init__(self, stream: IO[str]) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            ProgressColumn,
            TextColumn,
            TimeElapsedColumn,
        )
        from rich.progress import Progress as RichBar
        from rich.text import Text

        class RateColumn(ProgressColumn):
            def render(self, task) -> Text:
                speed = task.finished_speed or task.speed or 0
                return Text(f"{speed:,.0f} rows/s")

        self._bar = RichBar(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            RateColumn(),
            TimeElapsedColumn(),
            console=Console(file=stream),
            transient=False,
        )
        self._task = None

    def start(self, label: str, total: int | None) -> None:
        self._bar.start()
        self._task = self._bar.add_task(label, total=total)

    def advance(self, rows: int = 1) -> None:
        if self._task is not None:
            self._bar.advance(self._task, rows)

    def phase(self, label: str) -> None:
        if self._task is not None:
            self._bar.update(self._task, description=label)

    def finish(self) -> None:
        if self._task is not None:
            task = self._bar.tasks[0]
            self._bar.update(self._task, total=task.completed)
            self._bar.stop()


def for_stream(stream: IO[str]) -> Progress:
    isatty = getattr(stream, "isatty", None)
    if isatty and isatty():
        return RichProgress(stream)
    return PlainProgress(stream)
