"""How Flask and Express differ on their own, each difference declared once: what each framework
does, why, where its docs say so, and a request that shows it. `dualgen options`, `dualgen
compare` and `dualgen parity` read them; the strict-parity choice removes them (its partials,
templates/*/templates/strict-parity.*.j2, hold the code that does it).

Each `example` is a request to the api preset with a rate limit (generator.parity.examples): tests/
integration/test_declared_differences.py sends it to both servers and checks that the answers
differ, that the entry covers every way they do, and that `declared_answers.json` (written by
`python -m generator.parity.examples`) records what they answered.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, TypedDict

from .entries import Declared

if TYPE_CHECKING:
    pass

#: The last request of an example (a rate limit may send several before it).
_LAST = r"(?m)^(\d+ × )?"

STRICT_PARITY_REMOVES: tuple[Declared, ...] = (
    Declared(
        "OPTIONS requests",
        "200 with an empty body and Allow listing the rule's methods, OPTIONS and HEAD included",
        '200 with the allowed methods as a text body ("GET, HEAD") and in Allow, without OPTIONS',
        "both answer OPTIONS on their own; Werkzeug adds OPTIONS to every rule "
        "(provide_automatic_options), Express's router answers it from the methods it holds",
        request=_LAST + r"OPTIONS [^\n]*\Z",
        when="not chosen",
        docs=(
            "https://flask.palletsprojects.com/en/stable/api/#flask.Flask.add_url_rule",
            "https://expressjs.com/en/5x/api.html#router.METHOD",
        ),
        example="OPTIONS /",
        concept="route",
    ),
    Declared(
        "a method the path has no route for",
        "405 Method Not Allowed with Allow: Werkzeug's router knows every rule's methods",
        "404 Not Found: Express tries the next handler, and none is left",
        "Werkzeug matches a path first and its method second; Express matches method and path "
        "together, so a path with other methods is simply not found",
        statuses=(405,),
        when="not chosen",
        docs=(
            "https://werkzeug.palletsprojects.com/en/stable/exceptions/"
            "#werkzeug.exceptions.MethodNotAllowed",
            "https://expressjs.com/en/starter/faq.html#how-do-i-handle-404-responses",
        ),
        example="POST /",
        concept="route",
    ),
    Declared(
        "ETag on a view's answer",
        "none: a view's answer has no validator unless it calls make_conditional",
        "a weak ETag on every res.send, and 304 to an If-None-Match that matches it",
        "Express computes one by default (app setting 'etag'); Flask adds one only to files it "
        "sends",
        aspects=("header ETag", "status"),
        values=r"^(header ETag: .*|status: \d+ \| 304)$",
        when="not chosen",
        docs=(
            "https://flask.palletsprojects.com/en/stable/api/#flask.Response.make_conditional",
            "https://expressjs.com/en/5x/api.html#etag.options.table",
        ),
        example="GET /",
        concept="route",
    ),
    Declared(
        "the Server header of the development server",
        "Werkzeug/VERSION Python/VERSION, the versions disclosed",
        "no Server header: Node's http module sends none",
        "Werkzeug's development server names itself; Node's http server sends no Server header",
        aspects=("header Server",),
        when="not chosen",
        docs=("https://werkzeug.palletsprojects.com/en/stable/serving/",),
        example="GET /",
        concept="start",
    ),
    Declared(
        "paths under /static/ without the static choice",
        "a static route: Flask registers /static/<path:filename> for every app, so OPTIONS "
        "answers 200, POST 405 and a missing file 404",
        "no route there unless express.static is mounted: 404",
        "Flask serves its static folder by default (static_folder='static'); Express serves "
        "files only where express.static is mounted",
        request=_LAST + r"\S+ /static(/[^\n]*)?\Z",
        when="not chosen",
        docs=(
            "https://flask.palletsprojects.com/en/stable/api/#flask.Flask",
            "https://expressjs.com/en/starter/static-files.html",
        ),
        example="OPTIONS /static/style.css",
        concept="app",
    ),
    Declared(
        "a path with doubled slashes",
        "merges them (merge_slashes): //api/items answers as /api/items, and a doubled "
        "slash inside a path redirects (308) to the merged one",
        "routes the path as written, so //items matches no route (404)",
        "Werkzeug's router merges slashes by default (merge_slashes); Express's path matching "
        "takes each slash as written",
        raw=_LAST + r"\S+ [^?\s]*//",
        when="not chosen",
        docs=(
            "https://werkzeug.palletsprojects.com/en/stable/routing/#werkzeug.routing.Map",
            "https://expressjs.com/en/guide/routing.html#route-paths",
        ),
        example="GET //api/items",
        concept="route",
    ),
    Declared(
        "a path with percent-escapes",
        "routes on the decoded path: /%61pi is /api, and %2F is a slash",
        "routes on the path as sent and decodes each parameter: /%61pi is not /api",
        "a WSGI server hands Flask the decoded path (PEP 3333's PATH_INFO); Express matches "
        "the URL as sent, then decodes req.params",
        raw=_LAST + r"\S+ [^?\s]*%",
        when="not chosen",
        docs=(
            "https://peps.python.org/pep-3333/#environ-variables",
            "https://expressjs.com/en/5x/api.html#req.params",
        ),
        example="GET /%61pi/items",
        concept="route",
    ),
    Declared(
        "a path in other letter case, or with a trailing slash",
        "404: a rule matches its exact case, and /items/ is not /items",
        "the route answers: Express's router ignores case and a trailing slash by default",
        "Express's 'case sensitive routing' and 'strict routing' settings are off by default; "
        "Werkzeug's rules are exact (a rule ending in / redirects the path without it)",
        statuses=(404, 308),
        request=_LAST + r"\S+ ([^?\s]*[A-Z]|[^?\s]+/)[^\n]*\Z",
        when="not chosen",
        docs=(
            "https://expressjs.com/en/5x/api.html#app.settings.table",
            "https://flask.palletsprojects.com/en/stable/quickstart/"
            "#unique-urls-redirection-behavior",
        ),
        example="GET /API/ITEMS",
        concept="route",
    ),
    Declared(
        "an int parameter in other scripts' digits or longer than 15 digits",
        "the int converter takes any run of digits, in any script (٣ is 3), at any length",
        "the route's check takes 1 to 15 digits 0-9, a number JavaScript holds exactly",
        "Werkzeug's IntegerConverter matches Python's \\d; a JavaScript number is exact only "
        "up to 2^53",
        request=_LAST + r"\S+ [^?\s]*(\d{16}|[^\x00-\x7f])",
        when="not chosen",
        docs=(
            "https://werkzeug.palletsprojects.com/en/stable/routing/"
            "#werkzeug.routing.IntegerConverter",
        ),
        example="GET /api/items/9007199254740993",
        concept="route-parameter",
    ),
)

#: Code that exists only to make one framework answer as the other: it may appear in a project
#: only with strict parity (tests/unit/catalog/test_catalog_differences.py renders every tested
#: choice set without it and fails on any of these). A new emulation is declared here, and goes
#: into strict parity.
EMULATION: dict[str, tuple[str, ...]] = {
    "flask": (
        "merge_slashes",
        "static_folder=None",
        "IntConverter",
        "def version_string",
        "json.sort_keys",
        "json.ensure_ascii",
        "always_send=False",
        "def vary_on_origin",
        "COMPRESS_REGISTER",
        "def compress_response",
        "def retry_after_when_limited",
        "def refuse_constant",
        "wsgi.input",
        "def too_many_requests",
    ),
    "express": (
        "PLAIN_PATH",
        "app.set('etag', false)",
        "allowOnly",
        "case sensitive routing",
        "caseSensitive: true",
        "router.options('*path'",
        "preflightContinue",
        "ERROR_NAMES",
        "redirect: false",
        "skip: (req) => req.method === 'OPTIONS'",
        "isUtf8",
    ),
}


#: What each example request got from both servers, recorded by
#: `python -m generator.parity.examples` and checked against live servers by
#: tests/integration/test_declared_differences.py.
MEASURED_FILE = Path(__file__).with_name("declared_answers.json")


class Measured(TypedDict):
    """What one example got: its request, both statuses, and what differed that it covers."""

    request: str
    flask: int | None
    express: int | None
    differs: list[str]


@cache
def measured() -> dict[str, Measured]:
    """Each example's answers by the difference's title: both statuses and what differs."""
    if not MEASURED_FILE.is_file():
        return {}
    return json.loads(MEASURED_FILE.read_text(encoding="utf-8"))  # type: ignore[no-any-return]  # measure()'s


def answered(title: str) -> str:
    """What the example got, measured: `Flask 405, Express 404`, with what else differs
    (`Flask 200, Express 200; header Vary differs`); empty when it was not measured."""
    seen = measured().get(title)
    if not seen:
        return ""
    text = f"Flask {seen['flask']}, Express {seen['express']}"
    others = [label for label in seen["differs"] if label != "status"]
    return text + (
        f"; {', '.join(others)} differ{'s' if len(others) == 1 else ''}" if others else ""
    )
