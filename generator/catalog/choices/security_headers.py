"""The `security-headers` choice (Security headers): its catalog entry."""

from __future__ import annotations

from ..entries import FLASK_APP_FILES, Anchor, Choice, Side

CHOICE = Choice(
    key="security-headers",
    title="Security headers",
    help="helmet's default headers (CSP, HSTS, nosniff, frame options …) on every response.",
    flask=Side(
        (),
        "The same headers helmet sets, added in an after_request hook; "
        "Flask sends none of them on its own.",
    ),
    express=Side(("helmet",), "helmet() with its defaults; it also drops X-Powered-By."),
    concepts={
        "flask": (
            Anchor(
                FLASK_APP_FILES,
                r"^[ ]*@app\.after_request\n\s*def set_security_headers",
            ),
        ),
        "express": (Anchor("app.js", r"^app\.use\(helmet\("),),
    },
)
