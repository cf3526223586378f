"""The HTML page of a bench run: one self-contained page (inline SVG charts, no script, no
network) in the look of every dualgen page: compare's page.css and its colours, Flask's
servers in its teal, Express's in its ochre. Each bar carries a line from the lowest to the
highest of its runs when the figure was measured more than once."""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from . import KINDS, Bench
from .report import SHORT, conclusions, header, table_rows
from .spread import Figure

if TYPE_CHECKING:
    import jinja2

TEMPLATES = Path(__file__).resolve().parent / "templates"
#: A chart's size: two side by side in the page's 1256 px of text.
WIDTH, HEIGHT, LEFT, BOTTOM, TOP = 600, 260, 56, 40, 30


def _bounds(values: list[float]) -> tuple[float, float]:
    """The log scale's ends: whole powers of ten around every value."""
    positive = [v for v in values if v > 0] or [1.0]
    lo = 10 ** math.floor(math.log10(min(positive)))
    return lo, 10 ** math.ceil(math.log10(max(positive) * 1.01))


def chart(bench: Bench, kind: str, metric: str, title: str) -> dict[str, object]:
    """A grouped bar chart (log scale) as data for the template: one group per concurrency,
    one bar per server, each with its spread."""
    figures: dict[tuple[str, object], Figure] = {
        (run.setup, run.concurrency): run.figure(metric)
        for run in bench.runs
        if run.kind == kind and run.figure(metric).median == run.figure(metric).median
    }
    groups = [(c, f"{c} connection{'s' * (c != 1)}") for c in bench.concurrency]
    return bar_chart(title, [s["key"] for s in bench.setups], groups, figures)


def bar_chart(
    title: str,
    setups: list[str],
    groups: Sequence[tuple[object, str]],
    figures: dict[tuple[str, object], Figure],
    names: dict[str, str] = SHORT,
) -> dict[str, object]:
    """A grouped bar chart (log scale) as data for the template (chart.svg.j2): one group per
    (key, label) of `groups`, one bar per setup with its figure there, and its spread."""
    lo, hi = _bounds([v for f in figures.values() for v in (f.low, f.high)])
    plot = HEIGHT - BOTTOM - TOP
    group = (WIDTH - LEFT - 10) / max(1, len(groups))
    bar = group * 0.8 / max(1, len(setups))

    def y(value: float) -> float:
        share = (math.log10(max(value, lo)) - math.log10(lo)) / (
            math.log10(hi) - math.log10(lo) or 1
        )
        return round(TOP + plot * (1 - share), 1)

    ticks, tick = [], lo
    while tick <= hi * 1.001:
        ticks.append({"y": y(tick), "label": f"{tick:g}"})
        tick *= 10
    marks, bars = [], []
    for g, (key, label) in enumerate(groups):
        x0 = LEFT + g * group + group * 0.1
        marks.append({"x": round(x0 + group * 0.4, 1), "label": label})
        for i, setup in enumerate(setups):
            figure = figures.get((setup, key))
            if figure is None:
                continue
            x, top = x0 + i * bar, y(figure.median)
            spread = f" (runs {figure.low:.1f}–{figure.high:.1f})" if figure.spread else ""
            bars.append(
                {
                    "setup": setup,
                    "x": round(x, 1),
                    "y": top,
                    "width": round(bar - 1, 1),
                    "height": round(TOP + plot - top, 1),
                    "middle": round(x + (bar - 1) / 2, 1),
                    "low": y(figure.low) if figure.spread else None,
                    "high": y(figure.high) if figure.spread else None,
                    "title": f"{names.get(setup, setup)}: {figure.median:.1f}{spread}",
                }
            )
    legend, x = [], LEFT
    for setup in setups:
        legend.append({"setup": setup, "x": round(x, 1), "label": names.get(setup, setup)})
        x += 26 + 5.2 * len(names.get(setup, setup))  # the swatch, the label at 10 px, a gap
    size = {"width": WIDTH, "height": HEIGHT, "left": LEFT, "base": HEIGHT - BOTTOM}
    return {"title": title, "ticks": ticks, "groups": marks, "bars": bars, "legend": legend,
            **size}  # fmt: skip


def charts(bench: Bench) -> list[dict[str, object]]:
    found = []
    for kind in KINDS:
        what = {"plain": "plain GET /", "delay": f"delay {bench.delay_ms} ms"}.get(
            kind, f"cpu {bench.cpu_ms} ms"
        )
        found.append(chart(bench, kind, "rps", f"{what}: requests a second (log scale)"))
        found.append(chart(bench, kind, "p99_ms", f"{what}: p99 latency, ms (log scale)"))
    return found


@cache
def environment() -> jinja2.Environment:
    import jinja2

    from ..compare import html as compare_html

    return jinja2.Environment(
        loader=jinja2.ChoiceLoader(
            [jinja2.FileSystemLoader(TEMPLATES), jinja2.FileSystemLoader(compare_html.TEMPLATES)]
        ),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )


def render_html(bench: Bench) -> str:
    """The page: what the figures say, the article's claims, caveats, the charts, the table and
    the command that runs the same bench again."""
    return (
        environment()
        .get_template("bench.html.j2")
        .render(
            bench=bench,
            found=conclusions(bench),
            machine=bench.machine,
            charts=charts(bench),
            header=header(bench),
            rows=table_rows(bench),
        )
    )
