"""The handout: for each step its explanation, both frameworks' changes side by side (diffs
against the step before, from generator.compare), the catalog's teaching notes, the commands to
run and check, the checks and the exercises; one self-contained HTML page (Jinja, autoescaped,
inline styles, a print stylesheet, no script, no network) and the same as Markdown.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import catalog
from ..compare import Tree, TreeDiff, diff_trees
from ..contract import Exchange, Padded, exchanges
from .contract import taught
from .model import DEFAULT_WORKSHOP, Step, Workshop

if TYPE_CHECKING:
    import jinja2

TEMPLATES = Path(__file__).resolve().parent / "templates"
TITLES = {"flask": "Flask", "express": "Express"}
#: Changed files the handout names without showing their diff: the project's own README.
NOT_SHOWN = ("README.md",)
#: At most this many `curl` lines per framework and step.
MAX_TRIES = 6


@dataclass(frozen=True)
class Side:
    """One framework's column of a step: its diff, and the commands to run and check it."""

    framework: str
    diff: TreeDiff
    also: tuple[str, ...]
    commands: tuple[tuple[str, str], ...]

    @property
    def title(self) -> str:
        return TITLES[self.framework]

    @property
    def counts(self) -> tuple[int, int]:
        added = sum(item.counts[0] for item in self.diff.files)
        return added, sum(item.counts[1] for item in self.diff.files)


@dataclass(frozen=True)
class Note:
    """What a choice this step adds or drops means in each framework (catalog Side.note)."""

    title: str
    change: str
    flask: str
    express: str


@dataclass(frozen=True)
class Lesson:
    """Everything the handout shows of one step."""

    step: Step
    sides: tuple[Side, ...]
    notes: tuple[Note, ...]
    #: The step's checks, each with whether it is new at this step.
    checks: tuple[tuple[str, bool], ...]
    #: Where the two frameworks differ on their own, from this step on (catalog declared).
    differences: tuple[catalog.Declared, ...] = ()


def lessons(workshop: Workshop, trees: dict[tuple[int, str], Tree]) -> list[Lesson]:
    """Each step's lesson, from the trees of every step and framework."""
    found = []
    for step in workshop.steps:
        sides = []
        for name in catalog.FRAMEWORKS:
            new = trees[(step.number, name)]
            old = trees.get((step.number - 1, name), Tree(name, new.root, ()))
            whole = diff_trees(old, new, f"step {step.number - 1}", f"step {step.number}")
            shown = tuple(item for item in whole.files if item.path not in NOT_SHOWN)
            also = tuple(item.path for item in whole.files if item.path in NOT_SHOWN)
            diff = TreeDiff(name, whole.old_label, whole.new_label, shown)
            sides.append(Side(name, diff, also, commands(workshop, step, name)))
        before = set(workshop.steps[step.number - 2].checks()) if step.number > 1 else set()
        checks = tuple((check, check not in before) for check in step.checks())
        found.append(Lesson(step, tuple(sides), notes(step), checks, differences(workshop, step)))
    return found


def differences(workshop: Workshop, step: Step) -> tuple[catalog.Declared, ...]:
    """The declared differences that first apply at this step: a lesson at the step where the
    difference first shows."""
    previous = workshop.steps[step.number - 2] if step.number > 1 else None
    before = catalog.declared_differences(previous.spec) if previous else []
    return tuple(d for d in catalog.declared_differences(step.spec) if d not in before)


def notes(step: Step) -> tuple[Note, ...]:
    return tuple(
        Note(choice.title, change, choice.flask.note, choice.express.note)
        for change, keys in (("added", step.added), ("removed", step.removed))
        for choice in (catalog.CHOICES[key] for key in keys)
    )


def commands(workshop: Workshop, step: Step, framework: str) -> tuple[tuple[str, str], ...]:
    """The commands that get, install, run, test and check the step's project."""
    spec, tests = step.spec, "tests" in step.spec.switches
    rows = [("Get the step", f"git checkout {step.tag}   # or: cd steps/{step.folder}/{framework}")]
    if framework == "flask":
        requirements = "requirements-dev.txt" if tests else "requirements.txt"
        install = f"python3 -m venv .venv && . .venv/bin/activate && pip install -r {requirements}"
        rows += [("Install", install), ("Run", "python app.py")]
        production, test = "gunicorn app:app", "python -m pytest"
    else:
        rows += [("Install", "npm install"), ("Run", "npm start")]
        production, test = "npm run start:prod", "npm test"
    if "database" in spec.middleware:
        migrate = "flask db upgrade" if framework == "flask" else "npm run migrate"
        rows.insert(2, ("Apply the migrations (the run commands do it too)", migrate))
    if step.production:
        rows.append(("Run in production", production))
    if tests:
        rows.append(("Test", test))
    port = spec.port_for(framework)
    previous = set(step_checks_before(workshop, step))
    tries: Sequence[str | None] = [
        _curl(e, port) for e in taught(exchanges(spec)) if e.name not in previous
    ]
    tries = [line for line in tries if line][:MAX_TRIES]
    if tries:
        rows.append(("Try it (another terminal)", "\n".join(tries)))
    workshop_option = (
        ""
        if workshop.reference == DEFAULT_WORKSHOP
        else f" --workshop {shlex.quote(workshop.reference)}"
    )
    rows.append(("Check", f"dualgen check --step {step.number}{workshop_option} ."))
    return tuple(rows)


