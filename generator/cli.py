"""The dualgen command line: a thin Click layer over spec, render, runner and exchanges.

Bad input exits 2 with one line on stderr; a failure of the world (an install, a server) exits 1.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from . import __version__, catalog
from .errors import DualgenError, SpecError

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


def _switch_options(function):
    for choice in reversed(catalog.CONFIG):
        function = click.option(
            f"--{choice.key}/--no-{choice.key}",
            default=None,
            help=f"{choice.title}: {choice.help}",
        )(function)
    return function


def _choice_options(function):
    """The options that make a spec, shared by `new` and `compare`."""
    function = _switch_options(function)
    for option in reversed(
        (
            click.option(
                "-p",
                "--preset",
                metavar="PRESET",
                help=f"Start from a preset: {', '.join(catalog.PRESETS)}.",
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
            ),
            click.option(
                "-r",
                "--route",
                multiple=True,
                metavar="'METHOD /path'",
                help="Add a route, e.g. 'GET /users/{id:int}' (repeatable).",
            ),
            click.option(
                "--set",
                "settings",
                multiple=True,
                metavar="KEY.SETTING=VALUE",
                help="A middleware setting, e.g. rate-limit.max=5 or "
                "cors.origins=https://a.example,https://b.example.",
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
    ):
        function = option(function)
    return function


def _answers_from_options(
    name, preset, answers, middleware, route, settings, port, host, debug, **switches
) -> dict[str, object]:
    """Merge preset, answer file and flags, in that order, into one answers mapping (a --preset
    flag replaces the answer file's preset).

    Takes the options `_choice_options` adds (plus NAME), as Click passes them.
    """
    from . import spec as specs

    file_answers = specs.load_answers(answers) if answers else {}
    flags: dict[str, object] = {}
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
        from .routes import parse_route

        flags["routes"] = [parse_route(item) for item in route]
    if settings:
        flags["settings"] = _settings(settings)
    for key, value in switches.items():
        if value is not None:
            flags[key.replace("_", "-")] = value
    if preset is not None:
        flags["preset"] = preset
    # spec merges the preset under the answers, in the one place presets are merged.
    return specs.expand_presets(specs.merge(file_answers, flags))


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="dualgen")
def cli() -> None:
    """Generate matching Flask and Express starter projects from one set of choices."""


@cli.command()
@click.argument("framework", type=click.Choice(FRAMEWORK_CHOICES), metavar="FRAMEWORK")
@click.argument("name", required=False)
@click.option(
    "-o",
    "--output-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    metavar="DIR",
    help="Folder to create the project in.",
)
@_choice_options
@click.option(
    "--no-input", is_flag=True, help="Never prompt; use defaults, presets, answer files and flags."
)
@click.option(
    "-f",
    "--force",
    is_flag=True,
    help="Write into an existing folder: replace the files dualgen writes, keep the others.",
)
@click.option(
    "--dry-run", is_flag=True, help="Print the files that would be written, write nothing."
)
def new(framework, output_dir, no_input, force, dry_run, **choices) -> None:
    """Create a FRAMEWORK (flask, express or both) project called NAME."""
    from . import spec as specs
    from .render import dry_run as render_dry_run
    from .render import render

    merged = _answers_from_options(**choices)
    if not no_input and _interactive():
        merged = specs.merge(merged, _prompt(merged))
    spec = specs.build(merged)

    frameworks = catalog.FRAMEWORKS if framework == "both" else (framework,)
    if dry_run:
        for folder, files in render_dry_run(spec, frameworks).items():
            click.echo(f"{output_dir / folder}/")
            for path in files:
                click.echo(f"  {path}")
        return
    started = time.perf_counter()
    projects = render(spec, frameworks, output_dir, force=force)
    elapsed = time.perf_counter() - started
    for project in projects:
        click.echo(f"Created {project} ({elapsed:.2f} s)")
    for project, name in zip(projects, frameworks, strict=True):
        click.echo(f"\n  cd {project}")
        if name == "flask":
            click.echo("  python -m venv .venv && . .venv/bin/activate")
            click.echo("  pip install -r requirements.txt && python app.py")
        else:
            click.echo("  npm install && npm start")


def _interactive() -> bool:
    """Prompt only when a person is at the terminal, as cookiecutter does."""
    return sys.stdin.isatty()


def _prompt(current: dict[str, object]) -> dict[str, object]:
    """Ask for what the flags and the answer file left open, cookiecutter-style."""
    answers: dict[str, object] = {}
    if "name" not in current:
        answers["name"] = click.prompt("Project name", default=catalog.DEFAULT_NAME)
    if current.get("classic"):
        return answers
    if "port" not in current:
        answers["port"] = (
            click.prompt(
                "Port (blank: 5000 for Flask, 3000 for Express)", default="", show_default=False
            )
            or None
        )
    keys = ", ".join(choice.key for choice in catalog.MIDDLEWARE)
    default = ",".join(current.get("middleware", []))
    picked = click.prompt(
        f"Middleware, comma-separated ({keys})", default=default, show_default=bool(default)
    )
    answers["middleware"] = [item.strip() for item in picked.split(",") if item.strip()]
    current_middleware = current.get("middleware")
    if current_middleware:
        answers["middleware"] = [
            key for key in answers["middleware"] if key not in current_middleware
        ]
    for choice in catalog.CONFIG:
        if choice.key not in current:
            answers[choice.key] = click.confirm(f"{choice.title}? {choice.help}", default=False)
    return answers


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print the catalog as JSON, for tools.")
def options(as_json: bool) -> None:
    """List every middleware and config choice, with what it means in Flask and in Express."""
    from . import options as listing

    rows = listing.rows()
    if as_json:
        click.echo(listing.render_json(rows))
    else:
        click.echo(listing.render_text(rows, style=click.style), nl=False)


@cli.command()
@click.argument("project", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--production", is_flag=True, help="Start the production command (gunicorn, the Node cluster)."
)
@click.option(
    "--timeout",
    type=click.FloatRange(1, 600),
    default=30.0,
    show_default=True,
    metavar="SECONDS",
    help="How long to wait for the server to listen.",
)
@click.option(
    "--budget",
    type=click.FloatRange(1, 3600),
    default=120.0,
    show_default=True,
    metavar="SECONDS",
    help="How long starting and checking may take in all; what is left is reported unchecked.",
)
def verify(project: Path, production: bool, timeout: float, budget: float) -> None:
    """Install, start and check a generated PROJECT over HTTP, then stop it."""
    from . import runner
    from . import verify as verifying

    def show(event: str, value) -> None:
        if event != "check":
            click.echo(verifying.describe(event, value))
            return
        state = "skip" if value.skipped is not None else "FAIL" if value.problems else "ok  "
        colour = {"skip": "yellow", "FAIL": "red", "ok  ": "green"}[state]
        click.echo(f"  {click.style(state, fg=colour)}     {value.exchange.name}")
        for line in value.problems or [f"not checked: {value.skipped}"] * (state == "skip"):
            click.echo(f"           {line}")

    with runner.stopping_on_signals():
        result = verifying.verify(
            project, production=production, timeout=timeout, budget=budget, observer=show
        )
        if not result.ok:
            click.echo(result.complaint(), err=True)
            raise SystemExit(1)
        click.echo(result.summary())


def _color() -> bool:
    """Colour only for a terminal, and never when NO_COLOR is set."""
    import os

    return sys.stdout.isatty() and not os.environ.get("NO_COLOR")


@cli.command()
@click.argument("name", required=False)
@_choice_options
@click.option(
    "--format",
    "output_format",
    type=click.Choice(("text", "json")),
    default="text",
    show_default=True,
    help="Text for people, JSON for tools.",
)
@click.option(
    "--html",
    "html_file",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    metavar="FILE",
    help="Also write one self-contained HTML page with both trees and every concept side by side.",
)
@click.option("-f", "--force", is_flag=True, help="Replace an existing --html file.")
def compare(output_format, html_file, force, **choices) -> None:
    """Render the same choices in Flask and Express and show them side by side.

    Prints both file trees, their sizes, and for each concept (the app, a route, each
    middleware ...) where it lives in each tree, with the code.
    """
    from . import compare as comparing
    from . import files
    from . import spec as specs

    merged = _answers_from_options(**choices)
    if html_file is not None:
        files.check_output_file(html_file, force=force)
    result = comparing.compare(specs.build(merged))
    if html_file is not None:
        files.write_file(html_file, comparing.render_html(result), force=force)
    if output_format == "json":
        click.echo(comparing.render_json(result), nl=False)
    elif html_file is not None:
        click.echo(f"Wrote {html_file}")
    else:
        color = _color()
        click.echo(comparing.render_text(result, color=color), nl=False, color=color)


@cli.command()
@click.argument("target", metavar="FRAMEWORK|PROJECT_DIR")
@click.option(
    "--from",
    "old",
    metavar="SPEC",
    help="Old choices: default, a preset or an answer file, optionally +KEY... "
    "(e.g. api+rate-limit).",
)
@click.option(
    "--to",
    "new",
    metavar="SPEC",
    help="New choices, as for --from (e.g. default+cors).",
)
@click.option(
    "--html",
    "html_file",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    metavar="FILE",
    help="Also write the diff as one self-contained HTML page.",
)
@click.option("-f", "--force", is_flag=True, help="Replace an existing --html file.")
@click.option(
    "--exit-code",
    is_flag=True,
    help="Exit 1 when there are differences, as git diff --exit-code does.",
)
def diff(
    target: str,
    old: str | None,
    new: str | None,
    html_file: Path | None,
    force: bool,
    exit_code: bool,
) -> None:
    """Show what two sets of choices change, or what changed since generation.

    `dualgen diff flask --from classic --to default+cors` diffs two renderings of one
    framework (`classic+KEY` reads as the default project plus KEY: classic takes no
    choices). `dualgen diff PROJECT_DIR` diffs a fresh render of the project's
    .dualgen.yaml against the project, showing what was changed by hand.
    """
    from . import compare as comparing
    from . import files

    if html_file is not None:
        files.check_output_file(html_file, force=force)
    if old is not None or new is not None:
        if target not in catalog.FRAMEWORKS:
            raise click.BadParameter(
                f"{target!r} is not flask or express; --from and --to compare one framework",
                param_hint="FRAMEWORK",
            )
        old_spec, old_note = comparing.spec_from_name(old or "default")
        new_spec, new_note = comparing.spec_from_name(new or "default")
        note = "\n".join(dict.fromkeys(n for n in (old_note, new_note) if n))
        result = comparing.diff_specs(
            target, old_spec, new_spec, (old or "default", new or "default"), note
        )
    else:
        project = Path(target)
        if not project.is_dir():
            hint = (
                " (give --from and --to to compare two sets of choices)"
                if target in catalog.FRAMEWORKS
                else ""
            )
            raise click.BadParameter(
                f"{target!r} is not a project folder{hint}", param_hint="PROJECT_DIR"
            )
        result = comparing.diff_project(project)
    if html_file is not None:
        files.write_file(html_file, comparing.render_diff_html(result), force=force)
        click.echo(f"Wrote {html_file}", err=True)
    color = _color()
    click.echo(comparing.render_diff_text(result, color=color), nl=False, color=color)
    if exit_code and result.changed:
        raise SystemExit(1)


def main(argv: list[str] | None = None) -> None:
    """Run the CLI; errors become one line on stderr and exit code 2 (bad input) or 1.

    SIGTERM and SIGHUP stop a command as Ctrl-C does, cleaning up on the way out; the exit code
    is then 128 + the signal number (130 for Ctrl-C).
    """
    from .interrupts import Interrupted, stop_on_signals

    try:
        with stop_on_signals():
            code = cli.main(args=argv, prog_name="dualgen", standalone_mode=False)
    except click.UsageError as error:
        click.echo(f"dualgen: error: {error.format_message()}", err=True)
        raise SystemExit(2) from None
    except click.Abort:
        click.echo("dualgen: aborted", err=True)
        raise SystemExit(130) from None
    except Interrupted as error:
        click.echo(f"dualgen: stopped by {error}", err=True)
        raise SystemExit(error.exit_code) from None
    except DualgenError as error:
        click.echo(f"dualgen: error: {error}", err=True)
        raise SystemExit(error.exit_code) from None
    raise SystemExit(code or 0)
