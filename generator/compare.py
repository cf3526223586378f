"""Compare the Flask and Express renderings of one spec; diff two renderings.

`compare(spec)` renders both frameworks into a temporary folder and returns a
`Comparison`: both file trees, size figures, and a concept map saying where each idea
(creating the app, a route, each chosen middleware …) lives in each tree. The map is
found, not kept: every concept has regex anchors matched against the rendered files,
and middleware and config concepts come from the catalog, so the map follows the
templates when they change.

`diff_specs` and `diff_project` return a `TreeDiff` (unified diffs, file by file). The
answer file `.dualgen.yaml` is dualgen's own record and is left out of trees, figures
and diffs.

Presentation is plain text (100 columns, ANSI colours only when asked), one
self-contained HTML page, or JSON. Nothing here knows about Click.
"""

from __future__ import annotations

import difflib
import fnmatch
import html
import json
import os
import re
import tempfile
import textwrap
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from . import _highlight as hl
from . import catalog
from .errors import SpecError, UsageError
from .spec import SWITCHES, ProjectSpec

WIDTH = 100
_COLUMN = (WIDTH - 3) // 2
_SEPARATOR = " │ "
_MAX_SNIPPET = 24
#: Folders a diff of a project never looks into: installs, caches, version control.
IGNORED_DIRS = frozenset(
    {
        "node_modules",
        ".venv",
        "venv",
        "__pycache__",
        ".git",
        ".pytest_cache",
        ".ruff_cache",
    }
)


# --------------------------------------------------------------------------------------
# Trees


@dataclass(frozen=True)
class SourceFile:
    """One file of a rendered tree, with its text (None for a binary file)."""

    path: str
    text: str | None
    size: int

    @property
    def lines(self) -> list[str]:
        return self.text.splitlines() if self.text is not None else []

    @property
    def code_lines(self) -> int:
        """Lines of Python or JavaScript that are neither blank nor only a comment."""
        language = hl.language_for(self.path)
        if language not in ("python", "javascript"):
            return 0
        comment = ("#",) if language == "python" else ("//", "/*", "*")
        return sum(
            1 for line in self.lines if line.strip() and not line.strip().startswith(comment)
        )


@dataclass(frozen=True)
class Tree:
    """The files of one rendered project, by path relative to its folder."""

    framework: str
    root: str
    files: tuple[SourceFile, ...]

    def file(self, path: str) -> SourceFile:
        return next(item for item in self.files if item.path == path)

    def figures(self) -> dict[str, int]:
        """Size figures: files, lines, and lines of Python/JavaScript code."""
        return {
            "files": len(self.files),
            "lines": sum(len(item.lines) for item in self.files),
            "code_lines": sum(item.code_lines for item in self.files),
        }


def read_tree(root: Path, framework: str, *, skip: Iterable[str] = ()) -> Tree:
    """Read every file under root, except ignored folders and the answer file."""
    from .render import ANSWERS_FILE

    skipped = {ANSWERS_FILE, *skip}
    files: list[SourceFile] = []
    for folder, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in IGNORED_DIRS)
        for name in names:
            path = Path(folder) / name
            relative = path.relative_to(root).as_posix()
            if relative in skipped or path.is_symlink() or not path.is_file():
                continue
            data = path.read_bytes()
            try:
                text: str | None = data.decode("utf-8")
            except UnicodeDecodeError:
                text = None
            files.append(SourceFile(relative, text, len(data)))
    files.sort(key=lambda item: _tree_order(item.path))
    return Tree(framework, root.name, tuple(files))


def _tree_order(path: str) -> tuple[tuple[int, str], ...]:
    """Sort files before folders at each level, as a tree listing shows them."""
    parts = path.split("/")
    return tuple((0 if i == len(parts) - 1 else 1, part) for i, part in enumerate(parts))


def tree_lines(tree: Tree) -> list[str]:
    """The tree as an indented listing with box-drawing branches and line counts."""
    rows = [f"{tree.root}/"]

    def walk(prefix: str, paths: list[str], base: str) -> None:
        here = [p for p in paths if "/" not in p[len(base) :]]
        folders = sorted({p[len(base) :].split("/")[0] for p in paths if p not in here})
        entries = [(p[len(base) :], p) for p in here] + [(f + "/", base + f + "/") for f in folders]
        for index, (label, full) in enumerate(entries):
            last = index == len(entries) - 1
            branch = "└── " if last else "├── "
            if label.endswith("/"):
                rows.append(f"{prefix}{branch}{label}")
                inner = [p for p in paths if p.startswith(full)]
                walk(prefix + ("    " if last else "│   "), inner, full)
            else:
                rows.append(f"{prefix}{branch}{label}\t{len(tree.file(full).lines)}")

    walk("", [item.path for item in tree.files], "")
    return rows


