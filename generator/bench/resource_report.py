"""The report of `dualgen bench --scenario resource`: a table, the generated code against its
anchor (generated/anchor, per server, storage, operation and concurrency), the two frameworks
against each other, and checks (same JSON, a row per create, no errors); text, JSON, HTML."""

from __future__ import annotations

import json
from typing import Any

from ..verify import plural
from .page import bar_chart, environment
from .report import SHORT, caveats
from .resource import VARIANTS, ResourceBench, ResourceRun
from .spread import Figure, number, ratio, span, times, verdict

STORAGE_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
OPERATION_NAMES = {"read": "read by id", "create": "create"}
#: What spread.verdict says of generated against anchor, as the report says it.
VERDICTS = {"agrees": "faster", "contradicts": "slower", "about even": "about even",
            "cannot tell": "cannot tell"}  # fmt: skip
HEADER = ["framework", "server", "code", "operation", "conns", "req/s", "p50 ms", "p99 ms",
          "errors"]  # fmt: skip
SPREAD = "min–max"


def header(result: ResourceBench) -> list[str]:
    if result.repeat == 1:
        return list(HEADER)
    return [*HEADER[:6], SPREAD, HEADER[6], SPREAD, HEADER[7], SPREAD, HEADER[8]]


def table_rows(result: ResourceBench) -> list[list[str]]:
    rows = []
    for run in sorted(result.runs, key=_order(result)):
        cells = [run.framework, SHORT.get(run.setup, run.setup), run.variant, run.kind,
                 str(run.concurrency)]  # fmt: skip
        for metric in ("rps", "p50_ms", "p99_ms"):
            figure = run.figure(metric)
            show = (lambda v: f"{v:.0f}") if metric == "rps" else number
            cells.append(show(figure.median))
            if result.repeat > 1:
                cells.append(span(figure, show))
        rows.append([*cells, str(run.errors)])
    return rows


def _order(result: ResourceBench) -> Any:
    setups = [s["key"] for s in result.setups]

    def key(run: ResourceRun) -> tuple[int, int, int, int]:
        return (setups.index(run.setup), ("read", "create").index(run.kind),
                run.concurrency, VARIANTS.index(run.variant))  # fmt: skip

    return key


def ratios(result: ResourceBench) -> list[dict[str, Any]]:
    """generated/anchor requests a second for each server, operation and concurrency."""
    found = []
    for setup in result.setups:
        for operation in ("read", "create"):
            for level in result.concurrency:
                made = result.find(setup["key"], "generated", operation, level)
                anchor = result.find(setup["key"], "anchor", operation, level)
                if made is None or anchor is None:
                    continue
                both = made.figure("rps"), anchor.figure("rps")
                share = ratio(*both)
                found.append({
                    "framework": setup["framework"], "setup": setup["key"],
                    "storage": result.storage, "operation": operation, "concurrency": level,
                    "ratio": round(share.median, 3), "low": round(share.low, 3),
                    "high": round(share.high, 3), "verdict": VERDICTS[verdict(*both)],
                })  # fmt: skip
    return found


def conclusions(result: ResourceBench) -> dict[str, list[Any]]:
    """Sentences drawn from the figures, the ratios, the checks and the caveats."""
    storage = STORAGE_NAMES[result.storage]
    found: list[str] = []
    found_ratios = ratios(result)
    for setup in result.setups:
        for operation in ("read", "create"):
            mine = [r for r in found_ratios
                    if (r["setup"], r["operation"]) == (setup["key"], operation)]  # fmt: skip
            if mine:
                parts = [f"{_times(r)} at {plural(r['concurrency'], 'connection')} "
                         f"({r['verdict']})" for r in mine]  # fmt: skip
                found.append(
                    f"{_framework(setup['framework'])} on {SHORT[setup['key']]}, {storage}, "
                    f"{OPERATION_NAMES[operation]}: generated/anchor requests a second "
                    f"{', '.join(parts)}."
                )
    found += _frameworks(result) + _checks(result)
    return {"findings": found, "ratios": found_ratios, "caveats": caveats(result)}


def _framework(name: str) -> str:
    return {"flask": "Flask", "express": "Express"}[name]


def _times(entry: dict[str, Any]) -> str:
    return times(Figure(entry["ratio"], entry["low"], entry["high"]))


def _frameworks(result: ResourceBench) -> list[str]:
    """The best generated Flask server against the best generated Express one, per operation,
    at the highest concurrency."""
    top = max(result.concurrency)
    found = []
    for operation in ("read", "create"):
        best: dict[str, tuple[float, str, Figure]] = {}
        for run in result.runs:
            if (run.variant, run.kind, run.concurrency) != ("generated", operation, top):
                continue
            figure = run.figure("rps")
            if run.framework not in best or figure.median > best[run.framework][0]:
                best[run.framework] = (figure.median, run.setup, figure)
        if len(best) == 2:
            (_, flask, flask_rps), (_, express, express_rps) = best["flask"], best["express"]
            found.append(
                f"{OPERATION_NAMES[operation].capitalize()} at {plural(top, 'connection')}, "
                f"{STORAGE_NAMES[result.storage]}: generated Express ({SHORT[express]}, "
                f"{express_rps.median:.0f} req/s) served {times(ratio(express_rps, flask_rps))} "
                f"generated Flask ({SHORT[flask]}, {flask_rps.median:.0f} req/s)."
            )
    return found


