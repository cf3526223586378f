"""A parity report for people (text, 100 columns) and for tools (JSON), and its progress lines."""

from __future__ import annotations

import dataclasses
import json
import textwrap
from collections.abc import Callable
from typing import Any

from . import Found, Report
from .streams import StreamDifference
from .wire import Answer

WIDTH = 100
LABEL = 16
COLUMN = (WIDTH - LABEL - 6) // 2
KINDS = ("status", "counting", "content-type", "body", "header")


def describe(event: str, value: Any) -> str | None:  # the event's object: a Report …
    """The progress line for an event of `parity.check` (None: nothing to say)."""
    if event == "start" and value.storage:
        return (
            f"parity: seed {value.seed} (replay with --seed {value.seed}), {value.requested} "
            f"sequences, each on fresh servers with a fresh {value.storage} store"
        )
    if event == "progress" and value.storage:
        return (
            f"parity: {value.sequences}/{value.requested} sequences, {value.sent} requests, "
            f"{value.differing} differing, {len(value.found)} distinct"
        )
    if event == "start":
        production = ", production servers" if value.production else ""
        return (
            f"parity: seed {value.seed} (replay with --seed {value.seed}), "
            f"{value.requested} requests{production}"
        )
    if event == "listening":
        return "parity: " + ", ".join(f"{name} on {s.url}" for name, s in value.items())
    if event == "progress":
        return (
            f"parity: {value.sent}/{value.requested} requests, {value.differing} differing, "
            f"{len(value.found)} distinct"
        )
    if event == "streams":
        if value.streams_skipped is not None:
            return f"parity: streams not compared: {value.streams_skipped}"
        return (
            f"parity: streams: {value.stream_steps} steps on each server, "
            f"{len(value.streams)} differing"
        )
    if event == "found" and value.declared is None:
        return f"parity: found: {value.signature}"
    return None


def _summary(report: Report) -> list[str]:
    kinds = ", ".join(f"{kind} {report.by_kind[kind]}" for kind in KINDS if report.by_kind[kind])
    sequences = (
        f"{report.sequences} sequences on fresh {report.storage} stores, " if report.storage else ""
    )
    lines = [
        f"Seed {report.seed}: {sequences}{report.sent} requests sent to each server in "
        f"{report.seconds:.1f} s ({report.rounds} round{'s' * (report.rounds != 1)}): "
        f"{report.identical} identical, {report.differing} differing"
        + (f" ({report.declared_only} only in declared ways)" if report.declared_only else ""),
    ]
    if kinds:
        lines.append(f"  differing by kind: {kinds}")
    if report.out_of_time:
        lines.append("  the time limit ended the run before every request was sent")
    if report.streams_skipped is not None:
        lines.append(f"  streams not compared: {report.streams_skipped}")
    elif report.stream_steps:
        lines.append(
            f"  streams of GET /events: {report.stream_steps} steps on each server, "
            f"{len(report.streams)} differing"
        )
    return lines


def render_text(report: Report, style: Callable[..., str]) -> str:
    out = _summary(report)
    found = sorted(report.found.values(), key=lambda f: (f.declared is not None, f.signature))
    undeclared = len(report.undeclared) + len(report.streams)
    if found or report.streams:
        out.append("")
        total = len(found) + len(report.streams)
        out.append(f"{total} distinct difference{'s' * (total != 1)}, {undeclared} not declared:")
    for number, item in enumerate(found, 1):
        out.append("")
        out.extend(_difference(number, item, report, style))
    for number, stream in enumerate(report.streams, len(found) + 1):
        out.append("")
        out.extend(_stream_difference(number, stream, style))
    out.append("")
    if undeclared:
        out.append(
            style(f"parity: {undeclared} undeclared difference{'s' * (undeclared != 1)}", fg="red")
        )
    else:
        declared = f" ({len(found)} declared)" if found else ""
        out.append(style(f"parity: no undeclared difference{declared}", fg="green"))
    return "\n".join(out) + "\n"


