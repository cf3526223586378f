"""What a workshop step checks (generator/workshop/contract.py), from fixed answers: the step's
contract accepts the textbook answers of flask-cors, the cors package, Werkzeug and Node, refuses
what a browser or a client would refuse, and names each difference itself. No server runs."""

from __future__ import annotations

import pytest

from generator.workshop import load_workshop
from generator.workshop.contract import checks_of, json_difference, text_difference
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
