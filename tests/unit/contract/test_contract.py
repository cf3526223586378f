"""The oracle itself: `Exchange.problems()` on synthetic responses (every check fails when it
should, and says so), and the contract of each choice, written out as fixed expectations so that a
contract that silently shrinks or changes fails here."""

from __future__ import annotations

import pytest

from generator import catalog, spec
from generator.contract import AFTER, ANY, USE_UP, Exchange, Padded, exchanges, request, send
from generator.spec.resources import parse_entry
from tests.helpers import response


def get(**expected) -> Exchange:
    return Exchange("probe", "GET", "/", expected.pop("status", 200), **expected)


# --- Exchange.problems(): each check, holding and failing --------------------------------------


def test_a_response_that_meets_every_check_has_no_problems():
    exchange = get(
        status=201,
        json={"id": 1},
        media_type="application/json",
        headers={"X-One": "1"},
        header_sets={"Allow": frozenset({"GET", "HEAD"})},
        header_patterns={"X-Id": r"[a-z]+"},
        absent=("X-Powered-By",),
    )
    answer = response(
        201,
        b'{"id": 1}',
        {
            "Content-Type": "application/json; charset=utf-8",
            "x-one": "1",
            "Allow": "HEAD, GET",
            "X-Id": "abc",
        },
    )
    assert exchange.problems(answer) == []


@pytest.mark.parametrize(
    ("exchange", "answer", "problems"),
    [
        pytest.param(get(status=200), response(404), ["status 404, expected 200"], id="status"),
        pytest.param(
            get(text="Hello"),
            response(200, b"Hullo"),
            ["body 'Hullo', expected 'Hello'"],
            id="text",
        ),
        pytest.param(get(text=""), response(200, b"x"), ["body 'x', expected ''"], id="text-empty"),
        pytest.param(
            get(text="é"),
            response(200, "é".encode("latin-1")),
            ["body '\ufffd', expected 'é'"],
            id="text-encoding",
        ),
        pytest.param(
            get(json={"a": 1}),
            response(200, b"<html>"),
            ["body '<html>' is not JSON"],
            id="json-malformed",
        ),
        pytest.param(
            get(json={"a": 1}),
            response(200, b"[" * 100_000 + b"]" * 100_000),
            ["body '" + "[" * 120 + "'… is not JSON"],
            id="json-nested-deeper-than-python-reads",
        ),
        pytest.param(
            get(json={"a": 1}),
            response(200, b'{"a": 2}'),
            ['JSON \'{"a": 2}\', expected {"a": 1}'],
            id="json-value",
        ),
        pytest.param(
            get(json=None), response(200, b"{}"), ["JSON '{}', expected null"], id="json-null"
        ),
        pytest.param(
            get(media_type="application/json"),
            response(200, b"", {"Content-Type": "text/html; charset=utf-8"}),
            ["Content-Type 'text/html', expected 'application/json'"],
            id="media-type",
        ),
        pytest.param(
            get(media_type="text/css"),
            response(200),
            ["Content-Type '', expected 'text/css'"],
            id="media-type-missing",
        ),
        pytest.param(
            get(headers={"X-Frame-Options": "SAMEORIGIN"}),
            response(200, b"", {"X-Frame-Options": "DENY"}),
            ["header X-Frame-Options: 'DENY', expected 'SAMEORIGIN'"],
            id="header-value",
        ),
        pytest.param(
            get(headers={"X-Frame-Options": "SAMEORIGIN"}),
            response(200),
            ["header X-Frame-Options: None, expected 'SAMEORIGIN'"],
            id="header-missing",
        ),
        pytest.param(
            get(header_sets={"Allow": frozenset({"GET", "HEAD"})}),
            response(200, b"", {"Allow": "GET, HEAD, POST"}),
            ["header Allow: ['GET', 'HEAD', 'POST'], expected ['GET', 'HEAD']"],
            id="header-set-more",
        ),
        pytest.param(
            get(header_sets={"Allow": frozenset({"GET", "HEAD"})}),
            response(200),
            ["header Allow: [], expected ['GET', 'HEAD']"],
            id="header-set-missing",
        ),
        pytest.param(
            get(header_patterns={"Retry-After": r"\d+"}),
            response(200, b"", {"Retry-After": "12s"}),
            ["header Retry-After: '12s' does not match \\d+"],
            id="pattern-whole-value",
        ),
        pytest.param(
            get(header_patterns={"Retry-After": r"\d+"}),
            response(200, b"", {"Retry-After": "x12"}),
            ["header Retry-After: 'x12' does not match \\d+"],
            id="pattern-from-the-start",
        ),
        pytest.param(
            get(header_patterns={"Retry-After": r"\d*"}),
            response(200, b"", {"Other": "1"}),
            [],
            id="pattern-missing-reads-as-empty",
        ),
        pytest.param(
            get(header_patterns={"Retry-After": r"\d+"}),
            response(200),
            ["header Retry-After: None does not match \\d+"],
            id="pattern-missing",
        ),
        pytest.param(
            get(absent=("X-Powered-By",)),
            response(200, b"", {"x-powered-by": "Express"}),
            ["header X-Powered-By is present ('Express'), expected none"],
            id="absent",
        ),
        pytest.param(
            get(status=204, text="", headers={"A": "1"}, absent=("B",)),
            response(200, b"no", {"B": "2"}),
            [
                "status 200, expected 204",
                "body 'no', expected ''",
                "header A: None, expected '1'",
                "header B is present ('2'), expected none",
            ],
            id="every-problem-reported",
        ),
    ],
)
def test_each_check_fails_with_what_differs(exchange, answer, problems):
    assert exchange.problems(answer) == problems


