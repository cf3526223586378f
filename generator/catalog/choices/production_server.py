"""The `production-server` choice (Production server): its catalog entry."""

from __future__ import annotations

from ..entries import Anchor, Choice, Setting, Side

CHOICE = Choice(
    key="production-server",
    title="Production server",
    help="A production start command: gunicorn for Flask, a Node cluster for Express.",
    flask=Side(
        ("gunicorn",),
        "gunicorn app:app, settings in gunicorn.conf.py: WEB_CONCURRENCY workers, else two "
        "per usable CPU (the affinity mask, capped by the cgroup CPU quota) plus one.",
    ),
    express=Side(
        (),
        "node server.js: Node's cluster module, WEB_CONCURRENCY workers, else one per "
        "usable CPU (the affinity mask, capped by the cgroup CPU quota).",
    ),
    settings=(
        Setting(
            "worker-class",
            "gunicorn's worker class (Flask only): sync (a request at a time a worker), "
            "gthread (GUNICORN_THREADS threads a worker, 8 by default) or gevent (a "
            "greenlet a request, GUNICORN_CONNECTIONS a worker, 1000 by default); with "
            "events, sync becomes gevent: a stream would hold a sync worker",
            "sync",
            kind="choice",
            choices=("sync", "gthread", "gevent"),
        ),
    ),
    concepts={
        "flask": (Anchor("gunicorn.conf.py", whole=True),),
        "express": (Anchor("server.js", whole=True),),
    },
)
