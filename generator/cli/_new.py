"""`dualgen new`: render one or both frameworks, prompting when a person is at the terminal."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from .. import catalog
from ._steps import next_steps
from .options import (
    FRAMEWORK_CHOICES,
    _answers_from_options,
    _choice_options,
    color_option,
    examples,
)


@click.command(
    epilog=examples(
        "dualgen new flask shop                   # asks for what the flags leave open",
        "dualgen new both shop --preset api --no-input",
        "dualgen new express shop -m cors,logging -r 'GET /users/{id:int}' --tests",
        "dualgen new flask shop --set rate-limit.max=5 -m rate-limit --docker",
        "dualgen new flask --answers shop/.dualgen.yaml -o copy",
    )
)
@click.argument("framework", type=click.Choice(FRAMEWORK_CHOICES), metavar="FRAMEWORK")
@click.argument("name", required=False)
@click.option(
    "-o",
    "--output-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    metavar="DIR",
    help="Folder to create the project in.",
)
@_choice_options
@click.option(
    "--no-input",
    is_flag=True,
    help="Never prompt; use defaults, presets, answer files and flags. "
    "Without it, dualgen asks when stdin is a terminal.",
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
@color_option
def new(framework, output_dir, no_input, force, dry_run, **choices) -> None:
    """Create a FRAMEWORK (flask, express or both) project called NAME (default: hello).

    At a terminal, dualgen asks for every choice the flags and the answer file leave open;
    a bad answer is asked again at once. Nothing is written until the last answer.
    """
    from .. import spec as specs
    from ..render import dry_run as render_dry_run
    from ..render import render

    frameworks = catalog.FRAMEWORKS if framework == "both" else (framework,)
    merged = _answers_from_options(**choices, expand=False)
    if not no_input and _interactive():
        from ._prompts import ask

        merged = ask(merged, frameworks)
    spec = specs.build(merged)

    if dry_run:
        for folder, files in render_dry_run(spec, frameworks).items():
            click.echo(f"{output_dir / folder}/")
            for path in files:
                click.echo(f"  {path}")
        return
    started = time.perf_counter()
    projects = render(spec, frameworks, output_dir, force=force)
    elapsed = time.perf_counter() - started
    click.echo(f"Created {', '.join(map(str, projects))} ({elapsed:.2f} s)")
    for line in next_steps(spec, list(zip(frameworks, projects, strict=True))):
        click.echo(line)


def _interactive() -> bool:
    """Prompt only when a person is at the terminal, as cookiecutter does."""
    return sys.stdin.isatty()
