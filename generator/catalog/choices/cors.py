"""The `cors` choice (CORS): its catalog entry."""

from __future__ import annotations

from ..entries import FLASK_APP_FILES, Anchor, Choice, Declared, Setting, Side

CHOICE = Choice(
    key="cors",
    title="CORS",
    help="Allow browser requests from an explicit list of origins, or from any (*), without "
    "credentials.",
    flask=Side(
        ("flask-cors",),
        "cors = CORS(origins=[...]), bound with init_app, as flask-cors's README shows: the "
        "extension answers preflights (200) and adds the headers to each answer. With *, "
        "CORS(origins='*', send_wildcard=True): Access-Control-Allow-Origin: * rather than the "
        "request's Origin echoed.",
    ),
    express=Side(
        ("cors",),
        "app.use(cors({ origin: [...] })), as the cors README shows: it answers preflights "
        "itself (204) and adds the headers for an allowed origin. With *, app.use(cors()), the "
        "package's default: Access-Control-Allow-Origin: * on every answer.",
    ),
    settings=(
        Setting(
            "origins",
            "Origins allowed to call the API, or * for any origin (a public API: a page from "
            "any site may read its answers, and never with cookies or credentials, which "
            "browsers refuse with *).",
            ("http://localhost:5173",),
            kind="origins",
        ),
    ),
    declared=(
        Declared(
            "CORS headers on a request without Origin, or with one in capitals",
            "flask-cors sends Access-Control-Allow-Origin: ORIGIN even to a request without "
            "Origin when one origin is allowed (its always_send option, on by default), and "
            "compares origins ignoring case",
            "the cors package sends it only to a request whose Origin is allowed, compared exactly",
            "a browser reads the header only on a request it sent with an Origin, and "
            "allows a page only when the value is its own origin: both refuse the same "
            "pages",
            aspects=("header Access-Control-Allow-Origin",),
            values=r": \S+ \| None$",
            # Browsers write an origin in lower case; a request without one is no CORS.
            request=r"(?m)^(\d+ × )?(?:(?![^\n]*Origin: )[^\n]*"
            r"|[^\n]*Origin: [^;\]\n]*[A-Z][^\n]*)\Z",
            unless="strict-parity",
            docs=(
                "https://flask-cors.readthedocs.io/en/latest/api.html",
                "https://github.com/expressjs/cors#configuration-options",
            ),
            example="GET /",
        ),
        Declared(
            "Vary: Origin on CORS answers",
            "flask-cors names Origin in Vary only when several origins are allowed (with "
            "one, every answer is the same)",
            "the cors package names Origin in Vary on every answer for a list of origins",
            "Vary tells caches which request headers chose the answer; with a single "
            "allowed origin flask-cors's answer does not depend on Origin",
            aspects=("header Vary",),
            unless="strict-parity",
            docs=(
                "https://flask-cors.readthedocs.io/en/latest/api.html",
                "https://github.com/expressjs/cors#configuration-options",
            ),
            example="GET /",
        ),
    ),
    concepts={
        "flask": (Anchor(FLASK_APP_FILES, r"^cors = CORS\("),),
        "express": (Anchor("app.js", r"^app\.use\(\s*cors\("),),
    },
)
