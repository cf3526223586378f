"""`dualgen verify`: install, start and check a generated project over HTTP, then stop it."""

from __future__ import annotations

from pathlib import Path

import click


@click.command()
@click.argument("project", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--production", is_flag=True, help="Start the production command (gunicorn, the Node cluster)."
)
@click.option(
    "--timeout",
    type=click.FloatRange(1, 600),
    default=30.0,
    show_default=True,
    metavar="SECONDS",
    help="How long to wait for the server to listen.",
)
@click.option(
    "--budget",
    type=click.FloatRange(1, 3600),
    default=120.0,
    show_default=True,
    metavar="SECONDS",
    help="How long starting and checking may take in all; what is left is reported unchecked.",
)
def verify(project: Path, production: bool, timeout: float, budget: float) -> None:
    """Install, start and check a generated PROJECT over HTTP, then stop it."""
    from .. import runner
    from .. import verify as verifying

    def show(event: str, value) -> None:
        if event != "check":
            click.echo(verifying.describe(event, value))
            return
        state = "skip" if value.skipped is not None else "FAIL" if value.problems else "ok  "
        colour = {"skip": "yellow", "FAIL": "red", "ok  ": "green"}[state]
        click.echo(f"  {click.style(state, fg=colour)}     {value.exchange.name}")
        for line in value.problems or [f"not checked: {value.skipped}"] * (state == "skip"):
            click.echo(f"           {line}")

    with runner.stopping_on_signals():
        result = verifying.verify(
            project, production=production, timeout=timeout, budget=budget, observer=show
        )
        if not result.ok:
            click.echo(result.complaint(), err=True)
            raise SystemExit(1)
        click.echo(result.summary())
