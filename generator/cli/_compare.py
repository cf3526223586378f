"""`dualgen compare` and `dualgen diff`: Flask and Express side by side, and what changed."""

from __future__ import annotations

from pathlib import Path

import click

from .. import catalog
from ._shared import _answers_from_options, _choice_options, _color


@click.command()
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
    from .. import compare as comparing
    from .. import files
    from .. import spec as specs

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


@click.command()
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
    from .. import compare as comparing
    from .. import files

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
