"""The report of `dualgen bench --streams`: its table, the conclusions computed from the figures
(the most streams each server held within the target, a verdict on each claim), as text and
JSON, and the command line that measures the same again. Its HTML page is in streams_page."""

from __future__ import annotations

import json
import shlex
from dataclasses import asdict

from .streams import TARGET_P99_MS, StreamBench, StreamSetup

HEADERS = ("server", "streams", "held", "p50 ms", "p99 ms", "max ms", "delivered / expected",
           "KiB per stream", "CPU s", "client CPU s", "publishes failed")  # fmt: skip


def table_rows(result: StreamBench) -> list[list[str]]:
    labels = {setup["key"]: setup["label"] for setup in result.setups}

    def ms(value: float | None) -> str:
        return "-" if value is None else f"{value:.0f}"

    return [
        [labels.get(run.setup, run.setup), str(run.connections), str(run.held), ms(run.p50_ms),
         ms(run.p99_ms), ms(run.max_ms), f"{run.delivered} / {run.expected}",
         ms(run.kib_per_stream), f"{run.cpu_seconds:.2f}", f"{run.client_cpu_seconds:.2f}",
         str(run.failed_publishes)]
        for run in result.runs
    ]  # fmt: skip


def conclusions(result: StreamBench) -> list[str]:
    """Per setup, the most streams it held with every event delivered and p99 within target;
    then a verdict on each claim, computed from those figures."""
    best: dict[str, int] = {}
    for run in result.runs:
        whole = run.held == run.connections and run.expected and run.delivered >= run.expected
        if whole and run.p99_ms is not None and run.p99_ms <= TARGET_P99_MS:
            best[run.setup] = max(best.get(run.setup, 0), run.connections)
    labels = {setup["key"]: setup["label"] for setup in result.setups}
    lines = [
        f"{labels[key]}: {best[key] if key in best else 'no'} streams held with every event "
        f"delivered, p99 <= {TARGET_P99_MS} ms"
        for key in labels
    ]
    lines.append(f'"many simultaneous connections": {_verdict(result, best)}')
    lines.append(f'"real-time": {_real_time(result, labels)}')
    return lines


def _real_time(result: StreamBench, labels: dict[str, str]) -> str:
    """At the most streams both frameworks held whole (each stream, each event), whose p99 was
    lower: Express's against the best Flask server's; within 20% of each other, about even."""
    whole = [run for run in result.runs if run.p99_ms is not None and run.held == run.connections
             and run.expected and run.delivered >= run.expected]  # fmt: skip
    sides = [{run.connections for run in whole if (run.framework == "express") == side}
             for side in (True, False)]  # fmt: skip
    if not sides[0] & sides[1]:
        return "cannot tell (no number of streams both held with every event delivered)"
    n = max(sides[0] & sides[1])
    at_n = sorted((run for run in whole if run.connections == n), key=lambda run: run.p99_ms or 0)
    express = next(run for run in at_n if run.framework == "express")
    flask = next(run for run in at_n if run.framework != "express")
    e, f = express.p99_ms or 0.0, flask.p99_ms or 0.0
    figures = f"p99 {e:.0f} ms for Express, {f:.0f} ms for {labels.get(flask.setup, flask.setup)}"
    if max(e, f) <= 1.2 * min(e, f):
        return f"about even at {n} streams ({figures})"
    who = "Express" if e < f else "a Flask server"
    return f"{who} delivered sooner at {n} streams ({figures})"


def _verdict(result: StreamBench, best: dict[str, int]) -> str:
    """Who held more streams within the target; on a tie, who held more streams at all."""
    express = best.get("express", 0)
    flask = max((v for key, v in best.items() if key != "express"), default=0)
    if express != flask:
        who = "Express" if express > flask else "a Flask server"
        return f"{who} held more ({express} for Express, {flask} for the best Flask server)"
    held = {
        side: max((r.held for r in result.runs if (r.framework == "express") == side), default=0)
        for side in (True, False)
    }
    if held[True] == held[False]:
        return (
            f"about even: each held {held[True]} streams open ({express} each with every event "
            f"delivered within {TARGET_P99_MS} ms)"
        )
    who = "Express" if held[True] > held[False] else "a Flask server"
    return (
        f"cannot tell by the target ({express} each); {who} held more streams open "
        f"({held[True]} for Express, {held[False]} for the best Flask server)"
    )


def render_text(result: StreamBench) -> str:
    rows = [list(HEADERS), *table_rows(result)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(HEADERS))]
    lines = [
        "  ".join(
            cell.ljust(widths[i]) if i == 0 else cell.rjust(widths[i]) for i, cell in enumerate(row)
        ).rstrip()
        for row in rows
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    lines += ["", *conclusions(result), *result.notes]
    if result.command:
        lines += ["", f"Run it again: {result.command}"]
    return "\n".join(lines) + "\n"


def render_json(result: StreamBench) -> str:
    data = asdict(result)
    data["connections"] = list(result.connections)
    data["conclusions"] = conclusions(result)
    return json.dumps(data, indent=2) + "\n"


def command_line(
    connections: tuple[int, ...], rate: float, duration: int, setups: tuple[StreamSetup, ...]
) -> str:
    """The `dualgen bench --streams` line that measures the same again."""
    return shlex.join(
        ["dualgen", "bench", "--streams", "--connections", ",".join(map(str, connections)),
         "--rate", f"{rate:g}", "--duration", str(duration),
         "--servers", ",".join(setup.key for setup in setups)]
    )  # fmt: skip
