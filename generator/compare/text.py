"""Text output for a terminal of any width from 80 columns: a comparison side by side, and a diff
as `git diff` prints it. Long code lines wrap between tokens (never cut); ANSI colours only when
asked."""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .. import highlight as hl
from ..catalog.differences import answered
from ..spec import ProjectSpec
from .concepts import Location
from .tree import tree_lines

if TYPE_CHECKING:
    from ..catalog import Declared
    from . import Comparison
    from .concepts import ConceptMatch
    from .diff import TreeDiff

#: The width when none is given (the CLI passes the terminal's), and the narrowest supported.
WIDTH = 100
MIN_WIDTH = 80
_SEPARATOR = " │ "
_MAX_SNIPPET = 24
#: Marks the continuation of a wrapped line.
CONTINUED = "↪"
_PIECES = re.compile(r"\s+|\S+")


@dataclass(frozen=True)
class _Layout:
    """The widths of one rendering: the whole line and each of the two columns."""

    width: int

    @property
    def column(self) -> int:
        return (self.width - len(_SEPARATOR)) // 2


def _style(text: str, code: str, color: bool) -> str:
    return f"\x1b[{code}m{text}\x1b[0m" if color and text else text


def _fit(text: str, width: int) -> str:
    text = text.expandtabs(4)
    return text if len(text) <= width else text[: width - 1] + "…"


def _pair(layout: _Layout, left: str, right: str, left_plain: str | None = None) -> str:
    """Two columns: left is padded by the width of its plain (uncoloured) text."""
    plain = left if left_plain is None else left_plain
    return (left + " " * (layout.column - len(plain)) + _SEPARATOR + right).rstrip()


