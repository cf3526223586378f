"""What keeps a page on loopback safe from the rest of the browser: only loopback Host names
(DNS rebinding), a Content-Security-Policy of 'self', no CORS headers at all, and writing only
with POST, the start token and a same-origin Origin.
"""

from __future__ import annotations

import hmac

from flask import Flask, Response, request

#: The names a browser on this machine may use for the server.
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}
TOKEN_HEADER = "X-Dualgen-Token"


def cookie_name(port: int) -> str:
    """The token's cookie: one per port, since a cookie of 127.0.0.1 reaches every port."""
    return f"dualgen-ui-{port}"


def allowed_hosts(port: int) -> set[str]:
    return {f"{name}:{port}" for name in LOOPBACK_NAMES}


def host_refusal(port: int) -> str | None:
    """Why the request's Host is refused (None: it names this server on loopback)."""
    host = request.headers.get("Host", "").lower()
    if host in allowed_hosts(port):
        return None
    return (
        f"Host {host!r} is refused: dualgen ui answers only to 127.0.0.1:{port}, "
        f"localhost:{port} or [::1]:{port}"
    )


def write_refusal(port: int, token: str) -> str | None:
    """Why a write is refused (None: a POST with the token from a page of this server)."""
    if request.method != "POST":
        return "writing needs POST"
    origin = request.headers.get("Origin")
    if origin is None:
        return "writing needs an Origin header naming this server (a page of it sends one)"
    if origin.lower() != f"http://{request.headers.get('Host', '').lower()}":
        return f"Origin {origin!r} is refused: writing is only for pages of this server"
    given = request.headers.get(TOKEN_HEADER) or request.cookies.get(cookie_name(port)) or ""
    if not hmac.compare_digest(given.encode(), token.encode()):
        return (
            "writing needs the token that `dualgen ui` printed: open the URL it printed, "
            f"or send it in the {TOKEN_HEADER} header"
        )
    return None


def has_token(port: int, token: str) -> bool:
    given = request.cookies.get(cookie_name(port), "")
    return hmac.compare_digest(given.encode(), token.encode())


def install(app: Flask) -> None:
    """Refuse other Host names before any view runs; add the security headers to every answer
    and drop any CORS header."""

    @app.before_request
    def check_host() -> Response | None:
        reason = host_refusal(app.config["UI_PORT"])
        if reason is None:
            return None
        return Response(reason + "\n", status=403, mimetype="text/plain")

    @app.after_request
    def headers(response: Response) -> Response:
        for name in [
            name for name in response.headers.keys() if name.lower().startswith("access-control-")
        ]:
            del response.headers[name]
        response.headers.update(HEADERS)
        return response
