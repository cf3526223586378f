"""What a workshop step checks (generator/workshop/contract.py), from fixed answers: the step's
contract accepts the textbook answers of flask-cors, the cors package, Werkzeug and Node, refuses
what a browser or a client would refuse, and names each difference itself. No server runs."""

from __future__ import annotations

import pytest

from generator.contract import Exchange, exchanges
from generator.spec.routes import Route
from generator.workshop import load_workshop
from generator.workshop.contract import (
    Check,
    _preflight_problems,
    checks_of,
    json_difference,
    judged,
    text_difference,
)
from tests.helpers import response

WORKSHOP = load_workshop("flask-vs-express")
ORIGIN = "http://localhost:5173"


def check(step: int, name: str):
    found = {c.name: c for c in checks_of(WORKSHOP.step(step).spec)}
    return found[name]


def test_step_4_sends_its_json_bodies_to_the_route_that_takes_them():
    sent = {
        c.name: (c.method, c.path, c.request_headers, c.body)
        for c in checks_of(WORKSHOP.step(4).spec)
        if c.method != "GET"
    }
    json_type = {"Content-Type": "application/json"}
    assert sent["POST /users"] == ("POST", "/users", json_type, b'{"name": "Ada"}')
    assert sent["malformed JSON body"] == ("POST", "/users", json_type, b'{"broken": ')
    assert sent["JSON body over 102400 bytes"][:3] == ("POST", "/users", json_type)
    assert len(sent["JSON body over 102400 bytes"][3]) == 102400 + len(b'{"data": ""}')
    gets = [c for c in checks_of(WORKSHOP.step(4).spec) if c.method == "GET"]
    assert [(c.body, "Content-Type" in c.request_headers) for c in gets] == [(None, False)] * 5


JSON = {"Content-Type": "application/json"}


@pytest.mark.parametrize(
    ("name", "status", "body"),
    [
        pytest.param(
            "JSON body over 102400 bytes",
            413,
            b'{"error": "Request Entity Too Large"}',
            id="werkzeug-413",
        ),
        pytest.param(
            "JSON body over 102400 bytes", 413, b'{"error": "Payload Too Large"}', id="node-413"
        ),
        pytest.param(
            "JSON body over 102400 bytes", 413, b'{"error": "Content Too Large"}', id="rfc9110-413"
        ),
        pytest.param("malformed JSON body", 400, b'{"error": "Bad Request"}', id="bad-request"),
    ],
)
def test_an_error_may_carry_any_standard_name_of_its_status(name, status, body):
    assert check(4, name).problems(response(status, body, JSON)) == []


def test_another_error_name_is_refused_naming_the_difference_and_the_names_allowed():
    answer = response(413, b'{"error": "Too big"}', JSON)
    assert check(4, "JSON body over 102400 bytes").problems(answer) == [
        'error is "Too big", expected "Request Entity Too Large" '
        '(or {"error": "Payload Too Large"} or {"error": "Content Too Large"})'
    ]


@pytest.mark.parametrize(
    ("headers", "problems"),
    [
        pytest.param({}, [], id="no-header"),
        pytest.param({"Access-Control-Allow-Origin": ORIGIN}, [], id="another-origin"),
        pytest.param({"Access-Control-Allow-Origin": "null"}, [], id="null"),
        pytest.param(
            {"Access-Control-Allow-Origin": "https://refused.example"},
            [
                "header Access-Control-Allow-Origin: 'https://refused.example' lets a page from "
                "https://refused.example read the answer; expected no such header, or one "
                "naming another origin"
            ],
            id="the-origin-itself",
        ),
        pytest.param(
            {"Access-Control-Allow-Origin": "*"},
            [
                "header Access-Control-Allow-Origin: '*' lets a page from https://refused.example "
                "read the answer; expected no such header, or one naming another origin"
            ],
            id="any-origin",
        ),
    ],
)
def test_a_refused_origin_is_judged_as_a_browser_judges_it(headers, problems):
    refused = check(5, "CORS: refused origin")
    assert refused.request_headers == {"Origin": "https://refused.example"}
    assert refused.problems(response(200, b"Hello, World!", headers)) == problems