@pytest.mark.parametrize(
    ("exchange", "answer"),
    [
        pytest.param(get(json=None), response(200, b"null"), id="json-null"),
        pytest.param(get(json=[1, 2.5]), response(200, b"[1.0, 2.5]"), id="json-numbers"),
        pytest.param(get(text=""), response(200, b""), id="text-empty"),
        pytest.param(get(text="é"), response(200, "é".encode()), id="text-utf8"),
        pytest.param(
            get(media_type="text/html"),
            response(200, b"", {"content-type": "Text/HTML ;charset=utf-8"}),
            id="media-type-case-and-parameters",
        ),
        pytest.param(
            get(header_sets={"Allow": frozenset({"GET", "HEAD"})}),
            response(200, b"", {"Allow": " HEAD,,GET , GET"}),
            id="header-set-order-spaces-repeats",
        ),
        pytest.param(get(absent=("X-Powered-By",)), response(200), id="absent"),
    ],
)
def test_each_check_holds_when_it_should(exchange, answer):
    assert exchange.problems(answer) == []


def test_long_bodies_are_cut_in_problems():
    problems = get(text="a").problems(response(200, b"b" * 121))
    assert problems == [f"body {'b' * 120!r}…, expected 'a'"]
    problems = get(text="a").problems(response(200, b"b" * 120))
    assert problems == [f"body {'b' * 120!r}, expected 'a'"]
    problems = get(json={"k": "v" * 200}).problems(response(200, b"[]"))
    assert problems == ["JSON '[]', expected " + ('{"k": "' + "v" * 200)[:120]]


@pytest.mark.parametrize(
    ("phase", "last"), [(ANY, False), (USE_UP, True), (AFTER, True)], ids=["any", "use-up", "after"]
)
def test_an_exchange_is_last_once_it_touches_the_rate_limit(phase, last):
    assert (ANY, USE_UP, AFTER) == (0, 1, 2)
    assert Exchange("x", "GET", "/", 200, phase=phase).last is last


# --- Sending: what goes over the wire ---------------------------------------------------------


class RecordingSession:
    """Stands in for requests.Session: records each request, answers with a numbered response."""

    def __init__(self):
        self.sent: list[tuple[str, str, dict, object]] = []
        self.options: list[dict] = []

    def request(self, method, url, *, headers, data, timeout, allow_redirects):
        self.sent.append((method, url, headers, data))
        self.options.append({"timeout": timeout, "allow_redirects": allow_redirects})
        return len(self.sent)


