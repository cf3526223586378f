"""What a workshop step checks: its exchanges (generator.contract), judged as the step's contract
rather than as the generated code happens to answer, so that any correct textbook solution
passes.

- A request the step's route does not take is not part of the step: the JSON-body checks go to
  the first route that takes a body (`POST /users`), and a check of a POST, PUT or PATCH sends a
  JSON body, as a client of a JSON API does. A view that calls `request.get_json()` passes.
- CORS is judged as a browser judges it (no credentials). An allowed origin is allowed when
  `Access-Control-Allow-Origin` is the request's `Origin` or `*`; a refused origin is refused
  when the answer has no such header, or one that is neither the `Origin` nor `*`. A
  preflight passes with any 2xx status, the origin allowed, and the method and headers asked for
  allowed (flask-cors answers 200 and lists OPTIONS too; the cors package answers 204).
- An error's JSON may name its status by any of the names the HTTP specifications gave it:
  Werkzeug says "Request Entity Too Large", Node "Payload Too Large".
- A problem names the difference itself: the first JSON member or character that differs, with
  what came and what was expected there, never a dump cut before the difference.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, TypedDict

from ..contract import Exchange, exchanges

if TYPE_CHECKING:
    import requests

    from ..spec import ProjectSpec
    from ..spec.routes import Route

#: Methods whose requests carry a body.
BODY_METHODS = ("POST", "PUT", "PATCH")
#: The JSON body a check sends to a route that takes one.
SAMPLE_BODY = b'{"name": "Ada"}'
#: The request a page sends before a cross-origin DELETE with a JSON body.
PREFLIGHT_METHOD, PREFLIGHT_HEADERS = "DELETE", "content-type"
#: Methods and headers a browser sends cross-origin without asking (the Fetch standard).
SAFELISTED_METHODS = ("GET", "HEAD", "POST")
#: Each status's other standard names (RFC 7231, RFC 9110) beside Werkzeug's.
OTHER_NAMES = {
    "Request Entity Too Large": ("Payload Too Large", "Content Too Large"),
    "Request URI Too Long": ("URI Too Long",),
    "Unprocessable Entity": ("Unprocessable Content",),
}
#: How much of a text shows around a difference.
AROUND = 24
ACAO = "Access-Control-Allow-Origin"


@dataclass(frozen=True)
class Check(Exchange):
    """An exchange judged by the step's contract (see the module's docstring)."""

    #: Judge the answer as a browser judges an allowed origin, a refused one, or a preflight.
    allowed_origin: bool = False
    refused_origin: bool = False
    preflight: bool = False
    #: Other JSON bodies that are as right as `json`.
    json_choices: tuple[object, ...] = ()

    def problems(self, response: requests.Response) -> list[str]:
        plain = {f.name: getattr(self, f.name) for f in fields(Exchange)}
        plain.update(text=None, json=Exchange.json, headers={})
        if self.preflight:
            plain.update(status=response.status_code, header_sets={})
        found = Exchange(**plain).problems(response)
        if self.preflight and not 200 <= response.status_code < 300:
            found.insert(0, f"status {response.status_code}, expected a 2xx status")
        found += self._body_problems(response)
        for name, value in self.headers.items():
            got = response.headers.get(name)
            if got is None:
                found.append(f"no {name} header, expected {value!r}")
            elif got != value:
                found.append(text_difference(got, value, f"header {name}"))
        origin = self.request_headers.get("Origin", "")
        allowed = response.headers.get(ACAO)
        if self.allowed_origin and (allowed is None or allowed.strip() not in (origin, "*")):
            found.append(f"header {ACAO}: {allowed!r}, expected {origin!r} (or '*')")
        if self.refused_origin and allowed is not None and allowed.strip() in (origin, "*"):
            found.append(
                f"header {ACAO}: {allowed!r} lets a page from {origin} read the answer; "
                "expected no such header, or one naming another origin"
            )
        if self.preflight:
            found += _preflight_problems(self.request_headers, response.headers)
        return found

    def _body_problems(self, response: requests.Response) -> list[str]:
        if self.text is not None and response.content != self.text.encode():
            got = response.content.decode("utf-8", "replace")
            return [text_difference(got, self.text, "body")]
        if self.json is Exchange.json:
            return []
        try:
            value = json.loads(response.content)
        except ValueError:
            shown = response.content[: AROUND * 2].decode("utf-8", "replace")
            more = "…" if len(response.content) > AROUND * 2 else ""
            return [f"body {shown!r}{more} is not JSON, expected {_json(self.json)}"]
        if value == self.json or value in self.json_choices:
            return []
        problem = json_difference(value, self.json)
        if self.json_choices:
            problem += " (or " + " or ".join(_json(choice) for choice in self.json_choices) + ")"
        return [problem]

    def expected_lines(self) -> list[str]:
        """What must hold, in words, for a report."""
        origin = self.request_headers.get("Origin", "")
        if self.allowed_origin:
            return [
                f"status {self.status}",
                f"{ACAO}: {origin} (or *)",
                *(f"no {name} header" for name in self.absent),
            ]
        if self.refused_origin:
            return [
                f"status {self.status}",
                f"no {ACAO} header, or another origin than {origin} (a browser refuses)",
            ]
        if self.preflight:
            return [
                "a 2xx status",
                f"{ACAO}: {origin} (or *)",
                f"Access-Control-Allow-Methods allowing {PREFLIGHT_METHOD}",
                f"Access-Control-Allow-Headers allowing {PREFLIGHT_HEADERS}",
            ]
        return []

    def shown_headers(self) -> list[str]:
        """The response headers a report shows."""
        if self.allowed_origin or self.refused_origin:
            return [ACAO]
        if self.preflight:
            return [ACAO, "Access-Control-Allow-Methods", "Access-Control-Allow-Headers"]
        return []


def _preflight_problems(asked: dict[str, str], headers: Mapping[str, str]) -> list[str]:
    found = []
    origin = asked.get("Origin", "")
    allowed = headers.get(ACAO)
    if allowed is None:
        found.append(f"no {ACAO} header, expected {origin!r}")
    elif allowed.strip() not in (origin, "*"):
        found.append(f"header {ACAO}: {allowed!r}, expected {origin!r}")
    method = asked.get("Access-Control-Request-Method", "")
    methods = _items(headers.get("Access-Control-Allow-Methods", ""))
    if method not in SAFELISTED_METHODS and not {method, "*"} & methods:
        found.append(
            f"Access-Control-Allow-Methods {headers.get('Access-Control-Allow-Methods')!r} "
            f"does not allow {method}"
        )
    names = _items(headers.get("Access-Control-Allow-Headers", ""), lower=True)
    for name in sorted(_items(asked.get("Access-Control-Request-Headers", ""), lower=True)):
        if not {name, "*"} & names:
            found.append(
                f"Access-Control-Allow-Headers {headers.get('Access-Control-Allow-Headers')!r} "
                f"does not allow {name}"
            )
    return found


def _items(value: str, lower: bool = False) -> set[str]:
    items = {item.strip() for item in value.split(",") if item.strip()}
    return {item.lower() for item in items} if lower else items


#: Exchanges of the generated projects' contract that no step teaches: hardening a textbook
#: solution does not do (Flask and Express both parse a body nested 65 deep), so a step's check
#: leaves them out.
NOT_TAUGHT = ("JSON body nested deeper than ",)


def taught(found: list[Exchange]) -> list[Exchange]:
    """The exchanges a step checks: all but those no step teaches (NOT_TAUGHT)."""
    return [exchange for exchange in found if not exchange.name.startswith(NOT_TAUGHT)]


def checks_of(spec: ProjectSpec, batch: list[Exchange] | None = None) -> list[Check]:
    """The step's checks: each taught exchange of `batch` (default: all of the spec's) as a
    Check."""
    body_route = next((route for route in spec.routes if route.method in BODY_METHODS), None)
    found = exchanges(spec) if batch is None else batch
    return [judged(exchange, body_route) for exchange in taught(found)]


class _Judging(TypedDict, total=False):
    """The fields a Check adds to its Exchange."""

    allowed_origin: bool
    refused_origin: bool
    preflight: bool
    json_choices: tuple[object, ...]


def judged(exchange: Exchange, body_route: Route | None = None) -> Check:
    """One exchange as the step's contract judges it."""
    values = {f.name: getattr(exchange, f.name) for f in fields(Exchange)}
    headers = dict(exchange.request_headers)
    json_body = headers.get("Content-Type") == "application/json"
    if json_body and exchange.path == "/" and body_route is not None:
        values.update(method=body_route.method, path=body_route.sample_path())
    if exchange.method in BODY_METHODS and exchange.body is None:
        values.update(body=SAMPLE_BODY)
        headers["Content-Type"] = "application/json"
    extra: _Judging = {}
    if ACAO in exchange.forbidden and "Origin" in headers:
        values["forbidden"] = {k: v for k, v in exchange.forbidden.items() if k != ACAO}
        extra["refused_origin"] = True
    if ACAO in exchange.headers and exchange.method != "OPTIONS":
        values["headers"] = {k: v for k, v in exchange.headers.items() if k != ACAO}
        extra["allowed_origin"] = True
    if exchange.method == "OPTIONS" and "Access-Control-Request-Method" in headers:
        headers["Access-Control-Request-Method"] = PREFLIGHT_METHOD
        headers["Access-Control-Request-Headers"] = PREFLIGHT_HEADERS
        # The Check judges the status and the lists itself, as a browser does.
        values.update(headers={}, header_includes={}, any_success=False)
        extra["preflight"] = True
    error = exchange.json.get("error") if isinstance(exchange.json, dict) else None
    if error in OTHER_NAMES:
        extra["json_choices"] = tuple({"error": name} for name in OTHER_NAMES[error])
    values["request_headers"] = headers
    return Check(**values, **extra)


