"""The workshop's live checks (generator/workshop/live.py): which steps have them, what they
say they send and expect, how a stream's blocks are read, and what each finds wrong, against a
small server-sent events server in a thread of the test (no project is started; the reference
projects meet these checks in tests/integration/test_workshop_new_steps.py)."""

from __future__ import annotations

import contextlib
import json
import re
import threading
import time
import zlib
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from generator import spec as specs
from generator.workshop import live, load_workshop
from generator.workshop.live import Live

WORKSHOP = load_workshop("flask-vs-express")
ITEM = {"name": "example", "price": 2.5, "in_stock": True}


def test_the_store_data_step_checks_a_restart_and_the_real_time_step_the_streams_too():
    assert [step.id for step in WORKSHOP.steps[7:]] == ["store-data", "real-time"]
    assert live.live_checks(WORKSHOP.steps[6].spec) == []
    assert live.live_checks(WORKSHOP.steps[7].spec) == [
        Live("resource /items: kept across a restart", "restart", "/items", ITEM)
    ]
    assert live.live_checks(WORKSHOP.steps[8].spec) == [
        Live("event stream: opens at once", "opens"),
        Live("event stream: a posted event arrives", "arrives"),
        Live("event stream: resumes after Last-Event-ID", "resumes"),
        Live("resource /items: kept across a restart", "restart", "/items", ITEM),
    ]


def test_events_without_a_database_and_resources_in_memory_have_no_restart_check():
    answers = {
        "middleware": ["events"],
        "routes": [{"resource": "/notes", "fields": {"text": "str"}}],
    }
    found = live.live_checks(specs.build(answers))
    assert [(check.name, check.restarts) for check in found] == [
        ("event stream: opens at once", False),
        ("event stream: a posted event arrives", False),
        ("event stream: resumes after Last-Event-ID", False),
    ]


def test_each_kind_says_what_it_sends_and_expects():
    restart = Live("r", "restart", "/items", {"name": "a"})
    assert [live.sent_lines(Live("n", kind)) for kind in ("opens", "arrives", "resumes")] == [
        ["GET /events (held open)"],
        [
            "GET /events (held open)",
            'POST /events {"event": "workshop.check", "data": {"text": '
            '"two\\n\\nevent: forged\\ndata: lines", "n": 1}}',
        ],
        [
            "GET /events (held open), then two POST /events",
            "GET /events with Last-Event-ID: the first one's id",
        ],
    ]
    assert live.sent_lines(restart) == [
        'POST /items {"name": "a"}',
        "the server stopped and started again, same DATABASE_URL",
        "GET /items/ID",
    ]
    assert [Live("n", kind).expected_lines() for kind in ("opens", "arrives", "resumes")] == [
        [
            "status 200, Content-Type: text/event-stream",
            "a first block (retry: or a comment) within 10 s",
        ],
        [
            "POST /events answers 202",
            "the open stream gets one event: event: workshop.check, an id:, data: the JSON posted",
        ],
        ["a stream opened with Last-Event-ID: N first gets the events after N"],
    ]
    assert restart.expected_lines() == [
        "GET /items/ID after a restart answers 200 with the item created before"
    ]


def test_a_block_is_read_as_eventsource_reads_it():
    assert live.parse_block(': heartbeat\nid: 7\nevent:x\ndata: {"a":\ndata:  1}\nbare') == {
        "": ["heartbeat"],
        "id": ["7"],
        "event": ["x"],
        "data": ['{"a":', " 1}"],
        "bare": [""],
    }


EVENT = {"id": ["3"], "event": ["workshop.check"], "data": ['{"n": 2}']}