def test_an_exchange_is_sent_repeat_times_and_the_last_answer_returned():
    session = RecordingSession()
    exchange = Exchange("x", "POST", "/items", 201, {"Accept": "application/json"}, b"{}", repeat=3)
    assert send(session, exchange, "http://127.0.0.1:5000/", timeout=4.0) == 3
    assert (
        session.sent
        == [("POST", "http://127.0.0.1:5000/items", {"Accept": "application/json"}, b"{}")] * 3
    )
    assert session.options == [{"timeout": 4.0, "allow_redirects": False}] * 3
    assert exchange.request_headers == {"Accept": "application/json"}


def test_a_spoofing_exchange_forges_a_new_client_on_each_request():
    session = RecordingSession()
    exchange = Exchange("x", "GET", "/", 429, {"A": "1"}, repeat=2, spoof_forwarded_for=True)
    send(session, exchange, "http://h")
    assert [headers for _, _, headers, _ in session.sent] == [
        {"A": "1", "X-Forwarded-For": "203.0.113.1"},
        {"A": "1", "X-Forwarded-For": "203.0.113.2"},
    ]
    request(session, exchange, "http://h", 249)
    request(session, exchange, "http://h", 250)
    assert [headers["X-Forwarded-For"] for _, _, headers, _ in session.sent[2:]] == [
        "203.0.113.250",
        "203.0.113.1",
    ]
    assert exchange.request_headers == {"A": "1"}
    assert session.options[0] == {"timeout": 10.0, "allow_redirects": False}


def test_an_exchange_sent_no_times_has_no_answer():
    assert send(RecordingSession(), Exchange("x", "GET", "/", 200, repeat=0), "http://h") is None


def test_the_first_request_of_an_exchange_is_number_0():
    session = RecordingSession()
    request(session, Exchange("x", "GET", "/a", 200, spoof_forwarded_for=True), "http://HOSTX/")
    assert session.sent == [("GET", "http://HOSTX/a", {"X-Forwarded-For": "203.0.113.1"}, None)]
    assert session.options == [{"timeout": 10.0, "allow_redirects": False}]


def test_a_padded_body_streams_its_filler_in_chunks():
    body = Padded(b"[", 10, b"]", filler=b"ab", chunk=4)
    assert list(body) == [b"[", b"abab", b"abab", b"ab", b"]"]
    assert len(body) == 12
    assert list(Padded(b"<", 4, b">", chunk=4)) == [b"<", b"xxxx", b">"]
    assert list(Padded(b"<", 5, b">", chunk=4)) == [b"<", b"xxxx", b"x", b">"]
    assert list(Padded(b"<", 0, b">")) == [b"<", b">"]
    assert Padded(b"", 3, b"").chunk == 1 << 20


# --- The contract of each choice, as fixed expectations ---------------------------------------


def summary(contract: list[Exchange]) -> list[tuple]:
    return [(e.name, e.method, e.path, e.status) for e in contract]


def by_name(contract: list[Exchange]) -> dict[str, Exchange]:
    return {exchange.name: exchange for exchange in contract}


HELLO = [("GET /", "GET", "/", 200), ("no X-Powered-By", "GET", "/", 200)]


def test_the_hello_world_contract():
    contract = exchanges(spec.build({}))
    assert summary(contract) == HELLO
    hello, powered = contract
    assert (hello.text, hello.media_type) == ("Hello, World!", "text/html")
    page = response(200, b"Hello, World!", {"Content-Type": "text/html; charset=utf-8"})
    assert hello.problems(page) == []
    assert powered.absent == ("X-Powered-By",)


def test_the_classic_contract_does_not_ask_about_x_powered_by():
    assert summary(exchanges(spec.build({"preset": "classic"}))) == HELLO[:1]


