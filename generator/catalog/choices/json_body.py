"""The `json-body` choice (JSON bodies): its catalog entry."""

from __future__ import annotations

from ..entries import FLASK_APP_FILES, Anchor, Choice, Declared, Setting, Side

CHOICE = Choice(
    key="json-body",
    title="JSON bodies",
    help="Parse JSON request bodies up to LIMIT bytes: 413 above it, 400 when malformed.",
    flask=Side(
        (),
        "MAX_CONTENT_LENGTH, and a before_request hook that calls request.get_json() for "
        "a JSON body, so a malformed one, or one nested deeper than DEPTH, answers 400 "
        "before any view (Flask alone parses a body only when a view reads it); views find "
        "it in request.json.",
    ),
    express=Side(
        (),
        "express.json({ limit }), built into Express, before the routes; its verify hook "
        "refuses a body nested deeper than DEPTH (400).",
    ),
    settings=(
        Setting("limit", "Largest body accepted, in bytes.", 102_400, 1, 1 << 30),
        Setting(
            "depth",
            "How deep arrays and objects may nest in a body (400 beyond: Python's parser "
            "would overflow its stack at about 1,000, JavaScript's goes on)",
            64,
            1,
            500,
        ),
    ),
    declared=(
        Declared(
            "JSON bodies at the edges of JSON",
            "request.get_json() reads any JSON value, NaN and Infinity too (Python's json), "
            "under application/*+json as well and in any UTF encoding; it does not inflate "
            "a compressed body, and cuts a chunked one at MAX_CONTENT_LENGTH",
            "express.json() takes objects and arrays only (strict), under application/json "
            "only, in UTF-8 only (415 for another charset); it inflates gzip and deflate, "
            "and refuses a chunked body over the limit (413)",
            "each parser follows its platform's JSON reader and its docs' defaults; a "
            "UTF-8 JSON object sent as application/json, what clients send, is read alike",
            request=r"(?m)^(\d+ × )?[^\n]*(Content-Type: [^;\]\n]*(?i:json)|Content-Encoding: )"
            r"[^\n]*\Z",
            unless="strict-parity",
            docs=(
                "https://flask.palletsprojects.com/en/stable/api/#flask.Request.get_json",
                "https://expressjs.com/en/5x/api.html#express.json",
            ),
        ),
    ),
    concepts={
        "flask": (
            Anchor(
                FLASK_APP_FILES,
                r"^[ ]*(?:def refuse_constant\([\s\S]*?^[ ]*)?@app\.before_request\n"
                r"\s*def parse_json_body",
            ),
        ),
        "express": (Anchor("app.js", r"^app\.use\(\s*express\.json\("),),
    },
)
