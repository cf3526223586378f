"""The report of a bench run: a table, conclusions computed from the figures, JSON, and one
self-contained HTML page with inline SVG charts (no script, no network)."""

from __future__ import annotations

import html
import json
import math
from typing import Any

from ..verify import plural
from . import KINDS, Bench, Run

SHORT = {
    "flask-dev": "Flask dev server",
    "gunicorn-sync": "gunicorn sync",
    "gunicorn-gthread": "gunicorn gthread",
    "express": "Express (one process)",
    "node-cluster": "Node cluster",
}
COLORS = {
    "flask-dev": "#9ecae1",
    "gunicorn-sync": "#3182bd",
    "gunicorn-gthread": "#08519c",
    "express": "#fdae6b",
    "node-cluster": "#e6550d",
}
FLASK = ("flask-dev", "gunicorn-sync", "gunicorn-gthread")
EXPRESS = ("express", "node-cluster")
#: Two figures closer than this factor are "about the same".
MARGIN = 1.1


def _ms(value: float) -> str:
    return "-" if value != value else f"{value:.1f}" if value < 100 else f"{value:.0f}"


def _times(ratio: float) -> str:
    if ratio != ratio or ratio == math.inf:
        return "-"
    return f"{ratio:.1f}×" if ratio < 10 else f"{ratio:.0f}×"


def table_rows(bench: Bench) -> list[list[str]]:
    return [
        [
            run.framework,
            SHORT.get(run.setup, run.setup),
            run.kind,
            str(run.concurrency),
            f"{run.rps:.0f}",
            _ms(run.p50_ms),
            _ms(run.p99_ms),
            str(run.errors),
        ]
        for run in bench.runs
    ]


HEADER = ["framework", "server", "route", "conns", "req/s", "p50 ms", "p99 ms", "errors"]


def markdown_table(bench: Bench) -> str:
    lines = ["| " + " | ".join(HEADER) + " |", "|" + " --- |" * len(HEADER)]
    lines += ["| " + " | ".join(row) + " |" for row in table_rows(bench)]
    return "\n".join(lines) + "\n"


