"""`python -m generator` and the `dualgen` console script (`run`).

The CLI installs its signal handler once it is imported (generator.signals); until then a
Ctrl-C is Python's KeyboardInterrupt, which would print a traceback from whatever module was
being imported. `run` catches it around the imports and ends as the handler would: one line
and exit code 130.
"""

import sys


def run() -> None:
    """Import the CLI and run it; a Ctrl-C before the CLI's own handler stops it cleanly."""
    try:
        from .cli import main

        main()
    except KeyboardInterrupt:
        sys.stderr.write("dualgen: stopped by SIGINT\n")
        raise SystemExit(130) from None


if __name__ == "__main__":
    run()
