"""HTML output: one self-contained page (no script, no network) for a comparison or a diff.

The pages are Jinja templates in `templates/` (installed as package data), rendered with
autoescape: every value is escaped unless it is markup the highlighter made.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from .. import highlight as hl
from ..catalog.differences import answered
from .tree import Tree, tree_lines

if TYPE_CHECKING:
    import jinja2

    from . import Comparison
    from .diff import FileDiff, TreeDiff

TEMPLATES = Path(__file__).resolve().parent / "templates"
#: The size figures of the compare page, by key, with their row labels.
FIGURE_ROWS = (
    ("files", "Files"),
    ("lines", "Lines"),
    ("code_lines", "Lines of Python/JavaScript code"),
)


def render_html(comparison: Comparison) -> str:
    """One self-contained page: figures, both trees, each concept side by side."""
    return _template("compare.html.j2").render(
        title=f"dualgen compare: {comparison.subject}",
        subject=comparison.subject,
        summary=comparison.summary,
        names=list(comparison.trees),
        trees=comparison.trees,
        concepts=comparison.concepts,
        declared_at=comparison.declared_at,
        answered=answered,
        figure_rows=FIGURE_ROWS,
    )


def render_diff_html(diff: TreeDiff) -> str:
    """The diff as one self-contained page, one block per file, highlighted."""
    return _template("diff.html.j2").render(title=f"dualgen diff: {diff.framework}", diff=diff)


@cache
def environment() -> jinja2.Environment:
    """The Jinja environment of dualgen's HTML pages (compare, diff, update, workshop handouts):
    autoescaped, strict, with the highlighting and diff filters."""
    import jinja2

    pages = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        bytecode_cache=_bytecode_cache(),
    )
    pages.filters.update(
        highlight=_highlight, highlight_line=highlight_line, listing=_listing, diff_rows=diff_rows
    )
    return pages


def _bytecode_cache() -> jinja2.BytecodeCache | None:
    """Compiled templates kept between runs in the dualgen cache (compiling the compare page
    takes longer than rendering it); none when that folder cannot be written, or could be
    written by anyone else: Jinja runs the code it loads from there."""
    import os

    import jinja2

    from ..cache import cache_folder

    try:
        folder = cache_folder("jinja")
        private = _private(folder)
    except OSError:
        return None
    usable = private and os.access(folder, os.W_OK)
    return jinja2.FileSystemBytecodeCache(str(folder)) if usable else None


def _private(folder: Path) -> bool:
    """Whether only this user can write folder and the folder holding it (POSIX: they are
    this user's, and folder is made 0700); Windows keeps a user's cache in their profile."""
    import os
    import stat

    if not hasattr(os, "getuid"):
        return True
    for path in (folder.parent, folder):
        state = path.lstat()
        if not stat.S_ISDIR(state.st_mode) or state.st_uid != os.getuid():
            return False
        if path == folder.parent and state.st_mode & 0o022:
            return False
    folder.chmod(0o700)
    return True


def _template(name: str) -> jinja2.Template:
    return environment().get_template(name)


def _highlight(code: Iterable[str], path: str) -> list[str]:
    """A file's lines as highlighted HTML, one Markup row per line."""
    from markupsafe import Markup

    rows = hl.lines("\n".join(code), hl.language_for(path))
    return [Markup(hl.to_html(row)) for row in rows]


def highlight_line(text: str, path: str) -> str:
    """One line of code, highlighted for the language of `path`, as safe HTML."""
    from markupsafe import Markup

    return Markup(hl.to_html(hl.lines(text, hl.language_for(path))[0]))


def _listing(tree: Tree) -> list[tuple[str, str]]:
    """The tree listing as (label, line count) rows; a folder's count is empty."""
    rows = []
    for row in tree_lines(tree)[1:]:
        label, _, count = row.partition("\t")
        rows.append((label, count))
    return rows


def diff_rows(item: FileDiff) -> Iterator[tuple[str, str, str]]:
    """Each line a diff page shows: its class (add, del, ctx, hunk), its sign and its text."""
    for line in item.lines:
        if line.startswith(("+++", "---")):
            continue
        if line.startswith("@@") or line[:1] not in ("+", "-", " "):
            yield "hunk", "", line
        else:
            yield {"+": "add", "-": "del"}.get(line[0], "ctx"), line[0], line[1:]
