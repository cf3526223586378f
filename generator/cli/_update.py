"""`dualgen update`: change a project's choices three-way, keeping every hand edit."""

from __future__ import annotations

from pathlib import Path

import click

from .options import _answers_from_options, _choice_options, _color, _split, examples


@click.command(
    epilog=examples(
        "dualgen update shop-flask -m cors",
        "dualgen update shop-flask --remove-middleware logging --dry-run",
        "dualgen update shop-express -r 'GET /items' --html update.html",
        "dualgen update shop-express -m security-headers --install",
    )
)
@click.argument("project", type=click.Path(path_type=Path), metavar="PROJECT_DIR")
@_choice_options
@click.option(
    "--remove-middleware",
    multiple=True,
    metavar="KEY",
    help="Remove middleware (repeat or comma-separate).",
)
@click.option(
    "--remove-route",
    multiple=True,
    metavar="'METHOD /path'",
    help="Remove a route, e.g. 'GET /items' (repeatable).",
)
@click.option(
    "--dry-run", is_flag=True, help="Print the diff the update would apply; write nothing."
)
@click.option(
    "--html",
    "html_file",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    metavar="FILE",
    help="Also write the update as one page, each file now and after side by side.",
)
@click.option(
    "--install",
    is_flag=True,
    help="When a package file changes, install: npm install, or pip into the project's .venv.",
)
@click.option(
    "-f",
    "--force",
    is_flag=True,
    help="Update a git repository with uncommitted changes; replace an existing --html file.",
)
def update(
    project, remove_middleware, remove_route, dry_run, html_file, install, force, **choices
) -> None:
    """Change the choices of the project in PROJECT_DIR, keeping every hand edit.

    The change from a render of the recorded answers (.dualgen.yaml) to a render of the new
    ones (the recorded answers plus these options) is merged into each file three-way. A
    file changed both by hand and by the update gets conflict markers, and the command
    exits 1. Nothing is written when anything fails; an update killed on the way is finished
    by the next dualgen command that opens the project.

    When requirements.txt or package.json changes, the summary ends with the command that
    installs the dependencies; --install runs it: `npm install` in an Express project, pip
    into the project's .venv in a Flask project (made first when missing).
    """
    from .. import files
    from .. import update as updating
    from ..update import view

    if install and dry_run:
        raise click.UsageError(
            "--install and --dry-run exclude each other: a dry run changes nothing to install"
        )
    if html_file is not None:
        files.check_output_file(html_file, force=force)
    layer = _answers_from_options(name=None, **choices)
    plan = updating.plan_update(
        project, layer, remove_middleware=_split(remove_middleware), remove_routes=remove_route
    )
    if not dry_run and not force:
        updating.check_clean(plan.project)
    if html_file is not None:
        files.write_file(html_file, view.render_html(plan, dry_run=dry_run), force=force)
    color = _color()
    if dry_run:
        click.echo(view.render_diff(plan, color=color), nl=False, color=color)
    else:
        updating.apply_update(plan)
    click.echo(view.render_summary(plan, dry_run=dry_run), nl=False)
    if html_file is not None:
        click.echo(f"Wrote {html_file}")
    steps = updating.install_steps(plan)
    running = install and not plan.conflicts and bool(steps)
    shown = str(project)
    click.echo(view.render_install(plan, steps, shown, dry_run=dry_run, running=running), nl=False)
    if running:
        updating.install(plan, steps)
    if plan.conflicts:
        paths = ", ".join(item.path for item in plan.conflicts)
        what = "would have conflicts" if dry_run else "have conflicts to resolve"
        click.echo(f"dualgen: {what}: {paths}", err=True)
        raise SystemExit(1)