def test_each_route_kind_has_its_exchange():
    built = spec.build(
        {
            "middleware": ["error-handlers"],
            "routes": [
                {"method": "GET", "path": "/text", "text": "hi", "status": 202},
                {"method": "GET", "path": "/json", "json": [1, "two"]},
                {"method": "POST", "path": "/items/{id:int}/{tag}", "status": 201},
                {"method": "DELETE", "path": "/items/{id:int}", "status": 204},
                {"method": "GET", "path": "/boom", "error": "kaput"},
                {"method": "PUT", "path": "/none", "status": 304},
                {"method": "PATCH", "path": "/reset", "status": 205},
            ],
        }
    )
    contract = by_name(exchanges(built))
    text = contract["GET /text"]
    assert (text.path, text.status, text.text, text.media_type) == ("/text", 202, "hi", "text/html")
    data = contract["GET /json"]
    assert (data.status, data.json, data.media_type) == (200, [1, "two"], "application/json")
    made = contract["POST /items/{id:int}/{tag}"]
    assert (made.path, made.status, made.media_type) == (
        "/items/42/example",
        201,
        "application/json",
    )
    assert made.json == {
        "route": "POST /items/{id:int}/{tag}",
        "params": {"id": 42, "tag": "example"},
    }
    not_int = contract["POST /items/{id:int}/{tag}: id not an int"]
    assert (not_int.method, not_int.path, not_int.status) == ("POST", "/items/abc/example", 404)
    assert not_int.json == {"error": "Not Found"}
    assert "POST /items/{id:int}/{tag}: tag not an int" not in contract
    empty = contract["DELETE /items/{id:int}"]
    assert (empty.path, empty.status, empty.text, empty.media_type) == ("/items/42", 204, "", None)
    assert contract["PUT /none"].text == "" and contract["PUT /none"].status == 304
    assert (contract["PATCH /reset"].status, contract["PATCH /reset"].text) == (205, "")
    assert contract["PATCH /reset"].problems(response(205, b"{}")) == ["body '{}', expected ''"]
    boom = contract["GET /boom: raises"]
    assert (boom.status, boom.json, boom.media_type) == (
        500,
        {"error": "Internal Server Error"},
        "application/json",
    )


def test_without_json_errors_an_error_route_promises_only_its_status():
    built = spec.build({"routes": [{"method": "GET", "path": "/boom", "error": "kaput"}]})
    boom = by_name(exchanges(built))["GET /boom: raises"]
    assert (boom.status, boom.text, boom.media_type) == (500, None, None)
    assert boom.problems(response(500, b"<h1>any page</h1>")) == []


def test_health_contract():
    contract = by_name(exchanges(spec.build({"middleware": ["health"]})))
    assert summary(contract.values())[2:] == [
        ("health check", "GET", "/healthz", 200),
        ("health check: HEAD", "HEAD", "/healthz", 200),
    ]
    assert contract["health check"].json == {"status": "ok"}
    assert contract["health check"].media_type == "application/json"
    assert contract["health check: HEAD"].text == ""


def test_health_past_the_rate_limit_comes_after_it_is_used_up():
    contract = exchanges(spec.build({"middleware": ["health", "rate-limit"]}))
    names = [e.name for e in contract]
    assert names[-2:] == [
        "rate limit: request 101 in the window",
        "health check: past the rate limit",
    ]
    past = contract[-1]
    assert (past.path, past.status, past.phase, past.json) == (
        "/healthz",
        200,
        AFTER,
        {"status": "ok"},
    )


@pytest.mark.parametrize(
    ("hops", "forwarded"),
    [(1, "198.51.100.7"), (2, "198.51.100.7, 10.0.0.1"), (3, "198.51.100.7, 10.0.0.1, 10.0.0.2")],
    ids=["one", "two", "three"],
)
def test_proxy_contract(hops, forwarded):
    built = spec.build(
        {"middleware": ["proxy", "rate-limit"], "settings": {"proxy": {"hops": hops}}}
    )
    contract = exchanges(built)
    own = contract[-1]
    assert (own.name, own.path, own.status, own.phase) == (
        "proxy: the forwarded client has a limit of its own",
        "/",
        200,
        AFTER,
    )
    assert own.request_headers == {"X-Forwarded-For": forwarded}
    exceeded = by_name(contract)["rate limit: request 101 in the window"]
    assert exceeded.spoof_forwarded_for is False


