"""The option catalog: every choice dualgen offers, described once, for Flask and for Express.

Prompts, `dualgen options`, the templates' `cookiecutter.json` files, the docs and the tests all
read this module. `python -m generator.catalog` rewrites the files each template holds copies of:
its `cookiecutter.json` (from this catalog) and its Jinja extension (from generator/literals.py);
a unit test fails when they drift apart.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

FRAMEWORKS = ("flask", "express")

#: Every dependency a generated project can have, pinned in this one place.
PINS: dict[str, dict[str, str]] = {
    "flask": {
        "flask": "3.1.3",
        "flask-cors": "6.0.5",
        "flask-compress": "1.25",
        "flask-limiter": "4.1.1",
        "gunicorn": "27.0.1",
        "python-dotenv": "1.2.4",
        "pytest": "9.2.0",
    },
    "express": {
        "express": "5.3.0",
        "cors": "2.8.6",
        "morgan": "1.12.1",
        "helmet": "8.3.0",
        "compression": "1.8.2",
        "express-rate-limit": "8.7.5",
        "dotenv": "18.0.10",
        "supertest": "7.3.2",
    },
}

DEFAULT_PORTS = {"flask": 5000, "express": 3000}
DEFAULT_HOST = "127.0.0.1"
DEFAULT_NAME = "hello"


@dataclass(frozen=True)
class Setting:
    """One setting of a choice, e.g. the origins CORS allows."""

    key: str
    help: str
    default: int | tuple[str, ...]
    minimum: int = 1
    maximum: int = 10**9

    @property
    def is_list(self) -> bool:
        return isinstance(self.default, tuple)


@dataclass(frozen=True)
class Side:
    """What a choice means in one framework: the packages it adds and how it is wired."""

    packages: tuple[str, ...]
    note: str
    dev_packages: tuple[str, ...] = ()


@dataclass(frozen=True)
class Choice:
    """A middleware or a config switch, the same idea in both frameworks."""

    key: str
    title: str
    help: str
    flask: Side
    express: Side
    settings: tuple[Setting, ...] = field(default=())

    @property
    def var(self) -> str:
        """The cookiecutter variable that switches the choice on."""
        return self.key.replace("-", "_")

    def setting_var(self, setting: Setting) -> str:
        return f"{self.var}_{setting.key}"

    def side(self, framework: str) -> Side:
        return self.flask if framework == "flask" else self.express


MIDDLEWARE: tuple[Choice, ...] = (
    Choice(
        key="request-id",
        title="Request IDs",
        help="Echo a client's X-Request-ID (letters, digits, . _ -, up to 128) or create one.",
        flask=Side((), "before_request/after_request hooks; Flask has no built-in request id."),
        express=Side((), "A five-line middleware with crypto.randomUUID(); no package needed."),
    ),
    Choice(
        key="logging",
        title="Request logging",
        help="One access-log line per request: method, URL, status, length, time.",
        flask=Side(
            (),
            "app.logger in an after_request hook, in morgan's 'tiny' format; "
            "the development server's own werkzeug log is quietened to avoid doubles.",
        ),
        express=Side(("morgan",), "morgan('tiny'), registered before the routes."),
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
    ),
    Choice(
        key="cors",
        title="CORS",
        help="Allow browser requests from an explicit list of origins, without credentials.",
        flask=Side(
            ("flask-cors",),
            "CORS(app, origins=[...]); flask-cors answers preflights with 200.",
        ),
        express=Side(
            ("cors",),
            "cors({ origin: [...] }); cors answers preflights with 204 on its own, "
            "set to 200 here so both servers agree.",
        ),
        settings=(
            Setting("origins", "Origins allowed to call the API.", ("http://localhost:5173",)),
        ),
    ),
    Choice(
        key="compression",
        title="Compression",
        help="Compress responses of 1 KiB and more (br, gzip, deflate) when the client accepts it.",
        flask=Side(
            ("flask-compress",),
            "Compress(app) with a 1 KiB threshold and br > gzip > deflate, "
            "like the compression package (flask-compress defaults to 500 bytes and zstd first).",
        ),
        express=Side(("compression",), "compression() with its defaults (1 KiB threshold)."),
    ),
    Choice(
        key="rate-limit",
        title="Rate limiting",
        help="Answer 429 once a client (by socket address) exceeds MAX requests per WINDOW s.",
        flask=Side(
            ("flask-limiter",),
            "Flask-Limiter with in-memory storage and X-RateLimit-* headers; "
            "the client is request.remote_addr, so a spoofed X-Forwarded-For changes nothing. "
            "Memory is per process: under gunicorn each worker counts alone (use Redis there). "
            "Only requests that reach a view count (404 and 405 do not), unlike Express.",
        ),
        express=Side(
            ("express-rate-limit",),
            "express-rate-limit with X-RateLimit-* headers; trust proxy stays off, "
            "so a spoofed X-Forwarded-For changes nothing. "
            "Memory is per process: in the cluster each worker counts alone (use Redis there). "
            "Every request counts, 404s included; cors answers preflights before it.",
        ),
        settings=(
            Setting("max", "Requests allowed per window.", 100, 1, 1_000_000),
            Setting("window", "Window length in seconds.", 60, 1, 86_400),
        ),
    ),
    Choice(
        key="json-body",
        title="JSON bodies",
        help="Parse JSON request bodies up to LIMIT bytes: 413 above it, 400 when malformed.",
        flask=Side(
            (),
            "MAX_CONTENT_LENGTH plus a before_request hook that parses JSON bodies up front; "
            "Flask alone only checks a body when a view reads it.",
        ),
        express=Side((), "express.json({ limit }), built into Express."),
        settings=(Setting("limit", "Largest body accepted, in bytes.", 102_400, 1, 1 << 30),),
    ),
    Choice(
        key="static",
        title="Static files",
        help="Serve the files of static/ under /static/.",
        flask=Side((), "Flask serves static/ at /static/ on its own."),
        express=Side((), "express.static mounted at /static, the same URL as Flask's."),
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
            "A 405 handler per path, a 404 catch-all and the four-argument error handler last; "
            "Express alone answers 404 to a wrong method and HTML with a stack trace outside "
            "production.",
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
    ),
    Choice(
        key="production-server",
        title="Production server",
        help="A production start command: gunicorn for Flask, a Node cluster for Express.",
        flask=Side(
            ("gunicorn",), "gunicorn app:app, settings in gunicorn.conf.py (WEB_CONCURRENCY)."
        ),
        express=Side((), "node server.js: Node's cluster module, one worker per WEB_CONCURRENCY."),
    ),
    Choice(
        key="docker",
        title="Dockerfile",
        help="A Dockerfile and .dockerignore that run the server as a non-root user.",
        flask=Side((), "python:3.12-slim image."),
        express=Side((), "node:20-slim image, npm install --omit=dev."),
    ),
    Choice(
        key="tests",
        title="Tests",
        help="Tests that pass as generated: pytest + Flask's test client, node --test + supertest.",
        flask=Side((), "pytest fixtures app -> client.", dev_packages=("pytest",)),
        express=Side((), "node --test with supertest.", dev_packages=("supertest",)),
    ),
)

CHOICES: dict[str, Choice] = {choice.key: choice for choice in MIDDLEWARE + CONFIG}

_API: dict[str, object] = {
    "middleware": ["logging", "cors", "json-body", "error-handlers"],
    "routes": [
        {"method": "GET", "path": "/api/items", "json": [{"id": 1, "name": "Example"}]},
        {"method": "GET", "path": "/api/items/{id:int}"},
        {"method": "POST", "path": "/api/items", "status": 201},
    ],
    "tests": True,
}

#: Presets: named sets of answers. Keys are the answer-file keys.
PRESETS: dict[str, dict[str, object]] = {
    "classic": {"classic": True},
    "api": _API,
    "production": {
        **_API,
        "middleware": [
            "request-id",
            "logging",
            "security-headers",
            "cors",
            "compression",
            "rate-limit",
            "json-body",
            "error-handlers",
        ],
        "env-file": True,
        "production-server": True,
        "docker": True,
    },
}

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"
LITERALS = Path(__file__).resolve().parent / "literals.py"


def templates_dir() -> Path:
    """The folder holding the flask/ and express/ templates, in a checkout or an install."""
    installed = Path(__file__).resolve().parent / "_templates"
    return installed if installed.is_dir() else TEMPLATES_DIR


def packages(framework: str, choices: list[str], *, dev: bool = False) -> dict[str, str]:
    """The pinned packages a project with these choices depends on, base framework first."""
    pins = PINS[framework]
    names: list[str] = [] if dev else [framework]
    for key in choices:
        side = CHOICES[key].side(framework)
        names.extend(side.dev_packages if dev else side.packages)
    return {name: pins[name] for name in dict.fromkeys(names)}


def cookiecutter_json(framework: str) -> dict[str, object]:
    """The `cookiecutter.json` of a template, derived from this catalog."""
    from .routes import hello_route, route_contexts

    context: dict[str, object] = {
        "project_name": "Hello Flask" if framework == "flask" else "Hello Express",
        "project_slug": "{{ cookiecutter.project_name|slugify }}",
        "__package_name": "{{ cookiecutter.project_slug|replace('-', '_') }}",
        "port": str(DEFAULT_PORTS[framework]),
        "host": DEFAULT_HOST,
        "debug": False,
        "classic": False,
    }
    prompts: dict[str, str] = {
        "project_name": "Project name",
        "project_slug": "Folder and package name",
        "port": "Default port (PORT overrides it at run time)",
        "host": "Default host (HOST overrides it at run time)",
        "debug": "Debug mode (development only)",
        "classic": "Reproduce the comparison article's Hello World exactly",
    }
    if framework == "express":
        del context["__package_name"]
    for choice in MIDDLEWARE + CONFIG:
        context[choice.var] = False
        prompts[choice.var] = f"{choice.title}: {choice.help}"
        for setting in choice.settings:
            var = choice.setting_var(setting)
            context[var] = ",".join(setting.default) if setting.is_list else str(setting.default)
            prompts[var] = f"{choice.title}: {setting.help}"
    context["_dualgen"] = {"routes": route_contexts([hello_route()])}
    context["_pins"] = PINS[framework]
    context["_catalog"] = {
        choice.var: {
            "key": choice.key,
            "title": choice.title,
            "help": choice.help,
            "packages": list(choice.side(framework).packages),
            "note": choice.side(framework).note,
        }
        for choice in MIDDLEWARE + CONFIG
    }
    # One file until there are several routes; then an app factory and blueprint, or a router.
    context["__layout"] = (
        "{{ 'classic' if cookiecutter.classic else 'package' "
        "if cookiecutter._dualgen.routes|length > 1 else 'single' }}"
    )
    context["__prompts__"] = prompts
    context["_extensions"] = [f"{extension_module(framework)}.Filters"]
    return context


def extension_module(framework: str) -> str:
    """The module a template's `_extensions` names: its copy of generator/literals.py."""
    return f"dualgen_{framework}_ext"


def extension_source() -> str:
    """The text of each template's extension module: generator/literals.py, marked as a copy."""
    note = "# Copied from generator/literals.py by `python -m generator.catalog`: edit that file.\n"
    return note + LITERALS.read_text(encoding="utf-8")


def write_cookiecutter_json(framework: str, root: Path = TEMPLATES_DIR) -> Path:
    path = root / framework / "cookiecutter.json"
    path.write_text(json.dumps(cookiecutter_json(framework), indent=2, ensure_ascii=False) + "\n")
    return path


def write_extension(framework: str, root: Path = TEMPLATES_DIR) -> Path:
    path = root / framework / f"{extension_module(framework)}.py"
    path.write_text(extension_source(), encoding="utf-8")
    return path


if __name__ == "__main__":
    for name in FRAMEWORKS:
        print(write_cookiecutter_json(name))
        print(write_extension(name))
