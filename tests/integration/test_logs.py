"""The JSON access log (issue 14): one object per request, the same fields with the same values in
Flask and Express, compared field by field for the same requests."""

from __future__ import annotations

import datetime
import json
import time

import pytest
import requests

from generator import runner, spec
from generator.render import render
from tests.integration.test_server_security import FRAMEWORKS

FIELDS = ["time", "method", "path", "status", "bytes", "duration_ms", "request_id", "client"]
# (method, target, body): a JSON answer, a query string kept as sent, two 404s, a POST.
REQUESTS = [
    ("GET", "/api/items?page=2&q=a%20b", None),
    ("GET", "/api/items/7", None),
    ("GET", "/api/items/seven", None),
    ("GET", "/no/such/path", None),
    ("POST", "/api/items", {"name": "Tea"}),
]


@pytest.fixture(scope="module")
def logged(tmp_path_factory) -> dict[str, list[dict[str, object]]]:
    """The JSON log entries of each production-preset server for REQUESTS, in order, each with
    the Content-Length its client received (as "received")."""
    root = tmp_path_factory.mktemp("logs")
    built = spec.build({"preset": "production"})
    assert built.setting("logging", "format") == "json"
    entries = {}
    for project in render(built, FRAMEWORKS, root):
        framework = project.name.rsplit("-", 1)[-1]
        env = {"WEB_CONCURRENCY": "1"}
        with runner.serve(project, production=True, env=env) as server:
            received = []
            for n, (method, target, body) in enumerate(REQUESTS):
                headers = {"X-Request-ID": f"parity-{n}"}
                response = requests.request(
                    method, server.url.rstrip("/") + target, json=body, headers=headers, timeout=10
                )
                received.append(int(response.headers["Content-Length"]))
            entries[framework] = settled_entries(server, len(REQUESTS))
        for entry, length in zip(entries[framework], received, strict=True):
            entry["received"] = length
    return entries


def settled_entries(server: runner.Server, count: int) -> list[dict[str, object]]:
    """The JSON lines of the server's output, once there are count of them."""
    deadline = time.monotonic() + 10
    while True:
        text = server.log.read_text(encoding="utf-8", errors="replace")
        found = [json.loads(line) for line in text.splitlines() if line.startswith("{")]
        if len(found) >= count or time.monotonic() > deadline:
            return found


def test_each_request_is_one_json_object_with_the_same_fields(logged):
    for framework in FRAMEWORKS:
        assert len(logged[framework]) == len(REQUESTS), logged[framework]
        for entry in logged[framework]:
            assert list(entry) == [*FIELDS, "received"], framework


# Not bytes: Flask ends a JSON body with a line break, Express does not (compared below).
@pytest.mark.parametrize("field", ["method", "path", "status", "request_id", "client"])
def test_flask_and_express_log_the_same_values(field, logged):
    flask = [entry[field] for entry in logged["flask"]]
    express = [entry[field] for entry in logged["express"]]
    assert flask == express


def test_the_expected_values_are_logged(logged):
    entry = logged["express"][0]
    assert (entry["method"], entry["path"], entry["status"]) == (
        "GET",
        "/api/items?page=2&q=a%20b",
        200,
    )
    assert [e["status"] for e in logged["flask"]] == [200, 200, 404, 404, 201]
    assert [e["request_id"] for e in logged["flask"]] == [f"parity-{n}" for n in range(5)]
    assert {e["client"] for e in logged["flask"]} == {"127.0.0.1"}


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_bytes_is_the_length_of_the_body_sent(framework, logged):
    assert [e["bytes"] for e in logged[framework]] == [e["received"] for e in logged[framework]]


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_time_is_utc_to_the_millisecond_and_duration_a_number(framework, logged):
    for entry in logged[framework]:
        assert len(entry["time"]) == len("2025-01-31T12:00:00.123Z") and entry["time"][-1] == "Z"
        stamp = datetime.datetime.fromisoformat(entry["time"].replace("Z", "+00:00"))
        assert stamp.utcoffset() == datetime.timedelta(0)
        assert isinstance(entry["duration_ms"], int | float) and entry["duration_ms"] >= 0
