"""How `dualgen parity` compares two answers (generator/parity/observe.py), against fixed
expectations: each header rule at its edges, Content-Type, bodies as a client reads them, and the
order and wording of the differences found."""

from __future__ import annotations

import gzip
import zlib

import brotli
import pytest

from generator.parity.observe import (
    HEADER_RULES,
    Aspect,
    body_of,
    compare,
    content_type,
    headers_same,
)
from generator.parity.wire import Answer

V4 = "1b4e28ba-2fa1-4d2b-a3f5-6c7d8e9f0a1b"
OTHER_V4 = "9c0f6c2e-1d7a-4b8e-8f3a-2b1c0d9e8f7a"


def test_the_headers_not_compared_exactly_are_these():
    assert {name: rule.how for name, rule in HEADER_RULES.items()} == {
        "date": "ignored",
        "connection": "ignored",
        "keep-alive": "ignored",
        "transfer-encoding": "ignored",
        "content-length": "ignored",
        "server": "no version",
        "etag": "presence",
        "last-modified": "presence",
        "x-ratelimit-reset": "seconds",
        "retry-after": "seconds",
        "x-request-id": "request id",
        "allow": "set",
        "vary": "set",
        "access-control-allow-methods": "set",
        "access-control-allow-headers": "set",
        "access-control-expose-headers": "set",
        "content-type": "content type",
    }


@pytest.mark.parametrize(
    ("name", "a", "b", "same"),
    [
        pytest.param("Date", "Mon", None, True, id="ignored"),
        pytest.param("CONTENT-LENGTH", "1", "2", True, id="ignored-any-case"),
        pytest.param("Content-Type", "text/html", None, True, id="content-type-on-its-own"),
        pytest.param("X-Frame-Options", "DENY", "DENY", True, id="exact-equal"),
        pytest.param("X-Frame-Options", "DENY", "deny", False, id="exact-case"),
        pytest.param("X-Frame-Options", "DENY", None, False, id="exact-absent"),
        pytest.param("X-Frame-Options", None, None, True, id="exact-both-absent"),
        pytest.param("Retry-After", "29", "31", True, id="seconds-2-apart"),
        pytest.param("Retry-After", "31", "29", True, id="seconds-2-apart-reversed"),
        pytest.param("Retry-After", "29", "32", False, id="seconds-3-apart"),
        pytest.param("Retry-After", "32", "29", False, id="seconds-3-apart-reversed"),
        pytest.param("X-RateLimit-Reset", " 30", "30 ", True, id="seconds-spaced"),
        pytest.param("Retry-After", "30", None, False, id="seconds-absent"),
        pytest.param("Retry-After", None, "30", False, id="seconds-absent-first"),
        pytest.param("Retry-After", None, None, True, id="seconds-both-absent"),
        pytest.param("Retry-After", "soon", "soon", True, id="seconds-text-equal"),
        pytest.param("Retry-After", "soon", "later", False, id="seconds-text"),
        pytest.param("Retry-After", "30", "soon", False, id="seconds-number-and-text"),
        pytest.param("Retry-After", "soon", "30", False, id="seconds-text-and-number"),
        pytest.param("ETag", '"a"', 'W/"b"', True, id="presence-both"),
        pytest.param("ETag", '"a"', None, False, id="presence-one"),
        pytest.param("Last-Modified", None, "Mon", False, id="presence-other"),
        pytest.param("Allow", "GET, HEAD", "head,get", True, id="set-order-and-case"),
        pytest.param("Vary", "Origin,, Accept", " accept , origin", True, id="set-empty-items"),
        pytest.param("Vary", "Origin", "Origin, Accept", False, id="set-more"),
        pytest.param("Vary", "Origin", None, False, id="set-absent"),
        pytest.param("Vary", "", None, False, id="set-empty-is-not-absent"),
        pytest.param("Vary", "a, a", "a", True, id="set-repeats"),
        pytest.param("Server", "Werkzeug", "Express", True, id="server-names"),
        pytest.param("Server", "Werkzeug", None, True, id="server-name-or-none"),
        pytest.param("Server", "Werkzeug/3.1", None, False, id="server-version"),
        pytest.param("Server", "nginx/ v1", None, False, id="server-spaced-v-version"),
        pytest.param("Server", "gunicorn/22", "gunicorn/22", True, id="server-same-version"),
        pytest.param("Server", "gunicorn/22", "gunicorn/23", False, id="server-other-version"),
        pytest.param("Server", "a/b", None, True, id="server-slash-no-digit"),
        pytest.param("X-Request-ID", V4, OTHER_V4, True, id="request-id-created"),
        pytest.param("X-Request-ID", V4, None, False, id="request-id-absent"),
        pytest.param("X-Request-ID", "abc", "abc", True, id="request-id-echoed"),
        pytest.param("X-Request-ID", "abc", "abd", False, id="request-id-echoed-differs"),
        pytest.param("X-Request-ID", V4.upper(), OTHER_V4, False, id="request-id-upper"),
        pytest.param(
            "X-Request-ID", V4.replace("-4d2b", "-1d2b"), OTHER_V4, False, id="request-id-v1"
        ),
        pytest.param("X-Request-ID", f"a-{V4}", f"a-{OTHER_V4}", True, id="request-id-inside"),
    ],
)
def test_a_header_is_compared_by_its_rule(name, a, b, same):
    assert headers_same(name, a, b) is same


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param(None, None, id="absent"),
        pytest.param("Application/JSON; charset=UTF-8", "application/json", id="json"),
        pytest.param(
            "application/problem+json; charset=utf-8", "application/problem+json", id="plus-json"
        ),
        pytest.param('text/html; Charset="UTF-8"', "text/html; charset=utf-8", id="quoted"),
        pytest.param(" text/css ; charset = utf-8 ", "text/css; charset=utf-8", id="spaces"),
        pytest.param("text/plain; format=flowed", "text/plain", id="other-parameter"),
        pytest.param("text/plain; charset", "text/plain", id="no-equals"),
        pytest.param("text/plain; x=charset=a", "text/plain", id="charset-as-a-value"),
        pytest.param("text/plain; a=b; charset=x=y", "text/plain; charset=x=y", id="second"),
        pytest.param("TEXT/PLAIN", "text/plain", id="media-lowered"),
        pytest.param("text/plain; charset=X-Mac-Roman", "text/plain; charset=x-mac-roman", id="x"),
    ],
)
def test_content_type_is_the_media_type_and_the_charset_unless_json(value, expected):
    assert content_type(value) == expected


