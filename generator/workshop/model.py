"""A workshop file, read and validated once: the Workshop and its Steps (see the package's
docstring for the schema)."""

from __future__ import annotations

import os
import re
import stat
import unicodedata
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from .. import catalog
from ..errors import SpecError, UsageError

if TYPE_CHECKING:
    from ..spec import Answers, ProjectSpec

BUILTIN_DIR = Path(__file__).resolve().parent
DEFAULT_WORKSHOP = "flask-vs-express"
MAX_WORKSHOP_FILE = 1 << 20
MAX_STEPS = 50
MAX_TEXT = 20_000
MAX_LINE = 120
#: The pseudo-checks around the exchanges: the server starts, the project's tests pass.
START, TESTS = "start", "tests"

WORKSHOP_KEYS = ("title", "name", "description", "steps")
STEP_KEYS = ("id", "title", "explanation", "change", "exercises", "hints")
#: Answer keys a change sets directly (null puts the default back).
SCALAR_CHANGES = ("port", "host", "debug", "classic", *(choice.key for choice in catalog.CONFIG))
CHANGE_KEYS = (
    *SCALAR_CHANGES,
    "add-middleware",
    "remove-middleware",
    "settings",
    "add-routes",
    "remove-routes",
)
_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


@dataclass(frozen=True)
class Step:
    """One step: its texts, and the spec its project has once the step's change is made."""

    number: int
    id: str
    title: str
    explanation: str
    spec: ProjectSpec
    exercises: tuple[str, ...] = ()
    #: The hints this step gives, by check name.
    hints: dict[str, str] = field(default_factory=dict)
    #: Catalog keys chosen by this step, and those it drops.
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()

    @property
    def folder(self) -> str:
        """The step folder's name: 03-route-parameter."""
        return f"{self.number:02d}-{self.id}"

    @property
    def tag(self) -> str:
        return f"step-{self.number}"

    @property
    def production(self) -> bool:
        """Whether the step runs its production server (gunicorn, the Node cluster)."""
        return "production-server" in self.spec.switches

    def checks(self) -> list[str]:
        """The names of the step's checks, in the order `check` runs them."""
        from ..contract import exchanges
        from .contract import taught
        from .live import live_checks

        names = [START, *(exchange.name for exchange in taught(exchanges(self.spec)))]
        names += [check.name for check in live_checks(self.spec)]
        return names + [TESTS] if "tests" in self.spec.switches else names


@dataclass(frozen=True)
class Workshop:
    """A validated workshop: its title, project name and steps."""

    title: str
    name: str
    steps: tuple[Step, ...]
    description: str = ""
    #: How `dualgen check --workshop` finds it again: a built-in name or the file's name.
    reference: str = DEFAULT_WORKSHOP

    def step(self, number: int) -> Step:
        if not 1 <= number <= len(self.steps):
            raise UsageError(
                f"step {number} does not exist; {self.title!r} has steps 1 to {len(self.steps)}"
            )
        return self.steps[number - 1]

    def hint(self, number: int, check: str) -> str:
        """The hint for a check at step `number`: the latest one given up to that step."""
        for step in reversed(self.steps[:number]):
            if check in step.hints:
                return step.hints[check]
        return ""


def builtin_workshops() -> dict[str, Path]:
    """The built-in workshops by name."""
    return {path.stem: path for path in sorted(BUILTIN_DIR.glob("*.yaml"))}


def load_workshop(reference: str | Path) -> Workshop:
    """A built-in workshop by NAME, or a workshop FILE, validated. Raises SpecError (exit 2)."""
    text = str(reference)
    builtins = builtin_workshops()
    if text in builtins and not os.path.lexists(text):
        return parse_workshop(read_workshop_file(builtins[text]), text, reference=text)
    if not os.path.lexists(text):
        raise SpecError(
            f"workshop {text!r} is neither a built-in workshop ({', '.join(builtins)}) nor a file"
        )
    path = Path(text)
    return parse_workshop(read_workshop_file(path), f"workshop file {text!r}", reference=path.name)