class _Figures:
    """Lookups over the runs at one concurrency."""

    def __init__(self, bench: Bench, concurrency: int) -> None:
        self.bench, self.c = bench, concurrency

    def run(self, setup: str, kind: str) -> Run | None:
        return self.bench.find(setup, kind, self.c)

    def rps(self, setup: str, kind: str) -> float:
        run = self.run(setup, kind)
        return run.rps if run else float("nan")

    def best(self, setups: tuple[str, ...], kind: str) -> tuple[str, float]:
        found = [(self.rps(s, kind), s) for s in setups if self.run(s, kind)]
        if not found:
            return "", float("nan")
        rps, setup = max(found)
        return setup, rps

    def ratio(self, a: float, b: float) -> float:
        return a / b if b else math.inf


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
            f"{_times(f.ratio(f.rps('express', 'delay'), f.rps(s, 'delay')))} {SHORT[s]}"
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
                f"{flask_rps:.0f} req/s) served {_times(f.ratio(flask_rps, express_rps))} the "
                f"best Express server ({SHORT[express]}, {express_rps:.0f} req/s)."
            )
    if f.run("node-cluster", "cpu") and f.run("express", "cpu"):
        ratio = f.ratio(f.rps("node-cluster", "cpu"), f.rps("express", "cpu"))
        found.append(
            f"CPU-bound at {at_top}: the Node cluster ({workers.get('node-cluster')} "
            f"workers) served {_times(ratio)} Express in one process: one event loop uses one core."
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
    return {"findings": found, "article": claims}


def _threads(
    bench: Bench, f: _Figures, low: int, top: int
) -> tuple[list[str], list[dict[str, str]]]:
    """How Flask's development server scales with waiting requests (a thread each): a finding,
    and the verdict on the article's "synchronous" claim when it served twice as many or more."""
    at_top = plural(top, "connection")
    base = _Figures(bench, low)
    if low == top or not f.run("flask-dev", "delay") or not base.run("flask-dev", "delay"):
        return [], []
    scale = f.ratio(f.rps("flask-dev", "delay"), base.rps("flask-dev", "delay"))
    found = [
        f"I/O-bound: Flask's development server served {_times(scale)} as many requests a "
        f"second at {at_top} as at {low}: it runs a thread per request."
    ]
    if scale < 2:
        return found, []
    claim = {
        "claim": "Flask uses Python's synchronous model (WSGI synchronous)",
        "verdict": "contradicts",
        "evidence": f"each request is synchronous, but Flask's development server "
        f"served {_times(scale)} more waiting requests a second at {at_top} "
        f"than at {low}: it serves them at once, a thread each",
    }
    return found, [claim]


def _verdict(ratio: float) -> str:
    if ratio >= MARGIN:
        return "agrees"
    return "contradicts" if ratio <= 1 / MARGIN else "about even"


def _claims(f: _Figures, top: int) -> list[dict[str, str]]:
    at_top = plural(top, "connection")
    claims = []
    flask, flask_rps = f.best(FLASK, "cpu")
    express, express_rps = f.best(EXPRESS, "cpu")
    if flask and express:
        ratio = f.ratio(flask_rps, express_rps)
        claims.append(
            {
                "claim": "Flask: good for CPU-bound tasks",
                "verdict": _verdict(ratio),
                "evidence": f"CPU-bound at {at_top}, the best Flask server "
                f"({SHORT[flask]}) served {_times(ratio)} the best Express server "
                f"({SHORT[express]})",
            }
        )
    flask, flask_rps = f.best(FLASK, "delay")
    express, express_rps = f.best(EXPRESS, "delay")
    if flask and express:
        ratio = f.ratio(express_rps, flask_rps)
        claims.append(
            {
                "claim": "Express: good for I/O-bound tasks",
                "verdict": _verdict(ratio),
                "evidence": f"I/O-bound at {at_top}, the best Express server "
                f"({SHORT[express]}) served {_times(ratio)} the best Flask server "
                f"({SHORT[flask]})",
            }
        )
    if f.run("express", "delay") and flask:
        ratio = f.ratio(f.rps("express", "delay"), flask_rps)
        claims.append(
            {
                "claim": "Express excels in handling many simultaneous connections",
                "verdict": _verdict(ratio),
                "evidence": f"at {at_top} waiting on I/O, Express in one process "
                f"served {_times(ratio)} the best Flask server ({SHORT[flask]})",
            }
        )
    return claims


def render_text(bench: Bench) -> str:
    rows = [HEADER, *table_rows(bench)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(HEADER))]
    right = {3, 4, 5, 6, 7}
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
        f"{bench.duration} s a run; delay {bench.delay_ms} ms, cpu {bench.cpu_ms} ms a request",
        "",
    ]
    found = conclusions(bench)
    lines += [f"- {line}" for line in found["findings"]]
    if found["article"]:
        lines += ["", "The article's claims:"]
        lines += [f'- "{c["claim"]}": {c["verdict"]} ({c["evidence"]}).' for c in found["article"]]
    return "\n".join(lines) + "\n"


def render_json(bench: Bench) -> str:
    data = bench.as_dict()
    for run in data["runs"]:
        for key in ("p50_ms", "p99_ms"):
            run[key] = None if run[key] != run[key] else run[key]
    data["conclusions"] = conclusions(bench)
    return json.dumps(data, indent=2) + "\n"


