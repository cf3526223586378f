"""The requests `dualgen parity` sends: a model of one raw HTTP request, and the hypothesis
strategies that draw them from a spec and the catalog.

Nothing here names a difference between the servers: the strategies draw what clients send
(every route and method and more, parameter values valid and invalid for their type, path
shapes, headers, bodies, and under a rate limit sequences of them), each list of choices ordered
simplest first, so that hypothesis shrinks a request towards `GET /`.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import TypeVar
from urllib.parse import unquote

from hypothesis import strategies as st

from .. import catalog
from ..spec import ProjectSpec
from ..spec.routes import Param, Route
from .values import (
    ACCEPT_ENCODINGS,
    CLIENT,
    CLIENT6,
    CODINGS,
    CONDITIONALS,
    EVENT_BODIES,
    FORWARDED_FOR,
    INT_VALUES,
    JSON_BODIES,
    MALFORMED,
    MEDIA_TYPES,
    METHODS,
    PREFLIGHT_HEADERS,
    PREFLIGHT_METHODS,
    PROXIES,
    REQUEST_IDS,
    SHAPES,
    STATIC_PATHS,
    STR_VALUES,
    UNKNOWN_PATHS,
)

#: Bodies larger than this are never drawn (a limit can be 1 GiB).
MAX_BODY = 1 << 20
#: The most independent requests in one example: hypothesis spends less per request on
#: several at once, and they go to the servers at the same time.
MAX_BATCH = 16


@dataclass(frozen=True)
class Body:
    """Request body bytes: a prefix, `size` filler bytes, a suffix. Kept in three parts so that a
    body at a size limit prints and reproduces compactly."""

    prefix: bytes
    size: int = 0
    suffix: bytes = b""
    filler: bytes = b"x"

    def __bytes__(self) -> bytes:
        return self.prefix + self.filler * self.size + self.suffix

    def __len__(self) -> int:
        return len(self.prefix) + self.size + len(self.suffix)

    def describe(self) -> str:
        if not self.size:
            return _short(self.prefix)
        return (
            f"{_short(self.prefix)} + {self.size} × {self.filler.decode()} + {_short(self.suffix)}"
        )


def _short(data: bytes, limit: int = 60) -> str:
    text = repr(data)[1:]
    return text if len(text) <= limit else text[: limit - 1] + "…'"


@dataclass(frozen=True)
class Request:
    """One HTTP request exactly as it goes on the wire, sent `repeat` times in a row."""

    method: str = "GET"
    #: The request target as sent: already percent-encoded, never normalised.
    path: str = "/"
    headers: tuple[tuple[str, str], ...] = ()
    body: Body | None = None
    #: Send the body with Transfer-Encoding: chunked instead of a Content-Length.
    chunked: bool = False
    repeat: int = 1

    def concrete_headers(self, client: str) -> list[tuple[str, str]]:
        """The headers, with `client` (an IPv4 address) and addresses made from it where
        X-Forwarded-For names the client or a proxy."""
        run = client.split(".", 1)[1]
        places = {
            CLIENT: client,
            CLIENT6: "2001:db8::" + run.replace(".", ":"),
            PROXIES[0]: f"10.{run}",
            PROXIES[1]: f"172.{run}",
        }
        found = []
        for name, value in self.headers:
            for place, address in places.items():
                value = value.replace(place, address)
            found.append((name, value))
        return found

    @property
    def routed_path(self) -> str:
        """The path as both servers route it: decoded, with one leading slash."""
        return "/" + unquote(self.path.partition("?")[0]).lstrip("/")

    def describe(self, client: str = "198.18.0.1", *, routed: bool = False) -> str:
        """One line: method, path (as routed, if asked), headers and body, e.g. for a report."""
        parts = [f"{self.method} {self.routed_path if routed else self.path}"]
        parts += [f"{name}: {value}" for name, value in self.concrete_headers(client)]
        if self.body is not None:
            parts.append(f"body {self.body.describe()}" + (" (chunked)" if self.chunked else ""))
        text = (
            "  ".join(parts) if len(parts) == 1 else parts[0] + "  [" + "; ".join(parts[1:]) + "]"
        )
        return f"{self.repeat} × {text}" if self.repeat > 1 else text

    def to_json(self, client: str = "198.18.0.1") -> dict[str, object]:
        data: dict[str, object] = {"method": self.method, "path": self.path}
        data["headers"] = [list(pair) for pair in self.concrete_headers(client)]
        if self.body is not None:
            data["body"] = bytes(self.body).decode("utf-8", "backslashreplace")
            data["chunked"] = self.chunked
        data["repeat"] = self.repeat
        return data


#: An example: the requests one client sends in a row (one, unless a rate limit counts them).
Example = tuple[Request, ...]


_T = TypeVar("_T")


def _maybe(values: Iterable[_T]) -> st.SearchStrategy[_T | None]:
    """None (absent) or one of the values, in one draw (draws are what hypothesis spends its
    time on); shrinks towards absent."""
    return st.sampled_from((None, *values))


SAFE_TEXT = st.text(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~", min_size=1, max_size=6
)
PARAM_VALUES = {
    "int": st.one_of(st.sampled_from(INT_VALUES), SAFE_TEXT),
    "str": st.one_of(st.sampled_from(STR_VALUES), SAFE_TEXT),
}
SCALARS = st.sampled_from((b'"str"', b"42", b"null", b"true", b"[]", b"{}"))


class RequestSpace:
    """The requests worth sending to the servers one spec makes, as hypothesis strategies.
    Every strategy is built once, here: building them is what costs."""

    def __init__(self, spec: ProjectSpec) -> None:
        self.spec = spec
        chosen = set(spec.middleware)
        origins = list(spec.setting("cors", "origins")) if "cors" in chosen else []  # type: ignore[call-overload]  # a list
        self.origins = origins or ["http://localhost:5173"]
        self.limit = int(spec.setting("json-body", "limit")) if "json-body" in chosen else None  # type: ignore[call-overload]  # a number
        self.rate_limit = int(spec.setting("rate-limit", "max")) if "rate-limit" in chosen else None  # type: ignore[call-overload]  # a number
        #: Under a rate limit, an example is one client's requests in order.
        self.sequential = self.rate_limit is not None
        #: GET /events opens a stream that never ends: parity sends HEAD there instead, and
        #: compares the streams themselves apart (parity/streams.py).
        self.streams = "events" in chosen
        reserved = sorted({p for c in catalog.MIDDLEWARE for p in c.reserved_paths} - {"/static"})
        routes = st.one_of(
            [
                self._route_path(route).map(lambda path, route=route: (path, route))  # type: ignore[misc]  # a default
                for route in spec.routes
            ]
        )
        others = st.sampled_from(
            reserved + list(UNKNOWN_PATHS) + list(STATIC_PATHS) + self._prefixes()
        ).map(lambda path: (path, None))
        self._paths = st.tuples(st.one_of(routes, others), st.sampled_from(SHAPES)).map(
            lambda pair: (_shape(pair[0][0], pair[1]), pair[0][1])
        )
        self._methods = {
            key: st.sampled_from([*own, *(m for m in METHODS if m not in own)])
            for key, own in [(None, [])] + [(r.method, [r.method]) for r in spec.routes]
        }
        self._origin = _maybe(self._origins())
        self._optional = [
            (name, _maybe(values))
            for name, values in (
                ("Accept-Encoding", ACCEPT_ENCODINGS),
                ("X-Request-ID", REQUEST_IDS),
                ("X-Forwarded-For", FORWARDED_FOR),
            )
        ]
        self._preflight = (_maybe(PREFLIGHT_METHODS), _maybe(PREFLIGHT_HEADERS))
        self._conditional = _maybe(CONDITIONALS)
        limit = self.limit if self.limit is not None else 102_400
        self._sizes = st.sampled_from((limit, limit + 1, limit - 1, 1))
        # No body half of the time.
        kinds = (None, None, None, None, "json", "malformed", "size", "scalar")
        self._kinds = st.sampled_from(kinds + ("event",) * self.streams)
        self._events = st.sampled_from(EVENT_BODIES)
        #: With events, one request in eight publishes one.
        self._publishing = st.sampled_from((False,) * 7 + (True,))
        self._malformed = st.sampled_from(MALFORMED)
        self._json = st.sampled_from(JSON_BODIES)
        self._media = st.sampled_from(MEDIA_TYPES)
        self._coding = _maybe(CODINGS)
        self._requests = st.composite(lambda draw: self._request(draw))()

    # -- paths -----------------------------------------------------------------------------

    def _route_path(self, route: Route) -> st.SearchStrategy[str]:
        parts = [
            PARAM_VALUES[segment.type] if isinstance(segment, Param) else st.just(segment)
            for segment in route.segments
        ]
        return st.tuples(*parts).map(lambda values: "/" + "/".join(values))

    def _prefixes(self) -> list[str]:
        """Paths one segment shorter or longer than a route's: near misses."""
        found = []
        for route in self.spec.routes:
            sample = route.sample_path()
            if sample != "/":
                found.append(sample.rsplit("/", 1)[0] or "/")
                found.append(sample + "/extra")
        return sorted(set(found) - {route.sample_path() for route in self.spec.routes})

    # -- headers and bodies ----------------------------------------------------------------

    def _headers(self, draw: st.DrawFn, method: str) -> tuple[tuple[str, str], ...]:
        headers: list[tuple[str, str]] = []
        origin = draw(self._origin)
        if origin is not None:
            headers.append(("Origin", origin))
            if method == "OPTIONS":
                wanted = draw(self._preflight[0])
                if wanted is not None:
                    headers.append(("Access-Control-Request-Method", wanted))
                    asked = draw(self._preflight[1])
                    if asked is not None:
                        headers.append(("Access-Control-Request-Headers", asked))
        for name, values in self._optional:
            value = draw(values)
            if value is not None:
                headers.append((name, value))
        conditional = draw(self._conditional)
        if conditional is not None:
            headers.append(conditional)
        return tuple(headers)

    def _origins(self) -> list[str]:
        first = self.origins[0]
        scheme, _, rest = first.partition("://")
        return [
            *self.origins,
            "https://refused.example",
            "null",
            first.upper(),
            f"{scheme}://{rest.upper()}",
            first + "/",
            first + ".evil.example",
        ]

    def _body(self, draw: st.DrawFn) -> tuple[Body | None, tuple[tuple[str, str], ...], bool]:
        """A body, the headers that describe it, and whether it goes chunked."""
        kind = draw(self._kinds)
        if kind is None:
            return None, (), False
        if kind == "size":
            return self._sized(draw)
        if kind in ("json", "event"):
            values = self._json if kind == "json" else self._events
            data = json.dumps(draw(values), ensure_ascii=False).encode()
        else:
            data = draw(SCALARS if kind == "scalar" else self._malformed)
        media = draw(self._media)
        headers: list[tuple[str, str]] = [("Content-Type", media)] if media else []
        coding = draw(self._coding)
        if coding is not None:
            headers.append(("Content-Encoding", coding))
            if coding == "gzip" and draw(st.booleans()):
                data = gzip.compress(data, mtime=0)
        return Body(data), tuple(headers), draw(st.booleans())

    def _sized(self, draw: st.DrawFn) -> tuple[Body | None, tuple[tuple[str, str], ...], bool]:
        """A JSON body just at or over the size limit (or around 100 KiB without one)."""
        prefix, suffix = b'{"data": "', b'"}'
        size = max(0, min(draw(self._sizes), MAX_BODY) - len(prefix) - len(suffix))
        body = Body(prefix, size, suffix)
        return body, (("Content-Type", "application/json"),), draw(st.booleans())

    # -- whole requests --------------------------------------------------------------------

    def _request(self, draw: st.DrawFn) -> Request:
        if self.streams and draw(self._publishing):
            return self._publish(draw)
        path, route = draw(self._paths)
        method = draw(self._methods[route.method if route is not None else None])
        if method == "GET" and self.streams and "events" in unquote(path).lower():
            method = "HEAD"
        headers = self._headers(draw, method)
        body, chunked = None, False
        if method != "HEAD":
            body, body_headers, chunked = self._body(draw)
            headers += body_headers
        return Request(method, path, headers, body, chunked)

    def _publish(self, draw: st.DrawFn) -> Request:
        """POST /events with an event's body (or a near miss), as a client publishes."""
        headers = self._headers(draw, "POST")
        body = Body(json.dumps(draw(self._events), ensure_ascii=False).encode())
        headers += (("Content-Type", "application/json"),)
        return Request("POST", "/events", headers, body, draw(st.booleans()))

    def requests(self) -> st.SearchStrategy[Request]:
        return self._requests

    def examples(self) -> st.SearchStrategy[Example]:
        """Independent requests (a batch), or under a rate limit what one client sends in a
        row, a sequence in which a request may repeat up to just past the limit."""
        if self.rate_limit is None:
            return st.lists(self._requests, min_size=1, max_size=MAX_BATCH).map(tuple)
        limit = self.rate_limit
        repeats = st.sampled_from((1,) * 12 + (2, max(1, limit - 1), limit, limit + 1))
        step = st.tuples(self._requests, repeats).map(lambda pair: replace(pair[0], repeat=pair[1]))
        return st.lists(step, min_size=1, max_size=4).map(tuple)


def _shape(path: str, shape: str) -> str:
    """The path changed as clients (and scanners) change paths."""
    if shape == "trailing slash":
        return path if path.endswith("/") else path + "/"
    if shape == "query":
        return path + "?q=1&q=%zz"
    if shape == "empty query":
        return path + "?"
    if shape == "double slash first":
        return "/" + path
    if shape == "double slash inside":
        head, _, tail = path[1:].partition("/")
        return f"/{head}//{tail}" if tail else path + "/"
    if shape == "upper case":
        return path.upper()
    if shape == "dot segment":
        return "/." + path if path != "/" else "/./"
    if shape == "encoded letter":
        escaped = {i for i, char in enumerate(path) if char == "%" for i in (i + 1, i + 2)}
        letters = (i for i, char in enumerate(path) if char.isalpha() and i not in escaped)
        index = next(letters, None)
        if index is None:
            return path
        return path[:index] + f"%{ord(path[index]):02X}" + path[index + 1 :]
    return path
