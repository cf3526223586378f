"""The `docker` choice (Dockerfile): its catalog entry."""

from __future__ import annotations

from ..entries import Anchor, Choice, Side

CHOICE = Choice(
    key="docker",
    title="Dockerfile",
    help="A Dockerfile and .dockerignore that run the production server as a non-root user "
    "(docker implies production-server).",
    flask=Side(
        (),
        "python:3.12-slim image running gunicorn as PID 1 (exec form), so SIGTERM from "
        "`docker stop` reaches it; an unprivileged user.",
    ),
    express=Side(
        (),
        "node:24-slim image (an LTS line, maintained until April 2028) running "
        "`node server.js` as PID 1 (exec form; the cluster handles SIGTERM itself); npm ci "
        "when package-lock.json exists; the node user.",
    ),
    concepts={
        "flask": (Anchor("Dockerfile", whole=True),),
        "express": (Anchor("Dockerfile", whole=True),),
    },
)
