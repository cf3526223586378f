"""Figures measured several times: the median, the spread (lowest to highest), and a verdict
that says "cannot tell" when the spread covers the difference.

A bench figure (requests a second of one server, one route, one concurrency) is measured
`--repeat` times; the report shows the median and, beside it, the lowest and highest. Two
figures whose spreads overlap are not told apart: within MARGIN of each other they are "about
even", further apart "cannot tell" (the noise covers the difference). Only spreads that do not
touch give "agrees" or "contradicts". With one run a figure has no spread to show, and the
report says so.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable
from dataclasses import dataclass

#: Two medians closer than this factor are "about even".
MARGIN = 1.1
VERDICTS = ("agrees", "contradicts", "about even", "cannot tell")


@dataclass(frozen=True)
class Figure:
    """A figure measured one or more times: its median and its spread."""

    median: float
    low: float
    high: float

    @classmethod
    def of(cls, samples: list[float]) -> Figure:
        kept = [value for value in samples if value == value]  # NaN: not measured
        if not kept:
            return cls(math.nan, math.nan, math.nan)
        return cls(statistics.median(kept), min(kept), max(kept))

    @property
    def spread(self) -> bool:
        """Whether the runs differed (a figure of one run has none)."""
        return self.low != self.high

    def overlaps(self, other: Figure) -> bool:
        return self.low <= other.high and other.low <= self.high


def ratio(a: Figure, b: Figure) -> Figure:
    """a / b: the ratio of the medians, from the least to the greatest the spreads allow."""
    return Figure(_div(a.median, b.median), _div(a.low, b.high), _div(a.high, b.low))


def _div(a: float, b: float) -> float:
    return a / b if b else math.inf


def verdict(claimed: Figure, other: Figure) -> str:
    """Whether the figures agree that `claimed` is the greater: "agrees" or "contradicts" only
    when the spreads do not overlap and the medians differ by MARGIN or more."""
    times = _div(claimed.median, other.median)
    if claimed.overlaps(other):
        return "about even" if 1 / MARGIN < times < MARGIN else "cannot tell"
    if times >= MARGIN:
        return "agrees"
    return "contradicts" if times <= 1 / MARGIN else "about even"


def number(value: float) -> str:
    """req/s and ms as the table shows them: whole numbers, a decimal under 100."""
    if value != value:
        return "-"
    return f"{value:.1f}" if value < 100 else f"{value:.0f}"


def span(figure: Figure, show: Callable[[float], str] = number) -> str:
    """The spread as the table shows it, beside the median: 930–990, or - for one run."""
    if figure.low != figure.low or not figure.spread:
        return "-"
    return f"{show(figure.low)}–{show(figure.high)}"


def times(figure: Figure) -> str:
    """A ratio: 18×, or 18× (12–21×) when its figures have a spread."""

    def one(value: float) -> str:
        if value != value or value == math.inf:
            return "-"
        return f"{value:.1f}" if value < 10 else f"{value:.0f}"

    text = f"{one(figure.median)}×" if one(figure.median) != "-" else "-"
    if text == "-" or one(figure.low) == one(figure.high):
        return text  # one run, or runs that agree to the figure shown
    return f"{text} ({one(figure.low)}–{one(figure.high)}×)"
