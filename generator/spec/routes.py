"""Routes in one neutral syntax, translated to a Flask rule and an Express 5 path.

`GET /users/{id:int}` becomes Flask `/users/<int:id>` and Express `/users/:id` (plus a digits check
in the handler, since Express 5 has no inline regex). A typed parameter that does not match answers
404 in both, as Flask does.
"""

from __future__ import annotations

import keyword
import re
from dataclasses import dataclass, field
from typing import Any

from ..errors import SpecError
from .route_values import WORK_KINDS, check_json, check_text, route_work

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
PARAM_TYPES = ("str", "int")
#: A value of each type that matches it, used by the exchanges and the generated tests.
SAMPLES = {"int": "42", "str": "example"}
#: Statuses whose responses never carry a body (RFC 9110): a route answering one sends nothing.
NO_BODY_STATUSES = (204, 205, 304)

_LITERAL = re.compile(r"[A-Za-z0-9._~-]+")
_PARAM = re.compile(r"\{([^{}:]*)(?::([^{}]*))?\}")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}")
_MISSING = object()


@dataclass(frozen=True)
class Param:
    name: str
    type: str


@dataclass(frozen=True)
class Route:
    """One route: a method, a neutral path, and the response it gives."""

    method: str
    path: str
    params: tuple[Param, ...] = ()
    status: int = 200
    text: str | None = None
    json: object = field(default=_MISSING)
    error: str | None = None
    #: Milliseconds of waiting or of CPU work before the answer (0: none).
    delay: int = 0
    cpu: int = 0

    @property
    def has_json(self) -> bool:
        return self.json is not _MISSING

    @property
    def label(self) -> str:
        return f"{self.method} {self.path}"

    @property
    def segments(self) -> list[str | Param]:
        by_name = {param.name: param for param in self.params}
        parts: list[str | Param] = []
        for segment in self.path.strip("/").split("/") if self.path != "/" else []:
            match = _PARAM.fullmatch(segment)
            parts.append(by_name[match.group(1)] if match else segment)
        return parts

    @property
    def shape(self) -> tuple[str, ...]:
        """The path with parameters blanked: two routes of one shape match the same URLs."""
        return tuple("{}" if isinstance(s, Param) else s for s in self.segments)

    @property
    def flask_rule(self) -> str:
        return "/" + "/".join(
            (f"<{s.name}>" if s.type == "str" else f"<{s.type}:{s.name}>")
            if isinstance(s, Param)
            else s
            for s in self.segments
        )

    @property
    def express_path(self) -> str:
        return "/" + "/".join(f":{s.name}" if isinstance(s, Param) else s for s in self.segments)

    @property
    def sort_key(self) -> tuple[int, ...]:
        """Werkzeug tries static segments before converters, and int before str."""
        order = {"int": 1, "str": 2}
        return tuple(order[s.type] if isinstance(s, Param) else 0 for s in self.segments)

    def sample_path(self, overrides: dict[str, str] | None = None) -> str:
        values = {p.name: SAMPLES[p.type] for p in self.params} | (overrides or {})
        return "/" + "/".join(values[s.name] if isinstance(s, Param) else s for s in self.segments)

    def sample_params(self) -> dict[str, int | str]:
        return {
            p.name: int(SAMPLES[p.type]) if p.type == "int" else SAMPLES[p.type]
            for p in self.params
        }

    def default_body(self) -> dict[str, object]:
        """The documented response of a route that sets none: its label and its parameters."""
        return {"route": self.label, "params": self.sample_params()}

    @property
    def no_body(self) -> bool:
        """The route answers with an empty body: a default response of a no-body status."""
        return self.status in NO_BODY_STATUSES and self.error is None

    def response_kind(self) -> str:
        if self.error is not None:
            return "error"
        if self.text is not None:
            return "text"
        return "json" if self.has_json else "default"

    def body(self) -> object:
        """The JSON value (or text) the route answers for its sample request."""
        if self.text is not None:
            return self.text
        if self.has_json:
            return self.json
        return self.default_body()

    def answers(self) -> dict[str, object]:
        """The route as an answer-file mapping, with defaults left out."""
        data: dict[str, object] = {"method": self.method, "path": self.path}
        if self.status != 200:
            data["status"] = self.status
        if self.text is not None:
            data["text"] = self.text
        if self.has_json:
            data["json"] = self.json
        if self.error is not None:
            data["error"] = self.error
        data.update({kind: getattr(self, kind) for kind in WORK_KINDS if getattr(self, kind)})
        return data

    def context(self) -> dict[str, object]:
        """What the templates need to write the route, in both frameworks."""
        return {
            "method": self.method,
            "path": self.path,
            "flask_rule": self.flask_rule,
            "express_path": self.express_path,
            "params": [{"name": p.name, "type": p.type} for p in self.params],
            "status": self.status,
            "kind": self.response_kind(),
            "text": self.text,
            "json": self.json if self.has_json else None,
            "error": self.error,
            "sample_path": self.sample_path(),
            # The sample path with one int parameter not an int, by parameter: no route (404).
            "non_int_paths": {
                p.name: self.sample_path({p.name: "abc"}) for p in self.params if p.type == "int"
            },
            "sample_params": self.sample_params(),
            "sort_key": list(self.sort_key),
            "view": self.view_name(),
            "no_body": self.no_body,
            "delay": self.delay,
            "cpu": self.cpu,
            # The statement that does the work: in the view, in the handler after its checks.
            "work_py": self.work_statement("flask"),
            "work_js": self.work_statement("express"),
            # What the sample request gets back (none when the route raises or sends no body).
            "body": None if self.no_body or self.error is not None else self.body(),
        }

    def work_statement(self, framework: str) -> str:
        """The simulated work as one statement (empty: none). Express waits without blocking
        (timers/promises); Flask sleeps in its worker; both burn CPU with work.py / work.js."""
        if self.delay and framework == "flask":
            return f"time.sleep({self.delay / 1000!r})"
        if self.delay:
            return f"await sleep({self.delay});"
        if self.cpu:
            return f"burn({self.cpu})" + (";" if framework == "express" else "")
        return ""

    def view_name(self) -> str:
        """A function name for the route: GET /users/{id:int} -> get_users_id."""
        if (self.method, self.path) == ("GET", "/"):
            return "hello"
        words = [self.method.lower()]
        for segment in self.segments:
            word = segment.name if isinstance(segment, Param) else segment
            words.append(re.sub(r"[^a-z0-9]+", "_", word.lower()).strip("_"))
        return "_".join(word for word in words if word)


