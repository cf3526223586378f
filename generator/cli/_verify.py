"""`dualgen verify`: install, start and check a generated project over HTTP, then stop it."""

from __future__ import annotations

import shutil
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import click

from .options import Seconds, color_option, examples


@click.command(
    epilog=examples(
        "dualgen verify shop-flask                # install (cached), start, check, stop",
        "dualgen verify shop-express --production # the production command: the Node cluster",
        "dualgen verify shop-flask -q && echo ok  # silent unless something fails",
        "dualgen verify shop-flask --verbose      # pip's or npm's output too",
    )
)
@click.argument("project", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--production",
    is_flag=True,
    help="Start the production command (gunicorn, the Node cluster) instead of the "
    "development server; only for projects generated with production-server.",
)
@click.option(
    "--timeout",
    type=Seconds(1, 600),
    default=30.0,
    metavar="SECONDS",
    help="How long to wait for the server to listen.",
)
@click.option(
    "--budget",
    type=Seconds(1, 3600),
    default=120.0,
    metavar="SECONDS",
    help="How long starting and checking may take in all; what is left is reported unchecked.",
)
@click.option("-q", "--quiet", is_flag=True, help="Print only what failed (for scripts).")
@click.option(
    "-v", "--verbose", is_flag=True, help="Also print pip's or npm's output while installing."
)
@color_option
def verify(
    project: Path, production: bool, timeout: float, budget: float, quiet: bool, verbose: bool
) -> None:
    """Check a generated PROJECT against the choices it was generated with.

    Reads the project's .dualgen.yaml, installs its dependencies (cached; see `dualgen
    cache`), starts the server on a free port, sends the HTTP exchanges those choices promise
    (the status, headers and body each answer must have), and stops it. A hand edit that
    changes an answer is reported as a failure: verify checks the recorded choices, not the
    code. Exit 0 when every exchange held, 1 when one failed.
    """
    from .. import verify as verifying

    live = sys.stdout.isatty() and not quiet and not verbose

    def say(line: str) -> None:
        if not quiet:
            click.echo(line)

    what = []

    def show(event: str, value) -> None:
        if event == "installing":
            what.append(verifying.install_what(value))
            if verbose:
                say(f"{verifying.describe(event, value)} …")
            if live:
                ticker.start(verifying.describe(event, value))
            return
        if event == "install":
            ticker.stop()
            say(f"{verifying.describe(event, value)}: {what[-1]}")
            return
        if event != "check":
            say(verifying.describe(event, value))
            return
        _show_check(value, quiet)

    def pip_line(line: str) -> None:
        if line.strip():
            click.echo(f"           {line}")

    ticker = _Ticker()
    with ticker.stopped():
        result = verifying.verify(
            project,
            production=production,
            timeout=timeout,
            budget=budget,
            observer=show,
            install_output=pip_line if verbose else None,
        )
        if not result.ok:
            click.echo(result.complaint(), err=True)
            raise SystemExit(1)
        say(result.summary())


def _show_check(check, quiet: bool) -> None:
    """One check's line (ok, FAIL or skip) and its problems; with `quiet`, failures only."""
    state = "skip" if check.skipped is not None else "FAIL" if check.problems else "ok  "
    if quiet and state != "FAIL":
        return
    colour = {"skip": "yellow", "FAIL": "red", "ok  ": "green"}[state]
    click.echo(f"  {click.style(state, fg=colour)}     {check.exchange.name}")
    for line in check.problems or [f"not checked: {check.skipped}"] * (state == "skip"):
        click.echo(f"           {line}")


class _Ticker:
    """A line that counts the seconds of a slow step at a terminal, then gives way."""

    def __init__(self) -> None:
        self._done = threading.Event()
        self._thread: threading.Thread | None = None
        self._width = 0

    def start(self, text: str) -> None:
        started = time.monotonic()
        self._done.clear()

        room = shutil.get_terminal_size().columns - 1

        def tick() -> None:
            while not self._done.wait(0.5 if self._width else 0.0):
                elapsed = f" … {time.monotonic() - started:.0f} s"
                line = text[: room - len(elapsed)] + elapsed
                self._width = len(line)
                sys.stdout.write("\r" + line)
                sys.stdout.flush()

        self._thread = threading.Thread(target=tick, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        if self._thread is None:
            return
        self._done.set()
        self._thread.join()
        self._thread = None
        sys.stdout.write("\r" + " " * self._width + "\r")  # the final line takes its place
        sys.stdout.flush()
        self._width = 0

    @contextmanager
    def stopped(self):
        try:
            yield
        finally:
            self.stop()
