"""A small server-sent events client for the tests: it reads a real stream as EventSource
parses it (the HTML spec's rules), block by block, so a test sees every event and comment."""

from __future__ import annotations

from dataclasses import dataclass, field

import requests


@dataclass
class Block:
    """One block of a stream, up to its blank line: its fields (in order) and its comments."""

    fields: list[tuple[str, str]] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)

    def get(self, name: str) -> str | None:
        values = [value for key, value in self.fields if key == name]
        return values[-1] if values else None

    @property
    def data(self) -> str | None:
        """EventSource's data: every data line joined by line breaks."""
        lines = [value for key, value in self.fields if key == "data"]
        return "\n".join(lines) if lines else None


def parse_block(text: str) -> Block:
    block = Block()
    for line in text.split("\n"):
        if line.startswith(":"):
            block.comments.append(line[1:].strip())
            continue
        name, _, value = line.partition(":")
        block.fields.append((name, value[1:] if value.startswith(" ") else value))
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
