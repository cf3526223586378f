"""The page's state: a URL query with the names of `dualgen new`'s options, made into the very
command line the page shows, parsed by that command's own Click parser and validated by spec.

One mapping (query → argv) serves the preview, the zip, the write, the command and the curl
line, so the page's zip and `dualgen new` run with the shown command cannot drift apart, and
bad input gets the CLI's own one-line message.
"""

from __future__ import annotations

import shlex
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlencode

from .. import catalog
from ..errors import SpecError, UsageError
from ..spec import SWITCHES, ProjectSpec

#: Which projects: the FRAMEWORK argument of `dualgen new`.
FRAMEWORKS = ("both", "flask", "express")
#: Query parameters that take one value, in the order the command line writes them.
SINGLE = ("framework", "name", "preset", "port", "host")
#: Query parameters that repeat (a comma-separated list is also taken for middleware).
REPEATED = ("middleware", "route", "set")
#: Switches: `true` writes --KEY, `false` writes --no-KEY.
FLAGS = ("debug", *SWITCHES)
#: Every parameter that is part of the state, with the option of `dualgen new` it becomes.
OPTIONS: dict[str, str] = {
    "framework": "FRAMEWORK",
    "name": "NAME",
    "preset": "--preset",
    "middleware": "-m/--middleware",
    "route": "-r/--route",
    "set": "--set",
    "port": "--port",
    "host": "--host",
    **{key: f"--{key}/--no-{key}" for key in FLAGS},
}
PARAMS = tuple(OPTIONS)
_TRUE = ("true", "1", "yes", "on")
#: What is trimmed from a value (a form's field, a link's parameter): ASCII white space.
BLANKS = " \t\n\r\f\v"
_FALSE = ("false", "0", "no", "off")


@dataclass(frozen=True)
class State:
    """A valid state: the values given, the command line they make, and the spec it builds."""

    values: tuple[tuple[str, str], ...]
    argv: tuple[str, ...]
    spec: ProjectSpec

    @property
    def framework(self) -> str:
        return self.argv[0]

    @property
    def frameworks(self) -> tuple[str, ...]:
        return catalog.FRAMEWORKS if self.framework == "both" else (self.framework,)

    @property
    def command(self) -> str:
        """The `dualgen new` line that makes the same projects in the current folder."""
        return "dualgen new " + shlex.join(self.argv)

    @property
    def query(self) -> str:
        """The state as a URL query, in the canonical order (empty for the default state)."""
        return urlencode(self.values)


def values_of(items: Iterable[tuple[str, str]], extra: Iterable[str] = ()) -> list[tuple[str, str]]:
    """The state's (name, value) pairs from a query's items, in canonical order: blank values
    dropped, middleware lists split. Raises UsageError naming an unknown parameter."""
    from ..spec import unknown

    given: dict[str, list[str]] = {}
    for name, value in items:
        if name in extra:
            continue
        if name not in OPTIONS:
            raise unknown("parameter", name, list(PARAMS))
        # ASCII blanks only: a character such as NEL (U+0085) is the CLI's to refuse, never
        # quietly cut off.
        value = value.strip(BLANKS) if name != "name" else value
        if not value.strip(BLANKS):
            continue
        if name in SINGLE or name in FLAGS:
            if name in given:
                raise UsageError(_twice(name))
            if name in FLAGS:
                value = _flag(name, value)
        parts = [p.strip(BLANKS) for p in value.split(",")] if name == "middleware" else [value]
        given.setdefault(name, []).extend(p for p in parts if p)
    return [(name, value) for name in PARAMS for value in given.get(name, [])]


def _twice(name: str) -> str:
    return f"parameter {name!r} is given twice; it takes one value"


def _flag(name: str, value: str) -> str:
    lowered = value.lower()
    if lowered in _TRUE:
        return "true"
    if lowered in _FALSE:
        return "false"
    raise UsageError(f"parameter {name} {value!r} must be true or false")


def argv_of(values: list[tuple[str, str]]) -> list[str]:
    """The arguments of `dualgen new` for the state's values (without the program name)."""
    given = dict(values)
    args = [given.get("framework", "both")]
    name = given.get("name")
    if name is not None and not name.startswith("-"):
        args.append(name)
    for key, option in (("preset", "--preset"), ("port", "--port"), ("host", "--host")):
        if key in given:
            args += [option, given[key]]
    middleware = [value for key, value in values if key == "middleware"]
    if middleware:
        args += ["-m", ",".join(middleware)]
    for key, option in (("route", "-r"), ("set", "--set")):
        args += [part for k, value in values if k == key for part in (option, value)]
    for key in FLAGS:
        if key in given:
            args.append(f"--{key}" if given[key] == "true" else f"--no-{key}")
    args.append("--no-input")
    if name is not None and name.startswith("-"):
        args += ["--", name]  # after `--` a name is never read as an option
    return args


def parse(items: Iterable[tuple[str, str]], extra: Iterable[str] = ()) -> State:
    """The state of a query: its values, their command line, and the spec `dualgen new` would
    build from it. Raises UsageError (SpecError, DestinationError ...) with the CLI's message."""
    import click

    from ..cli import _with_hint, cli
    from ..cli._new import new
    from ..cli.options import _answers_from_options
    from ..spec import build

    values = values_of(items, extra)
    argv = argv_of(values)
    try:
        parent = cli.make_context("dualgen", ["new"], resilient_parsing=True)
        ctx = new.make_context("new", list(argv), parent=parent)
    except click.UsageError as error:
        raise UsageError(_with_hint(error)) from None
    params = dict(ctx.params)
    framework = params.pop("framework")
    for unused in ("output_dir", "no_input", "force", "dry_run"):
        params.pop(unused)
    if framework != argv[0]:
        raise SpecError(f"framework {framework!r} must come first")
    merged = _answers_from_options(**params, expand=False)
    return State(tuple(values), tuple(argv), build(merged))


def field_of(items: list[tuple[str, str]], extra: Iterable[str] = ()) -> tuple[str, str] | None:
    """The first parameter whose value is refused on its own, with the CLI's message for that
    value: a link's bad value is listed with its own reason, never with another's. A value is
    judged with the query's preset and middleware (settings need their middleware); those two
    are judged first, alone. None when only the combination is refused (or an unknown
    parameter is)."""
    given = [(name, value) for name, value in items if name not in extra]
    if any(name not in OPTIONS for name, _ in given):
        return None
    context = [(name, value) for name, value in given if name in _CONTEXT]
    ordered = context + [item for item in given if item[0] not in _CONTEXT]
    for name, value in ordered:
        try:
            parse([(name, value)] if name in _CONTEXT else [*context, (name, value)])
        except UsageError as error:
            return name, str(error)
    names = [name for name, _ in given]
    for name in names:
        if (name in SINGLE or name in FLAGS) and names.count(name) > 1:
            return name, _twice(name)
    return None


#: The parameters other values are judged with: settings need their middleware, a preset
#: brings middleware and refuses some switches.
_CONTEXT = ("preset", "middleware")


def curl_line(state: State, base: str) -> str:
    """A curl line that downloads the state's zip from the server at `base`."""
    url = f"{base}/starter.zip" + (f"?{state.query}" if state.query else "")
    return f"curl -o {shlex.quote(state.spec.slug + '.zip')} {shlex.quote(url)}"
