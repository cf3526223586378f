"""The `proxy` choice (Behind proxies): its catalog entry."""

from __future__ import annotations

from ..entries import FLASK_APP_FILES, Anchor, Choice, Declared, Setting, Side

CHOICE = Choice(
    key="proxy",
    title="Behind proxies",
    help="Trust X-Forwarded-For, -Proto and -Host from HOPS proxies in front of the server.",
    summary="Trust X-Forwarded-For, -Proto and -Host from the proxies in front of the server "
    "(HOPS of them).",
    flask=Side(
        (),
        "werkzeug's ProxyFix with x_for, x_proto and x_host set to HOPS: request.remote_addr "
        "(and so the rate limiter) sees the client the proxies name.",
    ),
    express=Side(
        (),
        "app.set('trust proxy', HOPS): req.ip, req.protocol and req.hostname (and so "
        "express-rate-limit) come from the X-Forwarded-* headers of that many proxies.",
    ),
    settings=(Setting("hops", "How many proxies stand in front of the server.", 1, 0, 10),),
    declared=(
        Declared(
            "a request whose X-Forwarded-For names one address while HOPS is 2 or more",
            "ProxyFix ignores a header shorter than HOPS: the client is the socket's address",
            "trust proxy takes the header's first address as the client",
            "such a request did not pass through every proxy in front of the server; each "
            "library settles that case its own way, and neither can be told to follow the "
            "other",
            aspects=(
                "status",
                "header X-RateLimit-Remaining",
                "header X-RateLimit-Reset",
                "header Retry-After",
            ),
            # A status differs by one side's 429 only.
            values=r"^(status: (429 \| \d+|\d+ \| 429)|header .*)$",
            request=r"X-Forwarded-For: [^,;\]]*[;\]]",
        ),
    ),
    concepts={
        "flask": (Anchor(FLASK_APP_FILES, r"^[ ]*app\.wsgi_app = ProxyFix\("),),
        "express": (Anchor("app.js", r"^app\.set\('trust proxy',"),),
    },
)