@pytest.mark.parametrize(
    ("headers", "problems"),
    [
        pytest.param({"Access-Control-Allow-Origin": ORIGIN}, [], id="the-origin"),
        pytest.param({"Access-Control-Allow-Origin": "*"}, [], id="any-origin"),
        pytest.param(
            {},
            [f"header Access-Control-Allow-Origin: None, expected '{ORIGIN}' (or '*')"],
            id="no-header",
        ),
        pytest.param(
            {"Access-Control-Allow-Origin": ORIGIN, "Access-Control-Allow-Credentials": "true"},
            ["header Access-Control-Allow-Credentials is present ('true'), expected none"],
            id="credentials",
        ),
    ],
)
def test_an_allowed_origin_is_judged_as_a_browser_judges_it(headers, problems):
    allowed = check(5, "CORS: allowed origin")
    assert allowed.request_headers == {"Origin": ORIGIN}
    assert allowed.problems(response(200, b"Hello, World!", headers)) == problems


FLASK_CORS_PREFLIGHT = {  # flask-cors 6 with CORS(app, origins=[ORIGIN])
    "Access-Control-Allow-Origin": ORIGIN,
    "Access-Control-Allow-Methods": "DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT",
    "Access-Control-Allow-Headers": "content-type",
    "Vary": "Origin",
}
CORS_PREFLIGHT = {  # the cors package 2.8 with cors({ origin: ORIGIN })
    "Access-Control-Allow-Origin": ORIGIN,
    "Access-Control-Allow-Methods": "GET,HEAD,PUT,PATCH,POST,DELETE",
    "Access-Control-Allow-Headers": "content-type",
    "Vary": "Origin, Access-Control-Request-Headers",
}


@pytest.mark.parametrize(
    ("status", "headers", "problems"),
    [
        pytest.param(200, FLASK_CORS_PREFLIGHT, [], id="flask-cors"),
        pytest.param(204, CORS_PREFLIGHT, [], id="cors-package"),
        pytest.param(
            200, {**CORS_PREFLIGHT, "Access-Control-Allow-Methods": "*"}, [], id="any-method"
        ),
        pytest.param(
            404,
            {},
            [
                "status 404, expected a 2xx status",
                f"no Access-Control-Allow-Origin header, expected '{ORIGIN}'",
                "Access-Control-Allow-Methods None does not allow DELETE",
                "Access-Control-Allow-Headers None does not allow content-type",
            ],
            id="no-cors",
        ),
        pytest.param(
            204,
            {
                **CORS_PREFLIGHT,
                "Access-Control-Allow-Methods": "GET,POST",
                "Access-Control-Allow-Headers": "x-api-key",
            },
            [
                "Access-Control-Allow-Methods 'GET,POST' does not allow DELETE",
                "Access-Control-Allow-Headers 'x-api-key' does not allow content-type",
            ],
            id="too-narrow",
        ),
        pytest.param(
            204,
            {**CORS_PREFLIGHT, "Access-Control-Allow-Origin": "http://localhost:3000"},
            [f"header Access-Control-Allow-Origin: 'http://localhost:3000', expected '{ORIGIN}'"],
            id="other-origin",
        ),
    ],
)
def test_a_preflight_is_judged_as_a_browser_judges_it(status, headers, problems):
    preflight = check(5, "CORS: preflight")
    assert preflight.request_headers == {
        "Origin": ORIGIN,
        "Access-Control-Request-Method": "DELETE",
        "Access-Control-Request-Headers": "content-type",
    }
    assert preflight.problems(response(status, b"", headers)) == problems


