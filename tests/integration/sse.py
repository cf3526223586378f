"""A small server-sent events client for the tests: it reads a real stream block by block, so a
test sees every event and comment, and parses each block as `dualgen verify` does
(generator/sse.py, the HTML spec's rules). Its reader keeps the raw chunks in reach
(`buffer`, `chunks`) for tests that read what follows a stream's end."""

from __future__ import annotations

import requests

from generator.sse import Block, parse_line


def parse_block(text: str) -> Block:
    """One block's text (LF line ends, no blank line) as generator.sse parses it."""
    block = Block()
    for line in text.split("\n"):
        parse_line(block, line)
    return block


class Stream:
    """GET /events held open; each read waits at most `timeout` seconds for data."""

    def __init__(self, base: str, headers: dict[str, str] | None = None, timeout: float = 10):
        self.response = requests.get(
            base.rstrip("/") + "/events", headers=headers or {}, stream=True, timeout=timeout
        )
        self.chunks = self.response.iter_content(chunk_size=None)
        self.buffer = ""

    def block(self) -> Block:
        """The next block: an event, the retry: line, or a comment."""
        while "\n\n" not in self.buffer:
            self.buffer += next(self.chunks).decode("utf-8")
        text, self.buffer = self.buffer.split("\n\n", 1)
        return parse_block(text)

    def event(self) -> Block:
        """The next block with data (an event EventSource dispatches)."""
        while True:
            block = self.block()
            if block.data is not None:
                return block

    def close(self) -> None:
        self.response.close()

    def __enter__(self) -> Stream:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def publish(base: str, event: str, data: object) -> int:
    """POST /events; the new event's id."""
    answer = requests.post(
        base.rstrip("/") + "/events", json={"event": event, "data": data}, timeout=10
    )
    assert answer.status_code == 202, answer.text
    return answer.json()["id"]