# --------------------------------------------------------------------------------------
# The concept map


@dataclass(frozen=True)
class Anchor:
    """Where to look for a concept: a file glob (or several) and a regex.

    The match's lines, plus the rest of the statement or block its last line opens, are
    the concept's code; comment lines just above are included. With whole, the entire
    file is the code.
    """

    file: str | tuple[str, ...]
    pattern: str = r"\A"
    whole: bool = False


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
                    r"^def create_app\([\s\S]*?^[ ]+app = Flask\(__name__\)",
                ),
                Anchor("app.py", r"^app = Flask\(__name__\)"),
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

#: Where a Flask project wires its middleware: app.py while it is one file, the package's
#: create_app() once it has several routes.
FLASK_APP = ("app.py", "*/__init__.py")

#: Anchors of the catalog's middleware and config choices, by catalog key.
CATALOG_ANCHORS: dict[str, dict[str, tuple[Anchor, ...]]] = {
    "request-id": {
        "flask": (
            Anchor(
                FLASK_APP,
                r"^[ ]*@app\.before_request\n\s*def assign_request_id"
                r"[\s\S]*?def send_request_id",
            ),
        ),
        "express": (
            Anchor(
                "app.js",
                r"^app\.use\(\(req, res, next\) => \{\n\s*const incoming = req\.get",
            ),
        ),
    },
    "logging": {
        "flask": (Anchor(FLASK_APP, r"^[ ]*app\.logger\.setLevel\([\s\S]*?def log_request"),),
        "express": (Anchor("app.js", r"^app\.use\(morgan\("),),
    },
    "security-headers": {
        "flask": (
            Anchor(
                FLASK_APP,
                r"^[ ]*@app\.after_request\n\s*def set_security_headers",
            ),
        ),
        "express": (Anchor("app.js", r"^app\.use\(helmet\("),),
    },
    "cors": {
        "flask": (Anchor(FLASK_APP, r"^[ ]*CORS\("),),
        "express": (Anchor("app.js", r"^app\.use\(\s*cors\("),),
    },
    "compression": {
        "flask": (Anchor(FLASK_APP, r"^[ ]*Compress\(app\)"),),
        "express": (Anchor("app.js", r"^app\.use\(compression\("),),
    },
    "rate-limit": {
        "flask": (Anchor(FLASK_APP, r"^[ ]*Limiter\("),),
        "express": (Anchor("app.js", r"^app\.use\(\s*rateLimit\("),),
    },
    "json-body": {
        "flask": (Anchor(FLASK_APP, r"^[ ]*@app\.before_request\n\s*def parse_json_body"),),
        "express": (Anchor("app.js", r"^app\.use\(express\.json\("),),
    },
    "static": {
        "flask": (Anchor(("static/*", "*/static/*"), whole=True),),
        "express": (Anchor("app.js", r"^app\.use\('/static', express\.static\("),),
    },
    "env-file": {
        "flask": (Anchor("app.py", r"^load_dotenv\(\)"), Anchor(".env.example", whole=True)),
        "express": (Anchor("app.js", r"^require\('dotenv'\)\.config\("),),
    },
    "production-server": {
        "flask": (Anchor("gunicorn.conf.py", whole=True),),
        "express": (Anchor("server.js", whole=True),),
    },
    "docker": {
        "flask": (Anchor("Dockerfile", whole=True),),
        "express": (Anchor("Dockerfile", whole=True),),
    },
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
            first = item.text.count("\n", 0, match.start())
            last = item.text.count("\n", 0, max(match.end() - 1, match.start()))
            first = _comments_above(lines, first, hl.language_for(item.path))
            end = _extent(lines, first, last, hl.language_for(item.path))
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


_STRINGS = re.compile(r"'(?:\\.|[^'\\])*'|\"(?:\\.|[^\"\\])*\"|`(?:\\.|[^`\\])*`")
_COMMENT = {"python": "#", "javascript": "//", "json": None}


def _depth(line: str, language: str) -> int:
    """How many brackets a line leaves open (strings and comments ignored)."""
    code = _STRINGS.sub("", line)
    marker = _COMMENT.get(language)
    if marker and marker in code:
        code = code[: code.index(marker)]
    return sum(code.count(c) for c in "([{") - sum(code.count(c) for c in ")]}")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _comments_above(lines: list[str], start: int, language: str) -> int:
    """Move start up over the comment lines just above it, at the same indentation."""
    marker = _COMMENT.get(language)
    while (
        marker
        and start > 0
        and lines[start - 1].lstrip().startswith(marker)
        and _indent(lines[start - 1]) == _indent(lines[start])
    ):
        start -= 1
    return start


def _extent(lines: list[str], start: int, last: int, language: str) -> int:
    """The index after the statement or block holding line `last`, from start on."""
    if language not in ("python", "javascript", "json"):
        return last + 1
    depth, index = 0, start
    while index < len(lines):
        depth += _depth(lines[index], language)
        index += 1
        if index <= last or depth > 0:
            continue
        stripped = lines[index - 1].strip()
        if language == "python" and stripped.startswith("@"):
            continue
        if language == "python" and stripped.endswith(":"):
            head = _indent(lines[index - 1])
            while index < len(lines):
                line = lines[index]
                if line.strip() and _indent(line) <= head:
                    if re.match(r"(elif|else|except|finally)\b", line.strip()):
                        index += 1
                        continue
                    break
                index += 1
            while index > start and not lines[index - 1].strip():
                index -= 1
        break
    return index


# --------------------------------------------------------------------------------------
# Comparing


@dataclass(frozen=True)
class Comparison:
    """Both trees of one spec, and where each concept lives in each."""

    spec: ProjectSpec
    trees: dict[str, Tree]
    concepts: tuple[ConceptMatch, ...]

    def to_dict(self) -> dict[str, object]:
        """The comparison as plain data, for --format json."""
        return {
            "answers": self.spec.answers(),
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
    from .render import render_tree

    with tempfile.TemporaryDirectory(prefix="dualgen-compare-") as tmp:
        roots = {name: render_tree(spec, name, Path(tmp) / name) for name in catalog.FRAMEWORKS}
        return comparison_of(spec, roots)


# --------------------------------------------------------------------------------------
# Text output


def _style(text: str, code: str, color: bool) -> str:
    return f"\x1b[{code}m{text}\x1b[0m" if color and text else text


def _fit(text: str, width: int) -> str:
    text = text.expandtabs(4)
    return text if len(text) <= width else text[: width - 1] + "…"


def _pair(left: str, right: str, left_plain: str | None = None) -> str:
    """Two columns: left is padded by the width of its plain (uncoloured) text."""
    plain = left if left_plain is None else left_plain
    return (left + " " * (_COLUMN - len(plain)) + _SEPARATOR + right).rstrip()


def _choices_summary(spec: ProjectSpec) -> str:
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
    title = f"dualgen compare: {spec.name} ({_choices_summary(spec)})"
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
    missing = [m.title for m in comparison.concepts if m.applies and not m.resolved]
    if missing:
        out.append("")
        out.append(_style(_fit("not located: " + ", ".join(missing), WIDTH), "31", color))
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------------------
# HTML output

_CSS = """
:root { --bg: #fbfaf7; --fg: #1f2328; --muted: #6a737d; --line: #e4e1da;
  --card: #ffffff; --flask: #2b6f77; --express: #8a5a00; --kw: #a626a4; --str: #2f7d32;
  --com: #8a8f98;
  --num: #b35c00; --dec: #986801; --add: #e6f4ea; --del: #fdecea; --hunk: #eef3fb; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg);
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
main { max-width: 1320px; margin: 0 auto; padding: 28px 32px 60px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 0 0 10px; }
.sub { color: var(--muted); margin: 0 0 24px; }
.pair { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; }
.col { background: var(--card); border: 1px solid var(--line); border-radius: 8px;
  overflow: hidden; min-width: 0; }
.col > header { padding: 8px 12px; border-bottom: 1px solid var(--line);
  font-weight: 600; display: flex; justify-content: space-between; gap: 12px; }
.col-flask > header { border-top: 4px solid var(--flask); }
.col-express > header { border-top: 4px solid var(--express); }
.col-flask .fw { color: var(--flask); } .col-express .fw { color: var(--express); }
.where { font: 13px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
  color: var(--muted); }
.note { color: var(--muted); font-size: 13.5px; padding: 8px 12px 0; margin: 0; }
pre { margin: 0; padding: 10px 12px; overflow-x: auto;
  font: 13px/1.55 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.ln { display: inline-block; min-width: 2.6em; padding-right: 1em; text-align: right;
  color: var(--muted); user-select: none; }
.kw { color: var(--kw); font-weight: 600; } .str { color: var(--str); }
.com { color: var(--com); font-style: italic; } .num, .lit { color: var(--num); }
.dec { color: var(--dec); }
section { margin: 28px 0; }
.figures { border-collapse: collapse; margin: 0 0 8px; }
.figures th, .figures td { padding: 4px 16px 4px 0; text-align: right; }
.figures th:first-child, .figures td:first-child { text-align: left; }
.tree .count { color: var(--muted); float: right; }
.absent { color: var(--muted); border: 1px dashed var(--line); border-radius: 8px;
  padding: 10px 14px; }
.missing { color: #b00020; padding: 10px 12px; }
nav { columns: 3; font-size: 14px; margin: 0 0 8px; }
nav ol { margin: 0; }
nav a { color: inherit; }
.file { margin: 16px 0; }
.add, .del, .ctx, .hunk { display: block; min-height: 1.55em; }
.add { background: var(--add); } .del { background: var(--del); }
.hunk { background: var(--hunk); color: var(--muted); }
.stat-add { color: var(--str); } .stat-del { color: #b00020; }
"""


def _page(title: str, body: str) -> str:
    return (
        '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(title)}</title>\n<style>{_CSS}</style>\n</head>\n"
        f"<body>\n<main>\n{body}\n</main>\n</body>\n</html>\n"
    )


def _code_html(lines: Iterable[str], language: str, first: int) -> str:
    rows = hl.lines("\n".join(lines), language)
    return (
        "<pre><code>"
        + "\n".join(
            f'<span class="ln">{first + i}</span>{hl.to_html(row)}' for i, row in enumerate(rows)
        )
        + "</code></pre>"
    )


def _column(name: str, head: str, where: str, inner: str) -> str:
    return (
        f'<div class="col col-{name}" data-framework="{name}"><header>'
        f'<span class="fw">{html.escape(head)}</span>'
        f'<span class="where">{html.escape(where)}</span></header>{inner}</div>'
    )


def render_html(comparison: Comparison) -> str:
    """One self-contained page: figures, both trees, each concept side by side."""
    spec = comparison.spec
    names = list(comparison.trees)
    parts = [
        f"<h1>{html.escape(spec.name)}: Flask and Express side by side</h1>",
        f'<p class="sub">{html.escape(_choices_summary(spec))}. Generated by dualgen compare.</p>',
    ]
    rows = "".join(
        f"<tr><td>{label}</td>"
        + "".join(f"<td>{comparison.trees[n].figures()[key]}</td>" for n in names)
        + "</tr>"
        for key, label in (
            ("files", "Files"),
            ("lines", "Lines"),
            ("code_lines", "Lines of Python/JavaScript code"),
        )
    )
    heads = "".join(f"<th>{html.escape(n.title())}</th>" for n in names)
    parts.append(
        '<section id="figures"><h2>Size</h2><table class="figures">'
        f"<tr><th></th>{heads}</tr>{rows}</table></section>"
    )
    columns = []
    for name in names:
        tree = comparison.trees[name]
        listing = []
        for row in tree_lines(tree)[1:]:
            label, _, count = row.partition("\t")
            unit = "line" if count == "1" else "lines"
            extra = f'<span class="count">{count} {unit}</span>' if count else ""
            listing.append(f"{html.escape(label)}{extra}")
        inner = '<pre class="tree">' + "\n".join(listing) + "</pre>"
        columns.append(_column(name, name.title(), f"{tree.root}/", inner))
    parts.append(
        f'<section id="trees"><h2>Files</h2><div class="pair">{"".join(columns)}</div></section>'
    )
    links = "".join(
        f'<li><a href="#concept-{c.key}">{html.escape(c.title)}</a></li>'
        for c in comparison.concepts
    )
    parts.append(f"<h2>Concepts</h2><nav><ol>{links}</ol></nav>")
    for match in comparison.concepts:
        section = [
            f'<section class="concept" id="concept-{match.key}"><h2>{html.escape(match.title)}</h2>'
        ]
        if not match.applies:
            section.append(f'<p class="absent">Not in this project: {html.escape(match.hint)}</p>')
        else:
            cells = []
            for name in names:
                place = match.places[name]
                note = match.notes.get(name)
                inner = f'<p class="note">{html.escape(note)}</p>' if note else ""
                if place is None:
                    inner += '<p class="missing">not found in this tree</p>'
                    where = "not found"
                else:
                    inner += _code_html(place.code, hl.language_for(place.path), place.line)
                    where = place.label
                cells.append(_column(name, name.title(), where, inner))
            section.append(f'<div class="pair">{"".join(cells)}</div>')
        section.append("</section>")
        parts.append("".join(section))
    return _page(f"dualgen compare: {spec.name}", "\n".join(parts))


def render_json(comparison: Comparison) -> str:
    """The comparison as JSON text."""
    return json.dumps(comparison.to_dict(), indent=2, ensure_ascii=False) + "\n"


# --------------------------------------------------------------------------------------
# Diffs


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
    for path in sorted(before.keys() | after.keys(), key=_tree_order):
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
    plus KEY; the returned note says so (it is empty otherwise).
    """
    from . import spec as specs

    base, *extras = [part.strip() for part in text.split("+")]
    if Path(text).is_file():
        base, extras = text, []
    if not base:
        raise SpecError(f"spec {text!r} is empty; give default, a preset or an answer file")
    keys = [key for extra in extras for key in extra.split(",") if key]
    if base == "default":
        answers: dict[str, object] = {}
    elif base in catalog.PRESETS:
        answers = specs.expand_presets({"preset": base})
    elif Path(base).is_file():
        answers = specs.expand_presets(specs.load_answers(Path(base)))
        answers.pop("dualgen", None)
    else:
        raise SpecError(
            f"spec {base!r} is not default, a preset ({', '.join(catalog.PRESETS)}) "
            "or an answer file"
        )
    note = ""
    if keys and answers.get("classic"):
        answers = {key: value for key, value in answers.items() if key != "classic"}
        note = (
            f"note: the classic preset takes no choices; {text!r} is read as the "
            f"default project plus {', '.join(keys)}"
        )
    allowed = [choice.key for choice in catalog.MIDDLEWARE] + list(SWITCHES)
    for key in keys:
        if key not in allowed:
            raise SpecError(f"spec {text!r}: {key!r} is not one of {', '.join(allowed)}")
    middleware = [key for key in keys if key not in SWITCHES]
    layer: dict[str, object] = {key: True for key in keys if key in SWITCHES}
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
    from .render import render_tree

    with tempfile.TemporaryDirectory(prefix="dualgen-diff-") as tmp:
        trees = [
            read_tree(render_tree(spec, framework, Path(tmp) / side), framework)
            for spec, side in ((old, "old"), (new, "new"))
        ]
    return diff_trees(trees[0], trees[1], *labels, note=note)


def diff_project(project: Path) -> TreeDiff:
    """Diff a fresh render of a project's recorded answers against the project."""
    from . import spec as specs
    from .render import ANSWERS_FILE, render_tree
    from .runner import detect_framework

    answers_path = project / ANSWERS_FILE
    if not answers_path.is_file():
        raise UsageError(
            f"{project} has no {ANSWERS_FILE}; only projects generated by dualgen can be diffed"
        )
    answers = specs.load_answers(answers_path)
    answers.pop("dualgen", None)
    spec = specs.build(answers)
    framework = detect_framework(project)
    with tempfile.TemporaryDirectory(prefix="dualgen-diff-") as tmp:
        fresh = read_tree(render_tree(spec, framework, Path(tmp)), framework)
    current = read_tree(project, framework)
    return diff_trees(fresh, current, f"fresh render of {ANSWERS_FILE}", str(project))


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


def render_diff_html(diff: TreeDiff) -> str:
    """The diff as one self-contained page, one block per file, highlighted."""
    parts = [
        f"<h1>{html.escape(diff.framework.title())} diff</h1>",
        f'<p class="sub">{html.escape(diff.old_label)} → {html.escape(diff.new_label)}'
        + (f"<br>{html.escape(diff.note)}" if diff.note else "")
        + "</p>",
    ]
    if not diff.changed:
        parts.append('<p class="absent">No changes.</p>')
    for item in diff.files:
        added, removed = item.counts
        rows = []
        language = hl.language_for(item.path)
        for line in item.lines:
            if line.startswith(("+++", "---")):
                continue
            if line.startswith("@@") or line[:1] not in ("+", "-", " "):
                rows.append(f'<span class="hunk">{html.escape(line)}</span>')
                continue
            css = {"+": "add", "-": "del"}.get(line[0], "ctx")
            body = line[0] + hl.to_html(hl.lines(line[1:], language)[0])
            rows.append(f'<span class="{css}">{body}</span>')
        where = f'<span class="stat-add">+{added}</span> <span class="stat-del">−{removed}</span>'
        parts.append(
            f'<div class="col file" data-status="{item.status}"><header>'
            f"<span>{html.escape(item.path)} ({item.status})</span>"
            f'<span class="where">{where}</span></header>'
            f"<pre><code>{''.join(rows)}</code></pre></div>"
        )
    return _page(f"dualgen diff: {diff.framework}", "\n".join(parts))
