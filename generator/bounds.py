"""Bounds on running someone else's project: an overall deadline, caps on an answer's headers
and body, a timeout on every install, a cap on the stored server output, and control
characters made visible before a participant's text reaches a terminal.

The limits, and why:
- DEADLINE (600 s, `dualgen check --deadline` or DUALGEN_DEADLINE): a whole check of one
  project, its installs included: a cold install takes about a minute, the project's own tests
  up to TEST_TIMEOUT (300 s), the server starts and requests seconds. A class of 30 checked 2
  at a time then ends within 2.5 hours whatever the projects do, and in minutes when they
  behave; the install timeout alone would allow 20 minutes for one participant.
- INSTALL_TIMEOUT (600 s, DUALGEN_INSTALL_TIMEOUT): one pip or npm install; a cold npm install
  of the catalog's packages takes about a minute on a slow network, ten times that is a hang.
- MAX_HEADER (64 KiB) and MAX_BODY (1 MiB): Node refuses request headers over 16 KiB, the
  largest answer a check expects is a route's text (kilobytes); both are far above what a
  correct project sends and far below what hurts dualgen.
- LOG_HEAD (64 KiB) and LOG_TAIL (256 KiB): a server's output is kept as its start (how it
  started) and its end (what it said last); what lies between is dropped and counted.
"""

from __future__ import annotations

import contextvars
import io
import os
import re
import select
import socket
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import requests
    from _typeshed import WriteableBuffer

from .errors import RunError, UsageError
from .processes import start

DEADLINE = 600.0
INSTALL_TIMEOUT = 600.0
MAX_HEADER = 64 * 1024
MAX_BODY = 1024 * 1024
LOG_HEAD = 64 * 1024
LOG_TAIL = 256 * 1024


class Violation(RunError):
    """A project went past a bound (deadline, answer size, install time): it is not checked
    further, and a class run shows it as an error row."""


def seconds_from_env(name: str, default: float) -> float:
    """A number of seconds from the environment (1 to 86400), else the default."""
    text = os.environ.get(name)
    if text is None or text == "":
        return default
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not 1 <= value <= 86400:
        raise UsageError(f"{name}={text!r} is not allowed: give a number of seconds, 1 to 86400")
    return value


def install_timeout() -> float:
    return seconds_from_env("DUALGEN_INSTALL_TIMEOUT", INSTALL_TIMEOUT)


#: The bounds of the run an install belongs to (a participant's check), set by runner.install.
current: contextvars.ContextVar[Bounds | None] = contextvars.ContextVar("bounds", default=None)


@dataclass
class Bounds:
    """What one run of a project may take: a deadline (time.monotonic()), None for none."""

    deadline: float | None = None
    #: The deadline's length, for messages.
    seconds: float = 0.0

    @classmethod
    def starting_now(cls, seconds: float) -> Bounds:
        return cls(time.monotonic() + seconds, seconds)

    def remaining(self) -> float:
        return float("inf") if self.deadline is None else self.deadline - time.monotonic()

    def check(self, doing: str) -> float:
        """The seconds left; Violation when none are."""
        left = self.remaining()
        if left <= 0:
            raise Violation(f"past the deadline of {self.seconds:g} s ({doing})")
        return left


# -- the HTTP client's socket -------------------------------------------------------------------

_END_OF_HEAD = b"\r\n\r\n"


class _Reader(io.RawIOBase):
    """The bytes of one answer off the socket, each read bounded by the deadline, the head by
    MAX_HEADER and the rest by MAX_BODY (plus room for chunk framing)."""

    def __init__(self, sock: socket.socket, bounds: Bounds) -> None:
        super().__init__()
        self.sock, self.bounds = sock, bounds
        # The socket's own reader: while it is open, closing the socket waits for it (a
        # response read after its connection was closed, as http.client does).
        self.io = sock.makefile("rb", buffering=0)
        self.head = b""  # until the blank line that ends the headers
        self.in_body = False
        self.body = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: WriteableBuffer) -> int | None:
        left = self.bounds.check("waiting for an answer")
        timeout = self.sock.gettimeout()
        self.sock.settimeout(left if timeout is None else min(timeout, left))
        try:
            count = self.io.readinto(buffer)
        except TimeoutError:
            self.bounds.check("waiting for an answer")
            raise
        finally:
            self.sock.settimeout(timeout)
        data = bytes(memoryview(buffer)[: count or 0])
        if not self.in_body:
            self.head += data
            end = self.head.find(_END_OF_HEAD)
            if end == -1 and len(self.head) > MAX_HEADER:
                raise Violation(f"the answer's headers are larger than {MAX_HEADER} bytes")
            if end != -1:
                self.in_body = True
                self.body = len(self.head) - end - len(_END_OF_HEAD)
                self.head = b""
        else:
            self.body += count or 0
        if self.body > MAX_BODY + MAX_HEADER:  # chunk sizes and trailers ride along
            raise Violation(f"the answer's body is larger than {MAX_BODY} bytes")
        return count

    def close(self) -> None:
        self.io.close()
        super().close()


class BoundedSocket:
    """A connected socket whose reads go through a _Reader."""

    def __init__(self, sock: socket.socket, bounds: Bounds) -> None:
        self._sock, self._bounds = sock, bounds

    def makefile(
        self, mode: str = "r", buffering: int | None = None, **_: object
    ) -> io.BufferedReader:
        raw = _Reader(self._sock, self._bounds)
        return io.BufferedReader(raw, buffering or io.DEFAULT_BUFFER_SIZE)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._sock, name)


