"""What the page previews: both trees of a spec with every file's tokens, compare's concept map
and declared differences, and the diff one choice makes, as plain data for JSON.

Rendered trees are kept by the spec's answers (a few dozen), so going back to a choice, or a
diff after a preview, renders nothing again.
"""

from __future__ import annotations

import json
import tempfile
import threading
from collections import OrderedDict
from functools import lru_cache
from pathlib import Path
from typing import Any

from .. import catalog
from .. import highlight as hl
from ..compare import Comparison, Tree, diff_trees, read_tree, render_diff_text, resolve
from ..compare.tree import SourceFile
from ..spec import ProjectSpec

#: How many rendered trees are kept (each is a few dozen kilobytes of text: a few MB in all).
KEPT = 256
_trees: OrderedDict[tuple[str, str], Tree] = OrderedDict()
_lock = threading.Lock()
#: render_tree runs one render at a time by itself, but changes the process's working folder
#: while it runs: held around every render here, so that nothing else the page does on files
#: (the folders `render` claims under a relative --out) runs meanwhile, and so that a tree asked
#: twice at once is rendered once.
RENDERING = threading.RLock()


def tree(spec: ProjectSpec, framework: str) -> Tree:
    """One framework's tree of spec, rendered once and then kept."""
    from ..render import render_tree

    # The answers say all a render depends on (the answer file is their YAML, 50 times slower).
    key = (json.dumps(spec.answers()), framework)
    with _lock:
        if key in _trees:
            _trees.move_to_end(key)
            return _trees[key]
    with RENDERING:
        with _lock:
            if key in _trees:  # rendered while this request waited
                return _trees[key]
        with tempfile.TemporaryDirectory(prefix="dualgen-ui-", dir=scratch_root()) as tmp:
            found = read_tree(render_tree(spec, framework, Path(tmp)), framework)
    with _lock:
        _trees[key] = found
        while len(_trees) > KEPT:
            _trees.popitem(last=False)
    return found


#: A folder in memory (Linux's tmpfs) for the scratch renders: a preview writes every file of
#: both trees, reads them back and removes them, and on a disk that is most of its time.
MEMORY = Path("/dev/shm")


def scratch_root() -> str | None:
    """Where a preview renders: the memory folder when there is one that this user can write
    (a private folder is made in it, as in /tmp), unless TMPDIR names a folder; else the
    system's temporary folder."""
    import os

    usable = MEMORY.is_dir() and os.access(MEMORY, os.W_OK | os.X_OK)
    return str(MEMORY) if usable and not os.environ.get("TMPDIR") else None


def comparison(spec: ProjectSpec) -> Comparison:
    """compare's Comparison of spec, from the kept trees."""
    trees = {name: tree(spec, name) for name in catalog.FRAMEWORKS}
    return Comparison(spec, trees, tuple(resolve(spec, trees)))


def preview(spec: ProjectSpec) -> dict[str, object]:
    """Both trees (every file with its highlighted lines), the concept map with the declared
    differences beside their concepts, and the answers: compare's JSON plus what a page shows."""
    found = comparison(spec)
    data: dict[str, Any] = found.to_dict()  # JSON
    for name, listing in data["trees"].items():
        files = {item.path: item for item in found.trees[name].files}
        for entry in listing["files"]:
            entry["tokens"] = _tokens(files[entry["path"]])
    shown = {match.key for match in found.concepts}
    for concept in data["concepts"]:
        concept["declared"] = _declared(found, concept["key"])
    data["declared_elsewhere"] = _declared(found, None)
    data["concept_keys"] = sorted(shown)
    return data


def _declared(found: Comparison, key: str | None) -> list[dict[str, object]]:
    from ..catalog.differences import answered

    return [{**d.shown(), "answered": answered(d.title)} for d in found.declared_at(key)]


def _tokens(item: SourceFile) -> tuple[tuple[tuple[str, str], ...], ...] | None:
    """A file's lines as rows of (kind, text) tokens (None for a binary file)."""
    if item.text is None:
        return None
    return _highlighted(item.text, hl.language_for(item.path), len(item.lines))


@lru_cache(maxsize=1024)
def _highlighted(text: str, language: str, count: int) -> tuple[tuple[tuple[str, str], ...], ...]:
    """The first `count` lines of text, highlighted, neighbours of one kind merged into one
    span; kept by the text, as most files stay the same from one preview to the next."""
    merged = []
    for row in hl.lines(text, language)[:count]:
        tokens: list[tuple[str, str]] = []
        for kind, piece in row:
            if tokens and tokens[-1][0] == kind:
                tokens[-1] = (kind, tokens[-1][1] + piece)
            else:
                tokens.append((kind, piece))
        merged.append(tuple(tokens))
    return tuple(merged)


def toggled(spec: ProjectSpec, key: str) -> tuple[str, ProjectSpec]:
    """The sign ("+" adds, "-" removes) and the spec with one middleware or config switch
    turned the other way, as `dualgen diff --to ANSWERS±KEY` makes it."""
    from ..compare.diff import apply_changes
    from ..spec import build, unknown

    keys = [choice.key for choice in catalog.MIDDLEWARE + catalog.CONFIG]
    if key not in keys:
        raise unknown("choice", key, keys)
    sign = "-" if key in spec.choices() else "+"
    answers = spec.answers()
    label = f"{spec.slug}.yaml"
    return sign, build(apply_changes(answers, [(sign, key)], f"{label}{sign}{key}", label))


def diff(spec: ProjectSpec, key: str) -> dict[str, object]:
    """What turning one choice the other way changes in each framework: the text `dualgen
    diff FRAMEWORK --from SLUG.yaml --to SLUG.yaml±KEY` prints, and each file's lines."""
    sign, changed = toggled(spec, key)
    labels = (f"{spec.slug}.yaml", f"{spec.slug}.yaml{sign}{key}")
    out: dict[str, Any] = {"choice": key, "sign": sign, "frameworks": {}}  # JSON
    for name in catalog.FRAMEWORKS:
        result = diff_trees(tree(spec, name), tree(changed, name), *labels)
        out["frameworks"][name] = {
            "command": f"dualgen diff {name} --from {labels[0]} --to {labels[1]}",
            "text": render_diff_text(result, color=False, width=None),
            "files": [
                {"path": f.path, "status": f.status, "lines": list(f.lines)} for f in result.files
            ],
        }
    return out