@pytest.mark.parametrize(
    "answers",
    [
        {"middleware": ["proxy"]},
        {"middleware": ["proxy", "rate-limit"], "settings": {"proxy": {"hops": 0}}},
    ],
    ids=["without-rate-limit", "no-hops"],
)
def test_proxy_without_a_limit_or_hops_adds_nothing(answers):
    names = [e.name for e in exchanges(spec.build(answers))]
    assert not any(name.startswith("proxy") for name in names)


def test_request_id_contract():
    contract = exchanges(spec.build({"middleware": ["request-id"]}))
    uuid = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
    assert [(e.name, e.request_headers, e.headers, e.header_patterns) for e in contract[2:]] == [
        ("request id echoed", {"X-Request-ID": "abc-123.X_y"}, {"X-Request-ID": "abc-123.X_y"}, {}),
        ("request id created", {}, {}, {"X-Request-ID": uuid}),
        ("request id replaced", {"X-Request-ID": "not valid"}, {}, {"X-Request-ID": uuid}),
    ]


def test_logging_has_no_exchanges():
    assert summary(exchanges(spec.build({"middleware": ["logging"]}))) == HELLO


def test_security_headers_contract():
    contract = exchanges(spec.build({"middleware": ["security-headers"]}))
    assert summary(contract)[2:] == [("security headers", "GET", "/", 200)]
    headers = contract[2].headers
    assert len(headers) == 12
    assert headers["X-Frame-Options"] == "SAMEORIGIN"
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert headers["Content-Security-Policy"].startswith("default-src 'self';base-uri 'self';")


def test_cors_contract_uses_the_first_allowed_origin():
    built = spec.build(
        {
            "middleware": ["cors"],
            "settings": {"cors": {"origins": ["https://b.example", "https://a.example"]}},
        }
    )
    allowed, refused, preflight = exchanges(built)[2:]
    assert allowed.request_headers == {"Origin": "https://b.example"}
    assert allowed.headers == {"Access-Control-Allow-Origin": "https://b.example"}
    assert allowed.absent == ("Access-Control-Allow-Credentials",)
    assert refused.request_headers == {"Origin": "https://refused.example"}
    assert refused.absent == ()
    assert refused.forbidden == {
        "Access-Control-Allow-Origin": frozenset({"https://refused.example", "*"})
    }
    assert (preflight.method, preflight.status, preflight.any_success) == ("OPTIONS", 200, True)
    assert preflight.headers == {"Access-Control-Allow-Origin": "https://b.example"}
    assert preflight.request_headers == {
        "Origin": "https://b.example",
        "Access-Control-Request-Method": "DELETE",
    }
    assert preflight.header_sets == {}
    assert preflight.header_includes == {"Access-Control-Allow-Methods": frozenset({"DELETE"})}


@pytest.mark.parametrize(
    ("status", "headers", "problems"),
    [
        pytest.param(204, {"Access-Control-Allow-Methods": "GET,DELETE"}, [], id="204-ok"),
        pytest.param(200, {"Access-Control-Allow-Methods": "delete, OPTIONS"}, [], id="200-ok"),
        pytest.param(
            404,
            {"Access-Control-Allow-Methods": "DELETE"},
            ["status 404, expected a 2xx status"],
            id="not-2xx",
        ),
        pytest.param(
            300,
            {"Access-Control-Allow-Methods": "DELETE"},
            ["status 300, expected a 2xx status"],
            id="300-is-not-2xx",
        ),
        pytest.param(
            204,
            {},
            ["header Access-Control-Allow-Methods: [], expected ['DELETE'] among them"],
            id="no-methods-header",
        ),
        pytest.param(
            204,
            {"Access-Control-Allow-Methods": "GET, POST"},
            [
                "header Access-Control-Allow-Methods: ['GET', 'POST'], "
                "expected ['DELETE'] among them"
            ],
            id="method-missing",
        ),
    ],
)
def test_a_preflight_is_judged_as_a_browser_judges_it(status, headers, problems):
    from tests.helpers import response

    preflight = exchanges(spec.build({"middleware": ["cors"]}))[-1]
    answer = response(
        status, b"", {"Access-Control-Allow-Origin": "http://localhost:5173", **headers}
    )
    assert preflight.problems(answer) == problems


