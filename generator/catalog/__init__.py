"""The option catalog: every choice dualgen offers, described once, for Flask and for Express.

Prompts, `dualgen options`, the templates' `cookiecutter.json` files, the docs and the tests all
read this module. `python -m generator.catalog` rewrites the files each template holds copies of:
its `cookiecutter.json` (from this catalog) and its Jinja extension (from generator/literals.py);
a unit test fails when they drift apart.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from .choices import CHOICES as CHOICES
from .choices import CONFIG as CONFIG
from .choices import MIDDLEWARE as MIDDLEWARE
from .choices import Anchor as Anchor
from .choices import Choice as Choice
from .choices import Declared as Declared
from .choices import Setting as Setting
from .choices import Side as Side

if TYPE_CHECKING:
    from collections.abc import Callable

FRAMEWORKS = ("flask", "express")

#: Every dependency a generated project can have, pinned in this one place.
PINS: dict[str, dict[str, str]] = {
    "flask": {
        "flask": "3.1.3",
        "flask-cors": "6.0.5",
        "flask-compress": "1.25",
        "flask-limiter": "4.1.1",
        "gunicorn": "27.0.1",
        "gevent": "26.9.0",
        "python-dotenv": "1.2.4",
        "redis": "7.4.1",
        "flask-sqlalchemy": "3.1.1",
        "flask-migrate": "4.1.0",
        "psycopg": "3.3.9",
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
        "rate-limit-redis": "6.0.1",
        "redis": "6.3.1",
        "knex": "3.3.0",
        "better-sqlite3": "12.11.1",
        "pg": "8.23.1",
        "supertest": "7.3.2",
    },
}

#: The top-level modules that installing every Flask pin brings (the whole dependency closure,
#: as importlib.metadata.packages_distributions() lists it): a project package with one of these
#: names would shadow a dependency. tests/integration/test_closure.py fails when it drifts.
DEPENDENCY_MODULES = (
    "_brotli",
    "_pytest",
    "alembic",
    "backports",
    "blinker",
    "brotli",
    "click",
    "deprecated",
    "dotenv",
    "flask",
    "flask_compress",
    "flask_cors",
    "flask_limiter",
    "flask_migrate",
    "flask_sqlalchemy",
    "gevent",
    "greenlet",
    "gunicorn",
    "iniconfig",
    "itsdangerous",
    "jinja2",
    "limits",
    "mako",
    "markupsafe",
    "ordered_set",
    "packaging",
    "pluggy",
    "psycopg",
    "psycopg_binary",
    "py",
    "pygments",
    "pytest",
    "redis",
    "sqlalchemy",
    "typing_extensions",
    "werkzeug",
    "wrapt",
    "zope",
)

DEFAULT_PORTS = {"flask": 5000, "express": 3000}
DEFAULT_HOST = "127.0.0.1"
DEFAULT_NAME = "hello"


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
        "settings": {"logging": {"format": "json"}},
        "env-file": True,
        "production-server": True,
        "docker": True,
    },
}

#: Differences between the servers not tied to one choice (each choice declares its own in its
#: entry). Classic projects, the article's two programs as written, are not made to answer
#: alike and declare nothing.
DECLARED: tuple[Declared, ...] = (
    Declared(
        "answers without content (OPTIONS, 204)",
        "Content-Type: text/html (Werkzeug's default media type), and with compression "
        "Vary: Accept-Encoding",
        "no Content-Type and no Vary when there is no content",
        "a Content-Type describes content and there is none, so no client acts on it; Flask "
        "would need a response class of its own to leave it out",
        aspects=("content-type", "header Vary"),
        empty=True,
        when="always",
        concept="route",
    ),
    Declared(
        "GET or HEAD with If-None-Match: * on a route's answer",
        "200: Werkzeug weighs If-None-Match only against an ETag, and a view's answer has none",
        "304 Not Modified: res.send reads * as matching any current answer (RFC 9110 13.1.2)",
        "each framework is right by its own rules; Flask would need ETags and make_conditional "
        "on every view to agree, and Express sends no ETag here to match Flask",
        aspects=("status",),
        values=r"^status: \d+ \| 304$",
        # The request that differs is the one with If-None-Match: * (the last).
        request=r"(?m)^(\d+ × )?(GET|HEAD) .*If-None-Match: \*[^\n]*\Z",
        when="always",
        concept="route",
    ),
)


def concept_of(declared: Declared) -> str:
    """The `dualgen compare` concept a declared difference is shown beside: its own, or the
    choice that declares it (a choice's concept bears its key)."""
    if declared.concept:
        return declared.concept
    return next(where for where, d in all_declared() if d is declared)


def all_declared() -> list[tuple[str, Declared]]:
    """Every declared difference, with where it is declared: a choice's key or "catalog"."""
    found = [("catalog", declared) for declared in DECLARED]
    for choice in MIDDLEWARE + CONFIG:
        found += [(choice.key, declared) for declared in choice.declared]
    return found


class _Chosen(Protocol):
    """What the catalog reads of a ProjectSpec (spec sits above the catalog)."""

    @property
    def classic(self) -> bool: ...

    def choices(self) -> list[str]: ...


def declared_differences(spec: _Chosen) -> list[Declared]:
    """The declared differences that apply to a project made from `spec`. None for classic
    projects: they are the article's two programs as written, not made to answer alike."""
    if spec.classic:
        return []
    chosen = set(spec.choices())
    applies: dict[str, Callable[[str], bool]] = {
        "always": lambda where: True,
        "chosen": lambda where: where in chosen,
        "not chosen": lambda where: where not in chosen,
    }
    return [
        declared
        for where, declared in all_declared()
        if applies[declared.when](where) and declared.unless not in chosen
    ]


GENERATOR = Path(__file__).resolve().parent.parent
TEMPLATES_DIR = GENERATOR.parent / "templates"
LITERALS = GENERATOR / "literals"


def templates_dir() -> Path:
    """The folder holding the flask/ and express/ templates, in a checkout or an install."""
    installed = GENERATOR / "_templates"
    return installed if installed.is_dir() else TEMPLATES_DIR


def packages(
    framework: str,
    choices: list[str],
    *,
    dev: bool = False,
    settings: dict[str, dict[str, object]] | None = None,
) -> dict[str, str]:
    """The pinned packages a project with these choices (and settings) depends on, base
    framework first."""
    pins = PINS[framework]
    names: list[str] = [] if dev else [framework]
    for key in choices:
        side = CHOICES[key].side(framework)
        names.extend(side.dev_packages if dev else side.packages)
        if not dev and uses_redis((settings or {}).get(key, {})):
            names.extend(side.redis_packages)
        if not dev and side.engine_packages:
            engine = database_engine(CHOICES[key], (settings or {}).get(key, {}))
            names.extend(dict(side.engine_packages).get(engine, ()))
    if framework == "flask" and not dev and "production-server" in choices:
        names.extend(worker_packages(choices, settings or {}))
    return {name: pins[name] for name in dict.fromkeys(names)}


def worker_class(choices: list[str], settings: dict[str, dict[str, object]]) -> str:
    """gunicorn's worker class: the chosen one, but gevent whenever events are chosen (an open
    stream holds a sync worker, or a gthread worker's thread, for as long as it stays open)."""
    chosen = str(settings.get("production-server", {}).get("worker-class", "gthread"))
    return "gevent" if "events" in choices else chosen


def worker_packages(choices: list[str], settings: dict[str, dict[str, object]]) -> list[str]:
    """The package gunicorn's worker class needs besides gunicorn: gevent for gevent."""
    return ["gevent"] if worker_class(choices, settings) == "gevent" else []


def uses_redis(settings: dict[str, object]) -> bool:
    """Whether a choice's settings keep its data in Redis (a storage setting, rate-limit's
    storage or events' broker, not memory://)."""
    where = settings.get("storage", settings.get("broker", "memory://"))
    return str(where).startswith(("redis://", "rediss://"))


def database_engine(choice: Choice, settings: dict[str, object]) -> str:
    """The engine a choice's database URL setting names (its scheme: sqlite, postgresql), the
    setting's default when it is not given; "" for a choice without one."""
    setting = next((s for s in choice.settings if s.kind == "database"), None)
    if setting is None:
        return ""
    return str(settings.get(setting.key, setting.default)).partition(":")[0]


def database_var(choice: Choice) -> str:
    """The cookiecutter variable of a choice's database URL setting, or ""."""
    return next((choice.setting_var(s) for s in choice.settings if s.kind == "database"), "")


def storage_var(choice: Choice) -> str:
    """The cookiecutter variable of a choice's storage setting (memory:// or Redis), or ""."""
    return next((choice.setting_var(s) for s in choice.settings if s.kind == "storage"), "")


def _choices_context(framework: str) -> dict[str, object]:
    """What the templates read of each choice: cookiecutter.json's `_catalog`."""
    return {
        choice.var: {
            "key": choice.key,
            "kind": "middleware" if choice in MIDDLEWARE else "config",
            "title": choice.title,
            "help": choice.help,
            "packages": list(choice.side(framework).packages),
            "dev_packages": list(choice.side(framework).dev_packages),
            "redis_packages": list(choice.side(framework).redis_packages),
            "storage_var": storage_var(choice),
            "engine_packages": {
                engine: list(names) for engine, names in choice.side(framework).engine_packages
            },
            "database_var": database_var(choice),
            "note": choice.side(framework).note,
            "settings": [
                {"var": choice.setting_var(setting), "help": setting.help}
                for setting in choice.settings
            ],
        }
        for choice in MIDDLEWARE + CONFIG
    }


def cookiecutter_json(framework: str) -> dict[str, object]:
    """The `cookiecutter.json` of a template, derived from this catalog."""
    from ..spec.routes import hello_route, route_contexts

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
            context[var] = ",".join(setting.default) if setting.is_list else str(setting.default)  # type: ignore[arg-type]  # a list's default is a tuple
            prompts[var] = f"{choice.title}: {setting.help}"
    context["_dualgen"] = {"routes": route_contexts([hello_route()]), "resources": []}
    context["_pins"] = PINS[framework]
    context["_catalog"] = _choices_context(framework)
    # One file until there are several routes or a resource (or a route that simulates work,
    # which needs an import or a helper module); then an app factory and blueprints, or routers.
    context["__layout"] = (
        "{{ 'classic' if cookiecutter.classic else 'package' "
        "if cookiecutter._dualgen.routes|length > 1 or cookiecutter._dualgen.resources "
        "or cookiecutter._dualgen.routes|selectattr('work_js')|list else 'single' }}"
    )
    context["__prompts__"] = prompts
    context["_extensions"] = [f"{extension_module(framework)}.Filters"]
    return context


def extension_module(framework: str) -> str:
    """The package a template's `_extensions` names: its copy of generator/literals/."""
    return f"dualgen_{framework}_ext"


def extension_sources() -> dict[str, str]:
    """The text of each file of a template's extension package: generator/literals/'s modules,
    each marked as a copy."""
    note = "# Copied from generator/literals/{} by `python -m generator.catalog`: edit that file.\n"
    return {
        path.name: note.format(path.name) + path.read_text(encoding="utf-8")
        for path in sorted(LITERALS.glob("*.py"))
    }


def write_cookiecutter_json(framework: str, root: Path = TEMPLATES_DIR) -> Path:
    path = root / framework / "cookiecutter.json"
    path.write_text(json.dumps(cookiecutter_json(framework), indent=2, ensure_ascii=False) + "\n")
    return path


def write_extension(framework: str, root: Path = TEMPLATES_DIR) -> Path:
    folder = root / framework / extension_module(framework)
    folder.mkdir(exist_ok=True)
    sources = extension_sources()
    for stale in folder.glob("*.py"):
        if stale.name not in sources:
            stale.unlink()
    for name, text in sources.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder
