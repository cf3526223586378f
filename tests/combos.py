"""The choice sets the integration tests render: every preset, and combinations in which every
choice, route kind and parameter type appears at least once."""

from __future__ import annotations

TRICKY = "Quotes ' \" \\ back\\slash\nnew line\ttab `tick` ${x} </script> {{ 7*7 }} {% raw %} é ü 中文 🙂"  # noqa: E501

COMBOS: dict[str, dict[str, object]] = {
    "default": {},
    "classic": {"preset": "classic"},
    "api": {"preset": "api"},
    "production": {"preset": "production"},
    "errors-and-bodies": {
        "name": "errors",
        "middleware": ["error-handlers", "json-body", "request-id"],
        "settings": {"json-body": {"limit": 1000}},
        "routes": [
            {"method": "GET", "path": "/boom", "error": "kaboom"},
            {"method": "GET", "path": "/items/{id:int}"},
            {"method": "DELETE", "path": "/items/{id:int}", "status": 204},
            {"method": "GET", "path": "/search/{term}", "text": "searching"},
            {
                "method": "PUT",
                "path": "/items/{id:int}/tags/{tag}",
                "json": {"ok": True},
                "status": 202,
            },
        ],
        "tests": True,
        "env-file": True,
    },
    "browser": {
        "name": "browser",
        "middleware": ["cors", "security-headers", "compression", "static", "logging"],
        "settings": {"cors": {"origins": ["https://app.example.com", "http://localhost:8080"]}},
        "routes": [
            {"method": "GET", "path": "/big", "text": "lorem ipsum " * 200},
            {"method": "GET", "path": "/small", "text": "small"},
            {"method": "PATCH", "path": "/profile", "json": None},
        ],
        "tests": True,
        "docker": True,
    },
    "limited-json": {
        "name": "limited",
        "middleware": ["rate-limit", "error-handlers", "logging"],
        "settings": {"rate-limit": {"max": 5, "window": 30}},
        "routes": [{"method": "GET", "path": "/items", "json": [1, 2.5, "three", None, False]}],
        "production-server": True,
    },
    "limited-plain": {
        "name": "limited plain",
        "middleware": ["rate-limit", "json-body"],
        "settings": {"rate-limit": {"max": 4}},
        "port": 8123,
        "host": "localhost",
    },
    "one-file-everything": {
        "name": "single",
        "middleware": [
            "request-id",
            "logging",
            "security-headers",
            "cors",
            "compression",
            "rate-limit",
            "json-body",
            "static",
            "error-handlers",
        ],
        "routes": [{"method": "GET", "path": "/", "json": {"hello": "world"}}],
        "tests": True,
        "env-file": True,
        "production-server": True,
        "docker": True,
    },
    "strings": {
        "name": 'Café "quoted" {{ name }}',
        "routes": [
            {"method": "GET", "path": "/tricky", "text": TRICKY},
            {
                "method": "POST",
                "path": "/tricky",
                "json": {"text": TRICKY, "list": [TRICKY, {"k'\"": TRICKY}]},
            },
            {"method": "GET", "path": "/long", "text": "long " * 60},
            {
                "method": "GET",
                "path": "/long-json",
                "json": {"key_" + str(n): "value " * 5 for n in range(8)},
            },
            {"method": "POST", "path": "/long-status", "text": "created " * 20, "status": 201},
            {"method": "GET", "path": "/quote", "json": "it's"},
            {"method": "DELETE", "path": "/long-error", "error": "failure " * 20},
        ],
        "tests": True,
    },
}
