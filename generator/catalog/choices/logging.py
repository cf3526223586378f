"""The `logging` choice (Request logging): its catalog entry."""

from __future__ import annotations

from ..entries import FLASK_APP_FILES, Anchor, Choice, Setting, Side

CHOICE = Choice(
    key="logging",
    title="Request logging",
    help="One access-log line per request: method, URL, status, length, time "
    "(FORMAT tiny, morgan's, or json: one JSON object per line).",
    summary="One access-log line per request (method, URL, status, length, time), in the "
    "FORMAT format.",
    flask=Side(
        (),
        "app.logger in an after_request hook, in morgan's 'tiny' format, with the URL "
        "as the client sent it (RAW_URI) and anything but printable ASCII percent-encoded; "
        "app.py runs the development server without werkzeug's own access log, "
        "so each request is logged once. With FORMAT json, a logger named 'access' writes "
        "one JSON object per request to stdout through a logging.Formatter (no extra "
        "package).",
    ),
    express=Side(
        ("morgan",),
        "morgan('tiny'), registered before the routes; it logs the URL as the client sent "
        "it, and Node refuses control characters in a request line. With FORMAT json, "
        "morgan with a format function that returns one JSON object, written to stdout as "
        "each request ends.",
    ),
    settings=(
        Setting(
            "format",
            "tiny (morgan's one-line format) or json (time, method, path, status, bytes, "
            "duration_ms, request_id, client: the same fields in both frameworks).",
            "tiny",
            kind="choice",
            choices=("tiny", "json"),
        ),
    ),
    concepts={
        "flask": (
            Anchor(
                FLASK_APP_FILES,
                r"^[ ]*(?:app\.logger\.setLevel\(|@app\.before_request\n\s*def start_timer)"
                r"[\s\S]*?def log_request",
            ),
        ),
        "express": (
            Anchor("app.js", r"^(?:const accessLogLine = [\s\S]*?)?app\.use\(\s*morgan\("),
        ),
    },
)
