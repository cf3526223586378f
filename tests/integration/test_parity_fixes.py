"""Every difference `dualgen parity` found between the two servers and the strict-parity choice
now removes: with it, the raw request that showed it gets the same answer from both (status,
body as JSON, Content-Type and the headers a client acts on), or only a difference declared
with strict parity on (no code can remove those).

One case per fix, sent byte for byte as the tester sends it; the servers of each choice set
start once for the module.
"""

from __future__ import annotations

import contextlib
import gzip

import pytest

from generator import catalog, runner, spec
from generator.parity.observe import compare
from generator.parity.requests import Body, Request
from generator.parity.wire import client_addresses, send
from generator.render import render

JSON = (("Content-Type", "application/json"),)
ORIGIN = (("Origin", "http://localhost:5173"),)
#: The choice sets the cases run against, each with strict parity.
SETS = {
    name: {**answers, "strict-parity": True}
    for name, answers in {
        "default": {},
        "api": {"preset": "api"},
        "production": {"preset": "production"},
        "static": {"middleware": ["static", "health", "cors"]},
        "limited": {"middleware": ["rate-limit"], "settings": {"rate-limit": {"max": 3}}},
    }.items()
}
CASES = [
    # Every answer.
    pytest.param("default", Request(), id="server-header-without-version"),
    pytest.param("default", Request(headers=(("If-None-Match", '"abc"'),)), id="no-etag"),
    pytest.param("default", Request("POST"), id="wrong-method-405"),
    pytest.param("default", Request("OPTIONS"), id="options-allow"),
    pytest.param("api", Request("OPTIONS", "/api/items"), id="options-allow-package"),
    # Paths.
    pytest.param("default", Request("GET", "///"), id="leading-slashes"),
    pytest.param("api", Request("POST", "//api/items"), id="double-slash-first"),
    pytest.param("api", Request("GET", "/api//items"), id="double-slash-inside"),
    pytest.param("api", Request("GET", "/api/items/1%2F2"), id="encoded-slash"),
    pytest.param("api", Request("GET", "/%61pi/items"), id="encoded-letter"),
    pytest.param("api", Request("GET", "/api/items/%FF"), id="invalid-utf8-escape"),
    pytest.param("api", Request("GET", "/api/items/%zz"), id="invalid-escape"),
    pytest.param("api", Request("GET", "/api/items/%D9%A3"), id="unicode-digit"),
    pytest.param("api", Request("GET", "/api/items/9007199254740993"), id="big-int"),
    pytest.param("api", Request("POST", "/api/items/9007199254740993"), id="big-int-405"),
    pytest.param("api", Request("HEAD", "/api/items/1%20"), id="int-with-space"),
    pytest.param("api", Request("OPTIONS", "/api/items/abc"), id="options-not-an-int"),
    pytest.param("default", Request("POST", "/static/x"), id="no-static-route"),
    pytest.param("static", Request("GET", "/static"), id="static-no-redirect"),
    pytest.param("static", Request("GET", "/STATIC/style.css"), id="static-case"),
    pytest.param("static", Request("GET", "/healthz/"), id="health-trailing-slash"),
    pytest.param("static", Request("GET", "/HEALTHZ"), id="health-case"),
    pytest.param("static", Request("OPTIONS", "/healthz"), id="health-options"),
    # CORS.
    pytest.param("api", Request(), id="cors-without-origin"),
    pytest.param("api", Request(headers=ORIGIN), id="cors-vary-origin"),
    pytest.param(
        "api", Request(headers=(("Origin", "HTTP://LOCALHOST:5173"),)), id="cors-origin-case"
    ),
    pytest.param(
        "api",
        Request(
            "OPTIONS",
            "/",
            (("Origin", "https://refused.example"), ("Access-Control-Request-Method", "PUT")),
        ),
        id="cors-refused-preflight",
    ),
    pytest.param(
        "api",
        Request("OPTIONS", "/", (*ORIGIN, ("Access-Control-Request-Method", "PROPFIND"))),
        id="cors-preflight-other-method",
    ),
    pytest.param(
        "api",
        Request("OPTIONS", "/nope", (*ORIGIN, ("Access-Control-Request-Method", "PUT"))),
        id="cors-preflight-unknown-path",
    ),
    pytest.param(
        "api",
        Request(
            "OPTIONS",
            "/api/items",
            (
                *ORIGIN,
                ("Access-Control-Request-Method", "post"),
                ("Access-Control-Request-Headers", "X-Request-ID, Content-Type"),
            ),
        ),
        id="cors-preflight-headers",
    ),
    # JSON bodies.
    pytest.param("api", Request("POST", "/api/items", JSON, Body(b'"str"')), id="json-string"),
    pytest.param("api", Request("POST", "/api/items", JSON, Body(b"null")), id="json-null"),
    pytest.param("api", Request("POST", "/api/items", JSON, Body(b"NaN")), id="json-nan"),
    pytest.param(
        "api", Request("POST", "/api/items", JSON, Body(b'{"a": "\xff"}')), id="invalid-utf8"
    ),
    pytest.param(
        "api",
        Request(
            "POST",
            "/api/items",
            (("Content-Type", "application/json; charset=latin1"),),
            Body(b"1"),
        ),
        id="charset-latin1",
    ),
    pytest.param(
        "api",
        Request("POST", "/api/items", (("Content-Type", "application/vnd.api+json"),), Body(b"{")),
        id="plus-json",
    ),
    pytest.param(
        "api",
        Request(
            "POST",
            "/api/items",
            (*JSON, ("Content-Encoding", "gzip")),
            Body(gzip.compress(b"{}", mtime=0)),
        ),
        id="content-encoding",
    ),
    pytest.param(
        "api",
        Request("POST", "/api/items", JSON, Body(b'{"a": "', 102_400 - 8, b'"}'), chunked=True),
        id="chunked-over-limit",
    ),
    pytest.param(
        "api",
        Request("POST", "/api/items", JSON, Body(b'{"a": "', 102_400 - 9, b'"}'), chunked=True),
        id="chunked-at-limit",
    ),
    pytest.param("api", Request("GET", "/nope", JSON, Body(b"42")), id="body-on-unknown-path"),
    # Compression and rate limits.
    pytest.param(
        "production", Request("GET", "/", (("Accept-Encoding", "gzip;q=0"),)), id="gzip-q0"
    ),
    pytest.param(
        "production", Request("OPTIONS", "/", (("Accept-Encoding", "gzip"),)), id="empty-gzip"
    ),
    pytest.param("limited", Request(), id="retry-after-only-on-429"),
    pytest.param("production", Request("OPTIONS", "/", ORIGIN), id="options-not-counted"),
]


SOURCES = client_addresses(start=5000)


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    """Both servers of every choice set, started once."""
    root = tmp_path_factory.mktemp("parity-fixes")
    with contextlib.ExitStack() as stack:
        started = {}
        for name, answers in SETS.items():
            built = spec.build(answers)
            projects = render(built, catalog.FRAMEWORKS, root / name)
            started[name] = (
                built,
                {
                    framework: stack.enter_context(runner.serve(project)).url
                    for framework, project in zip(catalog.FRAMEWORKS, projects, strict=True)
                },
            )
        yield started


@pytest.mark.parametrize(("choices", "request_"), CASES)
def test_both_servers_answer_alike(choices, request_, servers):
    built, urls = servers[choices]
    source = next(SOURCES)  # a client of its own: no case uses up another's rate limit
    # Twice, from one client: the second also sees what the first counted.
    for _ in range(2):
        answers = {
            name: send(url, request_, source=source, client="198.18.0.1")
            for name, url in urls.items()
        }
        declared = catalog.declared_differences(built)
        undeclared = [
            aspect
            for aspect in compare(answers["flask"], answers["express"])
            if not any(d.covers(aspect, answers, (request_,)) for d in declared)
        ]
        assert undeclared == [], (answers["flask"], answers["express"])
