"""`dualgen ui`: a page on loopback to choose, preview both frameworks side by side, diff one
choice, and take the projects as a zip or into a folder.

`create_app` is the Flask app (its test client drives the API in the tests); `serve` runs it
with werkzeug's `make_server` on 127.0.0.1 until Ctrl-C. The page and curl use one HTTP API
(`views`); the state is the URL query, read by `state`.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from pathlib import Path

from flask import Flask

__all__ = ["create_app", "serve"]


def create_app(*, port: int, token: str | None = None, out: Path | None = None) -> Flask:
    """The page and its API for a server on 127.0.0.1:`port`; `token` guards writing into `out`
    (none given: a fresh one)."""
    from . import security
    from .views import views

    app = Flask(__name__)
    app.config.update(
        UI_PORT=port,
        UI_TOKEN=token or secrets.token_urlsafe(24),
        UI_OUT=None if out is None else Path(out),
        JSON_SORT_KEYS=False,
    )
    app.json.sort_keys = False  # type: ignore[attr-defined]  # Flask's DefaultJSONProvider has it
    app.register_blueprint(views)
    security.install(app)
    return app


def serve(
    *,
    port: int = 0,
    out: Path | None = None,
    announce: Callable[[str], None] = print,
    ready: Callable[[str], object] | None = None,
) -> None:
    """Serve the page on 127.0.0.1:`port` (0: a free one) until interrupted. `announce` gets the
    URL with the token; `ready` (a browser opener) is called with it once the port is bound."""
    from werkzeug.serving import make_server

    from .views import WRITING

    # One line per request would bury the URL; errors are still logged.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    token = secrets.token_urlsafe(24)
    app = create_app(port=port, token=token, out=out)
    server = make_server("127.0.0.1", port, app, threaded=True)
    try:
        app.config["UI_PORT"] = server.server_port
        url = f"http://127.0.0.1:{server.server_port}/?token={token}"
        announce(url)
        if ready is not None:
            ready(url)
        server.serve_forever()
    finally:
        with WRITING:  # a project being written is finished, never cut in two
            server.server_close()