@pytest.mark.parametrize(
    ("block", "problem"),
    [
        (EVENT, ""),
        ({**EVENT, "data": ["{", '"n": 2}']}, ""),
        (
            {**EVENT, "event": ["forged"]},
            "event: forged, expected workshop.check (one event: line)",
        ),
        ({**EVENT, "event": []}, "event: (none), expected workshop.check (one event: line)"),
        (
            {"id": ["3"], "data": ['{"n": 2}']},
            "event: (none), expected workshop.check (one event: line)",
        ),
        ({**EVENT, "data": ["x" * 70]}, f'data {"x" * 60!r} is not JSON, expected {{"n": 2}}'),
        (
            {**EVENT, "event": ["workshop.check", "x"]},
            "event: workshop.check, x, expected workshop.check (one event: line)",
        ),
        (
            {"event": ["workshop.check"], "data": ["1"]},
            "no id: line: each event needs one, for Last-Event-ID",
        ),
        ({**EVENT, "id": [""]}, "no id: line: each event needs one, for Last-Event-ID"),
        ({**EVENT, "id": ["1", "2"]}, "no id: line: each event needs one, for Last-Event-ID"),
        ({**EVENT, "data": ["n=2"]}, "data 'n=2' is not JSON, expected {\"n\": 2}"),
        ({**EVENT, "data": ['{"n": "2"}']}, 'data.n is "2" (a string), expected 2 (a number)'),
    ],
    ids=[
        "ok",
        "data-on-two-lines",
        "other-name",
        "no-name",
        "no-event-line",
        "long-not-json",
        "two-names",
        "no-id",
        "empty-id",
        "two-ids",
        "not-json",
        "other-data",
    ],
)
def test_what_is_wrong_with_an_event(block, problem):
    assert live.event_problem(block, {"n": 2}) == problem


# -- against a server-sent events server in a thread ------------------------------------------


class Behaviour:
    """How the test server misbehaves (all False: it behaves)."""

    def __init__(self, **flags: bool):
        self.flags = flags

    def __getattr__(self, name: str) -> bool:
        return self.__dict__["flags"].get(name, False)


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, behaviour: Behaviour):
        super().__init__(("127.0.0.1", 0), Handler)
        self.behaviour = behaviour
        self.events: list[tuple[int, str, str]] = []
        self.items: dict[int, dict[str, object]] = {}
        self.changed = threading.Condition()
        self.release = threading.Event()  # set at the end: a held answer goes out
        self.answered: list[str] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/"


class Gzipped:
    """A gzip stream that sends what it has at each flush (as a compression middleware does)."""

    def __init__(self, raw: object):
        self.raw = raw
        self.zip = zlib.compressobj(wbits=31)

    def write(self, data: bytes) -> None:
        self.raw.write(self.zip.compress(data))  # type: ignore[attr-defined]

    def flush(self) -> None:
        with contextlib.suppress(OSError):  # the client has gone
            self.raw.write(self.zip.flush(zlib.Z_SYNC_FLUSH))  # type: ignore[attr-defined]
            self.raw.flush()  # type: ignore[attr-defined]


