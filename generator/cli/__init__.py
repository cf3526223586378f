"""The dualgen command line: a thin Click layer over spec, render, runner and exchanges.

Each command lives in its own module and is added to the group here. Bad input exits 2 with one
line on stderr; a failure of the world (an install, a server) exits 1.
"""

from __future__ import annotations

import click

from .. import __version__
from ..errors import DualgenError
from ._bench import bench
from ._cache import cache
from ._catalog import options
from ._compare import compare, diff
from ._new import new
from ._parity import parity
from ._ui import ui
from ._update import update
from ._verify import verify
from ._workshop import check, workshop
from .options import color_option, examples, wrapped


@click.group(
    context_settings={
        "help_option_names": ["-h", "--help"],
        "max_content_width": 100,
        "show_default": True,
    },
    epilog=examples(
        "dualgen new both shop --preset api        # shop-flask/ and shop-express/",
        "dualgen verify shop-flask                  # install, start, check over HTTP",
        "dualgen compare --preset api --color | less -R",
        'eval "$(_DUALGEN_COMPLETE=bash_source dualgen)"   # completion (README: zsh, fish)',
    ),
)
@click.version_option(__version__, prog_name="dualgen")
@color_option
def cli() -> None:
    """Generate matching Flask and Express starter projects from one set of choices."""


for command in (
    new,
    options,
    verify,
    parity,
    compare,
    diff,
    cache,
    update,
    workshop,
    check,
    bench,
    ui,
):
    cli.add_command(command)


def main(argv: list[str] | None = None) -> None:
    """Run the CLI; errors become one line on stderr and exit code 2 (bad input) or 1.

    SIGINT (Ctrl-C), SIGTERM and SIGHUP stop every command the same way (generator.signals):
    clean-up on the way out, what it started stopped, `dualgen: stopped by SIGTERM` on stderr
    and exit code 128 + the signal's number (130, 143, 129).
    """
    from ..signals import Interrupted, handled

    try:
        with handled():
            code = cli.main(args=argv, prog_name="dualgen", standalone_mode=False)
    except click.UsageError as error:
        _error(_with_hint(error))
        raise SystemExit(2) from None
    except click.Abort:  # end of input (Ctrl-D) at a question: Ctrl-C is Interrupted
        click.echo("dualgen: aborted", err=True)
        raise SystemExit(130) from None
    except Interrupted as error:
        click.echo(f"dualgen: {error}", err=True)
        raise SystemExit(error.exit_code) from None
    except DualgenError as error:
        _error(str(error))
        raise SystemExit(error.exit_code) from None
    raise SystemExit(code or 0)


def _error(message: str) -> None:
    """The error's line on stderr (at a terminal, broken at spaces to fit it)."""
    click.echo(f"dualgen: error: {wrapped(message, first=len('dualgen: error: '))}", err=True)


def _with_hint(error: click.UsageError) -> str:
    """Click's message and its hint, on one line: "... Try 'dualgen new -h' for help."."""
    message = " ".join(error.format_message().split())
    if error.ctx is None:
        return message
    option = error.ctx.help_option_names[0]
    stop = "" if message.endswith((".", "!", "?")) else "."
    return f"{message}{stop} Try '{error.ctx.command_path} {option}' for help."
