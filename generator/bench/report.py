"""The report of a bench run: a table, conclusions computed from the figures, text and JSON.
The HTML page is generator.bench.page."""

from __future__ import annotations

import json
import math
from typing import Any, Protocol

from ..verify import plural
from . import Bench, Run
from .spread import Figure, number, ratio, span, times, verdict

SHORT = {
    "flask-dev": "Flask dev server",
    "gunicorn-sync": "gunicorn sync",
    "gunicorn-gthread": "gunicorn gthread",
    "express": "Express (one process)",
    "node-cluster": "Node cluster",
}
FLASK = ("flask-dev", "gunicorn-sync", "gunicorn-gthread")
EXPRESS = ("express", "node-cluster")
#: The table's columns: each median, and its spread beside it when runs were repeated.
HEADER = ["framework", "server", "route", "conns", "req/s", "p50 ms", "p99 ms", "errors"]
SPREAD = "min–max"
#: A load average at or above this share of the CPUs before the run gets a caveat.
BUSY = 0.5


def _ms(value: float) -> str:
    return number(value)


def header(bench: Bench) -> list[str]:
    if bench.repeat == 1:
        return list(HEADER)
    return [*HEADER[:5], SPREAD, HEADER[5], SPREAD, HEADER[6], SPREAD, HEADER[7]]


def table_rows(bench: Bench) -> list[list[str]]:
    rows = []
    for run in bench.runs:
        cells = [run.framework, SHORT.get(run.setup, run.setup), run.kind, str(run.concurrency)]
        for metric in ("rps", "p50_ms", "p99_ms"):
            figure = run.figure(metric)
            cells.append(f"{figure.median:.0f}" if metric == "rps" else _ms(figure.median))
            if bench.repeat > 1:
                cells.append(span(figure, (lambda v: f"{v:.0f}") if metric == "rps" else _ms))
        rows.append([*cells, str(run.errors)])
    return rows


def markdown_table(bench: Bench) -> str:
    columns = header(bench)
    lines = ["| " + " | ".join(columns) + " |", "|" + " --- |" * len(columns)]
    lines += ["| " + " | ".join(row) + " |" for row in table_rows(bench)]
    return "\n".join(lines) + "\n"


class _Figures:
    """Lookups over the runs at one concurrency."""

    def __init__(self, bench: Bench, concurrency: int) -> None:
        self.bench, self.c = bench, concurrency

    def run(self, setup: str, kind: str) -> Run | None:
        return self.bench.find(setup, kind, self.c)

    def rps(self, setup: str, kind: str) -> Figure:
        run = self.run(setup, kind)
        return run.figure("rps") if run else Figure(math.nan, math.nan, math.nan)

    def best(self, setups: tuple[str, ...], kind: str) -> tuple[str, Figure]:
        """The setup with the highest median, and its figure."""
        found = [(self.rps(s, kind).median, s) for s in setups if self.run(s, kind)]
        if not found:
            return "", Figure(math.nan, math.nan, math.nan)
        setup = max(found)[1]
        return setup, self.rps(setup, kind)


def conclusions(bench: Bench) -> dict[str, list[Any]]:
    """Sentences drawn from the figures, and the article's claims each checked against them."""
    top, low = max(bench.concurrency), min(bench.concurrency)
    at_top = plural(top, "connection")  # "1 connection", "100 connections"
    f = _Figures(bench, top)
    found: list[str] = []
    claims: list[dict[str, str]] = []
    workers = {s["key"]: s["workers"] for s in bench.setups}
    if f.run("express", "delay"):
        parts = [
            f"{times(ratio(f.rps('express', 'delay'), f.rps(s, 'delay')))} {SHORT[s]}"
            + (f" ({workers[s]} workers)" if s in workers and workers[s] > 1 else "")
            for s in FLASK
            if f.run(s, "delay")
        ]
        if parts:
            found.append(
                f"I/O-bound ({bench.delay_ms} ms of waiting) at {at_top}: Express (one "
                f"process) served {', '.join(parts)}."
            )
    for kind, what in (("cpu", f"CPU-bound ({bench.cpu_ms} ms of CPU)"), ("plain", "Plain")):
        flask, flask_rps = f.best(FLASK, kind)
        express, express_rps = f.best(EXPRESS, kind)
        if flask and express:
            found.append(
                f"{what} at {at_top}: the best Flask server ({SHORT[flask]}, "
                f"{_rps(flask_rps)}) served {times(ratio(flask_rps, express_rps))} the "
                f"best Express server ({SHORT[express]}, {_rps(express_rps)})."
            )
    if f.run("node-cluster", "cpu") and f.run("express", "cpu"):
        cluster = ratio(f.rps("node-cluster", "cpu"), f.rps("express", "cpu"))
        found.append(
            f"CPU-bound at {at_top}: the Node cluster ({workers.get('node-cluster')} "
            f"workers) served {times(cluster)} Express in one process: one event loop uses "
            "one core."
        )
    scaling, scaling_claims = _threads(bench, f, low, top)
    found += scaling
    claims += scaling_claims
    claims += _claims(f, top)
    errors = [r for r in bench.runs if r.errors]
    if errors:
        found.append(
            "Errors (timeouts, refused connections or non-2xx answers): "
            + "; ".join(f"{SHORT[r.setup]} {r.kind} at {r.concurrency}: {r.errors}" for r in errors)
            + "."
        )
    return {"findings": found, "article": claims, "caveats": caveats(bench)}


def _rps(figure: Figure) -> str:
    """1260 req/s, or 1260 req/s (1190–1300) when the runs differed."""
    text = f"{figure.median:.0f} req/s"
    low, high = f"{figure.low:.0f}", f"{figure.high:.0f}"
    return f"{text} ({low}–{high})" if low != high else text