JSON_TYPE = ("Content-Type", "application/json")


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        pytest.param(Answer(200, [], b"plain"), ("bytes", b"plain"), id="bytes"),
        pytest.param(
            Answer(200, [JSON_TYPE], b'{"b": [1.0, 2.5, true], "a": "\xc3\xa9"}'),
            ("json", '{"a": "é", "b": [1, 2.5, true]}'),
            id="json",
        ),
        pytest.param(
            Answer(200, [("Content-Type", "application/x+json")], b'{"k":{"n":3.0}}'),
            ("json", '{"k": {"n": 3}}'),
            id="plus-json",
        ),
        pytest.param(Answer(200, [JSON_TYPE], b"{"), ("bytes", b"{"), id="broken-json"),
        pytest.param(
            Answer(200, [JSON_TYPE], b"[" * 100_000), ("bytes", b"[" * 100_000), id="deep-json"
        ),
        pytest.param(
            Answer(200, [("Content-Encoding", " GZip ")], gzip.compress(b"hi")),
            ("bytes", b"hi"),
            id="gzip",
        ),
        pytest.param(
            Answer(200, [("Content-Encoding", "deflate")], zlib.compress(b"hi")),
            ("bytes", b"hi"),
            id="deflate",
        ),
        pytest.param(
            Answer(200, [("Content-Encoding", "br"), JSON_TYPE], brotli.compress(b"[1.0]")),
            ("json", "[1]"),
            id="brotli-json",
        ),
        pytest.param(
            Answer(200, [("Content-Encoding", "gzip")], b"not gzip"),
            ("undecodable", "gzip"),
            id="bad-gzip",
        ),
        pytest.param(
            Answer(200, [("Content-Encoding", "deflate")], b"not zlib"),
            ("undecodable", "deflate"),
            id="bad-deflate",
        ),
        pytest.param(
            Answer(200, [("Content-Encoding", "br")], b"not brotli"),
            ("undecodable", "br"),
            id="bad-brotli",
        ),
        pytest.param(
            Answer(200, [("Content-Encoding", "identity")], b"as is"),
            ("bytes", b"as is"),
            id="identity",
        ),
    ],
)
def test_a_body_is_read_as_a_client_reads_it(answer, expected):
    assert body_of(answer) == expected


