"""Write benchmarks/results.md from the measured sections."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timezone
from pathlib import Path

from benchmarks._common import Section, Target


def markdown_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def status(target: Target) -> str:
    if target.met is None:
        return "not measured"
    return "met" if target.met else "**missed**"


def targets_table(sections: Sequence[Section]) -> str:
    rows = [
        [target.name, target.measured, target.goal, status(target)]
        for section in sections
        for target in section.targets
    ]
    return markdown_table(["target", "measured", "goal", "status"], rows)


def section_text(section: Section) -> str:
    parts = [f"## {section.title}", section.intro]
    parts += [markdown_table(headers, rows) for headers, rows in section.tables]
    parts += [f"- {note}" for note in section.notes]
    if section.commands:
        parts.append("Commands:\n\n```sh\n" + "\n".join(section.commands) + "\n```")
    return "\n\n".join(parts)


def write(
    path: Path,
    sections: Sequence[Section],
    *,
    command: str,
    mode: str,
    machine: Sequence[tuple[str, str]],
    versions: Sequence[tuple[str, str]],
    minutes: float,
) -> None:
    when = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    head = [
        "# dualgen benchmarks",
        f"Measured {when} with `{command}` ({mode} mode, {minutes:.1f} min). Every "
        "comparison is measured side by side in the same run, interleaved, and "
        "reported as medians and ratios of medians (paired per round where the table "
        "says so). Speed is measured here, never asserted in a test. The machine has "
        "2 cores and other work was running on it, so expect a few percent of noise "
        "on ratios near 1.",
        "## Targets",
        targets_table(sections),
        "## Machine",
        markdown_table(["", ""], [list(pair) for pair in machine]),
        "## Versions",
        markdown_table(["", ""], [list(pair) for pair in versions]),
    ]
    body = "\n\n".join(head + [section_text(section) for section in sections])
    path.write_text(body + "\n", encoding="utf-8")


def splice(path: Path, title: str, text: str) -> None:
    """Put a section into results.md in place of its previous version (or at the end)."""
    import re

    old = path.read_text(encoding="utf-8") if path.exists() else ""
    pattern = re.compile(rf"^## {re.escape(title)}\n.*?(?=^## |\Z)", re.S | re.M)
    new = (
        pattern.sub(lambda _: text.rstrip("\n") + "\n\n", old, count=1)
        if pattern.search(old)
        else (old.rstrip("\n") + "\n\n" + text)
    )
    path.write_text(new.rstrip("\n") + "\n", encoding="utf-8")