class Handler(BaseHTTPRequestHandler):
    server: Server

    def log_message(self, *args: object) -> None:
        pass

    def under(self) -> None:
        """With `under`, the server's paths are under /X/ only (a URL with a path and a slash)."""
        if self.server.behaviour.under:
            self.path = self.path[2:] if self.path.startswith("/X/") else "/elsewhere"

    def do_GET(self) -> None:
        b = self.server.behaviour
        self.under()
        if b.hold and self.path == "/ready":
            self.server.release.wait(5)
            self.server.answered.append(self.path)
            return self.answer(200, {})
        if b.slow_read and self.path.startswith("/items/"):
            time.sleep(1)
        if re.fullmatch(r"/items/[0-9]+", self.path):
            if b.crash_after:
                self.close_connection = True
                return
            item = self.server.items.get(int(self.path.rsplit("/", 1)[1]))
            if b.changed and item:
                item = {**item, "price": 3.5}
            if b.not_json_after:
                return self.answer(200, None, b"<p>item</p>")
            return self.answer(200 if item else 404, item or {"error": "Not Found"})
        resumed = self.headers.get("Last-Event-ID") is not None
        if self.path != "/events" or b.missing or (b.refuse_resume and resumed):
            return self.answer(404, {"error": "Not Found"})
        if b.hang:
            time.sleep(1)
        self.send_response(200)
        if not b.no_type:
            media = "text/html" if b.html else "text/event-stream; charset=utf-8"
            self.send_header("Content-Type", media)
        if b.gzip:
            self.send_header("Content-Encoding", "gzip")
        self.end_headers()
        if b.gzip:
            self.wfile = Gzipped(self.wfile)  # type: ignore[assignment]
        self.stream(b)

    def stream(self, b: Behaviour) -> None:
        after = self.headers.get("Last-Event-ID")
        seen = len(self.server.events)
        if after is not None and not b.no_history:
            seen = next((n for n, e in enumerate(self.server.events) if str(e[0]) == after), seen)
            seen += 1
        if after is not None and b.replay:  # every event kept, whatever the client saw
            seen = 0
        if b.huge:
            self.wfile.write(b": " + b"x" * 70_000)
        if b.full:  # exactly 64 KiB, then the blank line that ends it
            self.wfile.write(b": " + b"x" * (64 * 1024 - 2))
            self.wfile.flush()
            time.sleep(0.2)
            self.wfile.write(b"\n\n")
        if b.bad_utf8:
            self.wfile.write(b": \xff\xfe\n")
        if b.blank_first:  # an empty block first: with the pings and retry:, 20 without data
            self.wfile.write(b"\n\n")
        if b.chatter or b.blank_first:
            self.wfile.write(b": ping\n\n" * (19 if b.blank_first else 25))
        if b.split_crlf:  # a CRLF cut between two chunks is one line break
            self.wfile.write(b"retry: 3000\r")
            self.wfile.flush()
            time.sleep(0.2)
            self.wfile.write(b"\n: more\r\n\r\n")
        elif not b.silent and not (b.quiet_resume and after is not None):
            self.wfile.write(b"retry: 3000\r\r" if b.cr else b"retry: 3000\n\n")
        self.wfile.flush()
        if b.ends:
            return
        try:
            while True:
                with self.server.changed:
                    self.server.changed.wait_for(lambda s=seen: len(self.server.events) > s, 10)
                    new = self.server.events[seen:]
                if not new:
                    return
                for number, name, data in new:
                    if b.stale_data and after is not None:
                        data = self.server.events[0][2]  # the right id, another event's data
                    no_id = b.no_ids or (b.no_ids_resumed and after is not None)
                    head = "" if no_id else f"id: {number}\n"
                    if b.split_crlf:  # each line ends with CRLF, cut after the id's CR
                        self.wfile.write(f"id: {number}\r".encode())
                        self.wfile.flush()
                        time.sleep(0.1)
                        head = "\n"
                    text = f"event: {name}\ndata: {data}\n\n"
                    text = text.replace("\n", "\r\n") if b.split_crlf else text
                    self.wfile.write(f"{head}{text}".encode())
                self.wfile.flush()
                seen += len(new)
        except OSError:
            return

    def do_POST(self) -> None:
        b = self.server.behaviour
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        json_body = self.headers.get("Content-Type") == "application/json"
        self.under()
        if b.slow_post:
            time.sleep(1)
        if b.crash or (b.crash_after and self.command == "GET"):
            self.close_connection = True
            return  # no answer at all
        if self.path == "/items" and json_body:
            number = len(self.server.items) + 1
            if not b.forget:
                self.server.items[number] = {"id": number, **body}
            if b.garbled:  # not UTF-8, and longer than a problem shows
                return self.answer(201, None, b"\xff" + b"x" * 70)
            if b.no_id or b.not_json:
                return self.answer(201, body, b"created" if b.not_json else None)
            return self.answer(200 if b.ok_not_created else 201, {"id": number, **body})
        if self.path != "/events" or b.missing or b.refuse_publish or not json_body:
            return self.answer(404, {"error": "Not Found"})
        # raw_data: the text as it is, line breaks and all, instead of JSON
        data = json.dumps(body["data"])
        if b.raw_data and isinstance(body["data"], dict):
            data = str(body["data"]["text"])
        with self.server.changed:
            number = len(self.server.events) + 1
            if not b.drop:
                self.server.events.append((number, body["event"], data))
            self.server.changed.notify_all()
        self.answer(202, {"id": number})

    def answer(self, status: int, value: object, raw: bytes | None = None) -> None:
        data = json.dumps(value).encode() if raw is None else raw
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@contextlib.contextmanager
def serve(**flags: bool) -> Iterator[Server]:
    server = Server(Behaviour(**flags))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.release.set()
        with server.changed:
            server.events.append((0, "end", "0"))  # wakes the streams, which then end
            server.changed.notify_all()
        server.shutdown()
        server.server_close()