@pytest.mark.parametrize(
    ("value", "problems"),
    [
        pytest.param(None, [], id="absent"),
        pytest.param("http://localhost:5173", [], id="another-origin"),
        pytest.param(
            "https://refused.example",
            [
                "header Access-Control-Allow-Origin: 'https://refused.example', "
                "expected another value"
            ],
            id="echoed",
        ),
        pytest.param(
            "*", ["header Access-Control-Allow-Origin: '*', expected another value"], id="any"
        ),
    ],
)
def test_a_refused_origin_is_judged_as_a_browser_judges_it(value, problems):
    from tests.helpers import response

    refused = exchanges(spec.build({"middleware": ["cors"]}))[-2]
    headers = {} if value is None else {"Access-Control-Allow-Origin": value}
    assert refused.problems(response(200, b"Hello, World!", headers)) == problems


def test_compression_contract_at_the_threshold():
    built = spec.build(
        {
            "middleware": ["compression"],
            "routes": [
                {"method": "GET", "path": "/data0", "json": "a" * 2000},
                {"method": "GET", "path": "/small", "text": "a" * 1023},
                {"method": "GET", "path": "/big", "text": "a" * 1024},
                {"method": "GET", "path": "/wide", "text": "é" * 512},
                {"method": "POST", "path": "/posted", "text": "a" * 2000},
                {"method": "GET", "path": "/data", "json": ["a" * 2000]},
            ],
        }
    )
    found = {e.path: e for e in exchanges(built) if e.name.startswith("compression")}
    assert list(found) == ["/", "/small", "/big", "/wide"]
    small, big, wide = found["/small"], found["/big"], found["/wide"]
    assert small.name == "compression of GET /small (1023 bytes)"
    assert (small.headers, small.absent) == ({}, ("Content-Encoding",))
    assert (big.headers, big.absent) == ({"Content-Encoding": "gzip"}, ())
    assert wide.headers == {"Content-Encoding": "gzip"}
    assert big.request_headers == {"Accept-Encoding": "gzip"}
    assert (big.text, big.status, big.method) == ("a" * 1024, 200, "GET")


def test_rate_limit_contract():
    built = spec.build({"middleware": ["rate-limit"], "settings": {"rate-limit": {"max": 5}}})
    contract = exchanges(built)
    headers, exceeded = contract[2:]
    assert (headers.name, headers.status, headers.phase) == ("rate limit: headers", 200, ANY)
    assert headers.headers == {"X-RateLimit-Limit": "5"}
    assert headers.header_patterns == {"X-RateLimit-Remaining": r"\d+"}
    assert (exceeded.name, exceeded.status, exceeded.repeat, exceeded.phase) == (
        "rate limit: request 6 in the window",
        429,
        6,
        USE_UP,
    )
    assert exceeded.spoof_forwarded_for is True
    assert exceeded.headers == {"X-RateLimit-Limit": "5", "X-RateLimit-Remaining": "0"}
    assert exceeded.header_patterns == {"Retry-After": r"\d+"}
    # Each framework's own 429 page (declared), unless strict parity makes them one.
    assert (exceeded.text, exceeded.media_type) == (None, None)
    strict = spec.build(
        {
            "middleware": ["rate-limit"],
            "settings": {"rate-limit": {"max": 5}},
            "strict-parity": True,
        }
    )
    assert exchanges(strict)[-1].text == "Too many requests, please try again later."


def test_rate_limit_with_json_errors_answers_json():
    built = spec.build({"middleware": ["rate-limit", "error-handlers"]})
    exceeded = by_name(exchanges(built))["rate limit: request 101 in the window"]
    assert (exceeded.text, exceeded.json) == (None, {"error": "Too Many Requests"})
    assert exceeded.media_type == "application/json"


