"""What a client sees of an answer, and how two answers are compared: status, body (JSON as
JSON), Content-Type, and every header a client or browser acts on.

Headers are compared exactly unless `HEADER_RULES` says otherwise; that table is the one place
that lists the headers which legitimately differ, each with the reason.
"""

from __future__ import annotations

import gzip
import json
import re
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import cast

from .wire import Answer

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")


@dataclass(frozen=True)
class Rule:
    """How one header is compared, and why it is not compared exactly."""

    how: str
    why: str


#: Headers not compared byte for byte. Every other header is compared exactly (absent included).
HEADER_RULES: dict[str, Rule] = {
    "date": Rule("ignored", "the time each server answered"),
    "connection": Rule("ignored", "connection management between one client and one server"),
    "keep-alive": Rule("ignored", "connection management between one client and one server"),
    "transfer-encoding": Rule(
        "ignored", "message framing (chunked or a length); the body itself is compared"
    ),
    "content-length": Rule(
        "ignored",
        "framing: JSON is compared as JSON (the servers space it differently) and a compressed "
        "body's length depends on the compressor; the body itself is compared",
    ),
    "server": Rule(
        "no version",
        "names the server software, which differs by nature; only a disclosed version counts",
    ),
    "etag": Rule(
        "presence",
        "an opaque validator each server computes its own way; whether one is sent is compared, "
        "and what If-None-Match gets back",
    ),
    "last-modified": Rule(
        "presence",
        "a static file's time: each project's copy of the file was written at its own moment",
    ),
    "x-ratelimit-reset": Rule("seconds", "a clock time: the two servers' clocks tick apart"),
    "retry-after": Rule("seconds", "seconds until the window ends: the two clocks tick apart"),
    "x-request-id": Rule("request id", "a created id is random: echoed ids are compared exactly"),
    "allow": Rule("set", "a list whose order each framework chooses"),
    "vary": Rule("set", "a list whose order each framework chooses"),
    "access-control-allow-methods": Rule("set", "a list whose order each framework chooses"),
    "access-control-allow-headers": Rule("set", "a list whose order each framework chooses"),
    "access-control-expose-headers": Rule("set", "a list whose order each framework chooses"),
    "content-type": Rule(
        "content type",
        "compared on its own: media type, and charset except for JSON, which has none "
        "(RFC 8259: always UTF-8; Express adds charset=utf-8, Flask does not)",
    ),
}


def _close_seconds(a: str | None, b: str | None) -> bool:
    if a is None or b is None or not all(re.fullmatch(r"[0-9]+", v.strip()) for v in (a, b)):
        return a == b
    return abs(int(a) - int(b)) <= 2


def _items(value: str | None) -> object:
    if value is None:
        return None
    return sorted({item.strip().lower() for item in value.split(",") if item.strip()})


def _no_version(value: str | None) -> str | None:
    """A Server header that discloses a version (a digit after a slash), or None."""
    return value if value is not None and re.search(r"/\s*v?\d", value) else None


def _request_id(value: str | None) -> str | None:
    return None if value is None else UUID.sub("<random uuid>", value)


#: How each rule normalises a value ("seconds" compares two values, in _close_seconds).
_NORMAL: dict[str, Callable[[str | None], object]] = {
    "presence": lambda value: value is not None,
    "set": _items,
    "no version": _no_version,
    "request id": _request_id,
}


def headers_same(name: str, a: str | None, b: str | None) -> bool:
    rule = HEADER_RULES.get(name.lower())
    how = rule.how if rule else "exact"
    if how in ("ignored", "content type"):
        return True
    if how == "seconds":
        return _close_seconds(a, b)
    if how in _NORMAL:
        return _NORMAL[how](a) == _NORMAL[how](b)
    return a == b