def read_workshop_file(path: Path) -> dict[str, object]:
    """The mapping a workshop file holds, read with the answer files' rules: a regular file of
    at most MAX_WORKSHOP_FILE bytes, UTF-8, YAML's safe loader without aliases."""
    import yaml

    from ..spec.answers import _NO_ALIASES, _answer_loader

    shown = f"workshop file {str(path)!r}"
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        try:
            regular = stat.S_ISREG(os.fstat(descriptor).st_mode)
            data = b""
            while regular and len(data) <= MAX_WORKSHOP_FILE:
                chunk = os.read(descriptor, MAX_WORKSHOP_FILE + 1 - len(data))
                if not chunk:
                    break
                data += chunk
        finally:
            os.close(descriptor)
    except OSError as error:
        raise SpecError(f"{shown} cannot be read: {error.strerror or error}") from None
    if not regular:
        raise SpecError(f"{shown} is not a regular file")
    if len(data) > MAX_WORKSHOP_FILE:
        raise SpecError(f"{shown} is larger than {MAX_WORKSHOP_FILE // 1024} KiB")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise SpecError(f"{shown} is not UTF-8 text") from None
    try:
        loaded = yaml.load(text, Loader=_answer_loader())
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        why = f": {_NO_ALIASES}" if getattr(error, "problem", None) == _NO_ALIASES else ""
        raise SpecError(f"{shown} is not valid YAML{where}{why}") from None
    except RecursionError:
        raise SpecError(f"{shown} is nested too deeply") from None
    if not isinstance(loaded, dict):
        raise SpecError(f"{shown} must hold a mapping (title, name, steps), not {_kind(loaded)}")
    return loaded


def parse_workshop(data: dict[str, object], where: str, *, reference: str) -> Workshop:
    """Validate a workshop mapping: every step's answers are built into a spec once."""
    from .. import spec as specs

    _known_keys(data, WORKSHOP_KEYS, where)
    title = _text(data.get("title"), f"{where}: title", line=True)
    try:
        name = specs.check_name(data.get("name", catalog.DEFAULT_NAME))
    except SpecError as error:
        raise SpecError(f"{where}: {error}") from None
    description = _text(data.get("description", ""), f"{where}: description", required=False)
    raw_steps = data.get("steps")
    if not isinstance(raw_steps, list) or not 1 <= len(raw_steps) <= MAX_STEPS:
        raise SpecError(f"{where}: steps must be a list of 1 to {MAX_STEPS} steps")
    steps: list[Step] = []
    answers: Answers = {}
    previous: list[str] = []
    for number, raw in enumerate(raw_steps, 1):
        here = f"{where}: step {number}"
        if not isinstance(raw, dict):
            raise SpecError(f"{here} must be a mapping (id, title, explanation, change)")
        _known_keys(raw, STEP_KEYS, here)
        step_id = raw.get("id")
        if not isinstance(step_id, str) or len(step_id) > 40 or not _ID.fullmatch(step_id):
            raise SpecError(
                f"{here}: id {step_id!r} must be 1 to 40 characters a-z, 0-9 and -, "
                "such as 'route-parameter'"
            )
        if any(step.id == step_id for step in steps):
            raise SpecError(f"{here}: id {step_id!r} is already the id of an earlier step")
        here = f"{where}: step {number} ({step_id})"
        answers = apply_change(answers, raw.get("change"), here)
        try:
            spec = specs.build({"name": name, **answers})
        except SpecError as error:
            raise SpecError(f"{here}: {error}") from None
        chosen = spec.choices()
        step = Step(
            number=number,
            id=step_id,
            title=_text(raw.get("title"), f"{here}: title", line=True),
            explanation=_text(raw.get("explanation"), f"{here}: explanation"),
            spec=spec,
            exercises=_texts(raw.get("exercises", []), f"{here}: exercises"),
            added=tuple(key for key in chosen if key not in previous),
            removed=tuple(key for key in previous if key not in chosen),
        )
        hints = _hints(raw.get("hints", {}), step.checks(), here)
        steps.append(replace(step, hints=hints))
        previous = chosen
    return Workshop(title, name, tuple(steps), description, reference)