def _chart(bench: Bench, kind: str, metric: str, title: str) -> str:
    """A grouped bar chart (log scale): one group per concurrency, one bar per server."""
    setups = [s["key"] for s in bench.setups]
    values = [
        getattr(run, metric)
        for run in bench.runs
        if run.kind == kind and getattr(run, metric) == getattr(run, metric)
    ]
    positive = [v for v in values if v > 0] or [1.0]
    lo = 10 ** math.floor(math.log10(min(positive)))
    hi = 10 ** math.ceil(math.log10(max(positive) * 1.01))
    width, height, left, bottom, top = 640, 260, 56, 40, 30
    plot = height - bottom - top
    group = (width - left - 10) / max(1, len(bench.concurrency))
    bar = group * 0.8 / max(1, len(setups))

    def y(value: float) -> float:
        value = max(value, lo)
        share = (math.log10(value) - math.log10(lo)) / (math.log10(hi) - math.log10(lo) or 1)
        return top + plot * (1 - share)

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'role="img" aria-label="{html.escape(title)}">',
        f'<text x="{left}" y="18" font-size="13" font-weight="bold">{html.escape(title)}</text>',
    ]
    tick = lo
    while tick <= hi * 1.001:
        out.append(
            f'<line x1="{left}" x2="{width - 10}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" '
            f'stroke="#ddd"/><text x="{left - 4}" y="{y(tick) + 4:.1f}" font-size="10" '
            f'text-anchor="end">{tick:g}</text>'
        )
        tick *= 10
    for g, concurrency in enumerate(bench.concurrency):
        x0 = left + g * group + group * 0.1
        out.append(
            f'<text x="{x0 + group * 0.4:.1f}" y="{height - bottom + 14}" font-size="11" '
            f'text-anchor="middle">{concurrency} connection{"s" * (concurrency > 1)}</text>'
        )
        for i, setup in enumerate(setups):
            run = bench.find(setup, kind, concurrency)
            if run is None or getattr(run, metric) != getattr(run, metric):
                continue
            value = getattr(run, metric)
            x, top_y = x0 + i * bar, y(value)
            out.append(
                f'<rect x="{x:.1f}" y="{top_y:.1f}" width="{bar - 1:.1f}" '
                f'height="{top + plot - top_y:.1f}" fill="{COLORS.get(setup, "#888")}">'
                f"<title>{html.escape(SHORT.get(setup, setup))}: {value:.1f}</title></rect>"
            )
    for i, setup in enumerate(setups):
        x = left + i * 115
        out.append(
            f'<rect x="{x}" y="{height - 16}" width="10" height="10" '
            f'fill="{COLORS.get(setup, "#888")}"/><text x="{x + 14}" y="{height - 7}" '
            f'font-size="10">{html.escape(SHORT.get(setup, setup))}</text>'
        )
    out.append("</svg>")
    return "\n".join(out)


def charts_svg(bench: Bench) -> list[str]:
    charts = []
    for kind in KINDS:
        what = {"plain": "plain GET /", "delay": f"delay {bench.delay_ms} ms"}.get(
            kind, f"cpu {bench.cpu_ms} ms"
        )
        charts.append(_chart(bench, kind, "rps", f"{what}: requests a second (log scale)"))
        charts.append(_chart(bench, kind, "p99_ms", f"{what}: p99 latency, ms (log scale)"))
    return charts


def render_html(bench: Bench) -> str:
    found = conclusions(bench)
    m = bench.machine
    rows = "\n".join(
        "<tr>" + "".join(f"<td>{html.escape(cell)}</td>" for cell in row) + "</tr>"
        for row in table_rows(bench)
    )
    items = "".join(f"<li>{html.escape(line)}</li>" for line in found["findings"])
    claims = "".join(
        f"<li>“{html.escape(c['claim'])}”: <strong>{html.escape(c['verdict'])}</strong> "
        f"({html.escape(c['evidence'])}).</li>"
        for c in found["article"]
    )
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        "<title>dualgen bench: Flask and Express</title><style>"
        "body{font-family:system-ui,sans-serif;max-width:1320px;margin:2em auto;padding:0 1em}"
        "table{border-collapse:collapse}td,th{padding:2px 8px;border-bottom:1px solid #eee}"
        "td:nth-child(n+4){text-align:right}.charts{display:flex;flex-wrap:wrap;gap:12px}"
        "</style></head><body>\n<h1>Flask and Express under load</h1>\n"
        f"<p>{html.escape(str(m.get('date')))}; {m.get('cpus')} CPUs, "
        f"{html.escape(str(m.get('system')))}; Python {html.escape(str(m.get('python')))}, "
        f"Node {html.escape(str(m.get('node')))}; load average {m.get('load_before')} before, "
        f"{m.get('load_after')} after. wrk, {bench.duration} s a run, loopback only.</p>\n"
        f"<h2>What the figures say</h2><ul>{items}</ul>\n"
        + (f"<h2>The article's claims</h2><ul>{claims}</ul>\n" if claims else "")
        + '<div class="charts">\n'
        + "\n".join(charts_svg(bench))
        + "\n</div>\n<h2>Figures</h2><table><tr>"
        + "".join(f"<th>{h}</th>" for h in HEADER)
        + f"</tr>\n{rows}\n</table>\n</body></html>\n"
    )
