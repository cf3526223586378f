"""The exchanges that prove the `events` choice (registered in generator/contract/): what a
client of /events sees without holding a stream open. The streams themselves (framing, ids,
resumption, heartbeats) are checked over a stream held open by generator/contract/streams.py,
which `dualgen verify` and `dualgen parity` run too."""

from __future__ import annotations

from ..spec import ProjectSpec
from . import _Body, _error_body
from .exchange import Exchange, Padded

JSON = {"Content-Type": "application/json"}
#: express.json's default limit, which both servers use for POST /events without json-body.
BODY_LIMIT = 102_400


def exchanges(spec: ProjectSpec) -> list[Exchange]:
    # Without json-body, the events route parses its own body and answers JSON errors; with it,
    # json-body's parser answers first, as for any route.
    own_parser = "json-body" not in spec.middleware
    limit = BODY_LIMIT if own_parser else int(spec.setting("json-body", "limit"))  # type: ignore[call-overload]  # a number
    json_error: _Body = {"media_type": "application/json"}
    parse_error = json_error if own_parser else _error_body(spec, "Bad Request")
    too_large = json_error if own_parser else _error_body(spec, "Request Entity Too Large")
    return [
        Exchange(
            "HEAD /events: an event stream, never buffered",
            "HEAD",
            "/events",
            200,
            text="",
            media_type="text/event-stream",
            headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
        ),
        Exchange(
            "publish an event",
            "POST",
            "/events",
            202,
            JSON,
            b'{"event": "chat.message", "data": {"text": "hi\\n\\nevent: x"}}',
            media_type="application/json",
        ),
        *(
            Exchange(f"publish: {what}", "POST", "/events", 400, JSON, body, **json_error)
            for what, body in (
                ("an event name with a space", b'{"event": "chat message", "data": 1}'),
                ("an event name with a line break", b'{"event": "a\\nb", "data": 1}'),
                ("no data", b'{"event": "x"}'),
                ("not an object", b'[{"event": "x", "data": 1}]'),
            )
        ),
        Exchange(
            "publish: malformed JSON", "POST", "/events", 400, JSON, b'{"event": ', **parse_error
        ),
        Exchange(
            f"publish: a body over {limit} bytes",
            "POST",
            "/events",
            413,
            JSON,
            Padded(b'{"event": "x", "data": "', limit, b'"}'),
            **too_large,
        ),
    ]
