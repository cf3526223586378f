"""The `request-id` choice (Request IDs): its catalog entry."""

from __future__ import annotations

from ..entries import FLASK_APP_FILES, Anchor, Choice, Side

CHOICE = Choice(
    key="request-id",
    title="Request IDs",
    help="Echo a client's X-Request-ID (letters, digits, . _ -, up to 128) or create one.",
    flask=Side((), "before_request/after_request hooks; Flask has no built-in request id."),
    express=Side((), "A five-line middleware with crypto.randomUUID(); no package needed."),
    concepts={
        "flask": (
            Anchor(
                FLASK_APP_FILES,
                r"^[ ]*@app\.before_request\n\s*def assign_request_id"
                r"[\s\S]*?def send_request_id",
            ),
        ),
        "express": (
            Anchor(
                "app.js",
                r"^app\.use\(\(req, res, next\) => \{\n\s*const incoming = req\.get",
            ),
        ),
    },
)
