"""`dualgen parity` without servers: the requests it draws, how it compares two answers, the
curl lines it writes, the declared differences, and bad input."""

from __future__ import annotations

import itertools
import json
import os
import socket
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, seed, settings

from generator import catalog, spec
from generator.parity.observe import compare
from generator.parity.requests import Body, Request, RequestSpace
from generator.parity.wire import Answer, curl
from generator.render import render
from tests.helpers import run_dualgen, run_main

# -- the declared differences ------------------------------------------------------------------


def test_with_strict_parity_at_most_five_differences_stay():
    """The frameworks' own differences are declared without limit; strict parity removes all
    but the few no code can remove."""
    everything = spec.build(
        {"middleware": [c.key for c in catalog.MIDDLEWARE], "strict-parity": True}
    )
    assert len(catalog.declared_differences(everything)) <= 5
    removed = [d for where, d in catalog.all_declared() if where == "strict-parity"]
    assert len(removed) == 9
    assert all(d.when == "not chosen" for d in removed)


def test_every_declared_difference_has_its_reason():
    declared = catalog.all_declared()
    for where, item in declared:
        assert where == "catalog" or where in catalog.CHOICES
        assert all(len(text) > 20 for text in (item.flask, item.express, item.why)), item.title
        assert item.when in (("always",) if where == "catalog" else ("chosen", "not chosen"))
        for aspect in item.aspects:
            assert aspect in ("*", "status", "content-type", "body") or aspect.startswith("header ")


def test_options_and_compare_show_the_declared_differences(tmp_path):
    text = run_dualgen("options", cwd=tmp_path, check=True).stdout
    listed = json.loads(run_dualgen("options", "--json", cwd=tmp_path, check=True).stdout)
    titles = [item.title for _, item in catalog.all_declared()]
    flowing = " ".join(text.split())  # a long title wraps at the terminal's width
    assert "DECLARED DIFFERENCES" in text and all(title in flowing for title in titles)
    assert [item["title"] for item in listed["declared_differences"]] == titles
    compared = run_dualgen("compare", "--format", "json", cwd=tmp_path, check=True).stdout
    shown = [item["title"] for item in json.loads(compared)["declared_differences"]]
    # The default project has no JSON errors: its error pages are each framework's own.
    assert "error pages, without this choice" in shown
    with_errors = run_dualgen("compare", "-m", "error-handlers", cwd=tmp_path, check=True).stdout
    assert "Declared differences" in with_errors
    assert "error pages, without this choice" not in with_errors


def _covered(answers: dict, example: tuple, flask: str, express: str) -> list[str]:
    from generator.parity.observe import Aspect

    aspect = Aspect("status", "", flask, express)
    built = spec.build(
        {
            "middleware": ["rate-limit", "proxy"],
            "settings": {"proxy": {"hops": 2}},
            "strict-parity": True,
        }
    )
    return [
        d.title for d in catalog.declared_differences(built) if d.covers(aspect, answers, example)
    ]


@pytest.mark.parametrize(
    ("example", "flask", "express", "declared"),
    [
        pytest.param((Request(headers=(("If-None-Match", "*"),)),), "200", "304", 1, id="inm"),
        pytest.param(
            (Request(headers=(("If-None-Match", "*"),)), Request("HEAD", "/x")),
            "200",
            "304",
            0,
            id="inm-on-an-earlier-request",
        ),
        pytest.param(
            (Request(headers=(("If-None-Match", "*"),)),), "200", "202", 0, id="inm-not-304"
        ),
        pytest.param(
            (Request(headers=(("X-Forwarded-For", "{client}"),)), Request()),
            "200",
            "429",
            1,
            id="short-forwarded-for",
        ),
        pytest.param(
            (Request(headers=(("X-Forwarded-For", "{client}"),)), Request()),
            "200",
            "404",
            0,
            id="short-forwarded-for-not-429",
        ),
    ],
)
def test_a_declared_difference_covers_only_what_it_says(example, flask, express, declared):
    answers = {"flask": Answer(int(flask), body=b"x"), "express": Answer(int(express), body=b"x")}
    assert len(_covered(answers, example, flask, express)) == declared


