"""`dualgen options`: every choice, with what it means in Flask and in Express."""

from __future__ import annotations

import click


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print the catalog as JSON, for tools.")
def options(as_json: bool) -> None:
    """List every middleware and config choice, with what it means in Flask and in Express."""
    from .. import options as listing

    rows = listing.rows()
    if as_json:
        click.echo(listing.render_json(rows))
    else:
        click.echo(listing.render_text(rows, style=click.style), nl=False)