def test_json_body_contract():
    settings = {"json-body": {"limit": 7, "depth": 3}}
    built = spec.build({"middleware": ["json-body"], "settings": settings})
    malformed, too_deep, too_big = exchanges(built)[2:]
    assert (malformed.name, malformed.method, malformed.path, malformed.status) == (
        "malformed JSON body",
        "POST",
        "/",
        400,
    )
    assert malformed.request_headers == {"Content-Type": "application/json"}
    assert malformed.body == b'{"broken": '
    assert (too_deep.name, too_deep.method, too_deep.path, too_deep.status) == (
        "JSON body nested deeper than 3",
        "POST",
        "/",
        400,
    )
    assert too_deep.request_headers == {"Content-Type": "application/json"}
    assert too_deep.body == b"[[[[]]]]"
    assert (too_big.name, too_big.status) == ("JSON body over 7 bytes", 413)
    assert too_big.request_headers == {"Content-Type": "application/json"}
    assert b"".join(too_big.body) == b'{"data": "xxxxxxx"}'
    # Without JSON errors, any page with the right status will do.
    assert malformed.problems(response(400, b"<h1>Bad Request</h1>")) == []
    assert too_big.problems(response(413, b"<h1>Too Large</h1>")) == []


def test_json_body_with_json_errors_names_them():
    built = spec.build({"middleware": ["json-body", "error-handlers"]})
    contract = by_name(exchanges(built))
    assert contract["malformed JSON body"].json == {"error": "Bad Request"}
    assert contract["JSON body over 102400 bytes"].json == {"error": "Request Entity Too Large"}
    assert contract["JSON body nested deeper than 64"].json == {"error": "Bad Request"}
    assert contract["malformed JSON body"].media_type == "application/json"


def test_static_contract():
    (static,) = exchanges(spec.build({"middleware": ["static"]}))[2:]
    assert (static.name, static.path, static.status, static.media_type) == (
        "static file",
        "/static/style.css",
        200,
        "text/css",
    )
    assert static.text == "body {\n  font-family: system-ui, sans-serif;\n}\n"


@pytest.mark.parametrize(
    ("routes", "wrong", "allowed"),
    [
        pytest.param([], "DELETE", {"GET", "HEAD", "OPTIONS"}, id="hello"),
        pytest.param(
            [{"method": "DELETE", "path": "/"}, {"method": "PATCH", "path": "/"}],
            "PUT",
            {"GET", "HEAD", "DELETE", "PATCH", "OPTIONS"},
            id="taken-methods",
        ),
        pytest.param(
            [{"method": m, "path": "/"} for m in ("DELETE", "PATCH", "PUT")],
            "POST",
            {"GET", "HEAD", "DELETE", "PATCH", "PUT", "OPTIONS"},
            id="post-last",
        ),
    ],
)
def test_error_handlers_contract(routes, wrong, allowed):
    built = spec.build({"middleware": ["error-handlers"], "routes": routes, "strict-parity": True})
    contract = by_name(exchanges(built))
    unknown = contract["unknown path"]
    assert (unknown.path, unknown.status, unknown.json) == (
        "/no/such/path",
        404,
        {"error": "Not Found"},
    )
    assert unknown.media_type == "application/json"
    refused = contract[f"{wrong} /: wrong method"]
    assert (refused.method, refused.path, refused.status) == (wrong, "/", 405)
    assert refused.header_sets == {"Allow": frozenset(allowed)}
    assert refused.json == {"error": "Method Not Allowed"}


def test_without_strict_parity_a_wrong_method_is_no_part_of_the_contract():
    # Express answers 404 where Flask answers 405: a declared difference, not a contract.
    built = spec.build({"middleware": ["error-handlers"], "routes": []})
    assert summary(exchanges(built)) == [
        ("GET /", "GET", "/", 200),
        ("no X-Powered-By", "GET", "/", 200),
        ("unknown path", "GET", "/no/such/path", 404),
    ]


def test_error_handlers_allow_no_head_without_get():
    built = spec.build(
        {
            "middleware": ["error-handlers"],
            "routes": [{"method": "POST", "path": "/u/{id:int}"}],
            "strict-parity": True,
        }
    )
    first = built.routes[0]
    assert first.label == "GET /"
    assert by_name(exchanges(built))["DELETE /: wrong method"].header_sets == {
        "Allow": frozenset({"GET", "HEAD", "OPTIONS"})
    }
    built = spec.build(
        {
            "middleware": ["error-handlers"],
            "routes": [
                {"method": "POST", "path": "/a"},
                {"method": "GET", "path": "/"},
            ],
            "strict-parity": True,
        }
    )
    assert built.routes[0].label == "POST /a"
    refused = by_name(exchanges(built))["DELETE /a: wrong method"]
    assert refused.header_sets == {"Allow": frozenset({"POST", "OPTIONS"})}


