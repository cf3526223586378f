"""`dualgen options`: every choice, with what it means in Flask and in Express."""

from __future__ import annotations

import click

from .options import _width, color_option, examples, format_option


@click.command(
    epilog=examples(
        "dualgen options                  # for people, in the width of the terminal",
        "dualgen options --format json    # for tools: choices, presets and pins",
    )
)
@format_option
@click.option("--json", "as_json", is_flag=True, hidden=True, help="Same as --format json.")
@color_option
def options(output_format: str, as_json: bool) -> None:
    """List every middleware and config choice, with what it means in Flask and in Express:
    the packages it adds (pinned), how it is wired, its settings, and the presets."""
    from ..catalog import listing

    rows = listing.rows()
    if as_json or output_format == "json":
        click.echo(listing.render_json(rows))
    else:
        text = listing.render_text(rows, style=click.style, width=min(_width(), 120))
        click.echo(text, nl=False)
