"""`dualgen parity`: send generated requests to the Flask and the Express server alike and report
every difference a client would see, shrunk to a minimal request."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .options import (
    Seconds,
    _answers_from_options,
    _choice_options,
    _color,
    color_option,
    examples,
    format_option,
)


@click.command(
    epilog=examples(
        "dualgen parity --preset api                  # render both, 2000 generated requests",
        "dualgen parity -m cors -m rate-limit --seed 42  # replay a run with its seed",
        "dualgen parity shop-flask shop-express -n 20000 # two existing projects",
        "dualgen parity --preset production --production --format json > parity.json",
        "dualgen parity -r 'resource /items name:str price:float' --sequences 50 --seed 7",
    )
)
@click.argument(
    "projects",
    nargs=-1,
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    metavar="[FLASK_DIR EXPRESS_DIR]",
)
@_choice_options
@click.option(
    "-n",
    "--requests",
    "count",
    type=click.IntRange(1, 10_000_000),
    default=2000,
    show_default=True,
    metavar="N",
    help="How many requests to send to each server (shrinking a difference may add some).",
)
@click.option(
    "--sequences",
    type=click.IntRange(1, 100_000),
    metavar="N",
    help="Stateful: run N sequences of 10-30 operations on the resources (create, read, "
    "replace, delete, list, invalid writes), each on fresh servers with fresh stores, instead "
    "of single requests.",
)
@click.option(
    "--seed",
    type=click.IntRange(0, 2**63 - 1),
    metavar="S",
    help="Replay a run: the seed every run prints. Default: a new random seed.",
)
@click.option(
    "--time-limit",
    type=Seconds(1, 86_400),
    default=600.0,
    show_default=True,
    metavar="SECONDS",
    help="Stop sending after this long, install and server starts excluded.",
)
@format_option
@click.option(
    "--production", is_flag=True, help="Start the production servers (gunicorn, the Node cluster)."
)
@color_option
def parity(
    projects, count, sequences, seed, time_limit, output_format, production, **choices
) -> None:
    """Send generated requests to the Flask and the Express server of the same choices (given
    as for `dualgen new`, or two existing projects FLASK_DIR EXPRESS_DIR) and report every
    difference, shrunk to a minimal request with a curl command for each server. With
    --sequences, sequences of operations on the resources instead, each on fresh servers with
    fresh stores, a difference shrunk to the shortest sequence.

    Exits 0 when every difference found is declared in the catalog, 1 otherwise.
    """
    from .. import parity as parities
    from .. import spec as specs
    from ..errors import UsageError
    from ..parity.report import render_json, render_text

    answers = _answers_from_options(name=None, **choices)
    if projects and answers:
        raise UsageError(
            "give either choices (as for `dualgen new`) or two projects FLASK_DIR EXPRESS_DIR, "
            "not both"
        )
    if len(projects) not in (0, 2):
        raise UsageError(
            f"give two projects, FLASK_DIR and EXPRESS_DIR, not {len(projects)}; "
            "or no project and the choices to render"
        )
    options = {
        "requests": count,
        "seed": seed,
        "time_limit": time_limit,
        "production": production,
        "observer": _observer(output_format),
        "sequences": sequences,
    }
    if projects:
        report = parities.check_projects(*projects, **options)
    else:
        report = parities.check(specs.build(answers), **options)
    if output_format == "json":
        click.echo(render_json(report))
    else:
        click.echo(render_text(report, style=click.style if _color() else _plain))
    if not report.ok:
        raise SystemExit(1)


def _observer(output_format: str):
    """Progress on stderr: the seed at once, then one line that updates while a terminal
    watches."""
    from ..parity.report import describe

    live = sys.stderr.isatty()

    def observe(event: str, value) -> None:
        line = describe(event, value)
        if line is None:
            return
        if event == "progress":
            if live:
                click.echo(f"\r{line}\033[K", nl=False, err=True)
            return
        if live:
            click.echo("\r\033[K", nl=False, err=True)
        click.echo(line, err=True)

    return observe


def _plain(text: str, **_styles) -> str:
    return text
