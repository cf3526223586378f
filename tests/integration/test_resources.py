"""Resources on real servers (issue 26, M1): one sequence of requests, hostile field names and
values among them, gets the same fixed answers from the generated Flask and Express servers."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
import requests

from generator import runner
from tests.integration.test_server_security import FRAMEWORKS, render_both

#: Field names JavaScript objects and Python code would trip on, were they not data.
RESOURCE = (
    "resource /api/things class:str __proto__:str? constructor:int? toString:bool? "
    "hasOwnProperty:float?"
)
JSON_HEADERS = {"Content-Type": "application/json"}
NOT_FOUND = {"error": "Not Found"}
EMPTY = {"__proto__": None, "constructor": None, "toString": None, "hasOwnProperty": None}


HOSTILE_TEXT = "<script>'\"); DROP TABLE x;--\u0001 \U0001f600"


def error(field, message):
    return {"field": field, "message": message}


def item(id_, **fields):
    return {"id": id_, **EMPTY, **fields}


#: (method, path, body as raw JSON text or None, status, JSON answer or None), in order.
SEQUENCE = [
    ("GET", "/api/things", None, 200, {"items": [], "total": 0, "limit": 20, "offset": 0}),
    # Names that are JavaScript's own properties are fields like any other.
    (
        "POST",
        "/api/things",
        '{"class": "a", "__proto__": "p", "constructor": 3, "toString": true,'
        ' "hasOwnProperty": 1.5}',
        201,
        {
            "id": 1,
            "class": "a",
            "__proto__": "p",
            "constructor": 3,
            "toString": True,
            "hasOwnProperty": 1.5,
        },
    ),
    # Absent optional fields are null, never a value an object inherits.
    ("POST", "/api/things", '{"class": "b"}', 201, item(2, **{"class": "b"})),
    # Values are data: markup, quotes, control characters and emoji come back as sent.
    (
        "POST",
        "/api/things",
        json.dumps({"class": HOSTILE_TEXT}),
        201,
        item(3, **{"class": HOSTILE_TEXT}),
    ),
    # NUL is refused in every storage: PostgreSQL's text cannot hold it.
    (
        "POST",
        "/api/things",
        json.dumps({"class": "a\u0000b"}),
        422,
        {"errors": [error("class", "must not contain the NUL character (U+0000)")]},
    ),
    (
        "POST",
        "/api/things",
        '{"class": "\\u0000", "__proto__": 1}',
        422,
        {
            "errors": [
                error("class", "must not contain the NUL character (U+0000)"),
                error("__proto__", "must be a string"),
            ]
        },
    ),
    # 255 characters fit whatever their UTF-16 length; 256 do not.
    ("POST", "/api/things", json.dumps({"class": "\U0001f600" * 255}), 201, None),
    (
        "POST",
        "/api/things",
        json.dumps({"class": "\U0001f600" * 256}),
        422,
        {"errors": [error("class", "must be at most 255 characters")]},
    ),
    (
        "POST",
        "/api/things",
        '{"class": "\\ud800"}',
        422,
        {"errors": [error("class", "must be valid Unicode text")]},
    ),
    # A whole number written with a fraction is the integer; 1e400 is no finite number.
    (
        "POST",
        "/api/things",
        '{"class": "c", "constructor": 2.0, "hasOwnProperty": 4}',
        201,
        item(5, **{"class": "c", "constructor": 2, "hasOwnProperty": 4}),
    ),
    (
        "POST",
        "/api/things",
        '{"class": "c", "constructor": 2.5, "toString": 1, "hasOwnProperty": 1e400}',
        422,
        {
            "errors": [
                error("constructor", "must be an integer"),
                error("toString", "must be true or false"),
                error("hasOwnProperty", "must be a finite number"),
            ]
        },
    ),
    (
        "POST",
        "/api/things",
        '{"class": "c", "constructor": 9007199254740993}',
        422,
        {
            "errors": [
                error("constructor", "must be between -9007199254740991 and 9007199254740991")
            ]
        },
    ),
    (
        "POST",
        "/api/things",
        '{"class": null, "constructor": true}',
        422,
        {"errors": [error("class", "is required"), error("constructor", "must be an integer")]},
    ),
    # Unknown fields, sorted, after the known ones; "id" is the server's.
    (
        "POST",
        "/api/things",
        '{"zeta": 1, "id": 9, "Class": "x", "class": 5}',
        422,
        {
            "errors": [
                error("class", "must be a string"),
                error("Class", "is not a field of this resource"),
                error("id", "is not a field of this resource"),
                error("zeta", "is not a field of this resource"),
            ]
        },
    ),
    ("POST", "/api/things", '"class"', 422, {"errors": [error(None, "must be a JSON object")]}),
    ("POST", "/api/things", "null", 422, {"errors": [error(None, "must be a JSON object")]}),
    # Pages.
    (
        "GET",
        "/api/things?limit=2&offset=1",
        None,
        200,
        {
            "items": [item(2, **{"class": "b"}), item(3, **{"class": HOSTILE_TEXT})],
            "total": 5,
            "limit": 2,
            "offset": 1,
        },
    ),
]
PAGE_ERRORS = {
    "limit=0": error("limit", "must be a whole number from 1 to 100"),
    "limit=101": error("limit", "must be a whole number from 1 to 100"),
    "limit=1&limit=2": error("limit", "must be a whole number from 1 to 100"),
    "limit=%2B1": error("limit", "must be a whole number from 1 to 100"),
    "limit=": error("limit", "must be a whole number from 1 to 100"),
    "offset=-1": error("offset", "must be a whole number from 0 to 999999999"),
    "offset=1000000000": error("offset", "must be a whole number from 0 to 999999999"),
}
SEQUENCE += [
    ("GET", f"/api/things?{query}", None, 422, {"errors": [wrong]})
    for query, wrong in PAGE_ERRORS.items()
]
SEQUENCE += [
    # Replace is whole: fields left out are null again.
    (
        "PUT",
        "/api/things/1",
        '{"class": "z", "toString": false}',
        200,
        item(1, **{"class": "z", "toString": False}),
    ),
    ("GET", "/api/things/1", None, 200, item(1, **{"class": "z", "toString": False})),
    ("PUT", "/api/things/1", '{"class": 1}', 422, {"errors": [error("class", "must be a string")]}),
    ("PUT", "/api/things/99", '{"class": "z"}', 404, NOT_FOUND),
    ("GET", "/api/things/99", None, 404, NOT_FOUND),
    ("DELETE", "/api/things/2", None, 204, None),
    ("DELETE", "/api/things/2", None, 404, NOT_FOUND),
    ("GET", "/api/things/2", None, 404, NOT_FOUND),
    # Ids are never given again.
    ("POST", "/api/things", '{"class": "d"}', 201, item(6, **{"class": "d"})),
    (
        "GET",
        "/api/things?offset=3",
        None,
        200,
        {
            "items": [
                item(5, **{"class": "c", "constructor": 2, "hasOwnProperty": 4}),
                item(6, **{"class": "d"}),
            ],
            "total": 5,
            "limit": 20,
            "offset": 3,
        },
    ),
]


@pytest.fixture(scope="module")
def projects(tmp_path_factory) -> dict[str, tuple[Path, runner.Installed]]:
    root = tmp_path_factory.mktemp("resources")
    return {
        framework: (project, runner.install(project))
        for framework, project in render_both(root, "-r", RESOURCE).items()
    }


def answers(server_url: str) -> list[tuple[str, int, object]]:
    found = []
    with requests.Session() as session:
        for method, path, body, _, _ in SEQUENCE:
            answer = session.request(
                method,
                server_url.rstrip("/") + path,
                data=None if body is None else body.encode(),
                headers=JSON_HEADERS if body is not None else {},
                timeout=10,
            )
            found.append((f"{method} {path}", answer.status_code, answer.content))
    return found


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_resource_answers_the_fixed_sequence(framework, projects):
    project, installed = projects[framework]
    with runner.serve(project, installed=installed) as server:
        found = answers(server.url)
    for (label, status, content), (_, _, _, want_status, want_json) in zip(
        found, SEQUENCE, strict=True
    ):
        assert status == want_status, (label, content[:300])
        assert want_json is None or json.loads(content) == want_json, (label, content[:300])


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_created_item_has_its_location_and_nothing_half_written(framework, projects):
    project, installed = projects[framework]
    with runner.serve(project, installed=installed) as server:
        url = server.url.rstrip("/") + "/api/things"
        created = requests.post(url, json={"class": "x"}, timeout=10)
        refused = requests.post(url, json={"class": "y", "constructor": "no"}, timeout=10)
        listed = requests.get(url, timeout=10).json()
    assert created.status_code == 201
    assert created.headers["Location"] == "/api/things/1"
    assert refused.status_code == 422
    assert [thing["class"] for thing in listed["items"]] == ["x"]
    assert listed["total"] == 1


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_body_not_json_is_unsupported(framework, projects):
    project, installed = projects[framework]
    with runner.serve(project, installed=installed) as server:
        url = server.url.rstrip("/") + "/api/things"
        plain = requests.post(
            url, data=b"class=x", headers={"Content-Type": "text/plain"}, timeout=10
        )
        broken = requests.post(url, data=b'{"class": ', headers=JSON_HEADERS, timeout=10)
    assert (plain.status_code, broken.status_code) == (415, 400)


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_start_log_says_items_reset_on_restart(framework, projects):
    project, installed = projects[framework]
    line = "/api/things: items are kept in memory and reset when the server restarts"
    with runner.serve(project, installed=installed) as server:
        deadline = time.monotonic() + 10  # the line may follow the first connection
        while line not in server.log.read_text() and time.monotonic() < deadline:
            time.sleep(0.05)
        log = server.log.read_text()
    assert line in log
