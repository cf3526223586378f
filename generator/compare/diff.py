"""Diffs: two renderings of one framework, or a project against a fresh render of its answers.

The answer file `.dualgen.yaml` is dualgen's own record and is left out of the diff.
"""

from __future__ import annotations

import difflib
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .. import catalog
from ..errors import SpecError, UsageError
from ..spec import SWITCHES, ProjectSpec
from .tree import Tree, read_tree, tree_order


@dataclass(frozen=True)
class FileDiff:
    """How one file differs: added, removed or modified, with unified diff lines."""

    path: str
    status: str
    lines: tuple[str, ...]

    @property
    def counts(self) -> tuple[int, int]:
        added = sum(1 for line in self.lines if line.startswith("+") and not line.startswith("+++"))
        removed = sum(
            1 for line in self.lines if line.startswith("-") and not line.startswith("---")
        )
        return added, removed


@dataclass(frozen=True)
class TreeDiff:
    """The differences from an old tree to a new one of the same framework."""

    framework: str
    old_label: str
    new_label: str
    files: tuple[FileDiff, ...]
    note: str = ""

    @property
    def changed(self) -> bool:
        return bool(self.files)


def diff_trees(old: Tree, new: Tree, old_label: str, new_label: str, note: str = "") -> TreeDiff:
    """Unified diffs of every file that differs between two trees."""
    before = {item.path: item for item in old.files}
    after = {item.path: item for item in new.files}
    files = []
    for path in sorted(before.keys() | after.keys(), key=tree_order):
        a, b = before.get(path), after.get(path)
        if a is not None and b is not None and (a.text, a.size) == (b.text, b.size):
            continue
        status = "added" if a is None else "removed" if b is None else "modified"
        if (a is not None and a.text is None) or (b is not None and b.text is None):
            names = (
                f"a/{path}" if a else "/dev/null",
                f"b/{path}" if b else "/dev/null",
            )
            lines: tuple[str, ...] = (f"Binary files {names[0]} and {names[1]} differ",)
        else:
            lines = tuple(
                difflib.unified_diff(
                    a.lines if a else [],
                    b.lines if b else [],
                    f"a/{path}" if a else "/dev/null",
                    f"b/{path}" if b else "/dev/null",
                    lineterm="",
                )
            )
            if not lines:
                lines = (f"a/{path} and b/{path} differ only in line endings or the final newline",)
        files.append(FileDiff(path, status, lines))
    return TreeDiff(new.framework, old_label, new_label, tuple(files), note)


def spec_from_name(text: str) -> tuple[ProjectSpec, str]:
    """Read a SPEC: `default`, a preset or an answer file, then optional `+KEY`s.

    KEYs are middleware or config switches (`classic+cors`, `api+rate-limit+docker`).
    The classic preset takes no choices, so `classic+KEY` means the default project
    plus KEY; the returned note says so (it is empty otherwise). Presets are merged by
    `generator.spec`, as for every other answer layer.
    """
    from .. import spec as specs

    base, *extras = [part.strip() for part in text.split("+")]
    if Path(text).is_file():
        base, extras = text, []
    if not base:
        raise SpecError(f"spec {text!r} is empty; give default, a preset or an answer file")
    keys = [key for extra in extras for key in extra.split(",") if key]
    if base == "default":
        answers: dict[str, object] = {}
    elif base in catalog.PRESETS:
        answers = {"preset": base}
    elif Path(base).is_file():
        answers = specs.load_answers(Path(base))
        answers.pop("dualgen", None)
    else:
        raise SpecError(
            f"spec {base!r} is not default, a preset ({', '.join(catalog.PRESETS)}) "
            "or an answer file"
        )
    layer: dict[str, object] = {}
    note = ""
    if keys and specs.expand_presets(answers).get("classic"):
        layer["classic"] = False
        note = (
            f"note: the classic preset takes no choices; {text!r} is read as the "
            f"default project plus {', '.join(keys)}"
        )
    allowed = [choice.key for choice in catalog.MIDDLEWARE] + list(SWITCHES)
    for key in keys:
        if key not in allowed:
            raise SpecError(f"spec {text!r}: {key!r} is not one of {', '.join(allowed)}")
    middleware = [key for key in keys if key not in SWITCHES]
    layer |= {key: True for key in keys if key in SWITCHES}
    if middleware:
        layer["middleware"] = middleware
    return specs.build(specs.merge(answers, layer)), note


def diff_specs(
    framework: str,
    old: ProjectSpec,
    new: ProjectSpec,
    labels: tuple[str, str],
    note: str = "",
) -> TreeDiff:
    """Render one framework with two specs and diff the results."""
    from ..render import render_tree

    with tempfile.TemporaryDirectory(prefix="dualgen-diff-") as tmp:
        trees = [
            read_tree(render_tree(spec, framework, Path(tmp) / side), framework)
            for spec, side in ((old, "old"), (new, "new"))
        ]
    return diff_trees(trees[0], trees[1], *labels, note=note)


def diff_project(project: Path) -> TreeDiff:
    """Diff a fresh render of a project's recorded answers against the project."""
    from ..project import load_project
    from ..render import ANSWERS_FILE, render_tree

    if not (project / ANSWERS_FILE).is_file():
        raise UsageError(
            f"{project} has no {ANSWERS_FILE}; only projects generated by dualgen can be diffed"
        )
    spec, framework = load_project(project)
    with tempfile.TemporaryDirectory(prefix="dualgen-diff-") as tmp:
        fresh = read_tree(render_tree(spec, framework, Path(tmp)), framework)
    current = read_tree(project, framework)
    return diff_trees(fresh, current, f"fresh render of {ANSWERS_FILE}", str(project))
