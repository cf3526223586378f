"""The `health` choice (Health check): its catalog entry."""

from __future__ import annotations

from ..entries import FLASK_APP_FILES, Anchor, Choice, Side

CHOICE = Choice(
    key="health",
    title="Health check",
    help='GET /healthz answers 200 {"status": "ok"}, never rate-limited or logged.',
    flask=Side(
        (),
        "A ten-line WSGI middleware answers /healthz before Flask sees the request, so no "
        "before_request hook, limiter or access log runs for it.",
    ),
    express=Side(
        (),
        "app.get('/healthz') registered before any other middleware, so neither the "
        "limiter nor morgan sees it.",
    ),
    reserved_paths=("/healthz",),
    concepts={
        "flask": (Anchor(FLASK_APP_FILES, r"^[ ]*def answer_health_checks\("),),
        "express": (Anchor("app.js", r"^app\.get\('/healthz',"),),
    },
)
