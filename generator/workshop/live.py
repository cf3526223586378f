"""Workshop checks that one request and its answer cannot make: an event stream held open while
an event is posted to it, a stream resumed with Last-Event-ID, and an item that must still be
there after the server restarts. Like the exchanges' checks (workshops/_contract), each is the
step's contract, not the generated code's way of meeting it, and a problem is one line.

- A stream is read as EventSource reads it (the HTML spec): blocks end with a blank line, a
  line starting with `:` is a comment, a block with `data:` lines is an event. The check waits
  at most WAIT seconds for each block, and reads at most MAX_BLOCK characters of one.
- A stream must send a first block (the `retry:` line, or a comment) as soon as it is
  subscribed: that is how a check, and a proxy, knows the stream is open before an event is
  posted to it.
- An event posted with `POST /events {"event": NAME, "data": VALUE}` must arrive as one event:
  `event: NAME`, an `id:`, and `data:` holding VALUE as JSON, even when VALUE's text holds
  line breaks and an `event:` of its own.
- A stream opened with `Last-Event-ID: N` must first send the events posted after N.
- An item created before a restart must be read back, the same, after it (`-m database`).
"""

from __future__ import annotations

import codecs
import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .contract import json_difference

if TYPE_CHECKING:
    import requests

    from ..spec import ProjectSpec

#: Seconds a check waits for an answer, and for each block of a stream: as long as for any
#: other check's answer (a production server's first answer waits for its workers to boot).
WAIT = 10.0
#: The most characters one block of a stream may hold before a check gives up on it.
MAX_BLOCK = 64 * 1024
#: The most blocks a check reads while it looks for one event (heartbeats, older events).
MAX_BLOCKS = 20
#: The event name and data a check posts: the data holds what a careless framing would turn
#: into a second event.
EVENT = "workshop.check"
DATA = {"text": "two\n\nevent: forged\ndata: lines", "n": 1}
OPENS, ARRIVES, RESUMES, RESTART = "opens", "arrives", "resumes", "restart"
#: The checks of the `events` choice, by kind.
STREAM_NAMES = {
    OPENS: "event stream: opens at once",
    ARRIVES: "event stream: a posted event arrives",
    RESUMES: "event stream: resumes after Last-Event-ID",
}


class Problem(Exception):
    """What a live check found wrong, in one line."""


@dataclass(frozen=True)
class Live:
    """One live check: its name, its kind, and for RESTART the resource's path and an item."""

    name: str
    kind: str
    path: str = "/events"
    item: dict[str, object] = field(default_factory=dict)

    @property
    def restarts(self) -> bool:
        """It needs the server stopped and started again (same database) half-way."""
        return self.kind == RESTART

    def expected_lines(self) -> list[str]:
        """What must hold, in words, for a report."""
        if self.kind == OPENS:
            return [
                "status 200, Content-Type: text/event-stream",
                f"a first block (retry: or a comment) within {WAIT:g} s",
            ]
        if self.kind == ARRIVES:
            return [
                "POST /events answers 202",
                f"the open stream gets one event: event: {EVENT}, an id:, data: the JSON posted",
            ]
        if self.kind == RESUMES:
            return ["a stream opened with Last-Event-ID: N first gets the events after N"]
        return [f"GET {self.path}/ID after a restart answers 200 with the item created before"]


def live_checks(spec: ProjectSpec) -> list[Live]:
    """The live checks of a step: the event stream's with `events`, one restart per resource
    with `database`."""
    found = [Live(name, kind) for kind, name in STREAM_NAMES.items()]
    if "events" not in spec.middleware:
        found = []
    if "database" in spec.middleware:
        found += [
            Live(f"{r.label}: kept across a restart", RESTART, r.path, r.sample_item())
            for r in spec.resources
        ]
    return found


#: Seconds the first request after a start may wait: a production server listens before its
#: workers have booted (gunicorn's, the cluster's), and five of them importing SQLAlchemy on a
#: busy machine take about ten seconds.
READY = 30.0


def ready(session: requests.Session, url: str, limit: float = READY) -> None:
    """Wait, at most `limit` seconds, until the server answers `GET /` (with anything): then
    a worker is serving. Whatever happens here, the checks that follow say."""
    import requests

    try:
        session.get(url, timeout=limit)
    except requests.RequestException:
        pass