# -- comparing two answers ----------------------------------------------------------------------

JSON_TYPE = ("Content-Type", "application/json")


@pytest.mark.parametrize(
    ("flask", "express", "differs"),
    [
        pytest.param(
            Answer(200, [JSON_TYPE], b'{"a": 1, "b": [true]}'),
            Answer(
                200, [("Content-Type", "application/json; charset=utf-8")], b'{"b":[true],"a":1}'
            ),
            [],
            id="json-as-json",
        ),
        pytest.param(
            Answer(200, [JSON_TYPE], b"[1]"),
            Answer(200, [JSON_TYPE], b"[true]"),
            ["body"],
            id="true-is-not-1",
        ),
        pytest.param(
            Answer(200, [("Content-Type", "text/html; charset=utf-8")], b"x"),
            Answer(200, [("Content-Type", "text/html")], b"x"),
            ["content-type"],
            id="charset-of-text",
        ),
        pytest.param(
            Answer(404, [("Date", "a"), ("Vary", "Origin, Accept-Encoding")]),
            Answer(404, [("Date", "b"), ("Vary", "accept-encoding, origin")]),
            [],
            id="date-ignored-vary-a-set",
        ),
        pytest.param(
            Answer(200, [("Server", "Werkzeug/3.1.3 Python/3.12.1")]),
            Answer(200, []),
            ["header Server"],
            id="server-version",
        ),
        pytest.param(
            Answer(200, [("Server", "Werkzeug")]), Answer(200, []), [], id="server-name-only"
        ),
        pytest.param(
            Answer(200, [("X-Request-ID", "1b4e28ba-2fa1-4d2b-a3f5-6c7d8e9f0a1b")]),
            Answer(200, [("X-Request-ID", "9c0f6c2e-1d7a-4b8e-8f3a-2b1c0d9e8f7a")]),
            [],
            id="created-request-ids",
        ),
        pytest.param(
            Answer(429, [("Retry-After", "29")]),
            Answer(429, [("Retry-After", "30")]),
            [],
            id="retry-after-clocks",
        ),
        pytest.param(
            Answer(200, [("X-RateLimit-Remaining", "3")]),
            Answer(200, [("X-RateLimit-Remaining", "2")]),
            ["header X-RateLimit-Remaining"],
            id="remaining",
        ),
        pytest.param(Answer(201), Answer(400), ["status"], id="status"),
        pytest.param(Answer(None, error="connection closed"), Answer(413), ["status"], id="none"),
    ],
)
def test_answers_are_compared_as_a_client_sees_them(flask, express, differs):
    assert [aspect.label for aspect in compare(flask, express)] == differs


# -- curl lines ---------------------------------------------------------------------------------

FAKE_CURL = """#!{python}
import json, os, sys
args = sys.argv[1:]
data = args[args.index("--data-binary") + 1] if "--data-binary" in args else None
body = sys.stdin.buffer.read() if data == "@-" else (data or "").encode()
with open(os.environ["CURL_OUT"], "a") as out:
    out.write(json.dumps({{"args": args, "body": body.decode("latin-1")}}) + "\\n")
"""


