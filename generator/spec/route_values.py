"""The checks a route's own values pass: its simulated work, its text and its JSON body (no
NaN, no lone surrogate, no nesting past MAX_JSON_DEPTH)."""

from __future__ import annotations

from ..errors import SpecError

#: Simulated work a route may do before it answers, in milliseconds: `delay` waits (as for a
#: database or an upstream call), `cpu` keeps one CPU busy. The most a request may ask for.
WORK_KINDS = ("delay", "cpu")

MAX_WORK_MS = 10_000

#: How deeply a route's JSON body may nest: deep enough for any real answer, shallow enough that
#: neither language's parser or writer recurses out of its stack.
MAX_JSON_DEPTH = 32


def route_work(data: dict[str, object], path: str) -> dict[str, object]:
    """The route's simulated work: at most one of delay and cpu, whole milliseconds."""
    kinds = [kind for kind in WORK_KINDS if kind in data]
    if len(kinds) > 1:
        raise SpecError(f"route {path} may set only one of delay, cpu; got both")
    for kind in kinds:
        ms = data[kind]
        if isinstance(ms, bool) or not isinstance(ms, int) or not 1 <= ms <= MAX_WORK_MS:
            raise SpecError(
                f"route {kind} {ms!r} for {path} must be whole milliseconds from 1 to {MAX_WORK_MS}"
            )
    return {kind: data[kind] for kind in kinds}


def check_text(text: str, what: str) -> str:
    """Text must be encodable as UTF-8: a lone surrogate cannot be sent or written."""
    if any("\ud800" <= char <= "\udfff" for char in text):
        raise SpecError(f"{what} holds a lone surrogate, which is not text; use UTF-8 characters")
    return text


def check_json(value: object, path: str, depth: int = 0) -> object:
    """Keep JSON values both languages write alike: no floats that print differently."""
    if depth > MAX_JSON_DEPTH:
        raise SpecError(f"route json for {path} nests deeper than {MAX_JSON_DEPTH} levels")
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str):
        return check_text(value, f"route json for {path}")
    if isinstance(value, int):
        if abs(value) > 2**53 - 1:
            raise SpecError(
                f"route json for {path}: {value} is too large for JavaScript (max 2**53-1)"
            )
        return value
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise SpecError(f"route json for {path}: {value} is not a JSON number")
        if value.is_integer():
            return check_json(int(value), path)
        return value
    if isinstance(value, list):
        return [check_json(item, path, depth + 1) for item in value]
    if isinstance(value, dict):
        for key in value:
            if not isinstance(key, str):
                raise SpecError(f"route json for {path}: key {key!r} must be a string")
            check_text(key, f"route json for {path}")
        return {key: check_json(item, path, depth + 1) for key, item in value.items()}
    raise SpecError(f"route json for {path}: {value!r} is not a JSON value")