class Stream:
    """GET /events held open, read block by block (at most WAIT seconds for each)."""

    def __init__(self, url: str, headers: dict[str, str] | None = None):
        import requests

        self.wait = wait = WAIT
        try:
            self.response = requests.get(
                url.rstrip("/") + "/events", headers=headers or {}, stream=True, timeout=wait
            )
        except requests.RequestException:
            raise Problem(f"GET /events: no answer within {wait:g} s") from None
        self.decoder = codecs.getincrementaldecoder("utf-8")("replace")
        self.buffer = ""
        self.after_cr = False

    def __enter__(self) -> Stream:
        return self

    def __exit__(self, *exc: object) -> None:
        self.response.close()

    def block(self, waiting_for: str) -> dict[str, list[str]]:
        """The next block's fields (a comment under ""), or Problem naming `waiting_for`."""
        import requests
        import urllib3

        while "\n\n" not in self.buffer:
            if len(self.buffer) > MAX_BLOCK:
                raise Problem(f"more than {MAX_BLOCK} characters without a blank line")
            try:
                # What has come so far, chunked or not (iter_content would wait for its size).
                chunk = self.response.raw.read1(MAX_BLOCK, decode_content=True)
            except (requests.RequestException, OSError, urllib3.exceptions.HTTPError):
                raise Problem(
                    f"nothing within {self.wait:g} s, waiting for {waiting_for}"
                ) from None
            if not chunk:
                raise Problem(f"the stream ended, waiting for {waiting_for}")
            text = self.decoder.decode(chunk)
            if self.after_cr and text.startswith("\n"):
                text = text[1:]  # the second half of a CRLF cut between two chunks
            self.after_cr = text.endswith("\r")
            self.buffer += text.replace("\r\n", "\n").replace("\r", "\n")
        text, self.buffer = self.buffer.split("\n\n", 1)
        return parse_block(text)

    def event(self, waiting_for: str) -> dict[str, list[str]]:
        """The next block with data: an event EventSource dispatches."""
        for _ in range(MAX_BLOCKS):
            block = self.block(waiting_for)
            if "data" in block:
                return block
        raise Problem(f"{MAX_BLOCKS} blocks without data, waiting for {waiting_for}")


def parse_block(text: str) -> dict[str, list[str]]:
    """A block's fields, each name with its values in order; comments under ""."""
    fields: dict[str, list[str]] = {}
    for line in text.split("\n"):
        name, colon, value = line.partition(":")
        if not colon:
            name, value = line, ""
        fields.setdefault(name, []).append(value[1:] if value.startswith(" ") else value)
    return fields


def opened(stream: Stream) -> None:
    """Problem unless the stream answers 200 as text/event-stream and sends a first block."""
    status = stream.response.status_code
    if status != 200:
        raise Problem(f"GET /events answered status {status}, expected 200")
    media = stream.response.headers.get("Content-Type", "").split(";")[0].strip().lower()
    if media != "text/event-stream":
        raise Problem(f"GET /events: Content-Type {media!r}, expected 'text/event-stream'")
    stream.block("the first block (retry: or a comment), sent once the stream is subscribed")


def publish(session: requests.Session, url: str, data: object) -> None:
    """POST /events; Problem unless it answers 202."""
    body = json.dumps({"event": EVENT, "data": data})
    answer = session.post(
        url.rstrip("/") + "/events",
        data=body.encode(),
        headers={"Content-Type": "application/json"},
        timeout=WAIT,
    )
    if answer.status_code != 202:
        raise Problem(f"POST /events answered status {answer.status_code}, expected 202")


def event_problem(block: dict[str, list[str]], data: object) -> str:
    """What is wrong with an event that should be the one posted with `data`; "" if nothing."""
    names = block.get("event", [])
    if names != [EVENT]:
        return f"event: {', '.join(names) or '(none)'}, expected {EVENT} (one event: line)"
    if len(block.get("id", [])) != 1 or not block["id"][0]:
        return "no id: line: each event needs one, for Last-Event-ID"
    text = "\n".join(block["data"])
    try:
        value = json.loads(text)
    except ValueError:
        return f"data {text[:60]!r} is not JSON, expected {json.dumps(data)}"
    return "" if value == data else json_difference(value, data, "data")


