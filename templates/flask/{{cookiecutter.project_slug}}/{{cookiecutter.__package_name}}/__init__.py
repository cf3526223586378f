{%- set c = cookiecutter -%}
{%- set stdlib = [] -%}
{%- if c.error_handlers %}{% set _ = stdlib.append('json') %}{% endif -%}
{%- if c.logging %}{% set _ = stdlib.extend(['logging', 'time']) %}{% endif -%}
{%- if c.request_id %}{% set _ = stdlib.extend(['re', 'uuid']) %}{% endif -%}
"""The application factory: create_app() builds and configures the Flask app."""

{% for module in stdlib|sort -%}
import {{ module }}
{% endfor -%}
{% if stdlib %}
{% endif -%}
from flask import Flask{% if c.request_id or c.logging %}, g{% endif %}{% if c.logging or c.json_body or c.request_id or (c.rate_limit and c.cors) %}, request{% endif %}
{%- if c.compression %}
from flask_compress import Compress
{%- endif %}
{%- if c.cors %}
from flask_cors import CORS
{%- endif %}
{%- if c.rate_limit %}
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
{%- endif %}
{%- if c.error_handlers %}
from werkzeug.exceptions import HTTPException
{%- endif %}

from .routes import bp
{%- if c.request_id %}

# A client's request id is echoed only when it is short and plain.
REQUEST_ID = re.compile(r'[A-Za-z0-9._-]{1,128}')
{%- endif %}
{%- if c.security_headers %}

# The headers helmet sets by default, so Flask and Express answer alike.
SECURITY_HEADERS = {
    'Content-Security-Policy': (
        "default-src 'self';base-uri 'self';font-src 'self' https: data:;"
        "form-action 'self';frame-ancestors 'self';img-src 'self' data:;"
        "object-src 'none';script-src 'self';script-src-attr 'none';"
        "style-src 'self' https: 'unsafe-inline';upgrade-insecure-requests"
    ),
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Origin-Agent-Cluster': '?1',
    'Referrer-Policy': 'no-referrer',
    'Strict-Transport-Security': 'max-age=31536000; includeSubDomains',
    'X-Content-Type-Options': 'nosniff',
    'X-DNS-Prefetch-Control': 'off',
    'X-Download-Options': 'noopen',
    'X-Frame-Options': 'SAMEORIGIN',
    'X-Permitted-Cross-Domain-Policies': 'none',
    'X-XSS-Protection': '0',
}
{%- endif %}


def create_app(test_config=None):
    app = Flask(__name__)
{%- if c.json_body or c.compression %}
    app.config.from_mapping(
{%- if c.json_body %}
        MAX_CONTENT_LENGTH={{ c.json_body_limit|int }},
{%- endif %}
{%- if c.compression %}
        COMPRESS_MIN_SIZE=1024,
        COMPRESS_ALGORITHM=['br', 'gzip', 'deflate'],
{%- endif %}
    )
{%- endif %}
    # FLASK_* environment variables override the defaults, e.g. FLASK_SECRET_KEY.
    app.config.from_prefixed_env()
    if test_config is not None:
        app.config.from_mapping(test_config)
    # Send JSON as written, like Express: keys in order, UTF-8 text unescaped.
    app.json.sort_keys = False
    app.json.ensure_ascii = False
{%- if c.request_id %}

    @app.before_request
    def assign_request_id():
        incoming = request.headers.get('X-Request-ID', '')
        g.request_id = incoming if REQUEST_ID.fullmatch(incoming) else str(uuid.uuid4())

    @app.after_request
    def send_request_id(response):
        response.headers['X-Request-ID'] = g.request_id
        return response
{%- endif %}
{%- if c.logging %}

    app.logger.setLevel(logging.INFO)

    @app.before_request
    def start_timer():
        g.started = time.perf_counter()

    @app.after_request
    def log_request(response):
        # One line per request, in morgan's 'tiny' format.
        elapsed = (time.perf_counter() - g.started) * 1000
        app.logger.info(
            '%s %s %s %s - %.3f ms',
            request.method,
            request.full_path.rstrip('?'),
            response.status_code,
            response.content_length if response.content_length is not None else '-',
            elapsed,
        )
        return response
{%- endif %}
{%- if c.security_headers %}

    @app.after_request
    def set_security_headers(response):
        response.headers.update(SECURITY_HEADERS)
        return response
{%- endif %}
{%- if c.cors %}

    CORS(
        app,
        origins={{ c.cors_origins.split(',')|pyval(8, 8, 1) }},
        methods=['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    )
{%- endif %}
{%- if c.compression %}

    Compress(app)
{%- endif %}
{%- if c.rate_limit %}

    # Clients are told apart by socket address; X-Forwarded-For is not trusted.
    Limiter(
        get_remote_address,
        app=app,
        default_limits=['{{ c.rate_limit_max|int }} per {{ c.rate_limit_window|int }} seconds'],
        headers_enabled=True,
        storage_uri='memory://',
{%- if c.cors %}
        # CORS preflights are answered before the limiter in Express; do not count them here.
        default_limits_exempt_when=lambda: request.method == 'OPTIONS',
{%- endif %}
    )
{%- if not c.error_handlers %}

    @app.errorhandler(429)
    def too_many_requests(error):
        return 'Too many requests, please try again later.', 429
{%- endif %}
{%- endif %}
{%- if c.json_body %}

    @app.before_request
    def parse_json_body():
        # Parse JSON bodies before any view, as express.json() does:
        # 400 when malformed, 413 above MAX_CONTENT_LENGTH.
        if request.is_json and request.content_length:
            request.get_json()
{%- endif %}

    app.register_blueprint(bp)
{%- if c.error_handlers %}

    @app.errorhandler(HTTPException)
    def handle_http_error(error):
        # Keep the status and headers (such as Allow), answer JSON instead of HTML.
        response = error.get_response()
        response.data = json.dumps({'error': error.name})
        response.content_type = 'application/json'
        return response

    @app.errorhandler(Exception)
    def handle_error(error):
        app.logger.exception('Unhandled error')
        return {'error': 'Internal Server Error'}, 500
{%- endif %}

    return app