def content_type(value: str | None) -> str | None:
    """Media type, lower-cased, and its charset unless the type is JSON."""
    if value is None:
        return None
    media, *params = [part.strip() for part in value.split(";")]
    media = media.lower()
    if media == "application/json" or media.endswith("+json"):
        return media
    charset = next(
        (
            p.split("=", 1)[1].strip().strip('"').lower()
            for p in params
            if "=" in p and p.split("=", 1)[0].strip().lower() == "charset"
        ),
        None,
    )
    return f"{media}; charset={charset}" if charset else media


def body_of(answer: Answer) -> tuple[str, object]:
    """The body as a client reads it: decompressed, JSON parsed when it is JSON."""
    data = answer.body
    coding = (answer.header("Content-Encoding") or "").strip().lower()
    try:
        if coding == "gzip":
            data = gzip.decompress(data)
        elif coding == "deflate":
            data = zlib.decompress(data)
        elif coding == "br":
            import brotli

            data = brotli.decompress(data)
    except Exception:  # noqa: BLE001 - a body that does not decode is compared as bytes
        return ("undecodable", coding)
    media = content_type(answer.header("Content-Type")) or ""
    if media == "application/json" or media.endswith("+json"):
        try:
            value = json.loads(data)
        except (ValueError, RecursionError):
            return ("bytes", data)
        if answer.status == 202 and _is_event_id(value):
            # Events published at once are numbered in the order each server took them (the
            # streams' ids are compared in order: parity/streams.py).
            value = {"id": "(an event id)"}
        return ("json", _canonical(value))
    return ("bytes", data)


def _is_event_id(value: object) -> bool:
    """POST /events' answer: {"id": N}."""
    return (
        isinstance(value, dict)
        and list(value) == ["id"]
        and isinstance(value["id"], int)
        and not isinstance(value["id"], bool)
    )


def _canonical(value: object) -> str:
    """JSON text for comparing values as JSON: keys sorted, 1.0 and 1 alike, true and 1 not."""

    def normal(item: object) -> object:
        if isinstance(item, float) and item.is_integer():
            return int(item)
        if isinstance(item, list):
            return [normal(x) for x in item]
        if isinstance(item, dict):
            return {key: normal(x) for key, x in item.items()}
        return item

    return json.dumps(normal(value), sort_keys=True, ensure_ascii=False)


@dataclass(frozen=True)
class Aspect:
    """One thing that differs between two answers."""

    #: "status", "content-type", "body" or "header".
    kind: str
    #: The header's name (as the first server wrote it), else "".
    name: str
    flask: str | None
    express: str | None

    @property
    def label(self) -> str:
        return f"header {self.name}" if self.kind == "header" else self.kind


def compare(flask: Answer, express: Answer) -> list[Aspect]:
    """What differs between the two answers, most telling first: status, Content-Type, body,
    then headers by name."""
    found: list[Aspect] = []
    if flask.status != express.status or flask.error != express.error:
        found.append(Aspect("status", "", _status(flask), _status(express)))
        return found
    if flask.status is None:
        return found
    a, b = content_type(flask.header("Content-Type")), content_type(express.header("Content-Type"))
    if a != b:
        found.append(Aspect("content-type", "", a, b))
    body_a, body_b = body_of(flask), body_of(express)
    if body_a != body_b:
        found.append(Aspect("body", "", _show_body(body_a), _show_body(body_b)))
    names: dict[str, str] = {}
    for key, _ in flask.headers + express.headers:
        names.setdefault(key.lower(), key)
    for lowered in sorted(names):
        va, vb = flask.header(lowered), express.header(lowered)
        if not headers_same(lowered, va, vb):
            found.append(Aspect("header", names[lowered], va, vb))
    return found


def _status(answer: Answer) -> str:
    return str(answer.status) if answer.error is None else f"no answer ({answer.error})"


def _show_body(body: tuple[str, object]) -> str:
    kind, value = body
    if kind == "bytes":
        text = cast(bytes, value).decode("utf-8", "backslashreplace")  # the bytes kind
    else:
        text = str(value)
    return text if len(text) <= 200 else text[:199] + "…"
