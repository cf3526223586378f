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
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from .. import catalog
from ..catalog.choices import FLASK_APP_FILES as FLASK_APP
from ..catalog.differences import answered
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
    resolve_found,
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
    "compare_projects",
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
    #: Two existing projects compared: each framework's folder (as given) and recorded spec.
    projects: dict[str, tuple[str, ProjectSpec]] = field(default_factory=dict)

    @property
    def declared(self) -> list[catalog.Declared]:
        """The differences between the two servers that the catalog declares for this spec
        (for two projects: for either's recorded answers)."""
        specs = [spec for _, spec in self.projects.values()] or [self.spec]
        found = [d for spec in specs for d in catalog.declared_differences(spec)]
        return list(dict.fromkeys(found))

    def declared_at(self, key: str | None) -> list[catalog.Declared]:
        """The declared differences shown beside the concept `key`; with None, those whose
        concept this comparison does not show (listed last)."""
        return self._declared_by_concept.get(key, [])

    @cached_property
    def _declared_by_concept(self) -> dict[str | None, list[catalog.Declared]]:
        """Each declared difference under the concept it is shown beside, worked out once."""
        shown = {match.key for match in self.concepts if match.applies}
        covers = {concept.covers: concept.key for concept in CONCEPTS if concept.covers}
        found: dict[str | None, list[catalog.Declared]] = {}
        for declared in self.declared:
            concept = catalog.concept_of(declared)
            concept = covers.get(concept, concept)
            found.setdefault(concept if concept in shown else None, []).append(declared)
        return found

    @property
    def subject(self) -> str:
        """What is compared: the project name, or the two folders."""
        if self.projects:
            return " and ".join(folder for folder, _ in self.projects.values())
        return self.spec.name

    @property
    def summary(self) -> str:
        """The choices compared, in one line; for two projects, their recorded answers."""
        from .text import choices_summary

        if not self.projects:
            return choices_summary(self.spec)
        each = {name: choices_summary(spec) for name, (_, spec) in self.projects.items()}
        if len(set(each.values())) == 1:
            return f"both record {each['flask']}"
        return " | ".join(f"{name} records {text}" for name, text in each.items())

    def to_dict(self) -> dict[str, object]:
        """The comparison as plain data, for --format json."""
        return {
            "answers": self.spec.answers(),
            "projects": {
                name: {"folder": folder, "answers": spec.answers()}
                for name, (folder, spec) in self.projects.items()
            },
            "declared_differences": [
                {**d.shown(), "answered": answered(d.title)} for d in self.declared
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


def compare_projects(folders: tuple[Path, Path]) -> Comparison:
    """Compare two existing projects, one Flask and one Express, as they are on disk: hand
    edits included, what their .gitignore ignores and what installing made left out. Raises
    UsageError when a folder is no project or both are of one framework."""
    from ..errors import UsageError
    from ..project import load_project
    from .diff import _ignored

    loaded: dict[str, tuple[Path, ProjectSpec]] = {}
    for folder in folders:
        spec, framework = load_project(folder)
        if framework in loaded:
            raise UsageError(
                f"{str(loaded[framework][0])!r} and {str(folder)!r} are both {framework} "
                "projects; compare shows a Flask and an Express project side by side "
                "(dualgen diff shows what changed in one)"
            )
        loaded[framework] = (Path(folder), spec)
    trees = {
        name: read_tree(folder, name, skip=_ignored(folder, set()))
        for name, (folder, _) in sorted(loaded.items(), key=lambda item: item[0] != "flask")
    }
    specs = {name: loaded[name][1] for name in trees}
    projects = {name: (str(loaded[name][0]), specs[name]) for name in trees}
    concepts = tuple(resolve_found(specs, trees))
    return Comparison(specs["flask"], trees, concepts, projects)


def render_json(comparison: Comparison) -> str:
    """The comparison as JSON text."""
    return json.dumps(comparison.to_dict(), indent=2, ensure_ascii=False) + "\n"