def allowed_methods(routes: list[Route] | tuple[Route, ...], route: Route) -> list[str]:
    """What the Allow header lists for the route's URLs, as Flask sends it: the methods of every
    route of the same shape, OPTIONS, and HEAD wherever GET is."""
    methods = {other.method for other in routes if other.shape == route.shape} | {"OPTIONS"}
    if "GET" in methods:
        methods.add("HEAD")
    return sorted(methods)


def route_contexts(routes: list[Route] | tuple[Route, ...]) -> list[dict[str, object]]:
    """The template context of each route, with function names made unique."""
    contexts, used = [], set()
    for route in routes:
        context = route.context()
        context["allow"] = ", ".join(allowed_methods(routes, route))
        name, n = context["view"], 2
        while context["view"] in used:
            context["view"], n = f"{name}_{n}", n + 1
        used.add(context["view"])
        contexts.append(context)
    return contexts


def hello_route() -> Route:
    return Route("GET", "/", text="Hello, World!")


def parse_path(path: object) -> tuple[str, tuple[Param, ...]]:
    """Check a neutral path and return it normalised (`{id}` → `{id:str}`) with its parameters."""
    if not isinstance(path, str) or not path.startswith("/"):
        raise SpecError(f"route path {path!r} must start with '/', e.g. '/users/{{id:int}}'")
    if path == "/":
        return path, ()
    if path.endswith("/"):
        raise SpecError(
            f"route path {path!r} must not end with '/' (Flask and Express disagree on it)"
        )
    params: list[Param] = []
    segments: list[str] = []
    for segment in path[1:].split("/"):
        if not segment:
            raise SpecError(f"route path {path!r} has an empty segment ('//')")
        if "{" in segment or "}" in segment:
            match = _PARAM.fullmatch(segment)
            if not match:
                raise SpecError(
                    f"route path {path!r}: segment {segment!r} must be a literal or one whole "
                    "parameter like '{id}' or '{id:int}' (balanced braces, one per segment)"
                )
            name, kind = match.group(1), match.group(2) or "str"
            if not _NAME.fullmatch(name) or keyword.iskeyword(name):
                raise SpecError(
                    f"route path {path!r}: parameter name {name!r} must be an identifier "
                    "(letters, digits, _; not a Python keyword)"
                )
            if kind not in PARAM_TYPES:
                raise SpecError(
                    f"route path {path!r}: parameter type {kind!r} is not one of "
                    f"{', '.join(PARAM_TYPES)}"
                )
            if any(p.name == name for p in params):
                raise SpecError(f"route path {path!r}: parameter {name!r} appears twice")
            params.append(Param(name, kind))
            segments.append(f"{{{name}:{kind}}}" if kind != "str" else f"{{{name}}}")
        elif _LITERAL.fullmatch(segment):
            segments.append(segment)
        else:
            raise SpecError(
                f"route path {path!r}: segment {segment!r} may only hold letters, digits, . _ ~ -"
            )
    return "/" + "/".join(segments), tuple(params)


