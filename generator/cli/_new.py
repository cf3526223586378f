"""`dualgen new`: render one or both frameworks, prompting when a person is at the terminal."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from .. import catalog
from ._shared import FRAMEWORK_CHOICES, _answers_from_options, _choice_options


@click.command()
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
    from .. import spec as specs
    from ..render import dry_run as render_dry_run
    from ..render import render

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
    if answers.get("docker") and "production-server" not in current:
        answers["production-server"] = True  # the container runs the production server
    return answers
