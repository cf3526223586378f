"""`dualgen ui`: the page on loopback to choose, preview side by side, diff and download."""

from __future__ import annotations

from pathlib import Path

import click

from .options import examples


@click.command(
    epilog=examples(
        "dualgen ui                        # a free port; opens the browser",
        "dualgen ui --port 8765 --no-browser",
        "dualgen ui --out ~/projects       # the page may also write projects there",
    )
)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=0,
    metavar="N",
    help="Port on 127.0.0.1 (0: a free one).",
)
@click.option("--no-browser", is_flag=True, help="Print the URL, do not open a browser.")
@click.option(
    "--out",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    metavar="DIR",
    help="Folder the page may write projects into (never elsewhere); without it, the page "
    "only downloads.",
)
def ui(port: int, no_browser: bool, out: Path | None) -> None:
    """Serve a page on 127.0.0.1 to choose, preview Flask and Express side by side, diff one
    choice, and download a zip (or write under --out). It prints the URL with a token made for
    this start (writing needs it); Ctrl-C stops it.
    """
    import webbrowser

    from .. import ui as page

    def announce(url: str) -> None:
        click.echo(f"dualgen ui: serving on {url}", err=True)
        click.echo(url)
        click.echo("Press Ctrl-C to stop.", err=True)

    page.serve(
        port=port,
        out=out,
        announce=announce,
        ready=None if no_browser else webbrowser.open,
    )  # until a signal stops it, as every command: one line, 128 + N (generator.signals)