def parse_route(text: object) -> Route:
    """Parse `"GET /users/{id:int}"` as given on the command line, optionally followed by
    simulated work: `"GET /slow delay=100"` or `"GET /work cpu=20"` (milliseconds)."""
    words = text.split() if isinstance(text, str) else []
    if not 2 <= len(words) <= 3:
        raise SpecError(
            f"route {text!r} must be 'METHOD /path', e.g. 'GET /users/{{id:int}}', optionally "
            "followed by delay=MS or cpu=MS"
        )
    data: dict[str, object] = {"method": words[0], "path": words[1]}
    if len(words) == 3:
        kind, equals, ms = words[2].partition("=")
        if kind not in WORK_KINDS or not equals or not (ms.isascii() and ms.isdigit()):
            raise SpecError(
                f"route {text!r}: {words[2]!r} must be delay=MS or cpu=MS (whole milliseconds)"
            )
        data[kind] = int(ms)
    return make_route(data)


#: The fields of a route in an answer file.
ROUTE_KEYS = ("method", "path", "status", "text", "json", "error", *WORK_KINDS)


def make_route(data: object) -> Route:
    """Build a route from an answer-file mapping: method, path, and optionally status and a body."""
    if not isinstance(data, dict):
        raise SpecError(f"route {data!r} must be a mapping with 'method' and 'path'")
    unknown = [key for key in data if key not in ROUTE_KEYS]
    if unknown:
        raise SpecError(f"route key {unknown[0]!r} is unknown; allowed: {', '.join(ROUTE_KEYS)}")
    method = data.get("method")
    if not isinstance(method, str) or method.upper() not in METHODS:
        raise SpecError(f"route method {method!r} is not one of {', '.join(METHODS)}")
    path, params = parse_path(data.get("path"))
    status = data.get("status", 200)
    if isinstance(status, bool) or not isinstance(status, int) or not 200 <= status <= 599:
        raise SpecError(f"route status {status!r} for {path} must be a number from 200 to 599")
    if status in NO_BODY_STATUSES and ("text" in data or "json" in data):
        raise SpecError(f"route status {status} for {path} cannot carry a body")
    bodies = [key for key in ("text", "json", "error") if key in data]
    if len(bodies) > 1:
        raise SpecError(
            f"route {path} may set only one of text, json, error; got {', '.join(bodies)}"
        )
    text = data.get("text")
    if "text" in data and not isinstance(text, str):
        raise SpecError(f"route text for {path} must be a string, got {text!r}")
    error = data.get("error")
    if "error" in data and not isinstance(error, str):
        raise SpecError(f"route error for {path} must be a string (the exception message)")
    for what, value in (("text", text), ("error", error)):
        if value is not None:
            check_text(value, f"route {what} for {path}")
    kwargs: dict[str, Any] = route_work(data, path)  # checked: delay and cpu ints, json any JSON
    if "json" in data:
        kwargs["json"] = check_json(data["json"], path)
    return Route(method.upper(), path, params, status, text, error=error, **kwargs)


def check_routes(routes: list[Route], reserved: dict[str, str]) -> list[Route]:
    """Refuse duplicates, routes that shadow each other, and paths a middleware owns."""
    seen: dict[tuple[str, tuple[str, ...]], Route] = {}
    params_by_shape: dict[tuple[str, ...], Route] = {}
    for route in routes:
        key = (route.method, route.shape)
        if key in seen:
            raise SpecError(
                f"route {route.label!r} duplicates {seen[key].label!r}: both match the same URLs"
            )
        seen[key] = route
        other = params_by_shape.setdefault(route.shape, route)
        if other.params != route.params:
            raise SpecError(
                f"route {route.label!r} conflicts with {other.label!r}: the same URLs need the "
                "same parameter names and types"
            )
        for prefix, owner in reserved.items():
            first = route.shape[0] if route.shape else ""
            if first == prefix.strip("/"):
                raise SpecError(
                    f"route {route.label!r} collides with {owner}, which serves {prefix}"
                )
    return routes
