"""`dualgen ui` started as a user starts it: a subprocess on a free port, its URL read from what
it prints, stopped with Ctrl-C (SIGINT) at the end."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from tests.helpers import ROOT


@dataclass
class UiServer:
    process: subprocess.Popen
    url: str  # with the token
    out: Path | None

    @property
    def base(self) -> str:
        parts = urlsplit(self.url)
        return f"{parts.scheme}://{parts.netloc}"

    @property
    def token(self) -> str:
        return urlsplit(self.url).query.removeprefix("token=")

    stderr: Path

    def stop(self, timeout: float = 30) -> tuple[int, str]:
        """Ctrl-C, then the exit code and what it wrote to stderr."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise AssertionError(
                f"dualgen ui did not stop on Ctrl-C: {self.stderr.read_text()}"
            ) from None
        self.process.stdout.close()
        return self.process.returncode, self.stderr.read_text()


def start_ui(out: Path | None, cwd: Path) -> UiServer:
    """Start `dualgen ui --port 0 --no-browser [--out OUT]` in cwd; its stderr goes to a file
    there (a pipe nobody reads would fill)."""
    args = [sys.executable, "-m", "generator", "ui", "--port", "0", "--no-browser"]
    if out is not None:
        args += ["--out", str(out)]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1"}
    stderr = cwd / "dualgen-ui.stderr"
    with stderr.open("w") as errors:
        process = subprocess.Popen(
            args,
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=errors,
            text=True,
        )
    line = process.stdout.readline().strip()
    if not line.startswith("http://127.0.0.1:"):
        process.kill()
        raise AssertionError(f"dualgen ui printed {line!r}; stderr: {stderr.read_text()}")
    return UiServer(process, line, out, stderr)
