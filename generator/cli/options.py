"""What the commands share: the options that make a spec, and how answers are gathered."""

from __future__ import annotations

import math
import os
import shutil
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from .. import catalog
from ..catalog import listing
from ..errors import SpecError

if TYPE_CHECKING:
    from ..spec import Answers

FRAMEWORK_CHOICES = ("flask", "express", "both")


def _split(values: tuple[str, ...]) -> list[str]:
    """Repeatable options also take comma-separated lists: -m cors,logging."""
    return [item.strip() for value in values for item in value.split(",") if item.strip()]


def _settings(values: tuple[str, ...]) -> dict[str, dict[str, str]]:
    settings: dict[str, dict[str, str]] = {}
    for item in values:
        key, sep, value = item.partition("=")
        choice, dot, name = key.partition(".")
        if not sep or not dot:
            raise SpecError(
                f"--set {item!r} must look like MIDDLEWARE.SETTING=VALUE, e.g. rate-limit.max=5"
            )
        settings.setdefault(choice.strip(), {})[name.strip()] = value.strip()
    return settings


def _complete(values):
    """Shell completion (Click's) of a free-text option from a fixed list."""

    def complete(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[str]:
        head, _, last = incomplete.rpartition(",")
        prefix = f"{head}," if head else ""
        return [prefix + value for value in values() if value.startswith(last)]

    return complete


def _switch_options(function):
    for choice in reversed(catalog.CONFIG):
        function = click.option(
            f"--{choice.key}/--no-{choice.key}",
            default=None,
            help=f"{choice.title}: {choice.help}",
        )(function)
    return function


#: The options that make a spec, in the order `--help` lists them (a table: one entry each).
CHOICE_OPTIONS = (
    click.option(
        "-p",
        "--preset",
        metavar="PRESET",
        help=f"Start from a preset: {', '.join(catalog.PRESETS)}.",
        shell_complete=_complete(lambda: list(catalog.PRESETS)),
    ),
    click.option(
        "-a",
        "--answers",
        type=click.Path(dir_okay=False, path_type=Path),
        metavar="FILE",
        help="Answer file (YAML), e.g. a project's .dualgen.yaml.",
    ),
    click.option(
        "-m",
        "--middleware",
        multiple=True,
        metavar="KEY",
        help="Add middleware (repeat or comma-separate); see `dualgen options`.",
        shell_complete=_complete(lambda: [c.key for c in catalog.MIDDLEWARE]),
    ),
    click.option(
        "-r",
        "--route",
        multiple=True,
        metavar="'METHOD /path'",
        help="Add a route, e.g. 'GET /users/{id:int}' (repeatable); 'GET /slow delay=100' "
        "waits 100 ms and 'GET /busy cpu=20' computes for 20 ms before answering.",
    ),
    click.option(
        "--set",
        "settings",
        multiple=True,
        metavar="KEY.SETTING=VALUE",
        help="A middleware setting, e.g. rate-limit.max=5; a list is comma-separated "
        "(cors.origins=ORIGIN,ORIGIN). See `dualgen options`.",
    ),
    click.option(
        "--port",
        metavar="PORT",
        help="Default port (PORT overrides it at run time).",
    ),
    click.option(
        "--host",
        metavar="HOST",
        help="Default host (HOST overrides it at run time).",
    ),
    click.option(
        "--debug/--no-debug",
        default=None,
        help="Debug mode; refused with a non-loopback host.",
    ),
)


def _choice_options(function):
    """The options that make a spec, shared by `new` and `compare`."""
    function = _switch_options(function)
    for option in reversed(CHOICE_OPTIONS):
        function = option(function)
    return function


def _answers_from_options(
    name, preset, answers, middleware, route, settings, port, host, debug, expand=True, **switches
) -> Answers:
    """Merge preset, answer file and flags, in that order, into one answers mapping (a --preset
    flag replaces the answer file's preset); with expand false the preset stays a name.

    Takes the options `_choice_options` adds (plus NAME), as Click passes them.
    """
    from .. import spec as specs

    file_answers = specs.load_answers(answers) if answers else {}
    flags: Answers = {}
    if name is not None:
        flags["name"] = name
    if port is not None:
        flags["port"] = port
    if host is not None:
        flags["host"] = host
    if debug is not None:
        flags["debug"] = debug
    if middleware:
        flags["middleware"] = _split(middleware)
    if route:
        from ..spec.resources import parse_entry

        flags["routes"] = [parse_entry(item) for item in route]
    if settings:
        flags["settings"] = _settings(settings)
    for key, value in switches.items():
        if value is not None:
            flags[key.replace("_", "-")] = value  # type: ignore[literal-required]  # a switch
    if flags.get("docker") is True and flags.get("production-server") is False:
        raise SpecError(
            "--docker with --no-production-server is refused: the container runs the production "
            "server, never the development one"
        )
    if preset is not None:
        flags["preset"] = preset
    # spec merges the preset under the answers, in the one place presets are merged.
    merged = specs.merge(file_answers, flags)
    return specs.expand_presets(merged) if expand else merged


def _set_color(ctx: click.Context, param: click.Parameter, value: bool | None) -> None:
    """--color/--no-color decide; without them NO_COLOR turns colour off, and otherwise Click
    colours only what goes to a terminal (a subcommand inherits its group's choice)."""
    if value is not None:
        ctx.color = value
    elif os.environ.get("NO_COLOR"):
        ctx.color = False


class Seconds(click.FloatRange):
    """Seconds from `low` to `high`. A plain FloatRange lets nan through: no comparison with
    nan is false, so no range check fails on it."""

    name = "seconds"

    def convert(self, value, param, ctx):
        seconds = super().convert(value, param, ctx)
        if math.isnan(seconds):
            self.fail(f"{value!r} is not in the range {self.min:g}<=x<={self.max:g}.", param, ctx)
        return seconds


#: `--format text|json`, on every command whose report tools may read.
format_option = click.option(
    "--format",
    "output_format",
    type=click.Choice(("text", "json")),
    default="text",
    help="Text for people, JSON for tools.",
)


def html_options(what: str):
    """`--html FILE`, a self-contained page holding `what`, and `-f/--force` to replace one."""

    def decorate(function):
        function = click.option(
            "-f", "--force", is_flag=True, help="Replace an existing --html file."
        )(function)
        return click.option(
            "--html",
            "html_file",
            type=click.Path(dir_okay=False, writable=True, path_type=Path),
            metavar="FILE",
            help=f"Also write {what}.",
        )(function)

    return decorate


#: `--color/--no-color`, on the group and on every command that colours its output.
color_option = click.option(
    "--color/--no-color",
    default=None,
    expose_value=False,
    is_eager=True,
    callback=_set_color,
    help="Colour the output (default: only on a terminal, never when NO_COLOR is set).",
)


def _color() -> bool:
    """Whether what goes to stdout is coloured: --color/--no-color, else NO_COLOR (off), else
    only for a terminal."""
    ctx = click.get_current_context(silent=True)
    if ctx is not None and ctx.color is not None:
        return ctx.color
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR")


def _width() -> int:
    """The terminal's width (COLUMNS first, 100 when unknown), at least 80 columns (tables)."""
    return max(80, shutil.get_terminal_size((100, 24)).columns)


def text_width() -> int:
    """The width that prose (questions, errors) wraps to: the terminal's, however narrow."""
    return max(20, shutil.get_terminal_size((100, 24)).columns)


def broken(text: str, first: int = 0, indent: int = 0) -> list[str]:
    """Text broken at spaces into lines that fit the terminal, later lines indented four more
    columns than the first; `first` columns of the first line are taken by what comes before."""
    lines = listing.wrap(" " * first + text, text_width() - 1, " " * indent, " " * (indent + 4))
    return [lines[0][first:], *lines[1:]] if lines else [text]


def wrapped(text: str, first: int = 0) -> str:
    """Text broken at spaces to fit the terminal when stderr is one; a line of its own when
    not (a log or a script reads one line per error)."""
    return "\n".join(broken(text, first)) if sys.stderr.isatty() else text


def examples(*lines: str) -> str:
    """An epilog of example command lines, kept as written (\b stops Click rewrapping)."""
    return "\b\nExamples:\n" + "\n".join(f"  {line}" for line in lines)