@pytest.mark.parametrize(
    "request_",
    [
        pytest.param(Request("GET", "/a%20b?q=%zz", (("Origin", "null"),)), id="plain"),
        pytest.param(Request("POST", "/", (("X-Request-ID", ""),), Body(b"it's")), id="quote"),
        pytest.param(Request("PUT", "/", (), Body(b"\x00\xff%'\\\n\x1f\x8b")), id="binary"),
        pytest.param(Request("PATCH", "/", (), Body(b"@file")), id="at-sign"),
        pytest.param(Request("POST", "/", (), Body(b'{"d": "', 3000, b'"}'), True), id="padded"),
        pytest.param(Request("HEAD", "/x", repeat=3), id="repeated"),
    ],
)
def test_the_curl_line_sends_the_request_byte_for_byte(request_, tmp_path):
    fake = tmp_path / "bin" / "curl"
    fake.parent.mkdir()
    fake.write_text(FAKE_CURL.format(python=sys.executable))
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    out = tmp_path / "calls.jsonl"
    command = curl("http://127.0.0.1:5000", request_)
    env = dict(os.environ, PATH=f"{fake.parent}{os.pathsep}{os.environ['PATH']}", CURL_OUT=str(out))
    subprocess.run(["sh", "-c", command], env=env, check=True)
    calls = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(calls) == request_.repeat
    args, body = calls[-1]["args"], calls[-1]["body"].encode("latin-1")
    assert args[-1] == "http://127.0.0.1:5000" + request_.path
    assert "-i" in args and all("-i" not in call["args"] for call in calls[:-1])
    headers = [args[n + 1] for n, arg in enumerate(args) if arg == "-H"]
    for name, value in request_.headers:
        assert (f"{name}: {value}" if value else f"{name};") in headers
    if request_.method == "HEAD":
        assert "--head" in args
    elif request_.method != "GET":
        assert args[args.index("-X") + 1] == request_.method
    assert body == (bytes(request_.body) if request_.body is not None else b"")
    assert ("Transfer-Encoding: chunked" in headers) == request_.chunked


# -- the requests drawn -------------------------------------------------------------------------


def drawn(space: RequestSpace, count: int = 400) -> list:
    found = []

    @seed(7)
    @settings(
        max_examples=count, database=None, deadline=None, suppress_health_check=list(HealthCheck)
    )
    @given(space.examples())
    def collect(example):
        found.append(example)

    collect()
    return found


def test_requests_cover_every_route_method_and_kind_of_value():
    built = spec.build(
        {
            "middleware": ["cors", "json-body"],
            "routes": [
                {"method": "GET", "path": "/items/{id:int}"},
                {"method": "DELETE", "path": "/items/{id:int}", "status": 204},
                {"method": "POST", "path": "/tags/{name}"},
            ],
        }
    )
    requests = [request for example in drawn(RequestSpace(built)) for request in example]
    seen = {(r.method, r.path.split("/")[1] if r.path != "/" else "") for r in requests}
    for method, first in [("GET", "items"), ("DELETE", "items"), ("POST", "tags"), ("GET", "")]:
        assert (method, first) in seen
    assert {"HEAD", "OPTIONS", "TRACE", "PUT"} <= {r.method for r in requests}
    paths = " ".join(r.path for r in requests)
    for value in ("/items/007", "%D9%A3", "%2F", "%zz", "//", "static/style.css"):
        assert value in paths, value
    headers = {name for r in requests for name, _ in r.headers}
    assert {"Origin", "Accept-Encoding", "X-Forwarded-For", "Content-Type"} <= headers
    assert any(r.chunked for r in requests) and any(r.body and r.body.size for r in requests)
    assert all(r.body is None for r in requests if r.method == "HEAD")


def test_with_events_publish_requests_are_drawn_and_no_stream_is_opened():
    requests = [
        r
        for example in drawn(RequestSpace(spec.build({"middleware": ["events"]})))
        for r in example
    ]
    published = [
        json.loads(bytes(r.body))
        for r in requests
        if r.method == "POST"
        and r.path == "/events"
        and r.body is not None
        and b'"event"' in bytes(r.body)
    ]
    assert {"event": "chat.message", "data": {"text": "hi"}} in published
    assert {"event": "a b", "data": 1} in published
    assert not [r for r in requests if r.method == "GET" and "events" in r.path.lower()]


def test_under_a_rate_limit_examples_are_one_clients_sequences_past_the_limit():
    built = spec.build({"middleware": ["rate-limit"], "settings": {"rate-limit": {"max": 5}}})
    space = RequestSpace(built)
    examples = drawn(space, 200)
    assert space.sequential
    assert max(sum(r.repeat for r in example) for example in examples) > 5
    assert any(len(example) > 1 for example in examples)


