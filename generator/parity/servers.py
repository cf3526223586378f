"""The two servers of a parity run, watched: a server that stops during the run ends it with a
RunError (its missing answers are no difference of its code), never with a report of them."""

from __future__ import annotations

import time

from .. import runner
from ..errors import RunError


class Stopped(BaseException):
    """A server refused a connection: it no longer listens, so the run ends at once (a
    BaseException, which hypothesis passes through without shrinking)."""


def check_running(servers: dict[str, runner.Server], sent: int, wait: float = 0.0) -> None:
    """RunError when a server stopped during the run (looking for `wait` seconds): its missing
    answers are no difference of its code, so no report is made of them."""
    deadline = time.monotonic() + wait
    while all(s.process.poll() is None for s in servers.values()) and time.monotonic() < deadline:
        time.sleep(0.05)
    for name, server in servers.items():
        if (code := server.process.poll()) is not None:
            server.log.finish()  # what it wrote before it stopped, read to the end
            how = f"signal {-code}" if code < 0 else f"exit code {code}"
            raise RunError(
                f"the {name} server stopped during the run ({how}) after {sent} requests "
                "to each server; what came after is not its code's answer, so nothing is "
                f"reported. Its output:\n{server.output(15)}"
            )