def problems(kind: str, **flags: bool) -> list[str]:
    check = Live("resource /items: kept", "restart", "/items", ITEM) if kind == "restart" else None
    with serve(**flags) as server, requests.Session() as session:
        url = server.url + ("X/" if flags.get("under") else "")
        if check is None:
            return live.run(Live("n", kind), session, url, {})
        created: dict[int, dict[str, object]] = {}
        found = live.run(check, session, url, created)
        return found or live.after_restart(check, session, url, created)


@pytest.mark.parametrize("kind", ["opens", "arrives", "resumes", "restart"])
def test_a_server_that_behaves_passes(kind):
    assert problems(kind) == []


@pytest.mark.parametrize("kind", ["opens", "arrives", "resumes", "restart"])
def test_a_server_under_a_path_given_with_a_slash_passes(kind):
    assert problems(kind, under=True) == []


@pytest.mark.parametrize("flag", ["cr", "split_crlf"])
def test_a_stream_whose_lines_end_with_cr_or_crlf_passes(flag):
    assert problems("arrives", **{flag: True}) == []


@pytest.mark.parametrize(
    ("kind", "flag"),
    [("opens", "full"), ("opens", "bad_utf8"), ("resumes", "quiet_resume"), ("arrives", "gzip")],
    ids=[
        "a-block-of-exactly-64-kib",
        "bytes-not-utf-8",
        "resumed-without-a-first-block",
        "gzip",
    ],
)
def test_a_stream_the_spec_allows_passes(kind, flag, monkeypatch):
    monkeypatch.setattr(live, "WAIT", 2.0)
    assert problems(kind, **{flag: True}) == []