class Measured(Protocol):
    """What the caveats read of a bench's result (Bench, and the resource scenario's)."""

    duration: int
    repeat: int
    machine: dict[str, object]


def caveats(bench: Measured) -> list[str]:
    """What limits the verdicts: one run per figure, a busy machine."""
    found = []
    if bench.repeat == 1:
        found.append(
            f"Each figure is one run of {bench.duration} s, so its spread is unknown and a "
            "verdict may be noise: run with --repeat 3 or more."
        )
    load: list[float] = bench.machine.get("load_before") or []  # type: ignore[assignment]  # machine()'s
    cpus: int = bench.machine.get("cpus") or 1  # type: ignore[assignment]  # machine()'s
    if load and load[0] >= BUSY * cpus:
        found.append(
            f"The load average was {load[0]:g} on {plural(cpus, 'CPU')} before the run: other "
            "work shared the CPUs, so the figures are lower and noisier than on an idle machine."
        )
    return found


def _threads(
    bench: Bench, f: _Figures, low: int, top: int
) -> tuple[list[str], list[dict[str, str]]]:
    """How Flask's development server scales with waiting requests (a thread each): a finding,
    and the verdict on the article's "synchronous" claim when it served twice as many or more."""
    at_top = plural(top, "connection")
    base = _Figures(bench, low)
    if low == top or not f.run("flask-dev", "delay") or not base.run("flask-dev", "delay"):
        return [], []
    scale = ratio(f.rps("flask-dev", "delay"), base.rps("flask-dev", "delay"))
    found = [
        f"I/O-bound: Flask's development server served {times(scale)} as many requests a "
        f"second at {at_top} as at {low}: it runs a thread per request."
    ]
    if scale.median < 2:
        return found, []
    claim = {
        "claim": "Flask uses Python's synchronous model (WSGI synchronous)",
        # Twice as many at the least the spreads allow, or the noise may make it so.
        "verdict": "contradicts" if scale.low >= 2 else "cannot tell",
        "evidence": f"each request is synchronous, but Flask's development server "
        f"served {times(scale)} more waiting requests a second at {at_top} "
        f"than at {low}: it serves them at once, a thread each",
    }
    return found, [claim]


def _claims(f: _Figures, top: int) -> list[dict[str, str]]:
    at_top = plural(top, "connection")
    claims = []
    flask, flask_rps = f.best(FLASK, "cpu")
    express, express_rps = f.best(EXPRESS, "cpu")
    if flask and express:
        claims.append(
            {
                "claim": "Flask: good for CPU-bound tasks",
                "verdict": verdict(flask_rps, express_rps),
                "evidence": f"CPU-bound at {at_top}, the best Flask server "
                f"({SHORT[flask]}) served {times(ratio(flask_rps, express_rps))} the best "
                f"Express server ({SHORT[express]})",
            }
        )
    flask, flask_rps = f.best(FLASK, "delay")
    express, express_rps = f.best(EXPRESS, "delay")
    if flask and express:
        claims.append(
            {
                "claim": "Express: good for I/O-bound tasks",
                "verdict": verdict(express_rps, flask_rps),
                "evidence": f"I/O-bound at {at_top}, the best Express server "
                f"({SHORT[express]}) served {times(ratio(express_rps, flask_rps))} the best "
                f"Flask server ({SHORT[flask]})",
            }
        )
    if f.run("express", "delay") and flask:
        one = f.rps("express", "delay")
        claims.append(
            {
                "claim": "Express excels in handling many simultaneous connections",
                "verdict": verdict(one, flask_rps),
                "evidence": f"at {at_top} waiting on I/O, Express in one process "
                f"served {times(ratio(one, flask_rps))} the best Flask server ({SHORT[flask]})",
            }
        )
    return claims


def render_text(bench: Bench) -> str:
    columns = header(bench)
    rows = [columns, *table_rows(bench)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(columns))]
    right = set(range(3, len(columns)))
    lines = [
        "  ".join(
            cell.rjust(widths[i]) if i in right else cell.ljust(widths[i])
            for i, cell in enumerate(row)
        ).rstrip()
        for row in rows
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    m = bench.machine
    lines += [
        "",
        f"{m.get('date')}, {m.get('cpus')} CPUs, {m.get('system')}, Python {m.get('python')}, "
        f"Node {m.get('node')}; load {m.get('load_before')} before, {m.get('load_after')} after",
        f"{_runs(bench)}; delay {bench.delay_ms} ms, cpu {bench.cpu_ms} ms a request",
        "",
    ]
    found = conclusions(bench)
    lines += [f"- {line}" for line in found["findings"]]
    if found["article"]:
        lines += ["", "The article's claims:"]
        lines += [f'- "{c["claim"]}": {c["verdict"]} ({c["evidence"]}).' for c in found["article"]]
    if found["caveats"]:
        lines += ["", "Caveats:", *(f"- {line}" for line in found["caveats"])]
    if bench.command:
        lines += ["", "To run it again:", f"  {bench.command}"]
    return "\n".join(lines) + "\n"


def _runs(bench: Bench) -> str:
    """5 s a run; 3 runs of 5 s each, the median shown and the spread (min–max) beside it."""
    if bench.repeat == 1:
        return f"{bench.duration} s a run"
    return (
        f"{bench.repeat} runs of {bench.duration} s each: the median shown, the spread "
        f"({SPREAD}) beside it"
    )


def render_json(bench: Bench) -> str:
    data = bench.as_dict()
    for run in data["runs"]:
        for key in ("p50_ms", "p99_ms"):
            run[key] = None if run[key] != run[key] else run[key]
    data["conclusions"] = conclusions(bench)
    return json.dumps(data, indent=2) + "\n"
