"""`dualgen workshop list|build` for instructors, `dualgen check` for participants."""

from __future__ import annotations

import os
from pathlib import Path

import click

from ..bounds import DEADLINE
from ..workshop import DEFAULT_WORKSHOP
from .options import Seconds, examples


@click.group(
    epilog=examples(
        "dualgen workshop list                               # built-in workshops",
        "dualgen workshop build flask-vs-express -o class",
    )
)
def workshop() -> None:
    """Teach Flask and Express side by side, one step at a time.

    A workshop is a YAML file (or a built-in NAME) of ordered steps; `build` writes a git
    repository per framework with one commit per step, step folders, and a handout.
    """


@workshop.command(
    "list", epilog=examples("dualgen workshop list   # the built-in workshops and their steps")
)
def list_workshops() -> None:
    """List the built-in workshops and their steps."""
    from .. import workshop as workshops

    for name in workshops.builtin_workshops():
        found = workshops.load_workshop(name)
        click.echo(f"{name}: {found.title} ({len(found.steps)} steps)")
        for step in found.steps:
            click.echo(f"  {step.number:>2}  {step.title}")
    click.echo("\nBuild one: dualgen workshop build NAME -o DIR")


@workshop.command(
    epilog=examples(
        "dualgen workshop build flask-vs-express -o class",
        "dualgen workshop build my-workshop.yaml -o class --pdf --annotate",
    )
)
@click.argument("source", metavar="FILE|NAME")
@click.option(
    "-o",
    "--output-dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    metavar="DIR",
    help="Folder to write the repositories, step folders and handout into (must not exist).",
)
@click.option(
    "-f",
    "--force",
    is_flag=True,
    help="Write into an existing folder: replace the files the build writes, keep the others "
    "(never a git repository that dualgen did not write).",
)
@click.option("--pdf", is_flag=True, help="Also print the handout to PDF with headless Chromium.")
@click.option(
    "--annotate",
    is_flag=True,
    help="Add mirrored teaching comments (from the catalog) to the code of every step.",
)
def build(source: str, output_dir: Path, force: bool, pdf: bool, annotate: bool) -> None:
    """Build the workshop SOURCE (a workshop file or a built-in NAME) into DIR.

    Writes flask/ and express/ (git repositories, one commit per step, tagged step-1 ...),
    steps/NN-ID/flask and steps/NN-ID/express, handout.html and handout.md (and handout.pdf).
    The same file always gives the same files and commit ids.
    """
    from .. import workshop as workshops
    from ..workshop.build import build

    found = workshops.load_workshop(source)
    built = build(found, output_dir, force=force, pdf=pdf, annotate=annotate)
    steps = len(found.steps)
    click.echo(f"Built {found.title!r} ({steps} steps) into {output_dir} in {built.seconds:.2f} s:")
    click.echo(f"  flask/, express/   git repositories, {steps} commits each, tags step-1..{steps}")
    click.echo(f"  steps/             {steps} step folders, each with flask/ and express/")
    click.echo("  " + ", ".join(name for name in built.files if name.startswith("handout")))


@click.command(
    epilog=examples(
        "dualgen check --step 3                      # the project in this folder",
        "dualgen check --step 5 alice/ bob/ carol/   # a class, one table",
    )
)
@click.argument(
    "projects",
    nargs=-1,
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    metavar="[DIR]...",
)
@click.option("-s", "--step", "number", type=int, required=True, metavar="N", help="Step number.")
@click.option(
    "-w",
    "--workshop",
    "source",
    default=DEFAULT_WORKSHOP,
    show_default=True,
    metavar="FILE|NAME",
    help="The workshop file, or a built-in workshop's name.",
)
@click.option(
    "--timeout",
    type=Seconds(1, 600),
    default=30.0,
    show_default=True,
    metavar="SECONDS",
    help="How long to wait for a server to listen.",
)
@click.option(
    "--deadline",
    type=Seconds(1, 86400),
    default=DEADLINE,
    show_default=True,
    envvar="DUALGEN_DEADLINE",
    metavar="SECONDS",
    help="How long one project's whole check may take, installs included; a project that "
    "goes past it gets an error row. Also DUALGEN_DEADLINE.",
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(1, 64),
    default=None,
    metavar="N",
    help="Projects checked at once with several DIRs [default: the number of cores].",
)
def check(
    projects: tuple[Path, ...], number: int, source: str, timeout: float, deadline: float, jobs
) -> None:
    """Run step N's checks against your own project in DIR (default: here).

    Detects Flask or Express, installs the dependencies (cached), starts the server with its
    documented command, checks it over HTTP and stops it. Exit 0 when every check passes, 1
    when one fails. With several DIRs (a class's projects), prints one table. A project's
    answers are capped (64 KiB of headers, 1 MiB of body) and its whole check bounded by
    --deadline; its installs by DUALGEN_INSTALL_TIMEOUT (600 s) too.
    """
    from .. import workshop as workshops
    from ..workshop import check as _check
    from ..workshop import report as _report
    from .options import _color

    found = workshops.load_workshop(source)
    found.step(number)
    folders = list(projects) or [Path(".")]
    style = click.style if _color() else None
    report: _check.Report | None
    if len(folders) == 1:
        report = _check.check_project(found, number, folders[0], timeout=timeout, deadline=deadline)
        click.echo(_report.format_report(report, found, style), nl=False)
    else:
        workers = jobs or os.cpu_count() or 1
        reports = _check.check_many(
            found, number, folders, timeout=timeout, workers=workers, deadline=deadline
        )
        click.echo(_report.format_table(reports, found, style), nl=False)
        report = reports[0] if all(r.ok for r in reports) else None
    if report is None or not report.ok:
        raise SystemExit(1)