def test_the_whole_contract_of_every_middleware_is_fixed():
    """A contract that silently shrinks fails here: every exchange, in the order they run."""
    every = [choice.key for choice in catalog.MIDDLEWARE]
    built = spec.build(
        {
            "middleware": every,
            "routes": [{"method": "GET", "path": "/items/{id:int}"}],
            "settings": {"rate-limit": {"max": 50}, "proxy": {"hops": 1}},
            "strict-parity": True,
        }
    )
    assert summary(exchanges(built)) == [
        ("GET /", "GET", "/", 200),
        ("GET /items/{id:int}", "GET", "/items/42", 200),
        ("GET /items/{id:int}: id not an int", "GET", "/items/abc", 404),
        ("no X-Powered-By", "GET", "/", 200),
        ("health check", "GET", "/healthz", 200),
        ("health check: HEAD", "HEAD", "/healthz", 200),
        ("request id echoed", "GET", "/", 200),
        ("request id created", "GET", "/", 200),
        ("request id replaced", "GET", "/", 200),
        ("security headers", "GET", "/", 200),
        ("CORS: allowed origin", "GET", "/", 200),
        ("CORS: refused origin", "GET", "/", 200),
        ("CORS: preflight", "OPTIONS", "/", 200),
        ("compression of GET / (13 bytes)", "GET", "/", 200),
        ("rate limit: headers", "GET", "/", 200),
        ("malformed JSON body", "POST", "/", 400),
        ("JSON body nested deeper than 64", "POST", "/", 400),
        ("JSON body over 102400 bytes", "POST", "/", 413),
        ("HEAD /events: an event stream, never buffered", "HEAD", "/events", 200),
        ("publish an event", "POST", "/events", 202),
        ("publish: an event name with a space", "POST", "/events", 400),
        ("publish: an event name with a line break", "POST", "/events", 400),
        ("publish: no data", "POST", "/events", 400),
        ("publish: not an object", "POST", "/events", 400),
        ("publish: malformed JSON", "POST", "/events", 400),
        ("publish: a body over 102400 bytes", "POST", "/events", 413),
        ("static file", "GET", "/static/style.css", 200),
        ("unknown path", "GET", "/no/such/path", 404),
        ("DELETE /: wrong method", "DELETE", "/", 405),
        ("rate limit: request 51 in the window", "GET", "/", 429),
        ("health check: past the rate limit", "GET", "/healthz", 200),
        ("proxy: the forwarded client has a limit of its own", "GET", "/", 200),
    ]


@pytest.mark.parametrize(
    ("strict", "alternatives"),
    [
        pytest.param(False, ({"error": "Payload Too Large"},), id="either-name"),
        pytest.param(True, (), id="strict-flask-name-only"),
    ],
)
def test_a_413_error_may_bear_either_standard_name(strict, alternatives):
    built = spec.build({"middleware": ["json-body", "error-handlers"], "strict-parity": strict})
    too_big = by_name(exchanges(built))["JSON body over 102400 bytes"]
    assert too_big.json == {"error": "Request Entity Too Large"}
    assert too_big.json_alternatives == alternatives
    assert by_name(exchanges(built))["malformed JSON body"].json_alternatives == ()


def test_a_resource_brings_its_exchanges_and_any_origin_its_own():
    built = spec.build(
        {
            "routes": [parse_entry("resource /items name:str")],
            "middleware": ["cors"],
            "settings": {"cors": {"origins": ["*"]}},
        }
    )
    names = [exchange.name for exchange in exchanges(built)]
    assert names[:3] == ["GET /", "resource /items: empty list", "resource /items: create"]
    assert len([name for name in names if name.startswith("resource /items: ")]) == 20
    assert names[-5:] == [
        "no X-Powered-By",
        "CORS: any origin (https://any.example)",
        "CORS: any origin (http://localhost:8080)",
        "CORS: no Origin",
        "CORS: preflight from any origin",
    ]
