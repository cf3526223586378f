"""What stateful parity draws: one operation on a resource at a time, chosen against a model of
what the store holds (`Items`), as an HTTP request both servers get.

An operation is a create, read, replace (PUT), delete or list (`?limit=&offset=`), or an invalid
write (a wrong type, a required field missing, an unknown field, a text too long or with NUL,
a number out of range, a body that is not an object, an empty or malformed body) or a request
for an id that is bad (not a whole number) or not there. A sequence holds 10 to 30 of them,
writes and reads weighted above lists. Ids target an item that exists most of the time (80 % of
the draws once one exists), else one deleted, one never given, or a bad one.

Each operation takes few draws (its kind, then one number for its id or its item), so that a
sequence shrinks in few replays, each on fresh servers. Every list of choices is ordered
simplest first, so that hypothesis shrinks an operation towards a plain list and a value
towards the first of its kind.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from hypothesis import strategies as st

from ..spec.resources import MAX_INT, MAX_LIMIT, MAX_STRING, Field, Resource
from .requests import Body, Request

#: A sequence holds at least this many operations and at most MAX_STEPS (it stops sooner at its
#: first difference).
MIN_STEPS = 10
MAX_STEPS = 30
#: The kinds of operation, simplest first; repeats weight the draw (writes and reads of items
#: that exist are what finds state kept wrongly).
KINDS = (
    ("list",) * 3
    + ("create",) * 6
    + ("read",) * 4
    + ("replace",) * 3
    + ("delete",) * 3
    + ("list page",) * 2
    + ("invalid create", "invalid replace", "empty body")
)
#: Of the id draws once an item exists, LIVE_CHOICES in (LIVE_CHOICES + GONE_CHOICES + 1 +
#: len(BAD_IDS)) name one (60 in 75: 80 %); GONE_CHOICES a deleted one (a store that kept it
#: shows it), one an id never given, and one each bad id.
LIVE_CHOICES = 60
GONE_CHOICES = 6
#: A field left out of a body.
ABSENT = object()
#: An id that no item has, however long the sequence.
NEVER = 10**6
#: Ids no route matches as a whole number, or no item could have.
BAD_IDS = ("0", "abc", "-1", "1.5", "01", "99999999999999999999", "%20", "1e3")
JSON = (("Content-Type", "application/json"),)
_T = TypeVar("_T")

VALUES: dict[str, tuple[object, ...]] = {
    "str": ("a", "", "é ☃ 😀", "<b>'\"</b>", "x" * MAX_STRING, " spaced "),
    "int": (0, 1, -1, 42, MAX_INT, -MAX_INT),
    "float": (0.5, 0, -2.25, 1e300, 3, 1e-7),
    "bool": (True, False),
}
#: A value of another type for each field type.
WRONG: dict[str, tuple[object, ...]] = {
    "str": (1, True, None, [], {}),
    "int": ("1", 1.5, True, None, [1]),
    "float": ("1.5", True, None, {}),
    "bool": (1, "true", None, 0),
}
INVALID = (
    "wrong type",
    "required missing",
    "unknown field",
    "text too long",
    "text with NUL",
    "number out of range",
    "not an object",
    "malformed",
)
LIMITS = (None, 1, 2, 5, MAX_LIMIT, 0, MAX_LIMIT + 1, "x")
OFFSETS = (None, 0, 1, 2, 10, -1, "y")


@dataclass
class Items:
    """What a store holds of one resource as both servers answered: the ids given and the ids
    deleted (the answers agree so far; a sequence stops at their first difference)."""

    live: list[int] = field(default_factory=list)
    gone: list[int] = field(default_factory=list)

    def learn(self, request: Request, status: int | None, body: bytes) -> None:
        """Follow one answer: a create adds its id, a delete that succeeded removes one."""
        if request.method == "POST" and status == 201:
            try:
                self.live.append(int(json.loads(body)["id"]))
            except (ValueError, KeyError, TypeError):
                pass
        elif request.method == "DELETE" and status == 204:
            found = request.path.rsplit("/", 1)[1]
            if found.isdigit() and int(found) in self.live:
                self.live.remove(int(found))
                self.gone.append(int(found))


@dataclass(frozen=True)
class Step:
    """One drawn operation: its kind (for the report) and the request."""

    kind: str
    resource: str
    request: Request


class Operations:
    """The strategies of one spec's resources: built once."""

    def __init__(self, resources: Sequence[Resource]) -> None:
        if not resources:
            raise ValueError("stateful parity needs a project with at least one resource")
        self.resources = tuple(resources)
        self._resource = st.sampled_from(range(len(self.resources)))
        self._kind = st.sampled_from(KINDS)
        #: How many operations a sequence holds (it stops sooner at its first difference).
        self.length = st.integers(MIN_STEPS, MAX_STEPS)
        self._invalid = st.sampled_from(INVALID)
        self._limit = st.sampled_from(LIMITS)
        self._offset = st.sampled_from(OFFSETS)
        self._target = st.integers(0, LIVE_CHOICES + GONE_CHOICES + len(BAD_IDS))
        self._variants = st.integers(0, 2**31 - 1)
        self._items = {
            r.path: st.integers(0, math.prod(len(_options(f)) for f in r.fields) - 1)
            for r in self.resources
        }

    def step(self, draw: st.DrawFn, models: Sequence[Items]) -> Step:
        """The next operation, given what each resource's store holds."""
        index = draw(self._resource)
        resource, items = self.resources[index], models[index]
        kind = draw(self._kind)
        path = resource.path
        if kind == "list":
            request = Request("GET", path)
        elif kind == "list page":
            request = Request("GET", path + self._page(draw))
        elif kind == "create":
            request = _json("POST", path, self.item(draw, resource))
        elif kind == "invalid create":
            request = Request("POST", path, JSON, self.invalid(draw, resource))
        elif kind == "empty body":
            method, target = draw(st.sampled_from((("POST", path), ("PUT", None))))
            where = target or f"{path}/{self.target(draw, items)}"
            request = Request(method, where, JSON, Body(b""))
        else:
            where = f"{path}/{self.target(draw, items)}"
            if kind == "read":
                request = Request("GET", where)
            elif kind == "delete":
                request = Request("DELETE", where)
            elif kind == "replace":
                request = _json("PUT", where, self.item(draw, resource))
            else:  # invalid replace
                request = Request("PUT", where, JSON, self.invalid(draw, resource))
        return Step(kind, resource.path, request)

    def target(self, draw: st.DrawFn, items: Items) -> str:
        """An id, in one draw: one that exists most of the time (once one does),
        else one deleted, one never given, or a bad one."""
        n = draw(self._target)
        if items.live and n < LIVE_CHOICES:
            return str(items.live[n % len(items.live)])
        gone = n - LIVE_CHOICES - 1  # 0 to GONE_CHOICES - 1: a deleted item
        if 0 <= gone < GONE_CHOICES and items.gone:
            return str(items.gone[-1 - gone % len(items.gone)])
        if gone >= GONE_CHOICES:
            return BAD_IDS[gone - GONE_CHOICES]
        return str(NEVER)

    def item(self, draw: st.DrawFn, resource: Resource) -> dict[str, object]:
        """A valid item, in one draw: each required field with a value of its type; each
        optional one with a value, null, or absent."""
        return decode(draw(self._items[resource.path]), resource.fields)

    def invalid(self, draw: st.DrawFn, resource: Resource) -> Body:
        """A body a write must refuse (422, or 400 when it is not JSON), in two draws."""
        how, n = draw(self._invalid), draw(self._variants)
        item = decode(n, resource.fields)
        fields = resource.fields
        texts = [f for f in fields if f.type == "str"]
        ints = [f for f in fields if f.type == "int"]
        required = [f for f in fields if not f.optional]
        if how == "wrong type":
            chosen = fields[n % len(fields)]
            item[chosen.name] = _pick(WRONG[chosen.type], n)
        elif how == "required missing" and required:
            item.pop(required[n % len(required)].name, None)
        elif how == "text too long" and texts:
            item[texts[n % len(texts)].name] = "é" * (MAX_STRING + 1)
        elif how == "text with NUL" and texts:
            item[texts[n % len(texts)].name] = "a\u0000b"
        elif how == "number out of range" and ints:
            item[ints[n % len(ints)].name] = _pick((MAX_INT + 1, -MAX_INT - 1), n)
        elif how == "not an object":
            return Body(_pick((b"[]", b'"x"', b"1", b"null"), n))
        elif how == "malformed":
            return Body(_pick((b"{", b'{"a": }', b"\xff"), n))
        else:  # an unknown field (also where the resource has no field of the kind drawn)
            item[_unknown(fields)] = 1
        return Body(json.dumps(item, ensure_ascii=False).encode())

    def _page(self, draw: st.DrawFn) -> str:
        limit, offset = draw(self._limit), draw(self._offset)
        query = [f"{name}={value}" for name, value in (("limit", limit), ("offset", offset))]
        chosen = [q for q, value in zip(query, (limit, offset), strict=True) if value is not None]
        return "?" + "&".join(chosen) if chosen else ""


def _options(f: Field) -> tuple[object, ...]:
    """What a valid item may give a field: its type's values, then null and absent if optional."""
    return VALUES[f.type] + ((None, ABSENT) if f.optional else ())


def decode(n: int, fields: Sequence[Field]) -> dict[str, object]:
    """The item number `n` names (0: each field's first value): one digit per field."""
    found: dict[str, object] = {}
    for f in fields:
        options = _options(f)
        n, digit = divmod(n, len(options))
        if options[digit] is not ABSENT:
            found[f.name] = options[digit]
    return found


def _pick(values: Sequence[_T], n: int) -> _T:
    return values[n % len(values)]


def _json(method: str, path: str, value: object) -> Request:
    return Request(method, path, JSON, Body(json.dumps(value, ensure_ascii=False).encode()))


def _unknown(fields: Sequence[Field]) -> str:
    names = {f.name for f in fields}
    return next(n for n in ("unknown", "unknown_field", "unknown_2", "unknown_3") if n not in names)
