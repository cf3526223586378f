"""Flask projects wire extensions as the Flask docs do: module-level objects bound with init_app,
and (in a package) a create_app that calls one module's init_app(app) per concern, as the Flask
tutorial's db.init_app(app)."""

from __future__ import annotations

import ast

import pytest

from generator import spec as specs
from generator.render import render_tree

EXTENSIONS = {"cors": "CORS", "compress": "Compress", "limiter": "Limiter"}
MIDDLEWARE = ["cors", "compression", "rate-limit", "logging"]


def modules_of(tmp_path, routes) -> dict[str, ast.Module]:
    """The app's modules by file name: app.py while there is one route; the package's modules
    (__init__.py, one per concern, routes.py) once there are several."""
    spec = specs.build({"middleware": MIDDLEWARE, "routes": routes})
    root = render_tree(spec, "flask", tmp_path / "flask")
    files = [root / "app.py"] if not routes else sorted(root.glob("*/*.py"))
    return {path.name: ast.parse(path.read_text(encoding="utf-8")) for path in files}


def module_level_objects(module: ast.Module) -> dict[str, str]:
    """name -> the class called to make it, for every `name = Class(...)` at module level."""
    found = {}
    for node in module.body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):
            if isinstance(node.value.func, ast.Name):
                found[node.targets[0].id] = node.value.func.id
    return found


@pytest.mark.parametrize(
    "routes",
    [pytest.param([], id="one-file"), pytest.param(["GET /items"], id="package")],
)
def test_extensions_are_module_level_objects_bound_with_init_app(tmp_path, routes):
    modules = modules_of(tmp_path, [{"method": r.split()[0], "path": r.split()[1]} for r in routes])
    concerns = [m for name, m in modules.items() if name not in ("__init__.py", "routes.py")]
    objects = {k: v for module in concerns for k, v in module_level_objects(module).items()}
    assert {name: objects.get(name) for name in EXTENSIONS} == EXTENSIONS
    calls = {
        node.func.value.id
        for module in concerns
        for node in ast.walk(module)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "init_app"
        and isinstance(node.func.value, ast.Name)
    }
    assert calls == set(EXTENSIONS)


def test_create_app_calls_one_module_per_concern(tmp_path):
    modules = modules_of(tmp_path, [{"method": "GET", "path": "/items"}])
    assert sorted(modules) == [
        "__init__.py",
        "access_log.py",
        "compression.py",
        "cors.py",
        "rate_limit.py",
        "routes.py",
    ]
    functions = {n.name: n for n in modules["__init__.py"].body if isinstance(n, ast.FunctionDef)}
    create_app = functions["create_app"]
    nested = [node for node in ast.walk(create_app) if isinstance(node, ast.FunctionDef)]
    assert nested == [create_app]
    called = [
        node.value.func.value.id
        for node in create_app.body
        if isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Call)
        and isinstance(node.value.func, ast.Attribute)
        and node.value.func.attr == "init_app"
    ]
    assert called == ["access_log", "cors", "compression", "rate_limit"]
    for name in ("access_log.py", "compression.py", "cors.py", "rate_limit.py"):
        module = modules[name]
        assert ast.get_docstring(module), name
        functions = [n.name for n in module.body if isinstance(n, ast.FunctionDef)]
        # rate_limit.py also holds the limiter's key: a client's address or IPv6 network.
        key = ["client_key"] if name == "rate_limit.py" else []
        assert functions == [*key, "init_app"]
