"""The `rate-limit` choice (Rate limiting): its catalog entry."""

from __future__ import annotations

from ..entries import FLASK_APP_FILES, Anchor, Choice, Declared, Setting, Side

CHOICE = Choice(
    key="rate-limit",
    title="Rate limiting",
    help="Answer 429 once a client (by socket address) exceeds MAX requests per WINDOW s.",
    flask=Side(
        ("flask-limiter",),
        "A module-level Flask-Limiter `limiter` (so views can add @limiter.limit) bound "
        "with init_app: application_limits (one counter per client for the whole app) "
        "with X-RateLimit-* headers; "
        "the client is request.remote_addr, so a spoofed X-Forwarded-For changes nothing "
        "unless the proxy choice says whom to trust; an IPv6 client is its /56 network "
        "(IPV6_SUBNET), as express-rate-limit counts it. "
        "memory:// storage is per process: under gunicorn each worker counts alone, so "
        "with several workers or machines keep the counts in Redis (storage_uri, the redis "
        "package; REDIS_URL overrides the address). "
        "Every request counts, 404, 405 and static files included (request_identifier), "
        "so probing for paths is limited too; with CORS, preflights do not.",
        redis_packages=("redis",),
    ),
    express=Side(
        ("express-rate-limit",),
        "express-rate-limit with X-RateLimit-* headers, keyed on req.ip: trust proxy stays "
        "off unless the proxy choice sets it, so a spoofed X-Forwarded-For changes nothing; "
        "an IPv6 client is its /56 network (ipv6Subnet, the library's default). "
        "memory:// storage is per process: in the cluster each worker counts alone, so "
        "with several workers or machines keep the counts in Redis (rate-limit-redis over "
        "the redis client; REDIS_URL overrides the address; while Redis is unreachable, "
        "requests wait for it, where Flask answers 500). "
        "Every request counts, 404, 405 and static files included; with CORS, the cors "
        "package answers preflights before the limiter sees them.",
        redis_packages=("rate-limit-redis", "redis"),
    ),
    settings=(
        Setting("max", "Requests allowed per window.", 100, 1, 1_000_000),
        Setting("window", "Window length in seconds.", 60, 1, 86_400),
        Setting(
            "storage",
            "Where the counts live: memory:// (each process its own) or "
            "redis://HOST[:PORT][/DB], shared by every worker.",
            "memory://",
            kind="storage",
        ),
        Setting(
            "ipv6-subnet",
            "How much of an IPv6 address names one client: its first N bits (one client "
            "holds a /64 at least, so each address alone would dodge the limit).",
            56,
            32,
            64,
        ),
    ),
    declared=(
        Declared(
            "Retry-After on an answer that is not a 429",
            "flask-limiter sends Retry-After (the seconds left in the window) on every "
            "answer it counts",
            "express-rate-limit sends it only with a 429",
            "each library's choice: the header tells when to retry, which only a refused "
            "client needs; neither can be told to do the other",
            aspects=("header Retry-After",),
            values=r": \d+ \| None$",
            unless="strict-parity",
            docs=(
                "https://flask-limiter.readthedocs.io/en/stable/configuration.html",
                "https://express-rate-limit.mintlify.app/reference/configuration",
            ),
            example="GET /",
        ),
    ),
    concepts={
        "flask": (Anchor(FLASK_APP_FILES, r"^limiter = Limiter\("),),
        "express": (Anchor("app.js", r"^app\.use\(\s*rateLimit\("),),
    },
)
