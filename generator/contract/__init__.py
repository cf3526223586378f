"""The parity contract: the HTTP exchanges a project must answer, derived from its spec alone.

One list checks Flask and Express alike. Each exchange is a request and what must hold of the
response: status, body (exact text or a JSON value), media type, and the headers that matter.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypedDict

from ..spec import ProjectSpec
from ..spec.routes import allowed_methods
from .cors import any_origin
from .exchange import AFTER, ANY, USE_UP, UUID, Exchange, Padded, request, run, send
from .resources import resource_exchanges

if TYPE_CHECKING:
    from ..spec.routes import Route

__all__ = [
    "AFTER",
    "ANY",
    "CHOICE_EXCHANGES",
    "USE_UP",
    "UUID",
    "Exchange",
    "Padded",
    "exchanges",
    "request",
    "run",
    "send",
]

STATIC_FILE = ("/static/style.css", "body {\n  font-family: system-ui, sans-serif;\n}\n")
COMPRESSION_THRESHOLD = 1024
#: helmet's defaults, which the Flask side writes out.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self';base-uri 'self';font-src 'self' https: data:;form-action 'self';"
        "frame-ancestors 'self';img-src 'self' data:;object-src 'none';script-src 'self';"
        "script-src-attr 'none';style-src 'self' https: 'unsafe-inline';upgrade-insecure-requests"
    ),
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Origin-Agent-Cluster": "?1",
    "Referrer-Policy": "no-referrer",
    "Strict-Transport-Security": "max-age=31536000; includeSubDomains",
    "X-Content-Type-Options": "nosniff",
    "X-DNS-Prefetch-Control": "off",
    "X-Download-Options": "noopen",
    "X-Frame-Options": "SAMEORIGIN",
    "X-Permitted-Cross-Domain-Policies": "none",
    "X-XSS-Protection": "0",
}


#: Each error's other standard name, which Node's http.STATUS_CODES gives (RFC 9110) where
#: Werkzeug keeps RFC 2616's: a declared difference of the error-handlers choice.
OTHER_NAMES = {
    "Request Entity Too Large": "Payload Too Large",
    "Request URI Too Long": "URI Too Long",
    "Requested Range Not Satisfiable": "Range Not Satisfiable",
}


class _Body(TypedDict, total=False):
    """The Exchange fields that say what body an answer has."""

    text: str | None
    json: object
    json_alternatives: tuple[object, ...]
    media_type: str


def _error_body(spec: ProjectSpec, name: str) -> _Body:
    if "error-handlers" not in spec.middleware:
        return {}
    body: _Body = {"json": {"error": name}, "media_type": "application/json"}
    if name in OTHER_NAMES and "strict-parity" not in spec.switches:
        body["json_alternatives"] = ({"error": OTHER_NAMES[name]},)
    return body


def exchanges(spec: ProjectSpec) -> list[Exchange]:
    """Every exchange the project made from spec must answer, in an order safe to run: the
    routes', then each chosen middleware's (CHOICE_EXCHANGES, in catalog order), then those
    that use the rate limit up or need it used up."""
    found: list[Exchange] = []
    for route in spec.routes:
        found.extend(_route_exchanges(spec, route))
    for resource in spec.resources:
        found.extend(resource_exchanges(spec, resource))
    if not spec.classic:
        found.append(Exchange("no X-Powered-By", "GET", "/", 200, absent=("X-Powered-By",)))
    for key in spec.middleware:
        found.extend(CHOICE_EXCHANGES[key](spec))
    return sorted(found, key=lambda exchange: exchange.phase)


def _error_handlers(spec: ProjectSpec) -> list[Exchange]:
    not_found = Exchange(
        "unknown path", "GET", "/no/such/path", 404, **_error_body(spec, "Not Found")
    )
    if "strict-parity" not in spec.switches:
        # Express answers 404 for a method the path has no route for (a declared difference).
        return [not_found]
    route = spec.routes[0]
    wrong = next(
        m
        for m in ("DELETE", "PATCH", "PUT", "POST")
        if not any(r.method == m and r.shape == route.shape for r in spec.routes)
    )
    allowed = allowed_methods(spec.routes, route)
    return [
        not_found,
        Exchange(
            f"{wrong} {route.path}: wrong method",
            wrong,
            route.sample_path(),
            405,
            header_sets={"Allow": frozenset(allowed)},
            **_error_body(spec, "Method Not Allowed"),
        ),
    ]


def _security_headers(spec: ProjectSpec) -> list[Exchange]:
    return [Exchange("security headers", "GET", "/", 200, headers=SECURITY_HEADERS)]


def _cors(spec: ProjectSpec) -> list[Exchange]:
    allowed_origin = spec.setting("cors", "origins")[0]  # type: ignore[index]  # a list of origins
    if allowed_origin == "*":
        return any_origin()
    return [
        Exchange(
            "CORS: allowed origin",
            "GET",
            "/",
            200,
            request_headers={"Origin": allowed_origin},
            headers={"Access-Control-Allow-Origin": allowed_origin},
            absent=("Access-Control-Allow-Credentials",),
        ),
        # Refused as a browser refuses: no Access-Control-Allow-Origin that names the page.
        Exchange(
            "CORS: refused origin",
            "GET",
            "/",
            200,
            request_headers={"Origin": "https://refused.example"},
            forbidden={"Access-Control-Allow-Origin": frozenset({"https://refused.example", "*"})},
        ),
        # As a browser judges a preflight: any 2xx, the origin allowed, the method among those
        # allowed (flask-cors answers 200 and names OPTIONS too, the cors package 204).
        Exchange(
            "CORS: preflight",
            "OPTIONS",
            "/",
            200,
            request_headers={"Origin": allowed_origin, "Access-Control-Request-Method": "DELETE"},
            headers={"Access-Control-Allow-Origin": allowed_origin},
            header_includes={"Access-Control-Allow-Methods": frozenset({"DELETE"})},
            any_success=True,
        ),
    ]


def _compression(spec: ProjectSpec) -> list[Exchange]:
    found: list[Exchange] = []
    for route in spec.routes:
        if route.response_kind() != "text" or route.method != "GET":
            continue
        big = len(route.text.encode()) >= COMPRESSION_THRESHOLD  # type: ignore[union-attr]  # text kind
        found.append(
            Exchange(
                f"compression of {route.label} ({len(route.text.encode())} bytes)",  # type: ignore[union-attr]  # text kind
                "GET",
                route.sample_path(),
                route.status,
                request_headers={"Accept-Encoding": "gzip"},
                text=route.text,
                headers={"Content-Encoding": "gzip"} if big else {},
                absent=() if big else ("Content-Encoding",),
            )
        )
    return found


def _json_body(spec: ProjectSpec) -> list[Exchange]:
    limit = int(spec.setting("json-body", "limit"))  # type: ignore[call-overload]  # a number setting
    depth = int(spec.setting("json-body", "depth"))  # type: ignore[call-overload]  # a number setting
    json_headers = {"Content-Type": "application/json"}
    too_big = Padded(b'{"data": "', limit, b'"}')
    return [
        Exchange(
            "malformed JSON body",
            "POST",
            "/",
            400,
            json_headers,
            b'{"broken": ',
            **_error_body(spec, "Bad Request"),
        ),
        Exchange(
            f"JSON body nested deeper than {depth}",
            "POST",
            "/",
            400,
            json_headers,
            b"[" * (depth + 1) + b"]" * (depth + 1),
            **_error_body(spec, "Bad Request"),
        ),
        Exchange(
            f"JSON body over {limit} bytes",
            "POST",
            "/",
            413,
            json_headers,
            too_big,
            **_error_body(spec, "Request Entity Too Large"),
        ),
    ]


def _static(spec: ProjectSpec) -> list[Exchange]:
    path, content = STATIC_FILE
    return [Exchange("static file", "GET", path, 200, text=content, media_type="text/css")]


def _request_id(spec: ProjectSpec) -> list[Exchange]:
    return [
        Exchange(
            "request id echoed",
            "GET",
            "/",
            200,
            {"X-Request-ID": "abc-123.X_y"},
            headers={"X-Request-ID": "abc-123.X_y"},
        ),
        Exchange("request id created", "GET", "/", 200, header_patterns={"X-Request-ID": UUID}),
        Exchange(
            "request id replaced",
            "GET",
            "/",
            200,
            {"X-Request-ID": "not valid"},
            header_patterns={"X-Request-ID": UUID},
        ),
    ]


def _route_exchanges(spec: ProjectSpec, route: Route) -> list[Exchange]:
    kind = route.response_kind()
    body: _Body
    if kind == "error":
        status, body = 500, _error_body(spec, "Internal Server Error")
    elif kind == "text":
        status, body = route.status, {"text": route.text, "media_type": "text/html"}
    elif route.no_body:
        status, body = route.status, {"text": ""}
    else:
        status, body = route.status, {"json": route.body(), "media_type": "application/json"}
    name = f"{route.label}: raises" if kind == "error" else route.label
    found = [Exchange(name, route.method, route.sample_path(), status, **body)]
    for param in route.params:
        if param.type == "int":
            found.append(
                Exchange(
                    f"{route.label}: {param.name} not an int",
                    route.method,
                    route.sample_path({param.name: "abc"}),
                    404,
                    **_error_body(spec, "Not Found"),
                )
            )
    return found


def _rate_limit(spec: ProjectSpec) -> list[Exchange]:
    """Check the limit's headers, then exceed it: last, since it uses the limit up.

    Every other exchange still runs: `verify` restarts the server whenever a run of exchanges
    would reach the limit (see generator.verify).
    """
    limit = int(spec.setting("rate-limit", "max"))  # type: ignore[call-overload]  # a number setting
    headers = Exchange(
        "rate limit: headers",
        "GET",
        "/",
        200,
        headers={"X-RateLimit-Limit": str(limit)},
        header_patterns={"X-RateLimit-Remaining": r"\d+"},
    )
    # Without JSON errors each framework answers its own 429 page (a declared difference);
    # strict parity gives Flask express-rate-limit's message.
    body: _Body = (
        _error_body(spec, "Too Many Requests")
        if "error-handlers" in spec.middleware
        else {"text": "Too many requests, please try again later."}
        if "strict-parity" in spec.switches
        else {}
    )
    exceeded = Exchange(
        f"rate limit: request {limit + 1} in the window",
        "GET",
        "/",
        429,
        repeat=limit + 1,
        phase=USE_UP,
        spoof_forwarded_for=_trusted_proxies(spec) == 0,
        header_patterns={"Retry-After": r"\d+"},
        # Both count every request alike, so the last one finds none left.
        headers={"X-RateLimit-Limit": str(limit), "X-RateLimit-Remaining": "0"},
        **body,
    )
    return [headers, exceeded]


def _trusted_proxies(spec: ProjectSpec) -> int:
    return int(spec.setting("proxy", "hops")) if "proxy" in spec.middleware else 0  # type: ignore[call-overload]  # a number setting


def _proxy(spec: ProjectSpec) -> list[Exchange]:
    """Behind proxies, the client the proxies name has a rate limit of its own. (With none
    trusted, the rate limit's own exchange forges X-Forwarded-For and must still be limited.)"""
    hops = _trusted_proxies(spec)
    if "rate-limit" not in spec.middleware or hops == 0:
        return []
    # The client, then one address per further proxy: each proxy appends the one it saw.
    forwarded = ", ".join(["198.51.100.7"] + [f"10.0.0.{n}" for n in range(1, hops)])
    return [
        Exchange(
            "proxy: the forwarded client has a limit of its own",
            "GET",
            "/",
            200,
            {"X-Forwarded-For": forwarded},
            phase=AFTER,
        )
    ]


def _health(spec: ProjectSpec) -> list[Exchange]:
    """/healthz answers ahead of every other middleware: even once the rate limit is used up."""
    healthy: _Body = {"json": {"status": "ok"}, "media_type": "application/json"}
    found = [
        Exchange("health check", "GET", "/healthz", 200, **healthy),
        Exchange("health check: HEAD", "HEAD", "/healthz", 200, text=""),
    ]
    if "rate-limit" in spec.middleware:
        found.append(
            Exchange(
                "health check: past the rate limit", "GET", "/healthz", 200, phase=AFTER, **healthy
            )
        )
    return found


def _events(spec: ProjectSpec) -> list[Exchange]:
    from .events import exchanges as events  # it builds on this module

    return events(spec)


def _no_exchanges(spec: ProjectSpec) -> list[Exchange]:
    return []


#: The exchanges that prove each middleware, by catalog key: both servers must answer them alike.
#: Logging shows only in the server's output (tests/integration/test_server_security.py).
CHOICE_EXCHANGES: dict[str, Callable[[ProjectSpec], list[Exchange]]] = {
    "health": _health,
    "proxy": _proxy,
    "request-id": _request_id,
    "logging": _no_exchanges,
    "security-headers": _security_headers,
    "cors": _cors,
    "compression": _compression,
    "rate-limit": _rate_limit,
    "json-body": _json_body,
    "events": _events,
    "static": _static,
    "error-handlers": _error_handlers,
    "database": _no_exchanges,  # its exchanges are the resources' (contract/resources.py)
}
