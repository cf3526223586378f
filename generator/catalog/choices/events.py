"""The `events` choice (Server-sent events): its catalog entry."""

from __future__ import annotations

from ..entries import Anchor, Choice, Declared, Setting, Side

#: Where a Flask project keeps it: app.py while it is one file, else the package's events.py.
_FLASK_FILES = ("app.py", "*/events.py")

CHOICE = Choice(
    key="events",
    title="Server-sent events",
    help="GET /events streams server-sent events (resumable with Last-Event-ID); "
    'POST /events {"event": NAME, "data": VALUE} publishes one to every stream.',
    flask=Side(
        (),
        "A view returns a generator wrapped in stream_with_context, as the Flask docs' "
        "'Streaming Contents' pattern shows, with mimetype text/event-stream; one function, "
        "sse_event(), writes the id:, event: and data: lines (a data line per line of the "
        "value, as the HTML spec says). The events of this process live in a bounded deque "
        "with a threading.Condition that wakes every stream (no package: Flask-SSE needs Redis "
        "and gevent). Each open stream holds a thread of the development server or of "
        "gunicorn's gthread worker, or a greenlet of its gevent worker: gunicorn's sync "
        "worker, one request at a time, cannot serve streams. With a redis:// broker, "
        "publishing runs one Lua script (INCR the id, append to a bounded list, PUBLISH) with "
        "redis-py, and a pubsub thread (run_in_thread) in each worker hands events to its "
        "streams; REDIS_URL overrides the address. flask-compress leaves text/event-stream "
        "uncompressed (it is not among COMPRESS_MIMETYPES). EVENTS_HEARTBEAT overrides the "
        "heartbeat at run time (dualgen verify and parity set 1 s).",
        redis_packages=("redis",),
    ),
    express=Side(
        (),
        "A Router in events.js writes to res directly, as Node's http API does: "
        "res.flushHeaders(), then res.write() for each event; one function, sseEvent(), writes "
        "the id:, event: and data: lines. The events of this process live in an EventEmitter "
        "with a bounded array of recent events (no package: better-sse's sessions and "
        "channels would do the same, but not resumption from a history). With a redis:// "
        "broker, node-redis publishes with one Lua script (INCR the id, append to a bounded "
        "list, PUBLISH) and a duplicate() client subscribes once per worker; REDIS_URL "
        "overrides the address. With compression, res.flush() after each write sends the "
        "event at once (the compression README's advice for server-sent events). "
        "EVENTS_HEARTBEAT overrides the heartbeat at run time (dualgen verify and parity set 1 s).",
        redis_packages=("redis",),
    ),
    settings=(
        Setting("heartbeat", "Seconds between heartbeat comments on an idle stream.", 15, 1, 3600),
        Setting(
            "history",
            "Events kept for clients that reconnect with Last-Event-ID.",
            100,
            1,
            100_000,
        ),
        Setting(
            "broker",
            "Where events go: memory:// (the streams of one process) or "
            "redis://HOST[:PORT][/DB], every worker's streams.",
            "memory://",
            kind="storage",
        ),
    ),
    reserved_paths=("/events",),
    declared=(
        Declared(
            "Content-Encoding of GET /events with compression",
            "flask-compress leaves the stream uncompressed: text/event-stream is not among "
            "its COMPRESS_MIMETYPES",
            "the compression package compresses it (text/event-stream is compressible in "
            "mime-db), and res.flush() sends each event at once",
            "each library's list of types worth compressing; either way each event reaches "
            "the client when it is published",
            aspects=("header Content-Encoding", "header Vary", "body"),
            request=r"(?m)^(\d+ × )?GET /events( .*)?\Z",
            docs=(
                "https://github.com/colour-science/flask-compress#options",
                "https://github.com/expressjs/compression#server-sent-events",
            ),
        ),
    ),
    concepts={
        # The framing, the broker and the stream's view.
        "flask": (Anchor(_FLASK_FILES, r"^def sse_event\([\s\S]*?^[ ]*def stream_events\("),),
        "express": (Anchor("events.js", whole=True),),
    },
)
