"""The streams of `GET /events`, compared (with events): the same scenario runs against each
server in turn (generator/contract/streams.py: the same events posted, hostile data included,
refused publishes, a reconnect with Last-Event-ID, a heartbeat) and the two transcripts are
compared step by step. A transcript holds only what the contract fixes: ids relative to the
scenario's first event, data as JSON, no heartbeat timing."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..contract.streams import Scenario, Step, skip_reason
from ..spec import ProjectSpec

if TYPE_CHECKING:
    from .findings import Report

#: Lines of context shown around the first line that differs.
CONTEXT = 2
#: Seconds the scenario may take on each server, apart from the run's time limit.
STREAM_SECONDS = 60.0


@dataclass
class StreamDifference:
    """One step whose transcripts differ: from the first line that differs, a few of each."""

    step: str
    #: The first line that differs, counted from 1.
    line: int
    flask: list[str] = field(default_factory=list)
    express: list[str] = field(default_factory=list)
    #: What the contract check found wrong on each server, if anything.
    problems: dict[str, list[str]] = field(default_factory=dict)

    @property
    def signature(self) -> str:
        return f"stream: {self.step}"


def check_streams(
    spec: ProjectSpec, report: Report, urls: dict[str, str], observe: Callable[[str, object], None]
) -> None:
    """Compare both servers' streams into `report` (nothing without events); tell `observe`."""
    if "events" not in spec.middleware:
        return
    reason = skip_reason(spec)
    if reason is not None:
        report.streams_skipped = reason
    else:
        deadline = time.monotonic() + 2 * STREAM_SECONDS
        report.stream_steps, report.streams = compare_streams(spec, urls, deadline)
    observe("streams", report)


def compare_streams(
    spec: ProjectSpec, urls: dict[str, str], deadline: float
) -> tuple[int, list[StreamDifference]]:
    """Run the scenario on Flask, then on Express (one at a time: with a shared Redis broker
    their events must not mix); the steps run and those whose transcripts differ."""
    flask = Scenario(spec, urls["flask"], deadline - STREAM_SECONDS).run()
    express = Scenario(spec, urls["express"], deadline).run()
    found = [
        difference
        for a, b in zip(flask, express, strict=True)
        if (difference := differ(a, b)) is not None
    ]
    return len(flask), found


def differ(flask: Step, express: Step) -> StreamDifference | None:
    """The difference between one step's two transcripts, or None when they are the same."""
    a, b = flask.transcript, express.transcript
    if a == b:
        return None
    line = next(
        (n for n, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b))
    )
    start = max(0, line - CONTEXT)
    end = line + CONTEXT + 1
    return StreamDifference(
        flask.name,
        line + 1,
        a[start:end],
        b[start:end],
        {name: step.problems for name, step in (("flask", flask), ("express", express))},
    )