@pytest.mark.parametrize(
    ("got", "expected", "line"),
    [
        pytest.param(
            {"route": "GET /users/{id:int}", "params": {"id": "42"}},
            {"route": "GET /users/{id:int}", "params": {"id": 42}},
            'params.id is "42" (a string), expected 42 (a number)',
            id="string-for-number",
        ),
        pytest.param({"a": 1}, {"a": 2}, "a is 1, expected 2", id="other-number"),
        pytest.param({}, {"created": True}, "created is missing, expected true", id="missing"),
        pytest.param({"a": 1, "b": [2]}, {"a": 1}, "b ([2]) is not expected", id="extra"),
        pytest.param([1, 2], [1], "the JSON has 2 items, expected 1", id="list-length"),
        pytest.param(
            {"x": [1, {"y": None}]},
            {"x": [1, {"y": 0}]},
            "x[1].y is null (null), expected 0 (a number)",
            id="nested",
        ),
        pytest.param("a", ["a"], 'the JSON is "a" (a string), expected ["a"] (a list)', id="kind"),
    ],
)
def test_a_json_difference_names_the_first_member_that_differs(got, expected, line):
    assert json_difference(got, expected) == line


def test_a_long_text_difference_is_shown_where_it_is_never_cut_before():
    expected = "default-src 'self';" + "a" * 200 + ";frame-ancestors 'self'"
    got = "default-src 'self';" + "a" * 200 + ";frame-ancestors 'none'"
    assert text_difference(got, expected, "header CSP") == (
        "header CSP differs at character 238: …\"aaaaaa;frame-ancestors 'none'\", "
        "expected …\"aaaaaa;frame-ancestors 'self'\""
    )
    assert text_difference("Hello, world!", "Hello, World!", "body") == (
        "body 'Hello, world!', expected 'Hello, World!'"
    )
    assert json_difference({"t": "a" * 60 + "b"}, {"t": "a" * 60 + "c"}) == (
        't differs at character 61: …"' + "a" * 24 + 'b", expected …"' + "a" * 24 + 'c"'
    )
    assert text_difference("x" * 100, "x" * 120, "body") == (
        "body differs at character 101: …'" + "x" * 24 + "', expected …'" + "x" * 44 + "'"
    )


# -- Check, judged and the differences, one fixed answer each ----------------------------------

ACAO = "Access-Control-Allow-Origin"


def plain(**fields) -> Check:
    return Check("c", "GET", "/", 200, **fields)


@pytest.mark.parametrize(
    ("check", "answer", "problems"),
    [
        pytest.param(plain(text="ok"), response(200, b"ok"), [], id="text-equal"),
        pytest.param(
            plain(text="hello"),
            response(200, b"world"),
            ["body 'world', expected 'hello'"],
            id="text-once",
        ),
        pytest.param(
            plain(text="ok"),
            response(200, b"\xffok"),
            ["body '\ufffdok', expected 'ok'"],
            id="text-not-utf8",
        ),
        pytest.param(
            plain(headers={"X-Test": "a"}),
            response(200, b"", {"X-Test": "b"}),
            ["header X-Test 'b', expected 'a'"],
            id="header-once",
        ),
        pytest.param(
            plain(headers={"X-Test": "a"}), response(200, b"", {"X-Test": "a"}), [], id="header"
        ),
        pytest.param(
            plain(headers={"X-Test": "a"}),
            response(200),
            ["no X-Test header, expected 'a'"],
            id="header-missing",
        ),
        pytest.param(
            plain(json={"id": 1}),
            response(200, b"x" * 49),
            [f'body {"x" * 48!r}… is not JSON, expected {{"id": 1}}'],
            id="not-json-cut",
        ),
        pytest.param(
            plain(json={"id": 1}),
            response(200, b"\xff" + b"y" * 47),
            ["body '\ufffd" + "y" * 47 + '\' is not JSON, expected {"id": 1}'],
            id="not-json-whole",
        ),
        pytest.param(
            plain(allowed_origin=True),
            response(200, b"", {ACAO: ""}),
            [],
            id="no-origin-empty-header",
        ),
        pytest.param(
            plain(allowed_origin=True),
            response(200),
            [f"header {ACAO}: None, expected '' (or '*')"],
            id="no-origin-no-header",
        ),
    ],
)
def test_a_check_names_each_problem_once(check, answer, problems):
    assert check.problems(answer) == problems


