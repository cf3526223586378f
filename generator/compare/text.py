"""Text output for a 100-column terminal: a comparison side by side, and a diff as `git diff`
prints it. ANSI colours only when asked."""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING

from .. import _highlight as hl
from ..spec import ProjectSpec
from .concepts import Location
from .tree import tree_lines

if TYPE_CHECKING:
    from . import Comparison
    from .diff import TreeDiff

WIDTH = 100
_COLUMN = (WIDTH - 3) // 2
_SEPARATOR = " │ "
_MAX_SNIPPET = 24


def _style(text: str, code: str, color: bool) -> str:
    return f"\x1b[{code}m{text}\x1b[0m" if color and text else text


def _fit(text: str, width: int) -> str:
    text = text.expandtabs(4)
    return text if len(text) <= width else text[: width - 1] + "…"


def _pair(left: str, right: str, left_plain: str | None = None) -> str:
    """Two columns: left is padded by the width of its plain (uncoloured) text."""
    plain = left if left_plain is None else left_plain
    return (left + " " * (_COLUMN - len(plain)) + _SEPARATOR + right).rstrip()


def choices_summary(spec: ProjectSpec) -> str:
    parts = []
    if spec.classic:
        parts.append("classic")
    if spec.middleware:
        parts.append("middleware: " + ", ".join(spec.middleware))
    if spec.switches:
        parts.append("config: " + ", ".join(spec.switches))
    parts.append(f"{len(spec.routes)} route{'s' if len(spec.routes) != 1 else ''}")
    return "; ".join(parts)


def _code_cells(place: Location, color: bool) -> list[tuple[str, str]]:
    """A snippet as (coloured, plain) cells of the column width, with line numbers."""
    rows = hl.lines("\n".join(place.code), hl.language_for(place.path))
    cells = []
    number_width = len(str(place.end_line))
    for offset, row in enumerate(rows[:_MAX_SNIPPET]):
        number = f"{place.line + offset:>{number_width}} "
        cut = hl.truncate(
            [(kind, value.expandtabs(4)) for kind, value in row], _COLUMN - len(number)
        )
        plain = number + hl.to_ansi(cut, color=False)
        coloured = _style(number.rstrip(), "2", color) + " " + hl.to_ansi(cut, color=color)
        cells.append((coloured, plain))
    if len(rows) > _MAX_SNIPPET:
        more = f"… {len(rows) - _MAX_SNIPPET} more lines"
        cells.append((_style(more, "2", color), more))
    return cells


def render_text(comparison: Comparison, *, color: bool = False) -> str:
    """The comparison for a 100-column terminal: trees, figures, the concept map."""
    names = list(comparison.trees)
    out: list[str] = []
    spec = comparison.spec
    title = f"dualgen compare: {spec.name} ({choices_summary(spec)})"
    out.extend(_style(line, "1", color) for line in textwrap.wrap(title, WIDTH))
    out.append("")
    heads = [f"{name.upper()}  {comparison.trees[name].root}/" for name in names]
    out.append(_pair(_style(heads[0], "1", color), _style(heads[1], "1", color), heads[0]))
    listings = [tree_lines(comparison.trees[name])[1:] for name in names]
    for index in range(max(len(listing) for listing in listings)):
        cells = []
        for listing in listings:
            if index >= len(listing):
                cells.append("")
                continue
            label, _, count = listing[index].partition("\t")
            label = _fit(label, _COLUMN - 8)
            cells.append(f"{label}{count:>{_COLUMN - len(label)}}" if count else label)
        out.append(_pair(cells[0], cells[1]))
    out.append("")
    figures = [comparison.trees[name].figures() for name in names]
    for key, label in (
        ("files", "files"),
        ("lines", "lines"),
        ("code_lines", "lines of py/js"),
    ):
        left, right = (f"{label:<14}{fig[key]:>6}" for fig in figures)
        out.append(_pair(left, right))
    for number, match in enumerate(comparison.concepts, 1):
        out.append("")
        title = f"── {number}. {match.title} "
        out.append(_style(title + "─" * (WIDTH - 1 - len(title)), "1", color))
        if not match.applies:
            out.append(_style(_fit(f"   not in this project: {match.hint}", WIDTH), "2", color))
            continue
        heads, plains = [], []
        for name in names:
            place = match.places[name]
            plain = f"{name}: {place.label}" if place else f"{name}: not found"
            plain = _fit(plain, _COLUMN)
            heads.append(_style(plain, "36" if place else "31", color))
            plains.append(plain)
        out.append(_pair(heads[0], heads[1], plains[0]))
        notes = [textwrap.wrap(match.notes.get(name, ""), _COLUMN) for name in names]
        for index in range(max(len(note) for note in notes)):
            cells = [note[index] if index < len(note) else "" for note in notes]
            out.append(_pair(_style(cells[0], "3", color), _style(cells[1], "3", color), cells[0]))
        columns = [
            _code_cells(place, color) if place else [] for place in map(match.places.get, names)
        ]
        for index in range(max(len(column) for column in columns)):
            left, plain = columns[0][index] if index < len(columns[0]) else ("", "")
            right = columns[1][index][0] if index < len(columns[1]) else ""
            out.append(_pair(left, right, plain))
    out.extend(_declared(comparison, color))
    missing = [m.title for m in comparison.concepts if m.applies and not m.resolved]
    if missing:
        out.append("")
        out.append(_style(_fit("not located: " + ", ".join(missing), WIDTH), "31", color))
    return "\n".join(out) + "\n"


def _declared(comparison: Comparison, color: bool) -> list[str]:
    """The differences between the servers the catalog declares: where, each side, why."""
    if not comparison.declared:
        return []
    title = "── Declared differences (what `dualgen parity` accepts) "
    out = ["", _style(title + "─" * (WIDTH - 1 - len(title)), "1", color)]
    for declared in comparison.declared:
        out.append(_style(_fit(declared.title, WIDTH), "36", color))
        sides = [
            textwrap.wrap(f"{name}: {text}", _COLUMN)
            for name, text in (("flask", declared.flask), ("express", declared.express))
        ]
        for index in range(max(len(side) for side in sides)):
            cells = [side[index] if index < len(side) else "" for side in sides]
            out.append(_pair(cells[0], cells[1]))
        out.extend(
            _style(line, "3", color) for line in textwrap.wrap(f"why: {declared.why}", WIDTH)
        )
    return out


def _diff_line_style(line: str) -> str:
    if line.startswith(("+++", "---")):
        return "1"
    if line.startswith("+"):
        return "32"
    if line.startswith("-"):
        return "31"
    if line.startswith("@@"):
        return "36"
    return ""


def render_diff_text(diff: TreeDiff, *, color: bool = False) -> str:
    """The diff as `git diff` prints it, with a summary; "no changes" when none."""
    out = [f"{diff.framework}: {diff.old_label} -> {diff.new_label}"]
    if diff.note:
        out.append(diff.note)
    if not diff.changed:
        out.append("no changes")
        return "\n".join(out) + "\n"
    for item in diff.files:
        out.append(_style(f"diff {item.status}: {item.path}", "1", color))
        for line in item.lines:
            style = _diff_line_style(line)
            out.append(_style(line, style, color) if style else line)
    added = sum(item.counts[0] for item in diff.files)
    removed = sum(item.counts[1] for item in diff.files)
    out.append(f"{len(diff.files)} files changed, {added} insertions(+), {removed} deletions(-)")
    return "\n".join(out) + "\n"