def session(bounds: Bounds) -> requests.Session:
    """A requests session whose every answer is bounded by `bounds` and the size caps: its
    body is read whole before the answer is returned (Violation past a bound)."""
    import requests
    from requests.adapters import HTTPAdapter
    from urllib3.connection import HTTPConnection
    from urllib3.connectionpool import HTTPConnectionPool

    class Connection(HTTPConnection):
        def connect(self) -> None:
            super().connect()
            self.sock = BoundedSocket(self.sock, bounds)

    class Pool(HTTPConnectionPool):
        ConnectionCls = Connection

    class Adapter(HTTPAdapter):
        def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
            super().init_poolmanager(*args, **kwargs)
            self.poolmanager.pool_classes_by_scheme = {"http": Pool}

    found = requests.Session()
    found.mount("http://", Adapter(max_retries=0))
    # Every answer streamed, then read here, at most MAX_BODY bytes of it.
    found.stream = True
    found.hooks["response"].append(lambda response, **_: read_body(response))
    return found


def read_body(response: requests.Response) -> requests.Response:
    """Read a streamed `requests` answer whole, at most MAX_BODY bytes once decoded."""
    data = bytearray()
    try:
        for chunk in response.iter_content(64 * 1024):
            data += chunk
            if len(data) > MAX_BODY:
                raise Violation(f"the answer's body is larger than {MAX_BODY} bytes")
    finally:
        response.close()
    response._content = bytes(data)
    response._content_consumed = True  # type: ignore[attr-defined]  # requests' own, not in its stubs
    return response


# -- what a terminal shows ----------------------------------------------------------------------

_CONTROLS = r"\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069"
_CONTROL = re.compile(f"[{_CONTROLS}]")
_CONTROL_OR_BREAK = re.compile(f"[{_CONTROLS}\t\n]")


def visible(text: str, *, breaks: bool = True) -> str:
    """Text with every control character as an escape (`\\x1b`), tab and newline aside unless
    `breaks` is False (one line: a newline could forge a line of its own)."""
    pattern = _CONTROL if breaks else _CONTROL_OR_BREAK
    return pattern.sub(lambda match: match.group().encode("unicode_escape").decode(), text)


# -- a server's output ------------------------------------------------------------------------


class CappedLog:
    """A process's output read from a pipe (a file descriptor this object owns) as it comes:
    the first LOG_HEAD bytes and the last LOG_TAIL kept, what lies between dropped and counted;
    with `lines`, each line is passed on as it comes too (at most LOG_HEAD bytes of one).
    `finish()` once the process is stopped: what is still in the pipe is read, then it is
    closed (after one second at most, even if a process that escaped still writes)."""

    def __init__(self, descriptor: int, lines: Callable[[str], None] | None = None) -> None:
        self._head = bytearray()
        self._tail = bytearray()
        self.dropped = 0
        self._lines, self._partial = lines, bytearray()
        self._lock = threading.Lock()
        self._finished: float | None = None
        self._thread = threading.Thread(target=self._read, args=(descriptor,), daemon=True)
        self._thread.start()

    def _read(self, descriptor: int) -> None:
        poller = None
        if hasattr(select, "poll"):  # POSIX: the pipe is polled, so that finish() can end it
            poller = select.poll()
            poller.register(descriptor, select.POLLIN | select.POLLHUP | select.POLLERR)
        try:
            while True:
                if poller is not None:
                    ready = poller.poll(100)
                    ended = self._finished is not None
                    if ended and (not ready or time.monotonic() > self._finished + 1.0):  # type: ignore[operator]  # ended: a float
                        return
                    if not ready:
                        continue
                chunk = os.read(descriptor, 64 * 1024)
                if not chunk:
                    return
                self._keep(chunk)
        except OSError:
            return
        finally:
            os.close(descriptor)
            self._pass_on(final=True)

    def _keep(self, data: bytes) -> None:
        with self._lock:
            room = LOG_HEAD - len(self._head)
            self._head += data[: max(room, 0)]
            self._tail += data[max(room, 0) :]
            extra = len(self._tail) - LOG_TAIL
            if extra > 0:
                del self._tail[:extra]
                self.dropped += extra
        if self._lines is not None:
            self._partial += data
            self._pass_on()

    def _pass_on(self, final: bool = False) -> None:
        """Each whole line to `lines`; a line longer than LOG_HEAD is passed on in pieces."""
        if self._lines is None:
            return
        *whole, rest = self._partial.split(b"\n")
        if final or len(rest) > LOG_HEAD:
            whole, rest = [*whole, rest] if rest else whole, b""  # type: ignore[assignment]  # bytes as good
        self._partial = bytearray(rest)
        for line in whole:
            self._lines(line.decode("utf-8", "replace").rstrip())

    def finish(self, timeout: float = 2.0) -> None:
        self._finished = time.monotonic()
        self._thread.join(timeout)

    def bytes(self) -> bytes:
        with self._lock:
            if not self.dropped:
                return bytes(self._head + self._tail)
            note = f"\n[dualgen: {self.dropped} bytes of output dropped here]\n".encode()
            return bytes(self._head) + note + bytes(self._tail)

    def read_text(self, encoding: str = "utf-8", errors: str = "replace") -> str:
        """The output kept so far (Path.read_text's signature: it replaced a log file)."""
        return self.bytes().decode(encoding, errors)


def start_logged(
    command: list[str], lines: Callable[[str], None] | None = None, **options: Any
) -> tuple[subprocess.Popen[bytes], CappedLog]:
    """Start a command as processes.start does, its output and errors read into a CappedLog."""
    read_end, write_end = os.pipe()
    try:
        process = start(command, stdout=write_end, stderr=subprocess.STDOUT, **options)
    except BaseException:
        os.close(read_end)
        raise
    finally:
        os.close(write_end)
    return process, CappedLog(read_end, lines)
