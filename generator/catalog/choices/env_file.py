"""The `env-file` choice (.env file): its catalog entry."""

from __future__ import annotations

from ..entries import Anchor, Choice, Side

CHOICE = Choice(
    key="env-file",
    title=".env file",
    help="Load settings from a .env file (a .env.example is generated).",
    flask=Side(
        ("python-dotenv",),
        "load_dotenv() in app.py and gunicorn.conf.py, before settings are read.",
    ),
    express=Side(("dotenv",), "require('dotenv').config() before anything reads process.env."),
    concepts={
        "flask": (Anchor("app.py", r"^load_dotenv\(\)"), Anchor(".env.example", whole=True)),
        "express": (Anchor("app.js", r"^require\('dotenv'\)\.config\("),),
    },
)