def _difference(number: int, item: Found, report: Report, style: Callable[..., str]) -> list[str]:
    head = f"{number}. {item.signature}"
    lines = [style(head, bold=True) + f"   ({item.kind}, seen {item.count} times)"]
    if item.declared is not None:
        # Declared: where and why, and the smallest request seen; `dualgen options` has more.
        lines += _wrapped(f"declared: {item.declared.title}", 3)
        return lines + _wrapped("e.g. " + " | ".join(r.describe() for r in item.example), 3)
    if not item.confirmed:
        why = (
            "the time limit stopped its shrinking"
            if report.out_of_time
            else "the smallest example did not show it again when replayed"
        )
        lines += _wrapped(f"not confirmed: {why}", 3)
    lines.append("   request" + ("s" if len(item.example) > 1 else ""))
    for request in item.example:
        lines += _wrapped(request.describe(), 5)
    lines.append(f"   {'':<{LABEL}}{'Flask':<{COLUMN}}  Express")
    for label, a, b in _rows(item):
        lines += _side_by_side(label, a, b)
    lines.append("   reproduce (start each project as its README says, then):")
    for name in ("flask", "express"):
        lines.append(f"     {name}:")
        for command in item.curl(report.urls[name]).splitlines():
            lines.append(f"       {command}")
    return lines


def _stream_difference(number: int, item: StreamDifference, style: Callable[..., str]) -> list[str]:
    """A step whose transcripts differ: from its first differing line, side by side."""
    lines = [style(f"{number}. {item.signature}", bold=True) + f"   (stream, line {item.line})"]
    lines.append(f"   {'':<{LABEL}}{'Flask':<{COLUMN}}  Express")
    for n in range(max(len(item.flask), len(item.express))):
        a = item.flask[n] if n < len(item.flask) else "(nothing more)"
        b = item.express[n] if n < len(item.express) else "(nothing more)"
        mark = "differs" if a != b else ""
        lines += _side_by_side(mark, a, b)
    for name, problems in item.problems.items():
        for problem in problems[:3]:
            lines += _wrapped(f"{name}: {problem}", 3)
    return lines


def _rows(item: Found) -> list[tuple[str, str, str]]:
    rows = [("status", _status(item.flask), _status(item.express))]
    for aspect in item.aspects:
        if aspect.kind != "status":
            label = aspect.name if aspect.kind == "header" else aspect.kind
            rows.append((label, _value(aspect.flask), _value(aspect.express)))
    return rows


def _status(answer: Answer) -> str:
    return str(answer.status) if answer.error is None else f"no answer: {answer.error}"


def _value(value: str | None) -> str:
    return "(none)" if value is None else value


def _side_by_side(label: str, a: str, b: str) -> list[str]:
    left = textwrap.wrap(a, COLUMN, break_on_hyphens=False) or [""]
    right = textwrap.wrap(b, COLUMN, break_on_hyphens=False) or [""]
    left, right = left[:6], right[:6]
    lines = []
    for n in range(max(len(left), len(right))):
        name = label[: LABEL - 1] if n == 0 else ""
        l_part = left[n] if n < len(left) else ""
        r_part = right[n] if n < len(right) else ""
        lines.append(f"   {name:<{LABEL}}{l_part:<{COLUMN}}  {r_part}".rstrip())
    return lines


def _wrapped(text: str, indent: int) -> list[str]:
    # Header names keep their hyphens: X-Forwarded-For never breaks after "X-Forwarded-".
    return textwrap.wrap(
        text,
        WIDTH,
        initial_indent=" " * indent,
        subsequent_indent=" " * (indent + 2),
        break_on_hyphens=False,
    ) or [" " * indent]


def render_json(report: Report) -> str:
    return json.dumps(
        {
            "seed": report.seed,
            "requested": report.requested,
            "storage": report.storage or None,
            "sequences": report.sequences,
            "production": report.production,
            "sent": report.sent,
            "identical": report.identical,
            "differing": report.differing,
            "declared_only": report.declared_only,
            "by_kind": dict(report.by_kind),
            "rounds": report.rounds,
            "seconds": round(report.seconds, 3),
            "out_of_time": report.out_of_time,
            "ok": report.ok,
            "differences": [_found_json(item, report) for item in report.found.values()],
            "streams": {
                "steps": report.stream_steps,
                "skipped": report.streams_skipped,
                "differences": [dataclasses.asdict(item) for item in report.streams],
            },
        },
        indent=2,
        ensure_ascii=False,
    )


def _found_json(item: Found, report: Report) -> dict[str, object]:
    declared = item.declared
    return {
        "signature": item.signature,
        "kind": item.kind,
        "count": item.count,
        "confirmed": item.confirmed,
        "declared": None
        if declared is None
        else {
            "title": declared.title,
            "flask": declared.flask,
            "express": declared.express,
            "why": declared.why,
        },
        "requests": [request.to_json() for request in item.example],
        "aspects": [
            {"kind": a.kind, "name": a.name, "flask": a.flask, "express": a.express}
            for a in item.aspects
        ],
        "flask": item.flask.to_json(),
        "express": item.express.to_json(),
        "curl": {name: item.curl(report.urls[name]) for name in ("flask", "express")},
    }
