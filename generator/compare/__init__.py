"""Compare the Flask and Express renderings of one spec; diff two renderings.

`compare(spec)` renders both frameworks into a temporary folder and returns a
`Comparison`: both file trees (`tree`), size figures, and a concept map saying where
each idea (creating the app, a route, each chosen middleware ...) lives in each tree
(`concepts`). `diff_specs` and `diff_project` return a `TreeDiff` (`diff`). The answer
file `.dualgen.yaml` is dualgen's own record and is left out of trees, figures and diffs.

Presentation is plain text (`text`: 100 columns, ANSI colours only when asked), one
self-contained HTML page (`html`, from a Jinja template) or JSON. Nothing here knows
about Click.
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .. import catalog
from ..choices import FLASK_APP_FILES as FLASK_APP
from ..spec import ProjectSpec
from .concepts import (
    CATALOG_ANCHORS,
    CONCEPTS,
    Anchor,
    Concept,
    ConceptMatch,
    Location,
    concepts_for,
    locate,
    resolve,
)
from .diff import FileDiff, TreeDiff, diff_project, diff_specs, diff_trees, spec_from_name
from .html import render_diff_html, render_html
from .text import WIDTH, render_diff_text, render_text
from .tree import IGNORED_DIRS, SourceFile, Tree, read_tree, tree_lines

__all__ = [
    "CATALOG_ANCHORS",
    "CONCEPTS",
    "FLASK_APP",
    "IGNORED_DIRS",
    "WIDTH",
    "Anchor",
    "Comparison",
    "Concept",
    "ConceptMatch",
    "FileDiff",
    "Location",
    "SourceFile",
    "Tree",
    "TreeDiff",
    "compare",
    "comparison_of",
    "concepts_for",
    "diff_project",
    "diff_specs",
    "diff_trees",
    "locate",
    "read_tree",
    "render_diff_html",
    "render_diff_text",
    "render_html",
    "render_json",
    "render_text",
    "resolve",
    "spec_from_name",
    "tree_lines",
]


@dataclass(frozen=True)
class Comparison:
    """Both trees of one spec, and where each concept lives in each."""

    spec: ProjectSpec
    trees: dict[str, Tree]
    concepts: tuple[ConceptMatch, ...]

    @property
    def declared(self) -> list[catalog.Declared]:
        """The differences between the two servers that the catalog declares for this spec."""
        return catalog.declared_differences(self.spec)

    def to_dict(self) -> dict[str, object]:
        """The comparison as plain data, for --format json."""
        return {
            "answers": self.spec.answers(),
            "declared_differences": [
                {
                    "title": d.title,
                    "flask": d.flask,
                    "express": d.express,
                    "why": d.why,
                    "example": d.example,
                    "docs": list(d.docs),
                }
                for d in self.declared
            ],
            "trees": {
                name: {
                    "root": tree.root,
                    "files": [
                        {
                            "path": f.path,
                            "lines": len(f.lines),
                            "code_lines": f.code_lines,
                        }
                        for f in tree.files
                    ],
                    "figures": tree.figures(),
                }
                for name, tree in self.trees.items()
            },
            "concepts": [
                {
                    "key": c.key,
                    "title": c.title,
                    "applies": c.applies,
                    "resolved": c.resolved,
                    "hint": c.hint if not c.applies else "",
                    "notes": c.notes,
                    "places": {
                        name: None
                        if place is None
                        else {
                            "file": place.path,
                            "line": place.line,
                            "end_line": place.end_line,
                            "code": "\n".join(place.code),
                        }
                        for name, place in c.places.items()
                    },
                }
                for c in self.concepts
            ],
        }


def comparison_of(spec: ProjectSpec, roots: dict[str, Path]) -> Comparison:
    """Compare trees already rendered from spec, one folder per framework."""
    trees = {name: read_tree(root, name) for name, root in roots.items()}
    return Comparison(spec, trees, tuple(resolve(spec, trees)))


def compare(spec: ProjectSpec) -> Comparison:
    """Render both frameworks of spec into a temporary folder and compare them."""
    from ..render import render_tree

    with tempfile.TemporaryDirectory(prefix="dualgen-compare-") as tmp:
        roots = {name: render_tree(spec, name, Path(tmp) / name) for name in catalog.FRAMEWORKS}
        return comparison_of(spec, roots)


def render_json(comparison: Comparison) -> str:
    """The comparison as JSON text."""
    return json.dumps(comparison.to_dict(), indent=2, ensure_ascii=False) + "\n"