def arrives(session: requests.Session, url: str) -> None:
    """An event posted while a stream is open arrives on it, whole."""
    with Stream(url) as stream:
        opened(stream)
        publish(session, url, DATA)
        problem = event_problem(stream.event("the event posted"), DATA)
    if problem:
        raise Problem(problem)


def resumes(session: requests.Session, url: str) -> None:
    """A stream opened with the id of the first of two events first gets the second."""
    with Stream(url) as stream:
        opened(stream)
        publish(session, url, {"n": 1})
        publish(session, url, {"n": 2})
        ids = [stream.event("the events posted").get("id", [""])[0] for _ in range(2)]
    with Stream(url, {"Last-Event-ID": ids[0]}) as stream:
        if stream.response.status_code != 200:
            raise Problem(f"GET /events answered status {stream.response.status_code}")
        block = stream.event(f"the event after id {ids[0]}")
    got = block.get("id", [""])[0]
    if got != ids[1]:
        raise Problem(
            f"with Last-Event-ID: {ids[0]} the first event has id {got!r}, expected {ids[1]!r} "
            "(the one posted after it)"
        )
    problem = event_problem(block, {"n": 2})
    if problem:
        raise Problem(problem)


def opens(session: requests.Session, url: str) -> None:
    """A stream answers as one, and says at once that it is open."""
    with Stream(url) as stream:
        opened(stream)


#: What each kind of stream check runs.
STREAM_CHECKS = {OPENS: opens, ARRIVES: arrives, RESUMES: resumes}


def create(session: requests.Session, url: str, check: Live) -> dict[str, object]:
    """Before the restart: create the item; the item as answered."""
    answer = session.post(url.rstrip("/") + check.path, json=check.item, timeout=WAIT)
    if answer.status_code != 201:
        raise Problem(f"POST {check.path} answered status {answer.status_code}, expected 201")
    try:
        created = answer.json()
    except ValueError:
        created = None
    if not isinstance(created, dict) or "id" not in created:
        shown = answer.content[:60].decode("utf-8", "replace")
        raise Problem(f"POST {check.path} answered {shown!r}, expected the item with its id")
    return created


def read_back(session: requests.Session, url: str, check: Live, created: dict[str, object]) -> None:
    """After the restart: the item is there, as created."""
    path = f"{check.path}/{created['id']}"
    answer = session.get(url.rstrip("/") + path, timeout=WAIT)
    if answer.status_code != 200:
        raise Problem(
            f"GET {path} after a restart answered status {answer.status_code}, expected 200: "
            "keep items in the database DATABASE_URL names, not in memory"
        )
    try:
        value = answer.json()
    except ValueError:
        raise Problem(f"GET {path} after a restart answered no JSON") from None
    if value != created:
        raise Problem(json_difference(value, created) + " after a restart")


def sent_lines(check: Live) -> list[str]:
    """What a live check sends, for a report."""
    posted = f"POST /events {json.dumps({'event': EVENT, 'data': DATA})}"
    return {
        OPENS: ["GET /events (held open)"],
        ARRIVES: ["GET /events (held open)", posted],
        RESUMES: [
            "GET /events (held open), then two POST /events",
            "GET /events with Last-Event-ID: the first one's id",
        ],
        RESTART: [
            f"POST {check.path} {json.dumps(check.item)}",
            "the server stopped and started again, same DATABASE_URL",
            f"GET {check.path}/ID",
        ],
    }[check.kind]


def run(
    check: Live, session: requests.Session, url: str, created: dict[int, dict[str, object]]
) -> list[str]:
    """Run a live check (a RESTART's half before the restart, its item kept in `created`):
    its problems."""
    import requests

    try:
        if check.restarts:
            created[id(check)] = create(session, url, check)
        else:
            STREAM_CHECKS[check.kind](session, url)
    except Problem as problem:
        return [str(problem)]
    except requests.RequestException as error:
        return [f"no answer: {type(error).__name__} (did the server crash?)"]
    return []


def after_restart(
    check: Live, session: requests.Session, url: str, created: dict[int, dict[str, object]]
) -> list[str]:
    """A RESTART's half after the restart: its problems."""
    import requests

    try:
        read_back(session, url, check, created[id(check)])
    except Problem as problem:
        return [str(problem)]
    except requests.RequestException as error:
        return [f"no answer: {type(error).__name__} (did the server crash?)"]
    return []
