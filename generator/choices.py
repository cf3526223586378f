"""Every choice dualgen offers, one entry each: what it means in Flask and in Express, its
packages and settings, the paths it reserves and where `dualgen compare` finds its code.

With the choice's partial in each template (templates/*/templates/middleware/<key>.*.j2) and its
exchanges (generator/exchanges.py), an entry here is everything about a choice; CONTRIBUTING.md
has the recipe for adding one.
"""

from __future__ import annotations

from .differences import STRICT_PARITY_REMOVES
from .entries import Anchor, Choice, Declared, Setting, Side

#: The entries, and the types they are made of (generator/entries.py), read from here.
__all__ = [
    "CHOICES",
    "CONFIG",
    "FLASK_APP_FILES",
    "MIDDLEWARE",
    "Anchor",
    "Choice",
    "Declared",
    "Setting",
    "Side",
]

#: Where a Flask project wires its middleware: app.py while it is one file; once it has several
#: routes, the package: __init__.py (create_app()) and one module per concern (its init_app).
FLASK_APP_FILES = ("app.py", "*/*.py")


MIDDLEWARE: tuple[Choice, ...] = (
    Choice(
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
    ),
    Choice(
        key="proxy",
        title="Behind proxies",
        help="Trust X-Forwarded-For, -Proto and -Host from HOPS proxies in front of the server.",
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
    ),
    Choice(
        key="request-id",
        title="Request IDs",
        help="Echo a client's X-Request-ID (letters, digits, . _ -, up to 128) or create one.",
        flask=Side((), "before_request/after_request hooks; Flask has no built-in request id."),
        express=Side((), "A five-line middleware with crypto.randomUUID(); no package needed."),
        concepts={
            "flask": (
                Anchor(
                    FLASK_APP_FILES,
                    r"^[ ]*@app\.before_request\n\s*def assign_request_id"
                    r"[\s\S]*?def send_request_id",
                ),
            ),
            "express": (
                Anchor(
                    "app.js",
                    r"^app\.use\(\(req, res, next\) => \{\n\s*const incoming = req\.get",
                ),
            ),
        },
    ),
    Choice(
        key="logging",
        title="Request logging",
        help="One access-log line per request: method, URL, status, length, time "
        "(FORMAT tiny, morgan's, or json: one JSON object per line).",
        flask=Side(
            (),
            "app.logger in an after_request hook, in morgan's 'tiny' format, with the URL "
            "as the client sent it (RAW_URI) and anything but printable ASCII percent-encoded; "
            "app.py runs the development server without werkzeug's own access log, "
            "so each request is logged once. With FORMAT json, a logger named 'access' writes "
            "one JSON object per request to stdout through a logging.Formatter (no extra "
            "package).",
        ),
        express=Side(
            ("morgan",),
            "morgan('tiny'), registered before the routes; it logs the URL as the client sent "
            "it, and Node refuses control characters in a request line. With FORMAT json, "
            "morgan with a format function that returns one JSON object, written to stdout as "
            "each request ends.",
        ),
        settings=(
            Setting(
                "format",
                "tiny (morgan's one-line format) or json (time, method, path, status, bytes, "
                "duration_ms, request_id, client: the same fields in both frameworks).",
                "tiny",
                kind="choice",
                choices=("tiny", "json"),
            ),
        ),
        concepts={
            "flask": (
                Anchor(
                    FLASK_APP_FILES,
                    r"^[ ]*(?:app\.logger\.setLevel\(|@app\.before_request\n\s*def start_timer)"
                    r"[\s\S]*?def log_request",
                ),
            ),
            "express": (
                Anchor("app.js", r"^(?:const accessLogLine = [\s\S]*?)?app\.use\(\s*morgan\("),
            ),
        },
    ),
    Choice(
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
    ),
    Choice(
        key="cors",
        title="CORS",
        help="Allow browser requests from an explicit list of origins, without credentials.",
        flask=Side(
            ("flask-cors",),
            "cors = CORS(origins=[...]), bound with init_app, as flask-cors's README shows: the "
            "extension answers preflights (200) and adds the headers to each answer.",
        ),
        express=Side(
            ("cors",),
            "app.use(cors({ origin: [...] })), as the cors README shows: it answers preflights "
            "itself (204) and adds the headers for an allowed origin.",
        ),
        settings=(
            Setting(
                "origins",
                "Origins allowed to call the API.",
                ("http://localhost:5173",),
                kind="origins",
            ),
        ),
        declared=(
            Declared(
                "CORS headers on a request without Origin, or with one in capitals",
                "flask-cors sends Access-Control-Allow-Origin: ORIGIN even to a request without "
                "Origin when one origin is allowed (its always_send option, on by default), and "
                "compares origins ignoring case",
                "the cors package sends it only to a request whose Origin is allowed, compared "
                "exactly",
                "a browser reads the header only on a request it sent with an Origin, and "
                "allows a page only when the value is its own origin: both refuse the same "
                "pages",
                aspects=("header Access-Control-Allow-Origin",),
                values=r": \S+ \| None$",
                # Browsers write an origin in lower case; a request without one is no CORS.
                request=r"(?m)^(\d+ × )?(?:(?![^\n]*Origin: )[^\n]*"
                r"|[^\n]*Origin: [^;\]\n]*[A-Z][^\n]*)\Z",
                unless="strict-parity",
                docs=(
                    "https://flask-cors.readthedocs.io/en/latest/api.html",
                    "https://github.com/expressjs/cors#configuration-options",
                ),
                example="GET /",
            ),
            Declared(
                "Vary: Origin on CORS answers",
                "flask-cors names Origin in Vary only when several origins are allowed (with "
                "one, every answer is the same)",
                "the cors package names Origin in Vary on every answer for a list of origins",
                "Vary tells caches which request headers chose the answer; with a single "
                "allowed origin flask-cors's answer does not depend on Origin",
                aspects=("header Vary",),
                unless="strict-parity",
                docs=(
                    "https://flask-cors.readthedocs.io/en/latest/api.html",
                    "https://github.com/expressjs/cors#configuration-options",
                ),
                example="GET /",
            ),
        ),
        concepts={
            "flask": (Anchor(FLASK_APP_FILES, r"^cors = CORS\("),),
            "express": (Anchor("app.js", r"^app\.use\(\s*cors\("),),
        },
    ),
    Choice(
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
    ),
    Choice(
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
            "package; REDIS_URL overrides the address), with 0.5 s connect and socket timeouts "
            "(storage_options); while Redis is down or hung, ON_STORAGE_ERROR open counts in each "
            "process's memory (in_memory_fallback_enabled, one warning per outage; Redis is "
            "tried again after 1, 2, 4 and up to 32 s), closed answers 503 (wrap_exceptions: "
            "limits' StorageError, handled as a 503). "
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
            "the redis client; REDIS_URL overrides the address), with a 1 s connectTimeout and "
            "0.5 s command timeout; while Redis is down or hung, ON_STORAGE_ERROR open lets "
            "requests pass (skip while the client is not ready, passOnStoreError; one warning "
            "per outage), closed answers 503. "
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
                "on-storage-error",
                "While the Redis holding the counts is down or hung: open, requests pass (one "
                "warning per outage; so that a Redis outage is not an outage of every route) or "
                "closed, 503 (for a limit guarding something costly); within 1 s either way",
                "open",
                kind="choice",
                choices=("open", "closed"),
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
    ),
    Choice(
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
                request=r"(?m)^(\d+ × )?[^\n]*(Content-Type: [^;\]\n]*json|Content-Encoding: )"
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
    ),
    Choice(
        key="static",
        title="Static files",
        help="Serve the files of static/ under /static/.",
        flask=Side((), "Flask serves static/ at /static/ on its own."),
        express=Side((), "express.static mounted at /static, the URL Flask serves it at."),
        reserved_paths=("/static",),
        declared=(
            Declared(
                "GET, HEAD and other requests under /static/",
                "Werkzeug's send_file: Cache-Control: no-cache, Content-Disposition: inline, 416 "
                "for a Range it cannot serve, 'style.css/' served, OPTIONS and 405 as for a route",
                "serve-static: Cache-Control: public, max-age=0, a bad Range ignored, "
                "'//style.css' served, /static redirected (301) to /static/, any method but "
                "GET and HEAD passed on (404)",
                "each framework's own file server, each a valid reading of HTTP caching and "
                "ranges; a deployment serves static files from a web server or CDN in front",
                request=r"(?m)^(\d+ × )?\S+ /static(/\S*)?( .*)?\Z",
            ),
        ),
        concepts={
            "flask": (Anchor(("static/*", "*/static/*"), whole=True),),
            "express": (Anchor("app.js", r"^app\.use\(\s*'/static',\s*express\.static\("),),
        },
    ),
    Choice(
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
    ),
)

