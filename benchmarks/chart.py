"""The server comparison as a PNG: req/s, p99 latency and idle memory per server."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from benchmarks._common import median

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from benchmarks.server_bench import Group, Results

COLORS = {
    "bare": "#9e9e9e",
    "classic": "#4c72b0",
    "default": "#55a868",
    "production": "#c44e52",
}
METRICS = (
    ("rps", "requests per second (higher is better)"),
    ("p99_ms", "p99 latency, ms (lower is better)"),
    ("rss_mb", "idle RSS of the process group, MiB"),
)
SHORT = {
    "Flask dev server (python app.py)": "Flask dev server",
    "gunicorn with the generated gunicorn.conf.py": "gunicorn (generated conf)",
    "Express, one process (npm start)": "Express, 1 process",
}


def short(label: str) -> str:
    return SHORT.get(label, "Express cluster, NODE_ENV=production")


def rows(results: Results, groups: Sequence[Group]) -> list[tuple[str, str, dict[str, float]]]:
    """(server, variant, medians) for every measured bar, top to bottom."""
    found = []
    for group in groups:
        for variant in group.variants:
            runs = results.runs.get((group.label, variant))
            if runs:
                medians = {key: median([getattr(r, key) for r in runs]) for key, _ in METRICS}
                found.append((short(group.label), variant, medians))
    return found


def medians_of_bare(bars: list[tuple[str, str, dict[str, float]]], server: str) -> dict[str, float]:
    """The bare baseline's medians under one server setup (NaN when it was skipped)."""
    for name, variant, medians in bars:
        if name == server and variant == "bare":
            return medians
    return {key: float("nan") for key, _ in METRICS}


def draw(results: Results, groups: Sequence[Group], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    bars = rows(results, groups)
    if not bars:
        return
    labels = [f"{server}: {variant}" for server, variant, _ in bars]
    positions = list(range(len(bars)))[::-1]
    figure, axes = plt.subplots(1, 3, figsize=(15, 0.45 * len(bars) + 2), sharey=True)
    for axis, (key, title) in zip(axes, METRICS, strict=True):
        values = [medians[key] for _, _, medians in bars]
        colors = [COLORS[variant] for _, variant, _ in bars]
        axis.barh(positions, values, color=colors)
        bare = [medians_of_bare(bars, server)[key] for server, _, _ in bars]
        for y, value, base in zip(positions, values, bare, strict=True):
            shown = f"{value:,.0f}" if value >= 10 else f"{value:.1f}"
            axis.text(
                value,
                y,
                f" {shown}  ({value / base:.2f}× bare)",
                va="center",
                fontsize=8,
            )
        axis.set_title(title, fontsize=10)
        axis.set_xlim(0, max(values) * 1.5)
        axis.grid(axis="x", alpha=0.3)
        _separate_servers(axis, bars, positions)
    axes[0].set_yticks(positions, labels, fontsize=9)
    figure.suptitle(
        "Generated servers vs a bare Hello World under the same server (wrk -t2 -c32, "
        "127.0.0.1, medians)",
        fontsize=11,
    )
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def _separate_servers(
    axis: Axes, bars: list[tuple[str, str, dict[str, float]]], positions: list[int]
) -> None:
    """A thin line between the bars of two different server setups."""
    for index in range(1, len(bars)):
        if bars[index][0] != bars[index - 1][0]:
            axis.axhline((positions[index] + positions[index - 1]) / 2, color="#444", lw=0.6)
