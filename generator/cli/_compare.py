"""`dualgen compare` and `dualgen diff`: Flask and Express side by side, and what changed."""

from __future__ import annotations

from pathlib import Path

import click

from .. import catalog
from .options import (
    _answers_from_options,
    _choice_options,
    _color,
    _width,
    color_option,
    examples,
    format_option,
    html_options,
)


@click.command(
    epilog=examples(
        "dualgen compare                          # the Hello World of each framework",
        "dualgen compare --preset api --color | less -R   # colour through a pager",
        "dualgen compare -m cors,rate-limit --html compare.html",
        "dualgen compare --answers shop/.dualgen.yaml --format json",
        "dualgen compare shop-flask shop-express     # two existing projects, as they are",
    )
)
@click.argument("names", nargs=-1, metavar="[NAME | FLASK_DIR EXPRESS_DIR]")
@_choice_options
@format_option
@html_options("one self-contained HTML page with both trees and every concept side by side")
@color_option
def compare(names, output_format, html_file, force, **choices) -> None:
    """Render the same choices in Flask and Express and show them side by side, or show two
    existing projects side by side.

    Prints both file trees, their sizes, and for each concept (the app, a route, each
    middleware ...) where it lives in each tree, with the code, side by side in the width of
    the terminal (COLUMNS, at least 80). With two project folders (a Flask one and an Express
    one, in either order) it reads them as they are, hand edits included, and shows each
    concept that either records or that is found in either; a NAME is never a folder.
    """
    from .. import compare as comparing
    from .. import files
    from .. import spec as specs

    folders = _project_folders(names, choices)
    if html_file is not None:
        files.check_output_file(html_file, force=force)
    if folders:
        result = comparing.compare_projects(folders)
    else:
        merged = _answers_from_options(name=names[0] if names else None, **choices)
        result = comparing.compare(specs.build(merged))
    if html_file is not None:
        files.write_file(html_file, comparing.render_html(result), force=force)
    if output_format == "json":
        click.echo(comparing.render_json(result), nl=False)
    elif html_file is not None:
        click.echo(f"Wrote {html_file}")
    else:
        color = _color()
        text = comparing.render_text(result, color=color, width=_width())
        click.echo(text, nl=False, color=color)


def _project_folders(names: tuple[str, ...], choices: dict) -> tuple[Path, Path] | None:
    """The two project folders to compare, or None for a NAME (or none) to render afresh.
    A single value that is a folder is refused: it would silently become a project name."""
    import os

    if len(names) > 2:
        raise click.UsageError(
            f"compare takes a NAME or two project folders, not {len(names)} values"
        )
    if len(names) == 1:
        if os.path.isdir(names[0]):
            raise click.UsageError(
                f"{names[0]!r} is a folder, not a project name: to compare existing projects "
                f"give a Flask and an Express folder (dualgen compare {names[0]} OTHER_DIR)"
            )
        return None
    if not names:
        return None
    for name in names:
        if not os.path.isdir(name):
            raise click.UsageError(f"{name!r} is not a folder; two values are two project folders")
    given = [k for k, v in choices.items() if v is not None and v != ()]
    if given:
        option = "--" + given[0].replace("_", "-")
        raise click.UsageError(
            f"{option} chooses what to render; two project folders are compared as they are"
        )
    return Path(names[0]), Path(names[1])


@click.command(
    epilog=examples(
        "dualgen diff flask --from default --to default+cors   # what one choice adds",
        "dualgen diff express --from api --to api-cors+rate-limit",
        "dualgen diff flask --from answers.yaml --to production --html diff.html",
        "dualgen diff shop-flask --exit-code     # exit 1 when it was edited by hand",
    )
)
@click.argument("target", metavar="FRAMEWORK|PROJECT_DIR")
@click.option(
    "--from",
    "old",
    metavar="SPEC",
    default="default",
    help="Old choices: default, a preset or an answer file, then +KEY to add a choice and "
    "-KEY to remove one (e.g. api+rate-limit-cors).",
)
@click.option(
    "--to",
    "new",
    metavar="SPEC",
    default="default",
    help="New choices, as for --from (e.g. default+cors).",
)
@html_options("the diff as one self-contained HTML page")
@click.option(
    "--exit-code",
    is_flag=True,
    help="Exit 1 when there are differences, as git diff --exit-code does.",
)
@color_option
@click.pass_context
def diff(
    ctx: click.Context,
    target: str,
    old: str,
    new: str,
    html_file: Path | None,
    force: bool,
    exit_code: bool,
) -> None:
    """Show what two sets of choices change, or what changed since generation.

    `dualgen diff FRAMEWORK --from SPEC --to SPEC` diffs two renderings of one framework.
    `dualgen diff PROJECT_DIR` diffs a fresh render of the project's .dualgen.yaml against
    the project: what was changed by hand. It leaves out what the project's .gitignore
    ignores and what installing creates (node_modules, package-lock.json, .venv), and never
    prints the contents of files that may hold secrets (.env, .flaskenv, .envrc, secrets.json,
    keys).
    """
    from .. import compare as comparing
    from .. import files

    if html_file is not None:
        files.check_output_file(html_file, force=force)
    given = {
        name
        for name in ("old", "new")
        if ctx.get_parameter_source(name) is not click.core.ParameterSource.DEFAULT
    }
    if given:
        if target not in catalog.FRAMEWORKS:
            raise click.BadParameter(
                f"{target!r} is not flask or express; --from and --to compare one framework",
                param_hint="FRAMEWORK",
            )
        old_spec, old_note = comparing.spec_from_name(old)
        new_spec, new_note = comparing.spec_from_name(new)
        note = "\n".join(dict.fromkeys(n for n in (old_note, new_note) if n))
        result = comparing.diff_specs(target, old_spec, new_spec, (old, new), note)
    else:
        result = comparing.diff_project(_project_folder(target))
    if html_file is not None:
        files.write_file(html_file, comparing.render_diff_html(result), force=force)
        click.echo(f"Wrote {html_file}", err=True)
    color = _color()
    text = comparing.render_diff_text(result, color=color, width=_diff_width())
    click.echo(text, nl=False, color=color)
    if exit_code and result.changed:
        raise SystemExit(1)


def _project_folder(target: str) -> Path:
    """TARGET as a project folder, or a one-line usage error (a path that cannot be looked at
    included: too long, no access)."""
    project = Path(target)
    try:
        is_dir = project.is_dir()
    except OSError as error:
        raise click.BadParameter(
            f"{target!r} cannot be read: {error.strerror}", param_hint="PROJECT_DIR"
        ) from None
    if not is_dir:
        hint = (
            " (give --from and --to to compare two sets of choices)"
            if target in catalog.FRAMEWORKS
            else ""
        )
        raise click.BadParameter(
            f"{target!r} is not a project folder{hint}", param_hint="PROJECT_DIR"
        )
    return project


def _diff_width() -> int | None:
    """Wrap a diff for a terminal (or an explicit COLUMNS); a piped diff stays a patch."""
    import os
    import sys

    return _width() if sys.stdout.isatty() or os.environ.get("COLUMNS") else None
