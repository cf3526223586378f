"""The `events` choice's streams, checked over a real `GET /events` held open (generator/sse.py
reads it) while events are published through `POST /events`.

`Scenario(spec, url, deadline).run()` runs the steps in order, each on a stream of its own and
none past `deadline`, and returns one `Step` each: what went wrong (`problems`, empty when the
stream held) and a `transcript` in which another server's may be compared line for line
(`dualgen parity`). A transcript shows what the contract fixes and nothing else: ids relative to
the scenario's first event (two servers count from where each is), each event's data as JSON
(each JSON encoder escapes its own characters), and no heartbeat comments (when one comes is
timing).

The server must send a heartbeat soon for the last step: `dualgen verify` and `dualgen parity`
start it with EVENTS_HEARTBEAT (project.server_env).
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..sse import CHECK_HEARTBEAT, Block, Stream, StreamTimeout
from .events import BODY_LIMIT

if TYPE_CHECKING:
    from collections.abc import Callable

    import requests

    from ..spec import ProjectSpec

#: Seconds one step may take at most (the scenario's deadline may cut it shorter).
STEP_SECONDS = 15.0
#: What a subscriber must get back as it was posted: each would end an event early, start
#: another or break a line if the framing let it.
HOSTILE: tuple[object, ...] = (
    "a\n\nevent: x\ndata: forged",
    "\r\n\r\nid: 999\r\nevent: x\r\ndata: y\r\n\r\n",
    "line\rbreak\u2028and\u0085more",
    {"nested": "\n\nevent: x\n\n", "list": [1, "data: 2\n"], "id": 7},
    "h\u00e9llo \u2713 \U0001f389 \u4e2d\u6587",
    "",
    None,
    [True, 1.5, -0, {"": {}}],
)
#: Publish requests that must be refused, with the status each must get, and reach no stream.
REFUSED: tuple[tuple[str, bytes, int], ...] = (
    ("an event name with a space", b'{"event": "chat message", "data": 1}', 400),
    ("an event name with a line break", b'{"event": "a\\nb", "data": 1}', 400),
    ("an event name of 65 characters", b'{"event": "' + b"x" * 65 + b'", "data": 1}', 400),
    ("no data", b'{"event": "x"}', 400),
    ("not an object", b'[{"event": "x", "data": 1}]', 400),
    ("malformed JSON", b'{"event": ', 400),
)
RETRY = re.compile(r"[0-9]+")
#: The most problems one step reports (the rest are counted).
MAX_PROBLEMS = 4
#: The most requests the scenario sends (a rate limit must allow them).
STREAM_REQUESTS = 40


@dataclass
class Step:
    """One step of the scenario: its name (a verify line), what went wrong, what was seen."""

    name: str
    problems: list[str] = field(default_factory=list)
    transcript: list[str] = field(default_factory=list)


class Scenario:
    """The stream steps against one server, in order (see the module's docstring)."""

    #: What the steps send with: the one given, else one of run()'s own.
    session: requests.Session

    def __init__(
        self,
        spec: ProjectSpec,
        url: str,
        deadline: float,
        *,
        heartbeat: float = CHECK_HEARTBEAT,
        session: requests.Session | None = None,
    ) -> None:
        self.spec = spec
        self.url = url.rstrip("/") + "/"
        self.deadline = deadline
        self.heartbeat = heartbeat
        self._given = session
        self.limit = body_limit(spec)
        #: The id before the scenario's first event: transcripts count from it.
        self.base: int | None = None

    def steps(self) -> list[tuple[str, Callable[[Step], None]]]:
        return [
            ("GET /events: an event stream that starts with retry:", self._opening),
            (f"stream: {len(HOSTILE) + 1} events, hostile data, as posted", self._events),
            ("stream: a refused publish reaches no stream", self._refused),
            ("stream: Last-Event-ID replays what was missed, then live", self._resume),
            (f"stream: a heartbeat comment within {self.heartbeat:g} s", self._heartbeat),
        ]

    def run(self) -> list[Step]:
        import requests

        found = []
        self.session = self._given or requests.Session()
        try:
            for name, run in self.steps():
                step = Step(name)
                try:
                    run(step)
                except StreamTimeout as error:
                    step.problems.append(f"the stream: {error}")
                except requests.RequestException as error:
                    step.problems.append(f"no answer: {type(error).__name__}: {_first_line(error)}")
                if len(step.problems) > MAX_PROBLEMS:
                    more = len(step.problems) - MAX_PROBLEMS + 1
                    step.problems[MAX_PROBLEMS - 1 :] = [f"… and {more} more"]
                found.append(step)
        finally:
            if self._given is None:
                self.session.close()
        return found

    # -- the steps -------------------------------------------------------------------------

    def _stream(self, headers: dict[str, str] | None = None) -> Stream:
        deadline = min(self.deadline, time.monotonic() + STEP_SECONDS)
        return Stream(self.url, headers, deadline=deadline, session=self.session)

    def _opening(self, step: Step) -> None:
        with self._stream() as stream:
            answer = stream.response
            shown = {name: answer.headers.get(name) for name in HEADERS}
            step.transcript += [f"status {answer.status_code}"] + [
                f"{name}: {value}" for name, value in shown.items()
            ]
            if answer.status_code != 200:
                step.problems.append(f"status {answer.status_code}, expected 200")
                return
            step.problems += _header_problems(shown)
            first = stream.block()
            step.transcript.append(first.text())
        if first.comments or [name for name, _ in first.fields] != ["retry"]:
            step.problems.append(f"the first block is {first.text()!r}, expected retry: alone")
        elif not RETRY.fullmatch(first.get("retry") or ""):
            step.problems.append(f"retry: {first.get('retry')!r} is not a number of ms")

    def _events(self, step: Step) -> None:
        values = [*HOSTILE, "x" * max(0, min(self.limit - 64, 60_000))]
        with self._stream() as stream:
            stream.block()  # retry:, once the stream is subscribed
            sent = [(self._publish(step, "chat.message", value), value) for value in values]
            sent.append((self._publish(step, "end", "sentinel"), "sentinel"))
            if any(id is None for id, _ in sent):
                return
            received = [stream.event() for _ in sent]
        step.transcript += [self._show(block) for block in received]
        previous = self.base or 0
        for n, ((id, value), block) in enumerate(zip(sent, received, strict=True), 1):
            name = "end" if n == len(sent) else "chat.message"
            step.problems += _event_problems(n, block, id, name, value)
            number = _number(block.get("id"))
            if number is not None and number <= previous:
                step.problems.append(f"event {n}: id {number} after id {previous}")
            previous = number if number is not None else previous

    def _refused(self, step: Step) -> None:
        refused = [*REFUSED, (f"a body over {self.limit} bytes", _too_large(self.limit), 413)]
        with self._stream() as stream:
            stream.block()
            for what, body, status in refused:
                answer = self.session.post(
                    self.url + "events", data=body, headers=JSON, timeout=self._timeout()
                )
                step.transcript.append(f"{what}: {answer.status_code}")
                step.problems += _refusal_problems(what, answer, status)
            last = self._publish(step, "end", "sentinel")
            if last is None:
                return
            event = stream.event()
        step.transcript.append(self._show(event))
        if event.get("id") != str(last):
            step.problems.append(f"the first event after the refused ones: {event.text()!r}")

    def _resume(self, step: Step) -> None:
        count = min(3, int(self.spec.setting("events", "history")))  # type: ignore[call-overload]  # a number
        ids = [id for n in range(count) if (id := self._publish(step, "tick", n)) is not None]
        if len(ids) < count:
            return
        with self._stream({"Last-Event-ID": str(ids[0] - 1)}) as stream:
            missed = [stream.event() for _ in ids]
            live = self._publish(step, "tick", "live")
            after = stream.event() if live is not None else None
        step.transcript += [self._show(block) for block in missed]
        for n, (block, id) in enumerate(zip(missed, ids, strict=True), 1):
            step.problems += _event_problems(n, block, id, "tick", n - 1, what="missed event")
        if after is not None:
            step.transcript.append(self._show(after))
            step.problems += _event_problems(1, after, live, "tick", "live", what="live event")

    def _heartbeat(self, step: Step) -> None:
        with self._stream() as stream:
            stream.block()
            stream.deadline = min(stream.deadline, time.monotonic() + self.heartbeat + 3)
            block = stream.block()
        step.transcript.append("(a heartbeat)" if not block.fields else block.text())
        if block.fields or not block.comments:
            step.problems.append(f"the block after retry: is {block.text()!r}, not a comment")

    # -- helpers ---------------------------------------------------------------------------

    def _timeout(self) -> float:
        return max(0.1, min(10.0, self.deadline - time.monotonic()))

    def _publish(self, step: Step, event: str, data: object) -> int | None:
        """POST /events; the new event's id, or None (and a problem)."""
        body = json.dumps({"event": event, "data": data}, ensure_ascii=False).encode()
        answer = self.session.post(
            self.url + "events", data=body, headers=JSON, timeout=self._timeout()
        )
        id = _answered_id(answer)
        if answer.status_code != 202 or id is None:
            step.problems.append(f"publish {event}: {answer.status_code} {answer.text[:120]!r}")
            return None
        if self.base is None:
            self.base = id - 1
        step.transcript.append(f"published: {id - self.base}")
        return id

    def _show(self, block: Block) -> str:
        """A transcript line: relative id, event name, data as canonical JSON."""
        id = _number(block.get("id"))
        relative = "?" if id is None or self.base is None else id - self.base
        try:
            data = json.dumps(json.loads(block.data or ""), sort_keys=True)
        except ValueError:
            data = f"not JSON: {block.data!r}"
        return f"event {relative} {block.get('event')}: {data}"


JSON = {"Content-Type": "application/json; charset=utf-8"}
HEADERS = ("Content-Type", "Cache-Control", "X-Accel-Buffering")


def skip_reason(spec: ProjectSpec) -> str | None:
    """Why the scenario cannot run on a server of this spec (a rate limit too low), or None."""
    limit = spec.setting("rate-limit", "max") if "rate-limit" in spec.middleware else None
    if isinstance(limit, int) and limit < STREAM_REQUESTS:
        return f"the scenario sends {STREAM_REQUESTS} requests; the rate limit allows {limit}"
    return None


def body_limit(spec: ProjectSpec) -> int:
    """The largest body POST /events takes: json-body's limit, else the route's own."""
    if "json-body" in spec.middleware:
        limit: int = int(spec.setting("json-body", "limit"))  # type: ignore[call-overload]  # a number
        return limit
    return BODY_LIMIT


def _too_large(limit: int) -> bytes:
    return b'{"event": "x", "data": "' + b"x" * limit + b'"}'


def _header_problems(shown: dict[str, str | None]) -> list[str]:
    problems = []
    media = (shown["Content-Type"] or "").split(";")[0].strip().lower()
    if media != "text/event-stream":
        problems.append(f"Content-Type {shown['Content-Type']!r}, expected text/event-stream")
    for name, expected in (("Cache-Control", "no-cache"), ("X-Accel-Buffering", "no")):
        if shown[name] != expected:
            problems.append(f"{name} {shown[name]!r}, expected {expected!r}")
    return problems


def _event_problems(
    n: int, block: Block, id: int | None, name: str, value: object, *, what: str = "event"
) -> list[str]:
    """What is wrong with the n-th event received, expected with this id, name and data."""
    problems = []
    if block.get("id") is None:
        problems.append(f"{what} {n}: no id: line")
    elif block.get("id") != str(id):
        problems.append(f"{what} {n}: id {block.get('id')!r}, expected {id}")
    if block.get("event") != name:
        problems.append(f"{what} {n}: event {block.get('event')!r}, expected {name!r}")
    try:
        data = json.loads(block.data or "")
    except ValueError:
        problems.append(f"{what} {n}: data is not JSON: {(block.data or '')[:80]!r}")
        return problems
    if data != value or json.dumps(data) != json.dumps(value):
        problems.append(f"{what} {n}: data {_short(data)}, posted {_short(value)}")
    return problems


def _refusal_problems(what: str, answer: requests.Response, status: int) -> list[str]:
    if answer.status_code != status:
        return [f"publish {what}: {answer.status_code}, expected {status}"]
    media = answer.headers.get("Content-Type", "").split(";")[0].strip()
    try:
        error = answer.json().get("error") if media == "application/json" else None
    except (ValueError, AttributeError):
        error = None
    if not isinstance(error, str):
        return [f"publish {what}: {status} without a JSON {{'error': TEXT}} body ({media})"]
    return []


def _answered_id(answer: requests.Response) -> int | None:
    try:
        id = answer.json().get("id")
    except (ValueError, AttributeError):
        return None
    return id if isinstance(id, int) and not isinstance(id, bool) else None


def _number(text: str | None) -> int | None:
    return int(text) if text is not None and text.isdigit() and len(text) < 16 else None


def _short(value: object) -> str:
    text = json.dumps(value, ensure_ascii=True)
    return text if len(text) <= 60 else text[:59] + "…"


def _first_line(error: BaseException) -> str:
    lines = str(error).strip().splitlines()
    return (lines[0] if lines else "")[:200]
