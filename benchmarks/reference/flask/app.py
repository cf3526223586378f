"""The production preset's libraries wired as their READMEs and Flask's docs show them.

The reference `python -m benchmarks.speed_bench` measures the generated production project
against. Same features and values as the preset (request id, a JSON access log line, the
headers helmet sets, CORS for one origin, compression, one rate limit, a 100 KiB body limit,
JSON errors); no line that makes Flask answer as Express does. Its routes are on a Blueprint,
as in Flask's tutorial and the generated project: the layout is held equal so that the ratio
measures the wiring (Flask-Limiter's per-request work is larger for a blueprint's routes: about
10% of this app's CPU per request, see benchmarks/results.md section 8). Run it as the generated
project runs: `gunicorn app:app` with the generated gunicorn.conf.py and requirements.txt beside it.
"""

import json
import logging
import re
import sys
import time
import uuid
from datetime import datetime, timezone

from dotenv import load_dotenv
from flask import Blueprint, Flask, g, request
from flask_compress import Compress
from flask_cors import CORS
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from werkzeug.exceptions import HTTPException

load_dotenv()


# Python's logging with a formatter that writes each record as one JSON object.
class JsonFormatter(logging.Formatter):
    def format(self, record):
        return json.dumps(record.access, separators=(",", ":"))


handler = logging.StreamHandler(sys.stdout)
handler.setFormatter(JsonFormatter())
access_log = logging.getLogger("access")
access_log.addHandler(handler)
access_log.setLevel(logging.INFO)
access_log.propagate = False

app = Flask(__name__)
app.config["MAX_CONTENT_LENGTH"] = 100 * 1024

# flask-cors README: CORS(app, origins=[...]).
CORS(app, origins=["http://localhost:5173"])
# flask-compress README: Compress(app).
Compress(app)
# Flask-Limiter README: Limiter(get_remote_address, app=app, default_limits=[...]).
limiter = Limiter(
    get_remote_address,
    app=app,
    default_limits=["1000000 per minute"],
    storage_uri="memory://",
    headers_enabled=True,
)

# Flask's security docs: set the headers on every response (helmet's defaults).
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self';base-uri 'self';font-src 'self' https: data:;"
        "form-action 'self';frame-ancestors 'self';img-src 'self' data:;"
        "object-src 'none';script-src 'self';script-src-attr 'none';"
        "style-src 'self' https: 'unsafe-inline';upgrade-insecure-requests"
    ),
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Origin-Agent-Cluster": "?1",
    "Referrer-Policy": "no-referrer",
    "Strict-Transport-Security": "max-age=31536000; includeSubDomains",
    "X-Content-Type-Options": "nosniff",
    "X-DNS-Prefetch-Control": "off",
    "X-Download-Options": "noopen",
    "X-Frame-Options": "SAMEORIGIN",
    "X-Permitted-Cross-Domain-Policies": "none",
    "X-XSS-Protection": "0",
}


# A client's request id is echoed only when it is short and plain (as in the preset).
REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,128}")


@app.before_request
def start_request():
    incoming = request.headers.get("X-Request-ID", "")
    g.request_id = incoming if REQUEST_ID.fullmatch(incoming) else str(uuid.uuid4())
    g.started = time.perf_counter()


@app.after_request
def finish_request(response):
    response.headers["X-Request-ID"] = g.request_id
    response.headers.update(SECURITY_HEADERS)
    access_log.info(
        "request",
        extra={
            "access": {
                # ISO 8601 in UTC to the millisecond, as the preset (and morgan) write it.
                "time": datetime.now(timezone.utc).isoformat(timespec="milliseconds"),
                "method": request.method,
                "path": request.full_path.rstrip("?"),
                "status": response.status_code,
                "bytes": response.content_length,
                "duration_ms": round((time.perf_counter() - g.started) * 1000, 3),
                "request_id": g.request_id,
                "client": request.remote_addr,
            }
        },
    )
    return response


# Flask's "Returning API Errors as JSON" pattern.
@app.errorhandler(HTTPException)
def handle_http_error(error):
    response = error.get_response()
    response.data = json.dumps({"error": error.name})
    response.content_type = "application/json"
    return response


# Flask's tutorial ("Blueprints and Views"): the routes on a blueprint, registered on the app.
bp = Blueprint("main", __name__)


@bp.get("/")
def hello():
    return "Hello, World!"


@bp.post("/api/items")
def post_items():
    return {"received": request.get_json()}, 201


app.register_blueprint(bp)