def test_differences_come_in_order_status_content_type_body_then_headers_by_name():
    flask = Answer(
        200,
        [("Content-Type", "text/plain"), ("X-B", "1"), ("x-a", "1"), ("X-Same", "s")],
        b"one",
    )
    express = Answer(
        200,
        [("Content-Type", "text/html"), ("X-A", "2"), ("X-C", "3"), ("X-Same", "s")],
        b"two",
    )
    assert compare(flask, express) == [
        Aspect("content-type", "", "text/plain", "text/html"),
        Aspect("body", "", "one", "two"),
        Aspect("header", "x-a", "1", "2"),
        Aspect("header", "X-B", "1", None),
        Aspect("header", "X-C", None, "3"),
    ]


def test_a_different_status_is_the_only_difference_reported():
    flask = Answer(200, [("X-A", "1")], b"one")
    express = Answer(404, [("X-A", "2")], b"two")
    assert compare(flask, express) == [Aspect("status", "", "200", "404")]


@pytest.mark.parametrize(
    ("flask", "express", "expected"),
    [
        pytest.param(
            Answer(None, error="timed out"),
            Answer(None, error="closed"),
            [Aspect("status", "", "no answer (timed out)", "no answer (closed)")],
            id="two-errors",
        ),
        pytest.param(
            Answer(None, error="closed"), Answer(None, error="closed"), [], id="same-error"
        ),
        pytest.param(
            Answer(None, error="closed"),
            Answer(200),
            [Aspect("status", "", "no answer (closed)", "200")],
            id="error-and-answer",
        ),
        pytest.param(
            Answer(200, [("X-A", "1"), ("x-a", "2")]),
            Answer(200, [("X-A", "1, 2")]),
            [],
            id="repeated-header-joined",
        ),
    ],
)
def test_answers_without_a_status_compare_by_their_error(flask, express, expected):
    assert compare(flask, express) == expected


@pytest.mark.parametrize(
    ("flask_body", "shown"),
    [
        pytest.param(b"\xff\x00a", "\\xff\x00a", id="undecodable-bytes"),
        pytest.param(b"a" * 200, "a" * 200, id="200-characters"),
        pytest.param(b"a" * 201, "a" * 199 + "…", id="201-characters"),
    ],
)
def test_a_body_difference_shows_at_most_200_characters(flask_body, shown):
    (aspect,) = compare(Answer(200, [], flask_body), Answer(200, [], b""))
    assert (aspect.kind, aspect.flask, aspect.express) == ("body", shown, "")


def test_a_json_body_difference_shows_the_canonical_json():
    flask = Answer(200, [JSON_TYPE], b'{"b":1,"a":2}')
    express = Answer(200, [JSON_TYPE], b'{"a":2}')
    (aspect,) = compare(flask, express)
    assert (aspect.flask, aspect.express) == ('{"a": 2, "b": 1}', '{"a": 2}')


@pytest.mark.parametrize(
    ("aspect", "label"),
    [
        pytest.param(Aspect("header", "X-A", "1", None), "header X-A", id="header"),
        pytest.param(Aspect("status", "", "1", "2"), "status", id="status"),
        pytest.param(Aspect("body", "", "1", "2"), "body", id="body"),
    ],
)
def test_an_aspect_is_labelled_by_its_kind_and_header_name(aspect, label):
    assert aspect.label == label


def test_headers_are_ordered_by_their_lowered_names():
    # "_" sorts between upper- and lower-case letters: the order is that of the lowered names.
    flask = Answer(200, [("XA", "1"), ("X_B", "1")])
    assert [aspect.name for aspect in compare(flask, Answer(200))] == ["X_B", "XA"]


def test_event_ids_answered_to_publishes_are_compared_as_ids():
    # Events published at once are numbered in the order each server took them.
    first = Answer(202, [JSON_TYPE], b'{"id": 3}')
    second = Answer(202, [JSON_TYPE], b'{"id": 4}')
    assert compare(first, second) == []
    assert body_of(Answer(200, [JSON_TYPE], b'{"id": 3}')) == ("json", '{"id": 3}')
    assert compare(first, Answer(202, [JSON_TYPE], b'{"id": "3"}')) == [
        Aspect("body", "", '{"id": "(an event id)"}', '{"id": "3"}')
    ]
