"""The `error-handlers` choice (JSON errors): its catalog entry."""

from __future__ import annotations

from ..entries import Choice, Declared, Side

CHOICE = Choice(
    key="error-handlers",
    title="JSON errors",
    help='Answer errors as JSON {"error": "Not Found"} (404 405 413 429 500), no stack traces.',
    flask=Side(
        (),
        "errorhandler(HTTPException) and errorhandler(Exception); "
        "Flask answers HTML error pages on its own.",
    ),
    express=Side(
        (),
        "A 404 catch-all and the four-argument error handler last; "
        "Express alone answers HTML with a stack trace outside production.",
    ),
    declared=(
        Declared(
            "the name of a 413, 414 or 416 error",
            "Werkzeug's names, from RFC 2616: 'Request Entity Too Large', 'Request URI Too "
            "Long', 'Requested Range Not Satisfiable'",
            "Node's http.STATUS_CODES, from RFC 9110: 'Payload Too Large', 'URI Too Long', "
            "'Range Not Satisfiable'",
            "each names the status by the HTTP specification its library follows; the "
            "status is the same",
            aspects=("body",),
            statuses=(413, 414, 416),
            unless="strict-parity",
            docs=(
                "https://werkzeug.palletsprojects.com/en/stable/exceptions/",
                "https://nodejs.org/api/http.html#httpstatus_codes",
            ),
        ),
        Declared(
            "error pages, without this choice",
            "Werkzeug's HTML error page",
            "Express's own ('Cannot GET /x', with a strict Content-Security-Policy) or the "
            "status text",
            "each framework's own error page is part of what a learner compares; the status "
            "is the same, and this choice makes the pages one JSON answer",
            aspects=(
                "body",
                "content-type",
                "header Content-Security-Policy",
                "header X-Content-Type-Options",
            ),
            statuses=tuple(range(400, 600)),
            when="not chosen",
        ),
    ),
)