# -- bad input ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def projects(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("parity-input")
    flask, express = render(spec.build({}), catalog.FRAMEWORKS, root / "plain")
    other = render(spec.build({"middleware": ["cors"]}), ("flask",), root / "cors")[0]
    return {"flask": flask, "express": express, "other-flask": other}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(["{flask}"], "give two projects", id="one-project"),
        pytest.param(["{flask}", "{express}", "-m", "cors"], "not both", id="choices-too"),
        pytest.param(["{flask}", "{other-flask}"], "both flask projects", id="two-flask"),
        pytest.param(["{flask}", "{flask}"], "both flask projects", id="the-same-twice"),
        pytest.param(["--production"], "production-server choice", id="no-production-server"),
        pytest.param(["-n", "0"], "0 is not in the range", id="no-requests"),
        pytest.param(["--seed", "-1"], "-1 is not in the range", id="negative-seed"),
        pytest.param(["-m", "teleport"], "middleware 'teleport' is unknown", id="bad-choice"),
    ],
)
def test_bad_input_exits_2_with_one_line(args, message, projects):
    code, err = run_main("parity", *(arg.format(**projects) for arg in args))
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("dualgen: error: "), err
    assert message in err


def test_two_projects_of_different_choices_are_refused(projects, tmp_path):
    express = render(spec.build({"middleware": ["cors"]}), ("express",), tmp_path)[0]
    code, err = run_main("parity", str(projects["flask"]), str(express))
    assert code == 2 and "different choices" in err


def test_report_lines_never_break_a_header_name_at_its_hyphen():
    from generator.parity.report import _side_by_side, _wrapped

    text = "e.g. GET /  [Accept-Encoding: gzip; X-Forwarded-For: 198.18.0.1, 10.18.0.1]"
    for width in range(20, len(text)):
        lines = _wrapped("x" * width + " " + text, 3) + _side_by_side("header", text, text)
        assert all(not line.rstrip().endswith("-") for line in lines), lines


def test_each_run_has_a_loopback_address_of_its_own_where_the_system_has_them():
    from generator.parity import wire as _wire

    addresses = list(itertools.islice(_wire.client_addresses(), 600))
    assert addresses[:2] == ["127.1.0.1", "127.1.0.2"] and len(set(addresses)) == 600


def test_where_only_127_0_0_1_answers_every_run_uses_it(monkeypatch):
    """macOS configures 127.0.0.1 alone: binding 127.1.0.1 fails there."""
    from generator.parity import wire as _wire

    real_bind = socket.socket.bind

    def bind(self, address):
        if address[0] != "127.0.0.1":
            raise OSError(49, "Can't assign requested address")
        return real_bind(self, address)

    monkeypatch.setattr(socket.socket, "bind", bind)
    assert set(itertools.islice(_wire.client_addresses(), 5)) == {"127.0.0.1"}


def test_two_projects_of_one_framework_are_refused_in_words(projects):
    from generator import parity
    from generator.errors import UsageError

    flask, other = projects["flask"], projects["other-flask"]
    with pytest.raises(UsageError) as refused:
        parity.check_projects(flask, other)
    assert str(refused.value) == (
        f"{flask} and {other} are both flask projects; give one Flask and one Express project"
    )


def test_projects_of_different_choices_are_refused_in_words(projects, tmp_path):
    from generator import parity
    from generator.errors import UsageError

    express = render(spec.build({"middleware": ["cors"]}), ("express",), tmp_path)[0]
    with pytest.raises(UsageError) as refused:
        parity.check_projects(express, projects["flask"])
    assert str(refused.value) == (
        f"{projects['flask']} and {express} were made from different choices (their "
        ".dualgen.yaml differ); parity compares two projects of the same choices"
    )


def test_two_projects_in_either_order_are_run_as_flask_then_express(projects, monkeypatch):
    from generator import parity

    calls = []
    monkeypatch.setattr(parity, "_run", lambda *args, **options: calls.append((args, options)))
    parity.check_projects(projects["express"], projects["flask"], requests=5, seed=3)
    assert calls == [
        ((spec.build({}), projects["flask"], projects["express"]), {"requests": 5, "seed": 3})
    ]
