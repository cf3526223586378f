"""`--annotate`: mirrored teaching comments in both projects of a step.

Every concept `dualgen compare` finds in both trees (generator.compare.concepts) gets the same
comment in Flask and in Express, just above its code: the concept's title and, for a catalog
choice, what it does with the chosen settings (`Choice.summary_for`, the one source of both).
Where the code already opens with a comment that says much the same, the note is the title
alone, so no comment is repeated just above its near twin. Comments go only into
Python and JavaScript files (package.json takes none), at the indentation of the code they
describe, wrapped the same way in both (68 columns of text), so the code stays ruff- and
prettier-clean.
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

from .. import catalog
from ..compare import CONCEPTS, read_tree, resolve
from ..spec import ProjectSpec

MARKER = "[workshop]"
COMMENT = {".py": "#", ".js": "//"}
#: Columns of comment text: the same lines in both languages, within 79 columns at 8 spaces.
WIDTH = 68
#: Fixed concepts that stand for a catalog choice: their comment carries the choice's help.
COVERS = {concept.key: concept.covers for concept in CONCEPTS if concept.covers}


#: The share of an existing comment's words a note may repeat before it is cut to its title.
TWIN = 0.6


def note(key: str, title: str, spec: ProjectSpec | None = None) -> str:
    """The comment text of a concept, the same in both languages: a choice's with the spec's
    settings (their defaults without a spec)."""
    choice = catalog.CHOICES.get(key)
    if choice is None:
        return f"{MARKER} {title}."
    values = {s.key: spec.setting(key, s.key) for s in choice.settings} if spec else {}
    return f"{MARKER} {title}: {choice.summary_for(values)}"


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-z0-9]+", text.lower()))


def repeats(text: str, code: tuple[str, ...], marker: str) -> bool:
    """Whether the comment the code opens with says much the same as text: most of its words
    are text's."""
    opening = []
    for line in code:
        if not line.strip().startswith(marker):
            break
        opening.append(line.strip()[len(marker) :])
    words = _words(" ".join(opening))
    return bool(words) and len(words & _words(text)) >= TWIN * len(words)


def annotate(spec: ProjectSpec, folders: dict[str, Path]) -> int:
    """Add the mirrored comments to the projects in `folders` (one per framework); return how
    many concepts were annotated."""
    trees = {name: read_tree(folder, name) for name, folder in folders.items()}
    inserts: dict[tuple[str, str], list[tuple[int, str]]] = {}
    count = 0
    for match in resolve(spec, trees):
        places = match.places
        if not match.resolved or any(Path(p.path).suffix not in COMMENT for p in places.values()):  # type: ignore[union-attr]  # resolved: all found
            continue
        text = note(COVERS.get(match.key, match.key), match.title, spec)
        if any(
            repeats(text, place.code, COMMENT[Path(place.path).suffix])  # type: ignore[union-attr]  # resolved: all found
            for place in places.values()
        ):
            text = f"{MARKER} {match.title}."  # in both: the comments stay mirrored
        for name, place in places.items():
            inserts.setdefault((name, place.path), []).append((place.line, text))  # type: ignore[union-attr]  # resolved
        count += 1
    for (name, path), items in inserts.items():
        target = folders[name] / path
        lines = target.read_text(encoding="utf-8").split("\n")
        # From the bottom up, so that earlier line numbers stay right.
        for line, text in sorted(items, key=lambda item: item[0], reverse=True):
            code = lines[line - 1]
            indent = code[: len(code) - len(code.lstrip())]
            lines[line - 1 : line - 1] = _comment(text, indent, COMMENT[target.suffix])
        target.write_bytes("\n".join(lines).encode("utf-8"))
    return count


def _comment(text: str, indent: str, marker: str) -> list[str]:
    return [f"{indent}{marker} {line}" for line in textwrap.wrap(text, WIDTH)]