def _checks(result: ResourceBench) -> list[str]:
    """Whether each anchor answered the generated code's JSON, each create left a row, and
    every request succeeded."""
    found = []
    answers = {(a["setup"], a["variant"]): (a["read"], a["created"]) for a in result.answers}
    differ = [setup for (setup, variant), answer in answers.items()
              if variant == "anchor" and answers.get((setup, "generated")) != answer]  # fmt: skip
    if answers:
        found.append(
            "The anchors answered the same JSON as the generated code (a read, a create)."
            if not differ
            else "The anchor answered other JSON than the generated code on "
            + ", ".join(SHORT[s] for s in differ)
            + ": the ratios compare unlike work."
        )
    short = [r for r in result.rows if r["created_rows"] < r["create_requests"]]
    if result.rows and not short:
        found.append("Every answered create left its row in the database.")
    for entry in short:
        found.append(f"{SHORT[entry['setup']]} ({entry['variant']}): {entry['created_rows']} rows "
                     f"for {entry['create_requests']} answered creates.")  # fmt: skip
    errors = [r for r in result.runs if r.errors]
    if errors:
        found.append("Errors (timeouts, refused connections or non-2xx answers): " + "; ".join(
            f"{SHORT[r.setup]} {r.variant} {r.kind} at {r.concurrency}: {r.errors}"
            for r in errors) + ".")  # fmt: skip
    return found


def render_text(result: ResourceBench) -> str:
    columns = header(result)
    rows = [columns, *table_rows(result)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(columns))]
    lines = [
        "  ".join(cell.rjust(widths[i]) if i >= 4 else cell.ljust(widths[i])
                  for i, cell in enumerate(row)).rstrip()
        for row in rows
    ]  # fmt: skip
    lines.insert(1, "  ".join("-" * width for width in widths))
    m = result.machine
    lines += [
        "",
        f"{m.get('date')}, {m.get('cpus')} CPUs, {m.get('system')}, Python {m.get('python')}, "
        f"Node {m.get('node')}; load {m.get('load_before')} before, {m.get('load_after')} after",
        f"{STORAGE_NAMES[result.storage]}; {result.resource}; {result.seeded} rows seeded, "
        f"reads of id {result.read_id}; {_runs(result)}",
        "",
    ]
    found = conclusions(result)
    lines += [f"- {line}" for line in found["findings"]]
    if found["caveats"]:
        lines += ["", "Caveats:", *(f"- {line}" for line in found["caveats"])]
    if result.command:
        lines += ["", "To run it again:", f"  {result.command}"]
    return "\n".join(lines) + "\n"


def _runs(result: ResourceBench) -> str:
    if result.repeat == 1:
        return f"{result.duration} s a run"
    return (f"{result.repeat} interleaved rounds of {result.duration} s runs: the median shown, "
            f"the spread ({SPREAD}) beside it")  # fmt: skip


def render_json(result: ResourceBench) -> str:
    data = result.as_dict()
    for run in data["runs"]:
        for key in ("p50_ms", "p99_ms"):
            run[key] = None if run[key] != run[key] else run[key]
    data["conclusions"] = conclusions(result)
    return json.dumps(data, indent=2) + "\n"


def render_html(result: ResourceBench) -> str:
    """One self-contained page: the conclusions, a chart per operation and figure, the table
    and the command that runs it again (the streams page's template, the bench's charts)."""
    names = {f"{s['key']} {v}": f"{SHORT[s['key']]}, {v}" for s in result.setups
             for v in VARIANTS}  # fmt: skip
    groups: list[tuple[object, str]] = [(c, plural(c, "connection")) for c in result.concurrency]
    charts = []
    for operation in ("read", "create"):
        for metric, what in (("rps", "requests a second"), ("p99_ms", "p99 latency, ms")):
            figures: dict[tuple[str, object], Figure] = {
                (f"{r.setup} {r.variant}", r.concurrency): r.figure(metric)
                for r in result.runs if r.kind == operation}  # fmt: skip
            title = f"{OPERATION_NAMES[operation]}: {what} (log scale)"
            charts.append(bar_chart(title, list(names), groups, figures, names))
    found = conclusions(result)
    return (
        environment()
        .get_template("resource.html.j2")
        .render(
            result=result,
            found=found["findings"] + found["caveats"],
            machine=result.machine,
            charts=charts,
            header=header(result),
            rows=table_rows(result),
            storage=STORAGE_NAMES[result.storage],
        )  # fmt: skip
    )