def step_checks_before(workshop: Workshop, step: Step) -> list[str]:
    return workshop.steps[step.number - 2].checks() if step.number > 1 else []


def _curl(exchange: Exchange, port: int) -> str | None:
    """The exchange's request as a curl command; None when it takes many requests or a body
    too big to type."""
    if exchange.repeat > 1 or isinstance(exchange.body, Padded):
        return None
    if exchange.method == "HEAD":
        words = ["curl", "-I"]
    else:
        words = ["curl", "-i"] + (["-X", exchange.method] if exchange.method != "GET" else [])
    for name, value in exchange.request_headers.items():
        words += ["-H", f"{name}: {value}"]
    if exchange.body is not None:
        words += ["--data-raw", exchange.body.decode("utf-8", "replace")]
    words.append(f"http://127.0.0.1:{port}{exchange.path}")
    return " ".join(shlex.quote(word) for word in words)


# -- HTML -------------------------------------------------------------------------------------


def render_html(workshop: Workshop, found: list[Lesson]) -> str:
    """The handout as one self-contained page."""
    return (
        _environment()
        .get_template("handout.html.j2")
        .render(workshop=workshop, lessons=found, intro=_intro(workshop, len(found)))
    )


@cache
def _environment() -> jinja2.Environment:
    import jinja2
    from markupsafe import Markup

    from ..compare import html as compare_html
    from . import markdown as _markdown

    environment = jinja2.Environment(
        loader=jinja2.ChoiceLoader(
            [jinja2.FileSystemLoader(TEMPLATES), jinja2.FileSystemLoader(compare_html.TEMPLATES)]
        ),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    environment.filters.update(
        # The diff rows and highlighting of `dualgen diff --html`.
        diff_rows=compare_html.diff_rows,
        highlight_line=compare_html.highlight_line,
        markdown=lambda text, level=3: Markup(_markdown.to_html(text, heading_level=level)),
    )
    return environment


# -- Markdown ---------------------------------------------------------------------------------


def render_markdown(workshop: Workshop, found: list[Lesson]) -> str:
    """The handout as Markdown: the same sections, one framework after the other."""
    out = [f"# {workshop.title}", "", _intro(workshop, len(found)), ""]
    if workshop.description:
        out += [workshop.description, ""]
    out += ["## Steps", ""]
    out += [f"{lesson.step.number}. {lesson.step.title}" for lesson in found] + [""]
    item: Any  # a FileDiff, then a catalog.Declared
    for lesson in found:
        step = lesson.step
        out += [f"## Step {step.number}: {step.title}", ""]
        out += [f"Tag `{step.tag}`, folder `steps/{step.folder}/`.", "", step.explanation, ""]
        for side in lesson.sides:
            added, removed = side.counts
            out += [f"### {side.title}: +{added} −{removed}", ""]
            for item in side.diff.files:
                plus, minus = item.counts
                out += [f"`{item.path}` ({item.status}, +{plus} −{minus})", ""]
                out += _fenced("diff", [line for line in item.lines if not _header(line)])
            if not side.diff.files:
                out += ["No code changes.", ""]
            if side.also:
                out += [f"Also changed: {', '.join(f'`{path}`' for path in side.also)}.", ""]
        if lesson.notes:
            out += ["### What each framework does on its own", ""]
            for note in lesson.notes:
                out += [f"- **{note.title}** ({note.change})", f"  - Flask: {note.flask}"]
                out += [f"  - Express: {note.express}"]
            out.append("")
        if lesson.differences:
            out += ["### Where the frameworks differ on their own", ""]
            for item in lesson.differences:
                out += [f"- **{item.title}**", f"  - Flask: {item.flask}"]
                out += [f"  - Express: {item.express}", f"  - Why: {item.why}"]
                out += [f"  - Try: `{item.example}`"] if item.example else []
            out.append("")
        out += ["### Run and check", ""]
        for side in lesson.sides:
            out += [f"{side.title}:", ""]
            out += _fenced("sh", [f"# {label}\n{text}" for label, text in side.commands])
        out += ["### Checks", "", f"`dualgen check --step {step.number}` runs:", ""]
        out += [f"- {name}{' (new)' if new else ''}" for name, new in lesson.checks] + [""]
        if step.exercises:
            out += ["### Exercises", ""]
            out += [f"{n}. {text}" for n, text in enumerate(step.exercises, 1)] + [""]
    return "\n".join(out).rstrip("\n") + "\n"


def _intro(workshop: Workshop, count: int) -> str:
    return (
        f"A workshop in {count} steps, Flask and Express side by side (project "
        f"`{workshop.name}`). `flask/` and `express/` are git repositories with one commit per "
        "step, tagged `step-1` onwards: `git log -p` reads as the lesson, and `git checkout "
        "step-2` is where step 3 starts. `steps/` holds the same projects as plain folders."
    )


def _header(line: str) -> bool:
    return line.startswith(("+++", "---"))


def _fenced(language: str, lines: list[str]) -> list[str]:
    """A fenced block longer than any run of backticks inside it."""
    text = "\n".join(lines)
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return [f"{fence}{language}", text, fence, ""]