PREFLIGHT = {
    "Origin": ORIGIN,
    "Access-Control-Request-Method": "DELETE",
    "Access-Control-Request-Headers": "content-type",
}
ALLOWS = {
    ACAO: ORIGIN,
    "Access-Control-Allow-Methods": "GET, DELETE",
    "Access-Control-Allow-Headers": "Content-Type",
}


@pytest.mark.parametrize(
    ("status", "problems"),
    [
        pytest.param(204, [], id="204"),
        pytest.param(299, [], id="299"),
        pytest.param(300, ["status 300, expected a 2xx status"], id="300"),
        pytest.param(
            500,
            [
                "status 500, expected a 2xx status",
                "header X-Powered-By is present ('x'), expected none",
            ],
            id="first",
        ),
    ],
)
def test_a_preflight_takes_any_2xx_status_and_judges_no_header_set(status, problems):
    check = Check(
        "p",
        "OPTIONS",
        "/",
        200,
        request_headers=PREFLIGHT,
        preflight=True,
        header_sets={"Vary": frozenset({"Origin"})},
        absent=("X-Powered-By",) if status == 500 else (),
    )
    headers = ALLOWS | ({"X-Powered-By": "x"} if status == 500 else {})
    assert check.problems(response(status, b"", headers)) == problems


@pytest.mark.parametrize(
    ("asked", "headers", "problems"),
    [
        pytest.param(PREFLIGHT, ALLOWS, [], id="allowed"),
        pytest.param(PREFLIGHT, ALLOWS | {ACAO: "*"}, [], id="any-origin"),
        pytest.param(
            PREFLIGHT | {"Access-Control-Request-Headers": "Content-Type"},
            ALLOWS | {"Access-Control-Allow-Headers": "content-type"},
            [],
            id="names-any-case",
        ),
        pytest.param(
            PREFLIGHT, ALLOWS | {"Access-Control-Allow-Headers": "*"}, [], id="any-header"
        ),
        pytest.param(
            {},
            {ACAO: ""},
            ["Access-Control-Allow-Methods None does not allow "],
            id="nothing-asked",
        ),
        pytest.param(
            {"Access-Control-Request-Method": "XXXX", "Access-Control-Request-Headers": "XXXX"},
            {ACAO: ""},
            [
                "Access-Control-Allow-Methods None does not allow XXXX",
                "Access-Control-Allow-Headers None does not allow xxxx",
            ],
            id="nothing-allowed",
        ),
        pytest.param(
            PREFLIGHT,
            {"Access-Control-Allow-Methods": "GET", "Access-Control-Allow-Headers": "x-id"},
            [
                f"no {ACAO} header, expected '{ORIGIN}'",
                "Access-Control-Allow-Methods 'GET' does not allow DELETE",
                "Access-Control-Allow-Headers 'x-id' does not allow content-type",
            ],
            id="each-refused",
        ),
        pytest.param(
            {},
            {},
            [f"no {ACAO} header, expected ''", "Access-Control-Allow-Methods None does not allow "],
            id="no-origin",
        ),
    ],
)
def test_preflight_problems_name_what_a_browser_refuses(asked, headers, problems):
    assert _preflight_problems(asked, headers) == problems


@pytest.mark.parametrize(
    ("check", "lines", "shown"),
    [
        pytest.param(
            plain(preflight=True, request_headers={"Origin": ORIGIN}),
            [
                "a 2xx status",
                f"{ACAO}: {ORIGIN} (or *)",
                "Access-Control-Allow-Methods allowing DELETE",
                "Access-Control-Allow-Headers allowing content-type",
            ],
            [ACAO, "Access-Control-Allow-Methods", "Access-Control-Allow-Headers"],
            id="preflight",
        ),
        pytest.param(
            plain(preflight=True),
            [
                "a 2xx status",
                f"{ACAO}:  (or *)",
                "Access-Control-Allow-Methods allowing DELETE",
                "Access-Control-Allow-Headers allowing content-type",
            ],
            [ACAO, "Access-Control-Allow-Methods", "Access-Control-Allow-Headers"],
            id="preflight-no-origin",
        ),
        pytest.param(
            plain(allowed_origin=True, request_headers={"Origin": ORIGIN}),
            ["status 200", f"{ACAO}: {ORIGIN} (or *)"],
            [ACAO],
            id="allowed",
        ),
        pytest.param(
            plain(refused_origin=True),
            ["status 200", f"no {ACAO} header, or another origin than  (a browser refuses)"],
            [ACAO],
            id="refused",
        ),
        pytest.param(plain(), [], [], id="plain"),
    ],
)
def test_a_report_shows_what_a_browser_needs(check, lines, shown):
    assert (check.expected_lines(), check.shown_headers()) == (lines, shown)


