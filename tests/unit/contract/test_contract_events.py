"""The contract of the `events` choice that `verify` and parity check without a stream open:
fixed expectations, with its own body parser and with json-body's."""

from __future__ import annotations

import pytest

from generator import catalog, spec
from generator.contract import Padded, exchanges

JSON_ERROR = {"media_type": "application/json"}


def events_exchanges(answers: dict[str, object]) -> dict[str, object]:
    found = exchanges(spec.build(answers))
    return {e.name: e for e in found if e.path == "/events"}


def test_head_says_it_is_an_unbuffered_event_stream():
    head = events_exchanges({"middleware": ["events"]})[
        "HEAD /events: an event stream, never buffered"
    ]
    assert (head.method, head.status, head.text, head.media_type) == (
        "HEAD",
        200,
        "",
        "text/event-stream",
    )
    assert head.headers == {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}


def test_without_json_body_the_events_route_answers_every_bad_body_with_json():
    found = events_exchanges({"middleware": ["events"]})
    assert [(name, e.status, e.media_type) for name, e in found.items() if e.status >= 400] == [
        ("publish: an event name with a space", 400, "application/json"),
        ("publish: an event name with a line break", 400, "application/json"),
        ("publish: no data", 400, "application/json"),
        ("publish: not an object", 400, "application/json"),
        ("publish: malformed JSON", 400, "application/json"),
        ("publish: a body over 102400 bytes", 413, "application/json"),
    ]
    too_large = found["publish: a body over 102400 bytes"].body
    assert isinstance(too_large, Padded) and len(too_large) == 102_400 + 26


@pytest.mark.parametrize(
    ("errors", "parse_media"),
    [(False, None), (True, "application/json")],
    ids=["plain-errors", "json-errors"],
)
def test_with_json_body_its_parser_answers_bad_json_first(errors, parse_media):
    middleware = ["json-body", "events"] + (["error-handlers"] if errors else [])
    found = events_exchanges({"middleware": middleware, "settings": {"json-body": {"limit": 1000}}})
    assert found["publish: malformed JSON"].media_type == parse_media
    assert found["publish: a body over 1000 bytes"].media_type == parse_media
    assert found["publish: a body over 1000 bytes"].status == 413
    assert found["publish: no data"].media_type == "application/json"


def test_publishing_reserves_its_path_and_asks_for_no_package_in_memory():
    assert catalog.CHOICES["events"].reserved_paths == ("/events",)
    assert catalog.packages("flask", ["events"]) == {"flask": catalog.PINS["flask"]["flask"]}
    assert catalog.packages("express", ["events"]) == {
        "express": catalog.PINS["express"]["express"]
    }


def test_a_redis_broker_adds_each_framework_s_redis_client():
    settings = {"events": {"broker": "redis://localhost"}}
    assert list(catalog.packages("flask", ["events"], settings=settings)) == ["flask", "redis"]
    assert list(catalog.packages("express", ["events"], settings=settings)) == ["express", "redis"]


@pytest.mark.parametrize(
    ("chosen", "worker", "expected"),
    [
        (["events"], "sync", "gevent"),
        (["events"], "gthread", "gthread"),
        ([], "sync", "sync"),
        ([], "gevent", "gevent"),
    ],
    ids=["events-sync", "events-gthread", "sync", "gevent"],
)
def test_events_make_gunicorn_s_default_worker_gevent(chosen, worker, expected):
    settings = {"production-server": {"worker-class": worker}}
    choices = [*chosen, "production-server"]
    assert catalog.worker_class(choices, settings) == expected
    gevent = ["gevent"] if expected == "gevent" else []
    assert list(catalog.packages("flask", choices, settings=settings)) == [
        "flask",
        "gunicorn",
        *gevent,
    ]
