"""The concept map: where each idea (creating the app, a route, each chosen middleware ...)
lives in each rendered tree.

The map is found, not kept: every concept has regex anchors matched against the rendered
files, and middleware and config concepts come from the catalog, so the map follows the
templates when they change. A match's code runs on to the end of the statement or block
its last line opens (see `_blocks`).
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from .. import catalog
from .. import highlight as hl
from ..catalog.choices import Anchor as Anchor
from ..spec import ProjectSpec
from ._blocks import block_end, comments_above
from .tree import Tree


@dataclass(frozen=True)
class Concept:
    """One idea both projects express, and how to find it in each."""

    key: str
    title: str
    anchors: dict[str, tuple[Anchor, ...]]
    applies: Callable[[ProjectSpec], bool] = lambda spec: True
    hint: str = ""
    covers: str | None = None


@dataclass(frozen=True)
class Location:
    """A concept's code in one tree: file, first line (1-based) and the lines."""

    path: str
    line: int
    code: tuple[str, ...]

    @property
    def end_line(self) -> int:
        return self.line + len(self.code) - 1

    @property
    def label(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass(frozen=True)
class ConceptMatch:
    """A concept resolved against both trees; a place is None when not found."""

    key: str
    title: str
    applies: bool
    places: dict[str, Location | None]
    notes: dict[str, str] = field(default_factory=dict)
    hint: str = ""

    @property
    def resolved(self) -> bool:
        return self.applies and all(place is not None for place in self.places.values())


def _has_param(spec: ProjectSpec) -> bool:
    return any(route.params for route in spec.routes)


#: The fixed concepts, in teaching order. Chosen catalog choices follow them.
CONCEPTS: tuple[Concept, ...] = (
    Concept(
        "app",
        "Creating the app",
        {
            "flask": (
                Anchor(
                    "*/__init__.py",
                    r"^def create_app\([\s\S]*?^[ ]+app = Flask\(__name__[^)]*\)",
                ),
                Anchor("app.py", r"^app = Flask\(__name__[^)]*\)"),
            ),
            "express": (
                Anchor(
                    "app.js",
                    r"^const app = express\(\);(?:\napp\.disable\('x-powered-by'\);)?",
                ),
            ),
        },
    ),
    Concept(
        "route",
        "A route",
        {
            "flask": (Anchor("*.py", r"^@(?:app|bp)\.(?:route|get)\('/'\)"),),
            "express": (Anchor("*.js", r"^(?:app|router)\.get\('/',"),),
        },
    ),
    Concept(
        "route-parameter",
        "A route parameter",
        {
            "flask": (Anchor("*.py", r"^@(?:app|bp)\.(?:<<method>>|route)\('<<flask_rule>>'"),),
            "express": (Anchor("*.js", r"^(?:app|router)\.<<method>>\('<<express_path>>',"),),
        },
        applies=_has_param,
        hint="no route has a parameter; add one, e.g. -r 'GET /users/{id:int}'",
    ),
    Concept(
        "error-handling",
        "Error handling",
        {
            "flask": (
                Anchor(
                    "*.py",
                    r"^[ ]*@app\.errorhandler\(HTTPException\)"
                    r"[\s\S]*?def handle_error\(",
                ),
            ),
            "express": (
                Anchor(
                    "app.js",
                    r"^app\.use\(\(req, res\) => \{"
                    r"[\s\S]*?^app\.use\(\(err, req, res, next\) => \{",
                ),
            ),
        },
        applies=lambda spec: "error-handlers" in spec.middleware,
        hint="each framework's own error pages; -m error-handlers answers JSON",
        covers="error-handlers",
    ),
    Concept(
        "config",
        "Config and environment",
        {
            "flask": (
                Anchor(
                    "*/__init__.py",
                    r"^[ ]*app\.config\.from_mapping\("
                    r"[\s\S]*?^[ ]*if test_config is not None:",
                ),
                Anchor(
                    "app.py",
                    r"^[ ]*host=os\.environ\.get\('HOST'[\s\S]*?environ\.get\('PORT'",
                ),
            ),
            "express": (
                Anchor(
                    "app.js",
                    r"^[ ]*const port = Number\(process\.env\.PORT\)[\s\S]*?env\.HOST",
                ),
            ),
        },
        applies=lambda spec: not spec.classic,
        hint="the classic programs read no configuration",
    ),
    Concept(
        "start",
        "Starting the server",
        {
            "flask": (Anchor("app.py", r"^if __name__ == '__main__':"),),
            "express": (
                Anchor("app.js", r"^if \(require\.main === module\) \{"),
                Anchor("app.js", r"^app\.listen\("),
                # With a database, one file listens once the migrations are applied.
                Anchor("app.js", r"^db\.migrate\.latest\(\)"),
            ),
        },
    ),
    Concept(
        "dependencies",
        "Dependencies",
        {
            "flask": (Anchor("requirements.txt", whole=True),),
            "express": (Anchor("package.json", r'^[ ]*"dependencies": \{'),),
        },
    ),
    Concept(
        "tests",
        "Tests",
        {
            "flask": (Anchor("tests/test_app.py", r"^def test_hello\("),),
            "express": (Anchor("test/app.test.js", r"^test\('GET /',"),),
        },
        applies=lambda spec: "tests" in spec.switches,
        hint="no tests; choose --tests",
        covers="tests",
    ),
)

#: Anchors of the catalog's middleware and config choices, by catalog key (from the catalog).
CATALOG_ANCHORS: dict[str, dict[str, tuple[Anchor, ...]]] = {
    key: choice.concepts for key, choice in catalog.CHOICES.items() if choice.concepts
}


def concepts_for(spec: ProjectSpec) -> list[Concept]:
    """The fixed concepts, then one per chosen catalog choice none of them covers."""
    covered = {concept.covers for concept in CONCEPTS if concept.covers}
    chosen = [
        choice
        for choice in catalog.MIDDLEWARE + catalog.CONFIG
        if choice.key in spec.choices() and choice.key not in covered
    ]
    return [*CONCEPTS] + [
        Concept(choice.key, choice.title, CATALOG_ANCHORS.get(choice.key, {})) for choice in chosen
    ]


def _placeholders(spec: ProjectSpec) -> dict[str, str]:
    route = next((route for route in spec.routes if route.params), None)
    if route is None:
        return {}
    return {
        "<<method>>": route.method.lower(),
        "<<flask_rule>>": re.escape(route.flask_rule),
        "<<express_path>>": re.escape(route.express_path),
    }


def locate(tree: Tree, anchors: Iterable[Anchor], values: dict[str, str]) -> Location | None:
    """The first place one of the anchors matches in the tree, with its code."""
    for anchor in anchors:
        pattern = anchor.pattern
        for token, value in values.items():
            pattern = pattern.replace(token, value)
        if "<<" in pattern:
            continue
        regex = re.compile(pattern, re.MULTILINE)
        for item in tree.files:
            globs = (anchor.file,) if isinstance(anchor.file, str) else anchor.file
            if item.text is None or not any(fnmatch.fnmatchcase(item.path, g) for g in globs):
                continue
            lines = item.lines
            if anchor.whole:
                if lines:
                    return Location(item.path, 1, tuple(lines))
                continue
            match = regex.search(item.text)
            if match is None:
                continue
            language = hl.language_for(item.path)
            first = item.text.count("\n", 0, match.start())
            last = item.text.count("\n", 0, max(match.end() - 1, match.start()))
            first = comments_above(lines, first, language)
            end = block_end(item.text, first, last, language)
            return Location(item.path, first + 1, tuple(lines[first:end]))
    return None


def resolve(spec: ProjectSpec, trees: dict[str, Tree]) -> list[ConceptMatch]:
    """Match every concept of the spec against both trees."""
    values = _placeholders(spec)
    matches = []
    for concept in concepts_for(spec):
        applies = concept.applies(spec)
        choice = catalog.CHOICES.get(concept.covers or concept.key)
        notes = {name: choice.side(name).note for name in trees} if choice else {}
        places = {
            name: locate(tree, concept.anchors.get(name, ()), values) if applies else None
            for name, tree in trees.items()
        }
        matches.append(
            ConceptMatch(concept.key, concept.title, applies, places, notes, concept.hint)
        )
    return matches


def resolve_found(specs: dict[str, ProjectSpec], trees: dict[str, Tree]) -> list[ConceptMatch]:
    """Match concepts against existing trees, one spec recorded per tree: a concept shows when
    either spec has it or its code is found in either tree (a choice added or removed by hand
    counts as it is on disk), and it is looked for in both trees whatever was recorded."""
    recorded = list(specs.values())
    values = {k: v for spec in reversed(recorded) for k, v in _placeholders(spec).items()}
    keys = {concept.key for spec in recorded for concept in concepts_for(spec)}
    covered = {concept.covers for concept in CONCEPTS if concept.covers}
    candidates = [*CONCEPTS] + [
        Concept(choice.key, choice.title, CATALOG_ANCHORS.get(choice.key, {}))
        for choice in catalog.MIDDLEWARE + catalog.CONFIG
        if choice.key not in covered
    ]
    matches = []
    for concept in candidates:
        places = {
            name: locate(tree, concept.anchors.get(name, ()), values)
            for name, tree in trees.items()
        }
        chosen = concept.key in keys and any(concept.applies(spec) for spec in recorded)
        found = any(place is not None for place in places.values())
        if not (chosen or found or concept in CONCEPTS):
            continue
        choice = catalog.CHOICES.get(concept.covers or concept.key)
        notes = {name: choice.side(name).note for name in trees} if choice else {}
        matches.append(
            ConceptMatch(concept.key, concept.title, chosen or found, places, notes, concept.hint)
        )
    return matches
