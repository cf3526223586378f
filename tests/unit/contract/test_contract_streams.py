"""The stream checks (generator/contract/streams.py) and parity's comparison of two transcripts
(generator/parity/streams.py), without servers: what each check says of a block or an answer."""

from __future__ import annotations

import json

import requests

from generator import spec
from generator.contract import streams
from generator.contract.streams import (
    HOSTILE,
    Scenario,
    Step,
    _event_problems,
    _header_problems,
    _refusal_problems,
    body_limit,
    skip_reason,
)
from generator.parity.findings import Report
from generator.parity.report import render_json, render_text
from generator.parity.streams import differ
from generator.project import server_env
from generator.sse import Block

EVENTS = spec.build({"middleware": ["events"], "production-server": True})


def answer(status: int, body: bytes, media: str = "application/json") -> requests.Response:
    response = requests.Response()
    response.status_code = status
    response._content = body
    response.headers["Content-Type"] = media
    return response


def test_an_event_as_posted_has_no_problem():
    block = Block([("id", "7"), ("event", "chat"), ("data", json.dumps(HOSTILE[3]))])
    assert _event_problems(1, block, 7, "chat", HOSTILE[3]) == []


def test_each_framing_fault_is_named():
    no_id = Block([("event", "chat"), ("data", "1")])
    wrong = Block([("id", "8"), ("event", "other"), ("data", "true")])
    split = Block([("id", "7"), ("event", "chat"), ("data", '"a'), ("data", 'b"')])
    assert _event_problems(2, no_id, 7, "chat", 1) == ["event 2: no id: line"]
    assert _event_problems(1, wrong, 7, "chat", 1, what="missed event") == [
        "missed event 1: id '8', expected 7",
        "missed event 1: event 'other', expected 'chat'",
        "missed event 1: data true, posted 1",
    ]
    assert _event_problems(1, split, 7, "chat", "a\nb") == [
        "event 1: data is not JSON: '\"a\\nb\"'"
    ]


def test_the_stream_headers_are_checked():
    good = {"Content-Type": "text/event-stream; charset=utf-8", "Cache-Control": "no-cache"}
    assert _header_problems(good | {"X-Accel-Buffering": "no"}) == []
    assert _header_problems(
        {"Content-Type": "text/plain", "Cache-Control": None, "X-Accel-Buffering": "no"}
    ) == [
        "Content-Type 'text/plain', expected text/event-stream",
        "Cache-Control None, expected 'no-cache'",
    ]


def test_a_refusal_must_be_the_status_and_a_json_error():
    assert _refusal_problems("x", answer(400, b'{"error": "no"}'), 400) == []
    assert _refusal_problems("x", answer(202, b'{"id": 1}'), 400) == [
        "publish x: 202, expected 400"
    ]
    assert _refusal_problems("x", answer(413, b"<p>too big</p>", "text/html"), 413) == [
        "publish x: 413 without a JSON {'error': TEXT} body (text/html)"
    ]


def test_the_steps_are_named_and_limits_come_from_the_spec():
    names = [name for name, _ in Scenario(EVENTS, "http://127.0.0.1:1/", 0).steps()]
    assert names == [
        "GET /events: an event stream that starts with retry:",
        "stream: 9 events, hostile data, as posted",
        "stream: a refused publish reaches no stream",
        "stream: Last-Event-ID replays what was missed, then live",
        "stream: a heartbeat comment within 1 s",
    ]
    limited = spec.build(
        {"middleware": ["json-body", "events"], "settings": {"json-body": {"limit": 2048}}}
    )
    assert (body_limit(EVENTS), body_limit(limited)) == (102_400, 2048)


def test_checks_start_servers_with_a_short_heartbeat_and_events_in_one_worker():
    redis = spec.build(
        {
            "middleware": ["events"],
            "production-server": True,
            "settings": {"events": {"broker": "redis://127.0.0.1:6379"}},
        }
    )
    assert server_env(EVENTS, production=True) == {"EVENTS_HEARTBEAT": "1", "WEB_CONCURRENCY": "1"}
    assert server_env(EVENTS, production=False) == {"EVENTS_HEARTBEAT": "1"}
    assert server_env(redis, production=True) == {"EVENTS_HEARTBEAT": "1"}


def test_a_rate_limit_too_small_for_the_scenario_skips_the_streams():
    small = spec.build(
        {"middleware": ["rate-limit", "events"], "settings": {"rate-limit": {"max": 10}}}
    )
    assert skip_reason(small) == "the scenario sends 40 requests; the rate limit allows 10"
    assert skip_reason(EVENTS) is None
    assert skip_reason(spec.build({"middleware": ["cors"]})) is None
    assert streams.STREAM_REQUESTS == 40


def test_two_transcripts_differ_from_their_first_differing_line():
    same = ["status 200", "retry: 3000"]
    assert differ(Step("open", transcript=same), Step("open", transcript=list(same))) is None
    a = Step("s", transcript=["l1", "l2", "l3", "l4", "l5", "l6"])
    b = Step("s", ["event 1: no id: line"], transcript=["l1", "l2", "l3", "X4", "l5"])
    found = differ(a, b)
    assert found is not None
    assert (found.line, found.flask, found.express) == (
        4,
        ["l2", "l3", "l4", "l5", "l6"],
        ["l2", "l3", "X4", "l5"],
    )
    assert found.problems == {"flask": [], "express": ["event 1: no id: line"]}
    shorter = differ(Step("s", transcript=["a"]), Step("s", transcript=["a", "b"]))
    assert shorter is not None and (shorter.line, shorter.flask, shorter.express) == (
        2,
        ["a"],
        ["a", "b"],
    )


def test_a_stream_difference_fails_the_report_and_is_shown():
    report = Report(EVENTS, 1, 10, stream_steps=5)
    report.streams = [
        differ(Step("open", transcript=["retry: 3000"]), Step("open", transcript=["retry: 5000"]))
    ]
    text = render_text(report, lambda text, **style: text)
    assert not report.ok
    assert "streams of GET /events: 5 steps on each server, 1 differing" in text
    assert "1. stream: open   (stream, line 1)" in text
    assert "differs         retry: 3000" in text
    assert text.rstrip().endswith("parity: 1 undeclared difference")
    data = json.loads(render_json(report))
    assert data["ok"] is False
    assert data["streams"]["differences"][0]["flask"] == ["retry: 3000"]


def test_under_a_rate_limit_the_streams_get_a_server_start_of_their_own():
    from generator.verify import _stream_starts, plan

    limited = spec.build(
        {"middleware": ["rate-limit", "events"], "settings": {"rate-limit": {"max": 50}}}
    )
    starts, _ = plan(limited)
    assert _stream_starts(limited, starts) == {len(starts) - 1}
    assert starts[-1] == []
    plain, _ = plan(EVENTS)
    assert (_stream_starts(EVENTS, plain), len(plain)) == ({0}, 1)
    assert _stream_starts(spec.build({}), [[]]) == set()
    too_low = spec.build(
        {"middleware": ["rate-limit", "events"], "settings": {"rate-limit": {"max": 5}}}
    )
    low_starts, _ = plan(too_low)
    count = len(low_starts)
    assert (_stream_starts(too_low, low_starts), len(low_starts)) == ({count - 1}, count)
