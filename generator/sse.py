"""Server-sent events as a client reads them: a parser that follows the HTML standard's rules
(lines end with CRLF, LF or CR; a blank line ends a block; `:` starts a comment; one space after
the colon is dropped), and a reader of a real `GET /events` that never waits past its deadline.

`dualgen verify` and `dualgen parity` read streams with it, and so do the tests.
"""

from __future__ import annotations

import codecs
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import requests

#: Seconds one read of a stream may wait for data.
READ_TIMEOUT = 5.0
#: The most text a reader holds of a block not yet ended (a stream that never ends one).
MAX_PENDING = 1 << 20
#: Seconds between heartbeats on the streams of a server a check starts (EVENTS_HEARTBEAT).
CHECK_HEARTBEAT = 1


class StreamTimeout(Exception):
    """Nothing more came on the stream before its deadline."""


@dataclass
class Block:
    """One block of a stream, up to its blank line: its fields (in order) and its comments."""

    fields: list[tuple[str, str]] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)

    def get(self, name: str) -> str | None:
        """The field's last value in the block, or None."""
        values = [value for key, value in self.fields if key == name]
        return values[-1] if values else None

    @property
    def data(self) -> str | None:
        """EventSource's data: every data line joined by line breaks."""
        lines = [value for key, value in self.fields if key == "data"]
        return "\n".join(lines) if lines else None

    @property
    def is_event(self) -> bool:
        """EventSource dispatches it: it has data."""
        return self.data is not None

    def text(self) -> str:
        """The block written out again, LF line ends (a transcript line)."""
        lines = [f":{comment}" for comment in self.comments]
        lines += [f"{name}: {value}" for name, value in self.fields]
        return "\n".join(lines)


def parse_line(block: Block, line: str) -> None:
    """Add one line (no line end) of a stream to `block`."""
    if line.startswith(":"):
        block.comments.append(line[1:].strip())
        return
    name, _, value = line.partition(":")
    block.fields.append((name, value[1:] if value.startswith(" ") else value))


class Parser:
    """Text in, as it arrives (a line end may be split between pieces); whole blocks out."""

    def __init__(self) -> None:
        self.pending = ""
        self.block = Block()

    def feed(self, text: str) -> list[Block]:
        self.pending += text
        found: list[Block] = []
        while True:
            line, end = _next_line(self.pending)
            if end == 0:
                return found
            self.pending = self.pending[end:]
            if line:
                parse_line(self.block, line)
            elif self.block.fields or self.block.comments:
                found.append(self.block)
                self.block = Block()


def _next_line(text: str) -> tuple[str, int]:
    """The first whole line of `text` and where the next begins; (.., 0) if none is whole yet.
    A CR at the very end waits: an LF may follow it."""
    lf, cr = text.find("\n"), text.find("\r")
    if cr == -1 or -1 < lf < cr:
        return (text[:lf], lf + 1) if lf != -1 else ("", 0)
    if cr + 1 == len(text):
        return "", 0
    return text[:cr], cr + 2 if text[cr + 1] == "\n" else cr + 1


def parse(text: str) -> list[Block]:
    """Every whole block of a stream's text."""
    return Parser().feed(text)


class Stream:
    """`GET {base}events` held open. Each read waits at most READ_TIMEOUT seconds, and none
    goes past `deadline` (a time.monotonic() value): then StreamTimeout."""

    def __init__(
        self,
        base: str,
        headers: dict[str, str] | None = None,
        *,
        deadline: float | None = None,
        session: requests.Session | None = None,
    ) -> None:
        import requests

        self.deadline = deadline if deadline is not None else time.monotonic() + 30.0
        opener = session if session is not None else requests
        self.response = opener.get(
            base.rstrip("/") + "/events",
            headers=headers or {},
            stream=True,
            timeout=(min(READ_TIMEOUT, self._left()), min(READ_TIMEOUT, self._left())),
        )
        self._chunks: Iterator[bytes] = self.response.iter_content(chunk_size=None)
        self._decoder = codecs.getincrementaldecoder("utf-8")("replace")
        self._parser = Parser()
        self._blocks: list[Block] = []
        #: Every block read so far, in order.
        self.transcript: list[Block] = []

    def _left(self) -> float:
        return max(0.05, self.deadline - time.monotonic())

    def block(self) -> Block:
        """The next block: an event, the retry: line, or a comment."""
        import requests

        since = time.monotonic()
        while not self._blocks:
            if time.monotonic() >= self.deadline:
                raise StreamTimeout(f"no block came in {time.monotonic() - since:.1f} s")
            try:
                chunk = next(self._chunks)
            except StopIteration:
                raise StreamTimeout("the server ended the stream") from None
            except requests.RequestException as error:
                if "timed out" in str(error):
                    raise StreamTimeout(
                        f"no block came in {time.monotonic() - since:.1f} s"
                    ) from None
                raise StreamTimeout(f"the stream broke off: {type(error).__name__}") from None
            self._blocks += self._parser.feed(self._decoder.decode(chunk))
            if len(self._parser.pending) + len(self._parser.block.text()) > MAX_PENDING:
                raise StreamTimeout(f"a block over {MAX_PENDING} characters, not ended")
        block = self._blocks.pop(0)
        self.transcript.append(block)
        return block

    def event(self) -> Block:
        """The next block with data (an event EventSource dispatches)."""
        while True:
            block = self.block()
            if block.is_event:
                return block

    def close(self) -> None:
        self.response.close()

    def __enter__(self) -> Stream:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
