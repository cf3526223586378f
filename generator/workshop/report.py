"""What `dualgen check` prints: a participant's report, the class table, and for a failed check
the lines that tell what was sent, what was expected and what came back."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Callable
from typing import TYPE_CHECKING

from ..contract import Exchange, Padded
from .contract import Check
from .model import Workshop

if TYPE_CHECKING:
    import requests

    from .check import Report


WIDTH = 100


def sent_lines(exchange: Exchange) -> list[str]:
    lines = [f"{exchange.method} {exchange.path}"]
    if exchange.repeat > 1:
        lines[0] += f" ({exchange.repeat} times)"
    lines += [f"{name}: {value}" for name, value in exchange.request_headers.items()]
    if isinstance(exchange.body, Padded):
        lines.append(f"a JSON body of {len(exchange.body)} bytes")
    elif exchange.body is not None:
        lines.append(f"body {shortened(exchange.body)}")
    return lines


def expected_lines(exchange: Exchange) -> list[str]:
    if isinstance(exchange, Check) and exchange.expected_lines():
        return exchange.expected_lines()
    first = f"status {exchange.status}"
    if exchange.media_type:
        first += f", {exchange.media_type}"
    lines = [first]
    if exchange.text is not None:
        lines.append(f"body {shortened(exchange.text.encode())}")
    if exchange.json is not Exchange.json:  # the field's default: no JSON expected
        lines.append(f"JSON {json.dumps(exchange.json)}")
        choices = exchange.json_choices if isinstance(exchange, Check) else ()
        lines += [f"  or {json.dumps(choice)}" for choice in choices]
    lines += [f"{name}: {value}" for name, value in exchange.headers.items()]
    lines += [f"{name}: {', '.join(sorted(v))}" for name, v in exchange.header_sets.items()]
    lines += [f"{name}: matching {pattern}" for name, pattern in exchange.header_patterns.items()]
    lines += [f"no {name} header" for name in exchange.absent]
    return lines


def received_lines(exchange: Exchange, response: requests.Response) -> list[str]:
    media = response.headers.get("Content-Type", "no Content-Type")
    lines = [f"status {response.status_code}, {media}"]
    if response.content:
        lines.append(f"body {shortened(response.content)}")
    names = [*exchange.headers, *exchange.header_sets, *exchange.header_patterns, *exchange.absent]
    names += exchange.shown_headers() if isinstance(exchange, Check) else []
    for name in dict.fromkeys(names):
        value = response.headers.get(name)
        lines.append(f"{name}: {value}" if value is not None else f"no {name} header")
    return lines


def shortened(content: bytes, limit: int = 100) -> str:
    text = content[:limit].decode("utf-8", "replace")
    return repr(text) + ("…" if len(content) > limit else "")


def _wrapped(line: str, first: str, rest: str | None = None) -> list[str]:
    """A line that must be read whole (a problem): wrapped within WIDTH, nothing cut."""
    return textwrap.wrap(
        line,
        WIDTH,
        initial_indent=first,
        subsequent_indent=rest if rest is not None else " " * len(first),
        break_on_hyphens=False,
    )


def _clip(line: str) -> str:
    return line if len(line) <= WIDTH else line[: WIDTH - 1] + "…"


def first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return (text[0] if text else type(error).__name__)[:160]


def format_report(
    report: Report, workshop: Workshop, style: Callable[..., str] | None = None
) -> str:
    """One participant's report: each check ok or FAIL, and for a failure what was sent, what
    came back, what was expected, and the step's hint."""
    style = style or (lambda text, **_: text)
    step = report.step
    out = [
        f"Step {step.number} of {workshop.title!r}: {step.title}",
        f"{report.label}: {report.framework} project, started with `{report.command}`",
        "",
    ]
    marks = {
        "ok": style("ok  ", fg="green"),
        "fail": style("FAIL", fg="red"),
        "not run": style("--  ", fg="yellow"),
        "skip": style("skip", fg="yellow"),
    }
    for outcome in report.outcomes:
        line = f"  {marks[outcome.state]}  {outcome.name}"
        if outcome.state == "not run":
            line += "  (not run: the server did not start)"
        out.append(line)
        if outcome.state in ("ok", "not run"):
            continue
        for title, lines in (
            ("sent", outcome.sent),
            ("got", outcome.received),
            ("expected", outcome.expected),
        ):
            for index, line in enumerate(lines):
                out.append(_clip(f"        {title if index == 0 else '':<9} {line}"))
        for index, line in enumerate(outcome.problems):
            out += _wrapped(line, f"        {'problem' if index == 0 else '':<9} ")
        if outcome.hint and outcome.state == "fail":
            wrapped = textwrap.wrap(outcome.hint, WIDTH - 18)
            out += [
                f"        {'hint' if i == 0 else '':<9} {line}" for i, line in enumerate(wrapped)
            ]
    total = len(report.outcomes)
    out.append("")
    if report.ok:
        out.append(style(f"All {total} checks passed.", fg="green"))
    else:
        out.append(
            f"{report.passed} of {total} checks passed. Fix the first failure, then run "
            f"`dualgen check --step {step.number}` again."
        )
    return "\n".join(out) + "\n"


def format_table(
    reports: list[Report], workshop: Workshop, style: Callable[..., str] | None = None
) -> str:
    """Several participants: one row each, one column per check (numbered; a legend above)."""
    style = style or (lambda text, **_: text)
    step = reports[0].step
    names = step.checks()
    out = [f"Step {step.number} of {workshop.title!r}: {step.title}", "", "Checks:"]
    out += [f"  {n:>2}  {name}" for n, name in enumerate(names, 1)]
    width = max(12, *(len(report.label) for report in reports))
    header = f"{'participant':<{width}}  " + " ".join(f"{n:>4}" for n in range(1, len(names) + 1))
    out += ["", header + "  passed"]
    details: list[str] = []
    for report in reports:
        if report.error:
            out.append(f"{report.label:<{width}}  " + style(f"error: {report.error}", fg="red"))
            continue
        by_name = {outcome.name: outcome for outcome in report.outcomes}
        cells = []
        for n, name in enumerate(names, 1):
            outcome = by_name.get(name)
            state = outcome.state if outcome else "not run"
            text = {"ok": "ok", "fail": "FAIL"}.get(state, "-")
            colour = {"ok": "green", "FAIL": "red"}.get(text, "yellow")
            cells.append(" " * (4 - len(text)) + style(text, fg=colour))
            if state == "fail":
                problem = outcome.problems[0] if outcome.problems else ""  # type: ignore[union-attr]  # failed
                details += _wrapped(f"{report.label}: {n} {name}: {problem}", "  ", "      ")
        passed = f"{report.passed}/{len(report.outcomes)}"
        out.append(f"{report.label:<{width}}  " + " ".join(cells) + f"  {passed}")
    if details:
        alone = f"`dualgen check --step {step.number} DIR`"
        out += ["", f"Failures (run {alone} alone for the full report):"]
        out += details
    return "\n".join(out) + "\n"
