"""The dualgen command line: a thin Click layer over spec, render, runner and exchanges.

Each command lives in its own module and is added to the group here. Bad input exits 2 with one
line on stderr; a failure of the world (an install, a server) exits 1.
"""

from __future__ import annotations

import click

from .. import __version__
from ..errors import DualgenError
from ._compare import compare, diff
from ._new import new
from ._options import options
from ._parity import parity
from ._verify import verify


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="dualgen")
def cli() -> None:
    """Generate matching Flask and Express starter projects from one set of choices."""


for command in (new, options, verify, parity, compare, diff):
    cli.add_command(command)


def main(argv: list[str] | None = None) -> None:
    """Run the CLI; errors become one line on stderr and exit code 2 (bad input) or 1.

    SIGTERM and SIGHUP stop a command as Ctrl-C does, cleaning up on the way out; the exit code
    is then 128 + the signal number (130 for Ctrl-C).
    """
    from ..interrupts import Interrupted, stop_on_signals

    try:
        with stop_on_signals():
            code = cli.main(args=argv, prog_name="dualgen", standalone_mode=False)
    except click.UsageError as error:
        click.echo(f"dualgen: error: {error.format_message()}", err=True)
        raise SystemExit(2) from None
    except click.Abort:
        click.echo("dualgen: aborted", err=True)
        raise SystemExit(130) from None
    except Interrupted as error:
        click.echo(f"dualgen: stopped by {error}", err=True)
        raise SystemExit(error.exit_code) from None
    except DualgenError as error:
        click.echo(f"dualgen: error: {error}", err=True)
        raise SystemExit(error.exit_code) from None
    raise SystemExit(code or 0)