CONFIG: tuple[Choice, ...] = (
    Choice(
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
    ),
    Choice(
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
                "gunicorn's worker class (Flask only): sync (a request at a time a worker) or "
                "gthread (GUNICORN_THREADS threads a worker, 8 by default). gthread by default: "
                "a sync worker is held by one slow client for as long as it sends, so a few "
                "slow clients stop the server unless a buffering proxy (nginx) is in front",
                "gthread",
                kind="choice",
                choices=("sync", "gthread"),
            ),
        ),
        concepts={
            "flask": (Anchor("gunicorn.conf.py", whole=True),),
            "express": (Anchor("server.js", whole=True),),
        },
    ),
    Choice(
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
    ),
    Choice(
        key="tests",
        title="Tests",
        help="Tests that pass as generated: pytest + Flask's test client, node --test + supertest.",
        flask=Side((), "pytest fixtures app -> client.", dev_packages=("pytest",)),
        express=Side((), "node --test with supertest.", dev_packages=("supertest",)),
    ),
    Choice(
        key="strict-parity",
        title="Strict parity",
        help="Make the two servers answer alike at the edges where the frameworks differ on "
        "their own (for porting an API from one to the other); without it, each framework "
        "behaves as itself and `dualgen options` lists the differences.",
        flask=Side(
            (),
            "No merging of doubled slashes, no static route unless static is chosen, an int "
            "converter of 1 to 15 digits 0-9, JSON sent as written and a Server header "
            "without versions.",
        ),
        express=Side(
            (),
            "Paths routed decoded as a WSGI server hands them over, case-sensitive and strict "
            "routing, no ETags on views, and 405 with Allow (and OPTIONS) for every route, as "
            "Flask answers.",
        ),
        declared=STRICT_PARITY_REMOVES,
        concepts={
            "flask": (Anchor(FLASK_APP_FILES, r"^[ ]*app\.url_map\.merge_slashes = False"),),
            "express": (Anchor("app.js", r"^const PLAIN_PATH = [^\n]*\napp\.use\("),),
        },
        # For porting an API, not for a starter project: a flag, never a question.
        asked=False,
    ),
)

CHOICES: dict[str, Choice] = {choice.key: choice for choice in MIDDLEWARE + CONFIG}
