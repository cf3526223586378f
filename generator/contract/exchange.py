"""One exchange of the contract: a request and what must hold of its answer (status, body,
media type, headers), and how it is sent to a running server."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import requests

MISSING = object()

#: Exchange phases: most run in any order; then one uses the rate limit up; then those that
#: need it used up.
ANY, USE_UP, AFTER = 0, 1, 2

UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


@dataclass(frozen=True)
class Padded:
    """A request body made of `size` filler bytes between a prefix and a suffix, streamed in
    chunks with its Content-Length, never built whole in memory (a limit can be 1 GiB)."""

    prefix: bytes
    size: int
    suffix: bytes
    filler: bytes = b"x"
    chunk: int = 1 << 20

    def __len__(self) -> int:
        return len(self.prefix) + self.size + len(self.suffix)

    def __iter__(self) -> Iterator[bytes]:
        yield self.prefix
        block = (self.filler * self.chunk)[: self.chunk]
        left = self.size
        while left > 0:
            yield block[:left] if left < self.chunk else block
            left -= self.chunk
        yield self.suffix


@dataclass(frozen=True)
class Exchange:
    """A request, and what must hold of its response."""

    name: str
    method: str
    path: str
    status: int
    request_headers: dict[str, str] = field(default_factory=dict)
    body: bytes | Padded | None = None
    repeat: int = 1
    #: When it runs: USE_UP uses the rate limit up, AFTER needs it used up; both come last.
    phase: int = 0
    #: Send a different X-Forwarded-For on each repeat: a client must not dodge a limit that way.
    spoof_forwarded_for: bool = False
    text: str | None = None
    json: object = MISSING
    #: Other JSON bodies as right as `json` (an error's other standard name).
    json_alternatives: tuple[object, ...] = ()
    media_type: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    header_sets: dict[str, frozenset[str]] = field(default_factory=dict)
    header_patterns: dict[str, str] = field(default_factory=dict)
    #: Lists that must hold these items, among others (what a browser checks of a preflight).
    header_includes: dict[str, frozenset[str]] = field(default_factory=dict)
    absent: tuple[str, ...] = ()
    #: Values a header must not have (absent will do): what a browser would act on.
    forbidden: dict[str, frozenset[str]] = field(default_factory=dict)
    #: Any 2xx status will do (a browser takes any for a preflight), not only `status`.
    any_success: bool = False

    @property
    def last(self) -> bool:
        """It uses the rate limit up or needs it used up: nothing else may follow it."""
        return self.phase > 0

    def problems(self, response: requests.Response) -> list[str]:
        """What differs between a `requests` response and this exchange; empty when it holds."""
        found: list[str] = []
        status = response.status_code
        if self.any_success and not 200 <= status < 300:
            found.append(f"status {status}, expected a 2xx status")
        elif not self.any_success and status != self.status:
            found.append(f"status {status}, expected {self.status}")
        if self.text is not None and response.content != self.text.encode():
            found.append(f"body {_short(response.content)}, expected {_short(self.text.encode())}")
        if self.json is not MISSING:
            try:
                value = _loads(response.content)
            except ValueError:
                found.append(f"body {_short(response.content)} is not JSON")
            else:
                if value != self.json and value not in self.json_alternatives:
                    found.append(
                        f"JSON {_short(response.content)}, expected {json.dumps(self.json)[:120]}"
                    )
        if self.media_type is not None:
            media = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
            if media != self.media_type:
                found.append(f"Content-Type {media!r}, expected {self.media_type!r}")
        for name, value in self.headers.items():
            if response.headers.get(name) != value:
                found.append(f"header {name}: {response.headers.get(name)!r}, expected {value!r}")
        for name, values in self.header_sets.items():
            got = {
                item.strip() for item in response.headers.get(name, "").split(",") if item.strip()
            }
            if got != set(values):
                found.append(f"header {name}: {sorted(got)}, expected {sorted(values)}")
        for name, pattern in self.header_patterns.items():
            if not re.fullmatch(pattern, response.headers.get(name, "")):
                found.append(
                    f"header {name}: {response.headers.get(name)!r} does not match {pattern}"
                )
        for name, values in self.header_includes.items():
            got = {
                item.strip().upper()
                for item in response.headers.get(name, "").split(",")
                if item.strip()
            }
            if not values <= got:
                found.append(f"header {name}: {sorted(got)}, expected {sorted(values)} among them")
        for name, values in self.forbidden.items():
            if response.headers.get(name) in values:
                found.append(f"header {name}: {response.headers[name]!r}, expected another value")
        for name in self.absent:
            if name in response.headers:
                found.append(
                    f"header {name} is present ({response.headers[name]!r}), expected none"
                )
        return found


def _loads(content: bytes) -> object:
    """json.loads; JSON nested deeper than Python can read (RecursionError) is a ValueError,
    so that a hostile answer is a problem of the exchange, never a crash of the checker."""
    try:
        return json.loads(content)
    except RecursionError:
        raise ValueError from None


def _short(content: bytes) -> str:
    text = content[:120].decode("utf-8", "replace")
    return repr(text) + ("…" if len(content) > 120 else "")


def send(
    session: requests.Session, exchange: Exchange, base_url: str, *, timeout: float = 10.0
) -> requests.Response:
    """Send an exchange's request (repeat times) with a requests session; return the last answer."""
    response = None
    for n in range(exchange.repeat):
        response = request(session, exchange, base_url, n, timeout=timeout)
    return response  # type: ignore[return-value]  # repeat is at least 1


def request(
    session: requests.Session,
    exchange: Exchange,
    base_url: str,
    n: int = 0,
    *,
    timeout: float = 10.0,
) -> requests.Response:
    """Send the n-th request of an exchange; return the answer."""
    headers = dict(exchange.request_headers)
    if exchange.spoof_forwarded_for:
        headers["X-Forwarded-For"] = f"203.0.113.{n % 250 + 1}"
    return session.request(
        exchange.method,
        base_url.rstrip("/") + exchange.path,
        headers=headers,
        data=exchange.body,
        timeout=timeout,
        allow_redirects=False,
    )


def run(exchanges_: list[Exchange], base_url: str) -> list[tuple[Exchange, list[str]]]:
    """Send each exchange to one running server; return each with its problems (empty when it
    holds). A contract with a rate limit needs restarts: generator.verify plans them."""
    import requests

    with requests.Session() as session:
        return [
            (exchange, exchange.problems(send(session, exchange, base_url)))
            for exchange in exchanges_
        ]
