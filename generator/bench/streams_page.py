"""The HTML page of `dualgen bench --streams`: one self-contained page (inline SVG charts, no
script, no network) in the look of the bench page (compare's page.css, the same bar charts):
streams held, delivery latency and memory per stream, for each server and number of streams."""

from __future__ import annotations

from .page import bar_chart, environment
from .spread import Figure
from .streams import StreamBench
from .streams_report import HEADERS, conclusions, table_rows

#: The legend's names of the servers.
SHORT = {
    "express": "Express (one process)",
    "gunicorn-gevent": "gunicorn gevent",
    "gunicorn-gthread": "gunicorn gthread",
    "flask-dev": "Flask dev server",
}
#: A chart each: the run's field, its title.
CHARTS = (
    ("held", "streams held (log scale)"),
    ("p50_ms", "p50 delivery latency, ms (log scale)"),
    ("p99_ms", "p99 delivery latency, ms (log scale)"),
    ("kib_per_stream", "server memory per stream, KiB (log scale)"),
)


def charts(result: StreamBench) -> list[dict[str, object]]:
    """One bar chart per figure of CHARTS: a group per number of streams, a bar per server
    that measured it (none where nothing was measured)."""
    setups = [setup["key"] for setup in result.setups]
    groups: list[tuple[object, str]] = [(n, f"{n} streams") for n in result.connections]
    found = []
    for field, title in CHARTS:
        figures: dict[tuple[str, object], Figure] = {}
        for run in result.runs:
            value = getattr(run, field)
            if value is not None:
                figures[run.setup, run.connections] = Figure(value, value, value)
        found.append(bar_chart(title, setups, groups, figures, SHORT))
    return found


def render_html(result: StreamBench) -> str:
    """The page: the conclusions and notes, the charts, the table and the command that runs
    the same bench again."""
    return (
        environment()
        .get_template("streams.html.j2")
        .render(
            result=result,
            found=conclusions(result),
            machine=result.machine,
            charts=charts(result),
            header=HEADERS,
            rows=table_rows(result),
        )
    )