def wrap_tokens(row: list[hl.Token], width: int) -> list[list[hl.Token]]:
    """A line of tokens as rows of at most width characters.

    Lines break at spaces; a word too long for a row of its own breaks between its tokens,
    and a token is split only when it alone is longer than a row. A string, keyword or number
    never breaks at a space inside it. Continuation rows are indented four spaces past the
    line (less when a word needs the room).
    """
    if sum(len(value) for _, value in row) <= width:
        return [row]
    text = "".join(value for _, value in row)
    indent = min(len(text) - len(text.lstrip(" ")) + 4, width // 2)
    rows: list[list[hl.Token]] = [[]]
    used = 0

    def new_row(room_for: int) -> None:
        nonlocal used
        used = max(0, min(indent, width - room_for))
        rows.append([("", " " * used)] if used else [])

    for word in _words(row):
        size = sum(len(value) for _, value in word)
        if word[0][1].isspace():
            if used + size <= width:
                rows[-1].extend(word)
                used += size
            else:
                new_row(0)
            continue
        if used + size > width and any(value.strip() for _, value in rows[-1]):
            new_row(size)
        for kind, value in word:
            while used + len(value) > width:
                if any(v.strip() for _, v in rows[-1]) and len(value) <= width - indent:
                    new_row(len(value))
                    continue
                room = max(width - used, 1)
                rows[-1].append((kind, value[:room]))
                value = value[room:]
                new_row(len(value))
            rows[-1].append((kind, value))
            used += len(value)
    cleaned = []
    for tokens in rows:
        while tokens and tokens[-1][1].isspace():
            tokens.pop()
        if any(value.strip() for _, value in tokens):
            cleaned.append(tokens)
    return cleaned


def _words(row: list[hl.Token]) -> list[list[hl.Token]]:
    """The tokens grouped into words and runs of spaces; only plain text and comments break
    at a space."""
    words: list[list[hl.Token]] = []
    for kind, value in row:
        pieces = _PIECES.findall(value) if kind in ("", "com") else [value]
        for piece in pieces:
            space = piece.isspace() and kind in ("", "com")
            last_space = bool(words) and words[-1][0][1].isspace()
            if not words or space or last_space:
                words.append([(kind, piece)])
            else:
                words[-1].append((kind, piece))
    return words


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


def _code_cells(layout: _Layout, place: Location, color: bool) -> list[tuple[str, str]]:
    """A snippet as (coloured, plain) cells of the column width, with line numbers; a long
    line wraps onto rows marked with CONTINUED."""
    rows = hl.lines("\n".join(place.code), hl.language_for(place.path))
    cells = []
    number_width = len(str(place.end_line))
    for offset, row in enumerate(rows[:_MAX_SNIPPET]):
        number = f"{place.line + offset:>{number_width}} "
        tokens = [(kind, value.expandtabs(4)) for kind, value in row]
        for part, piece in enumerate(wrap_tokens(tokens, layout.column - len(number))):
            gutter = number if part == 0 else f"{CONTINUED:>{number_width}} "
            plain = gutter + hl.to_ansi(piece, color=False)
            coloured = _style(gutter.rstrip(), "2", color) + " " + hl.to_ansi(piece, color=color)
            cells.append((coloured, plain))
    if len(rows) > _MAX_SNIPPET:
        more = f"… {plural(len(rows) - _MAX_SNIPPET, 'more line', 'more lines')}"
        cells.append((_style(more, "2", color), more))
    return cells


def render_text(comparison: Comparison, *, color: bool = False, width: int = WIDTH) -> str:
    """The comparison for a terminal `width` columns wide (80 at least): trees, figures, the
    concept map, both frameworks side by side."""
    layout = _Layout(max(width, MIN_WIDTH))
    out = _trees(comparison, layout, color)
    for number, match in enumerate(comparison.concepts, 1):
        out.extend(_concept(comparison, number, match, layout, color))
    rest = comparison.declared_at(None)
    if rest:
        title = "── Declared differences (what `dualgen parity` accepts) "
        out += ["", _style(title + "─" * (layout.width - 1 - len(title)), "1", color)]
        for declared in rest:
            out.extend(_difference(declared, layout, color))
    missing = [m.title for m in comparison.concepts if m.applies and not m.resolved]
    if missing:
        out.append("")
        lines = textwrap.wrap("not located: " + ", ".join(missing), layout.width)
        out.extend(_style(line, "31", color) for line in lines)
    return "\n".join(out) + "\n"


def _trees(comparison: Comparison, layout: _Layout, color: bool) -> list[str]:
    """The title, both trees side by side, and their figures."""
    column = layout.column
    names = list(comparison.trees)
    out: list[str] = []
    title = f"dualgen compare: {comparison.subject} ({comparison.summary})"
    out.extend(_style(line, "1", color) for line in textwrap.wrap(title, layout.width))
    out.append("")
    heads = [f"{name.upper()}  {comparison.trees[name].root}/" for name in names]
    out.append(_pair(layout, _style(heads[0], "1", color), _style(heads[1], "1", color), heads[0]))
    listings = [tree_lines(comparison.trees[name])[1:] for name in names]
    for index in range(max(len(listing) for listing in listings)):
        cells = []
        for listing in listings:
            if index >= len(listing):
                cells.append("")
                continue
            label, _, count = listing[index].partition("\t")
            label = _fit(label, column - 8)
            cells.append(f"{label}{count:>{column - len(label)}}" if count else label)
        out.append(_pair(layout, cells[0], cells[1]))
    out.append("")
    figures = [comparison.trees[name].figures() for name in names]
    for key, label in (
        ("files", "files"),
        ("lines", "lines"),
        ("code_lines", "lines of py/js"),
    ):
        left, right = (f"{label:<14}{fig[key]:>6}" for fig in figures)
        out.append(_pair(layout, left, right))
    return out


def _concept(
    comparison: Comparison, number: int, match: ConceptMatch, layout: _Layout, color: bool
) -> list[str]:
    """One concept of the map: where each framework has it, its notes, both codes side by side,
    and the declared differences that belong to it."""
    names = list(comparison.trees)
    column = layout.column
    title = f"── {number}. {match.title} "
    out = ["", _style(title + "─" * (layout.width - 1 - len(title)), "1", color)]
    if not match.applies:
        hint = textwrap.wrap(
            f"not in this project: {match.hint}",
            layout.width - 3,
            initial_indent="   ",
            subsequent_indent="   ",
            break_on_hyphens=False,
        )
        return out + [_style(line, "2", color) for line in hint]
    heads, plains = [], []
    for name in names:
        place = match.places[name]
        plain = f"{name}: {place.label}" if place else f"{name}: not found"
        plain = _fit(plain, column)
        heads.append(_style(plain, "36" if place else "31", color))
        plains.append(plain)
    out.append(_pair(layout, heads[0], heads[1], plains[0]))
    notes = [
        textwrap.wrap(match.notes.get(name, ""), column, break_on_hyphens=False) for name in names
    ]
    for index in range(max(len(note) for note in notes)):
        cells = [note[index] if index < len(note) else "" for note in notes]
        out.append(
            _pair(layout, _style(cells[0], "3", color), _style(cells[1], "3", color), cells[0])
        )
    columns = [
        _code_cells(layout, place, color) if place else [] for place in map(match.places.get, names)
    ]
    for index in range(max(len(cells) for cells in columns)):
        left, plain = columns[0][index] if index < len(columns[0]) else ("", "")
        right = columns[1][index][0] if index < len(columns[1]) else ""
        out.append(_pair(layout, left, right, plain))
    for declared in comparison.declared_at(match.key):
        out.extend(_difference(declared, layout, color))
    return out


def _difference(declared: Declared, layout: _Layout, color: bool) -> list[str]:
    """A difference the catalog declares: each side, why, a request to try, the docs."""
    width = layout.width
    title = textwrap.wrap("differs on its own: " + declared.title, width, break_on_hyphens=False)
    out = [_style(line, "36", color) for line in title]
    sides = [
        textwrap.wrap(f"{name}: {text}", layout.column, break_on_hyphens=False)
        for name, text in (("flask", declared.flask), ("express", declared.express))
    ]
    for index in range(max(len(side) for side in sides)):
        cells = [side[index] if index < len(side) else "" for side in sides]
        out.append(_pair(layout, cells[0], cells[1]))
    why = textwrap.wrap(f"why: {declared.why}", width, break_on_hyphens=False)
    out.extend(_style(line, "3", color) for line in why)
    if declared.example:
        seen = answered(declared.title)
        tried = f"try: {declared.example}" + (f" → {seen}" if seen else "")
        out.extend(textwrap.wrap(tried, width, break_on_hyphens=False))
    # A link is never cut: one too long for the width is left to --format html or json.
    out.extend(f"docs: {link}" for link in declared.docs if len(link) + 6 <= width)
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


def plural(count: int, word: str, many: str | None = None) -> str:
    """`1 file`, `2 files`: the count and the word, singular or plural."""
    return f"{count} {word if count == 1 else many or word + 's'}"


def _wrap_diff_line(line: str, width: int | None) -> list[str]:
    """A diff line, wrapped for a terminal: continuation rows keep its +/- mark, then CONTINUED."""
    if width is None or len(line) <= width or line.startswith(("+++", "---", "@@")):
        return [line]
    mark, body = (line[0], line[1:]) if line[:1] in "+- " else ("", line)
    rows = wrap_tokens([("", body)], width - len(mark) - 1)
    texts = ["".join(value for _, value in row) for row in rows]
    return [mark + texts[0]] + [f"{mark}{CONTINUED}{text}" for text in texts[1:]]


def render_diff_text(diff: TreeDiff, *, color: bool = False, width: int | None = None) -> str:
    """The diff as `git diff` prints it, with a summary; "no changes" when none.

    With a width (a terminal's, 80 at least), long lines wrap onto rows marked CONTINUED;
    without one, lines stay whole, as a patch needs them.
    """
    if width is not None:
        width = max(width, MIN_WIDTH)
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
            for row in _wrap_diff_line(line, width):
                out.append(_style(row, style, color) if style else row)
    added = sum(item.counts[0] for item in diff.files)
    removed = sum(item.counts[1] for item in diff.files)
    out.append(
        f"{plural(len(diff.files), 'file')} changed, {plural(added, 'insertion')}(+), "
        f"{plural(removed, 'deletion')}(-)"
    )
    return "\n".join(out) + "\n"
