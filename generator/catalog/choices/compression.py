"""The `compression` choice (Compression): its catalog entry."""

from __future__ import annotations

from ..entries import FLASK_APP_FILES, Anchor, Choice, Side

CHOICE = Choice(
    key="compression",
    title="Compression",
    help="Compress responses of 1 KiB and more (br, gzip, deflate) when the client accepts it.",
    flask=Side(
        ("flask-compress",),
        "compress = Compress(), bound with init_app, with the chosen 1 KiB threshold and br "
        "> gzip > deflate (flask-compress defaults to 500 bytes and zstd first).",
    ),
    express=Side(("compression",), "compression() with its defaults (1 KiB threshold)."),
    concepts={
        "flask": (Anchor(FLASK_APP_FILES, r"^[ ]*compress\.init_app\(app\)"),),
        "express": (Anchor("app.js", r"^app\.use\(compression\("),),
    },
)