def test_checks_of_a_batch_are_that_batch_only():
    spec = WORKSHOP.step(4).spec
    batch = [e for e in exchanges(spec) if e.name == "unknown path"]
    assert [c.name for c in checks_of(spec, batch)] == ["unknown path"]


def test_a_json_body_goes_to_the_first_body_route_with_its_method():
    sent = Exchange(
        "x", "POST", "/", 400, request_headers={"Content-Type": "application/json"}, body=b"{"
    )
    found = judged(sent, Route("PUT", "/users"))
    assert (found.method, found.path, found.preflight) == ("PUT", "/users", False)


def test_only_an_options_request_asking_for_a_method_is_a_preflight():
    asked = {"Access-Control-Request-Method": "PUT"}
    options = judged(Exchange("o", "OPTIONS", "/", 204))
    get = judged(Exchange("g", "GET", "/", 200, request_headers=asked))
    preflight = judged(Exchange("p", "OPTIONS", "/", 204, request_headers=asked, any_success=True))
    assert (options.preflight, get.preflight, preflight.preflight) == (False, False, True)
    assert preflight.any_success is False


@pytest.mark.parametrize(
    ("got", "expected", "difference"),
    [
        pytest.param({}, [], "the JSON is {} (an object), expected [] (a list)", id="kinds"),
        pytest.param(True, 1, "the JSON is true (a boolean), expected 1 (a number)", id="bool"),
        pytest.param(None, 1, "the JSON is null (null), expected 1 (a number)", id="null"),
        pytest.param("é", "e", 'the JSON is "é", expected "e"', id="unicode"),
        pytest.param({"a": {}}, {"a": {"b": 1}}, "a.b is missing, expected 1", id="nested-missing"),
        pytest.param(
            {"a": {"b": 1, "c": 2}}, {"a": {"b": 1}}, "a.c (2) is not expected", id="nested-extra"
        ),
        pytest.param(
            "x" * 48, "y" * 48, f'the JSON is "{"x" * 48}", expected "{"y" * 48}"', id="96-chars"
        ),
        pytest.param(
            "x" * 50,
            "x" * 49 + "y",
            f'the JSON differs at character 50: …"{"x" * 25}", expected …"{"x" * 24}y"',
            id="100-chars",
        ),
    ],
)
def test_json_difference_names_the_first_difference(got, expected, difference):
    assert json_difference(got, expected) == difference


@pytest.mark.parametrize(
    ("got", "expected", "difference"),
    [
        pytest.param("a" * 48, "b" * 48, f"body {'a' * 48!r}, expected {'b' * 48!r}", id="96"),
        pytest.param(
            "0123456789" * 6,
            "01234Z6789" + "0123456789" * 5,
            "body differs at character 6: '01234567890123456789012345678'…, "
            "expected '01234Z67890123456789012345678'…",
            id="early",
        ),
        pytest.param(
            "a" * 40 + "b" * 24,
            "a" * 40 + "c" * 24,
            f"body differs at character 41: …'{'a' * 24}{'b' * 24}', "
            f"expected …'{'a' * 24}{'c' * 24}'",
            id="to-the-end",
        ),
    ],
)
def test_text_difference_shows_the_place_where_texts_part(got, expected, difference):
    assert text_difference(got, expected, "body") == difference