# -- differences ------------------------------------------------------------------------------


def json_difference(got: object, expected: object, where: str = "") -> str:
    """The first place where two JSON values differ, as one line."""
    at = where or "the JSON"
    if isinstance(got, dict) and isinstance(expected, dict):
        for key, value in expected.items():
            if key not in got:
                return f"{_path(where, key)} is missing, expected {_json(value)}"
            if got[key] != value:
                return json_difference(got[key], value, _path(where, key))
        extra = next(key for key in got if key not in expected)
        return f"{_path(where, extra)} ({_json(got[extra])}) is not expected"
    if isinstance(got, list) and isinstance(expected, list):
        if len(got) != len(expected):
            return f"{at} has {len(got)} items, expected {len(expected)}"
        index = next(n for n, (a, b) in enumerate(zip(got, expected, strict=True)) if a != b)
        return json_difference(got[index], expected[index], f"{where}[{index}]")
    if isinstance(got, str) and isinstance(expected, str):
        if len(got) + len(expected) > AROUND * 4:
            return text_difference(got, expected, at, show=_json)
        return f"{at} is {_json(got)}, expected {_json(expected)}"
    if _kind(got) == _kind(expected):
        return f"{at} is {_json(got)}, expected {_json(expected)}"
    return f"{at} is {_json(got)} ({_kind(got)}), expected {_json(expected)} ({_kind(expected)})"


def text_difference(got: str, expected: str, what: str, show: Callable[[str], str] = repr) -> str:
    """Where two texts part, shown around that place: never cut before the difference."""
    if len(got) + len(expected) <= AROUND * 4:
        return f"{what} {show(got)}, expected {show(expected)}"
    at = next(
        (n for n, (a, b) in enumerate(zip(got, expected, strict=False)) if a != b),
        min(len(got), len(expected)),
    )
    start = max(0, at - AROUND)

    def window(text: str) -> str:
        shown = show(text[start : at + AROUND])
        return ("…" if start else "") + shown + ("…" if len(text) > at + AROUND else "")

    return f"{what} differs at character {at + 1}: {window(got)}, expected {window(expected)}"


def _path(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


def _kind(value: object) -> str:
    if isinstance(value, bool) or value is None:
        return "a boolean" if isinstance(value, bool) else "null"
    if isinstance(value, int | float):
        return "a number"
    return {str: "a string", list: "a list", dict: "an object"}[type(value)]  # type: ignore[index]  # JSON