def apply_change(answers: Answers, change: object, where: str) -> Answers:
    """The answers after a step's change (a new mapping; `answers` is left as it was): its
    answer keys set (null puts the default back), then its edit made with `spec.edit`."""
    from .. import spec as specs

    if change is None:
        change = {}
    if not isinstance(change, dict):
        raise SpecError(f"{where}: change must be a mapping of {', '.join(CHANGE_KEYS)}")
    _known_keys(change, CHANGE_KEYS, f"{where}: change")
    result = dict(answers)
    for key in SCALAR_CHANGES:
        if key in change:
            if change[key] is None:
                result.pop(key, None)
            else:
                result[key] = change[key]
    add = _keys(change.get("add-middleware", []), f"{where}: add-middleware")
    remove = _keys(change.get("remove-middleware", []), f"{where}: remove-middleware")
    try:
        return specs.edit(
            result,
            add=add,
            remove=remove,
            add_routes=_items(change.get("add-routes", []), "add-routes"),
            remove_routes=_items(change.get("remove-routes", []), "remove-routes"),
            settings=change.get("settings", {}),
            refuse_chosen=True,
        )
    except SpecError as error:
        raise SpecError(f"{where}: {error}") from None


def _hints(hints: object, checks: list[str], where: str) -> dict[str, str]:
    if not isinstance(hints, dict):
        raise SpecError(f"{where}: hints must map check names to Markdown")
    for name in hints:
        if name not in checks:
            raise SpecError(
                f"{where}: a hint for {name!r}, which is not one of this step's checks: "
                f"{', '.join(checks)}"
            )
    return {name: _text(text, f"{where}: hint for {name!r}") for name, text in hints.items()}


def _known_keys(data: dict[str, object], allowed: tuple[str, ...], where: str) -> None:
    unknown = [key for key in data if key not in allowed]
    if unknown:
        raise SpecError(f"{where}: key {unknown[0]!r} is unknown; allowed: {', '.join(allowed)}")


def _items(value: object, where: str) -> list[object]:
    if not isinstance(value, list):
        raise SpecError(f"{where} {value!r} must be a list")
    return value


def _keys(value: object, where: str) -> list[str]:
    items = _items(value, where)
    for item in items:
        if not isinstance(item, str):
            raise SpecError(f"{where}: {item!r} must be a catalog key (see `dualgen options`)")
    return items  # type: ignore[return-value]  # each item is a str, checked above


def _texts(value: object, where: str) -> tuple[str, ...]:
    return tuple(_text(item, where) for item in _items(value, where))


def _text(value: object, where: str, *, line: bool = False, required: bool = True) -> str:
    """Text that is safe to show and to store: no control characters (a line: not even line
    breaks), no lone surrogates, within MAX_LINE or MAX_TEXT characters."""
    if not isinstance(value, str) or (required and not value.strip()):
        kind = "a line of text" if line else "text"
        raise SpecError(f"{where} must be {kind}, got {_kind(value)}")
    value = value.strip() if line else value.strip("\n")
    limit = MAX_LINE if line else MAX_TEXT
    if len(value) > limit:
        raise SpecError(f"{where} is {len(value)} characters long; the limit is {limit}")
    allowed = () if line else ("\n", "\t")
    for char in value:
        category = unicodedata.category(char)
        if (category == "Cc" and char not in allowed) or category in ("Cs", "Zl", "Zp"):
            raise SpecError(f"{where} holds the character {char!r}, which is not allowed there")
    return value


def _kind(value: object) -> str:
    return "nothing" if value is None else f"{type(value).__name__} {str(value)[:40]!r}"