@pytest.mark.parametrize(
    ("kind", "flags", "expected"),
    [
        ("opens", {"missing": True}, "GET /events answered status 404, expected 200"),
        (
            "opens",
            {"html": True},
            "GET /events: Content-Type 'text/html', expected 'text/event-stream'",
        ),
        (
            "arrives",
            {"drop": True},
            "nothing within 0.5 s, waiting for the event posted",
        ),
        (
            "arrives",
            {"raw_data": True},
            "data 'two' is not JSON, expected "
            '{"text": "two\\n\\nevent: forged\\ndata: lines", '
            '"n": 1}',
        ),
        ("resumes", {"missing": True}, "GET /events answered status 404, expected 200"),
        (
            "resumes",
            {"no_history": True},
            "nothing within 0.5 s, waiting for the event after id 1",
        ),
        (
            "opens",
            {"ends": True, "silent": True},
            "the stream ended, waiting for the first block (retry: or a "
            "comment), sent once the stream is subscribed",
        ),
        ("opens", {"huge": True}, "more than 65536 characters without a blank line"),
        ("opens", {"hang": True}, "GET /events: no answer within 0.5 s"),
        ("resumes", {"refuse_resume": True}, "GET /events answered status 404"),
        ("restart", {"ok_not_created": True}, "POST /items answered status 200, expected 201"),
        (
            "restart",
            {"no_id": True},
            'POST /items answered \'{"name": "example", "price": 2.5, '
            '"in_stock": true}\', expected the item with its id',
        ),
        (
            "restart",
            {"not_json": True},
            "POST /items answered 'created', expected the item with its id",
        ),
        ("restart", {"not_json_after": True}, "GET /items/1 after a restart answered no JSON"),
        ("restart", {"changed": True}, "price is 3.5, expected 2.5 after a restart"),
        ("opens", {"no_type": True}, "GET /events: Content-Type '', expected 'text/event-stream'"),
        ("arrives", {"refuse_publish": True}, "POST /events answered status 404, expected 202"),
        ("resumes", {"drop": True}, "nothing within 0.5 s, waiting for the events posted"),
        (
            "resumes",
            {"replay": True},
            "with Last-Event-ID: 1 the first event has id '1', expected '2' (the one posted "
            "after it)",
        ),
        ("resumes", {"stale_data": True}, "data.n is 1, expected 2"),
        ("resumes", {"no_ids": True}, "nothing within 0.5 s, waiting for the event after id "),
        ("restart", {"crash": True}, "no answer: ConnectionError (did the server crash?)"),
        ("restart", {"crash_after": True}, "no answer: ConnectionError (did the server crash?)"),
        (
            "restart",
            {"forget": True},
            "GET /items/1 after a restart answered status 404, expected 200: keep items in "
            "the database DATABASE_URL names, not in memory",
        ),
        ("arrives", {"slow_post": True}, "no answer: ReadTimeout (did the server crash?)"),
        ("restart", {"slow_post": True}, "no answer: ReadTimeout (did the server crash?)"),
        ("restart", {"slow_read": True}, "no answer: ReadTimeout (did the server crash?)"),
        (
            "restart",
            {"garbled": True},
            f"POST /items answered {chr(0xFFFD) + 'x' * 59!r}, expected the item with its id",
        ),
        ("arrives", {"chatter": True}, "20 blocks without data, waiting for the event posted"),
        ("arrives", {"blank_first": True}, "20 blocks without data, waiting for the event posted"),
        (
            "resumes",
            {"no_ids_resumed": True},
            "with Last-Event-ID: 1 the first event has id '', expected '2' (the one posted "
            "after it)",
        ),
    ],
    ids=[
        "no-route",
        "not-a-stream",
        "event-lost",
        "data-not-json",
        "resume-no-route",
        "no-history",
        "stream-ends",
        "no-blank-line",
        "no-headers",
        "resume-refused",
        "200-not-201",
        "no-id",
        "create-not-json",
        "read-not-json",
        "changed",
        "no-content-type",
        "publish-refused",
        "resume-events-lost",
        "resume-replays-all",
        "resume-stale-data",
        "resume-without-ids",
        "create-no-answer",
        "read-no-answer",
        "forgets",
        "publish-too-slow",
        "create-too-slow",
        "read-too-slow",
        "create-garbled",
        "only-comments",
        "a-blank-line-first",
        "resumed-without-id",
    ],
)
def test_a_server_that_breaks_the_feature_fails_with_one_line(kind, flags, expected, monkeypatch):
    monkeypatch.setattr(live, "WAIT", 0.5)
    assert problems(kind, **flags) == [expected]


def test_a_stream_that_sends_nothing_until_an_event_fails_at_once(monkeypatch):
    monkeypatch.setattr(live, "WAIT", 0.5)
    assert problems("opens", silent=True) == [
        "nothing within 0.5 s, waiting for the first block (retry: or a comment), sent once the "
        "stream is subscribed"
    ]


def test_waiting_for_a_server_gives_up_after_the_limit():
    with serve(hold=True) as server, requests.Session() as session:
        live.ready(session, server.url + "ready", 0.5)
        assert server.answered == []  # the server still holds its answer
    assert server.answered == ["/ready"]


def test_waiting_for_a_server_to_answer_never_raises():
    with serve() as server, requests.Session() as session:
        assert live.ready(session, server.url + "items/7", 5) is None  # a 404 is an answer
        closed = server.url
    with requests.Session() as session:
        assert live.ready(session, closed, 1) is None  # nothing listens there any more
