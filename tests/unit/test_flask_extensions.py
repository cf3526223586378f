"""Flask projects wire extensions as the Flask docs do: module-level objects bound with init_app,
and a create_app that calls one small function per choice."""

from __future__ import annotations

import ast

import pytest

from generator import spec as specs
from generator.render import render_tree

EXTENSIONS = {"cors": "CORS", "compress": "Compress", "limiter": "Limiter"}
MIDDLEWARE = ["cors", "compression", "rate-limit", "logging"]


def module_of(tmp_path, routes) -> ast.Module:
    spec = specs.build({"middleware": MIDDLEWARE, "routes": routes})
    root = render_tree(spec, "flask", tmp_path / "flask")
    # One file while there is one route; a package (its __init__.py) once there are several.
    app = root / "app.py" if not routes else next(root.glob("*/__init__.py"))
    return ast.parse(app.read_text(encoding="utf-8"))


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
    module = module_of(tmp_path, [{"method": r.split()[0], "path": r.split()[1]} for r in routes])
    objects = module_level_objects(module)
    assert {name: objects.get(name) for name in EXTENSIONS} == EXTENSIONS
    calls = {
        node.func.value.id
        for node in ast.walk(module)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "init_app"
        and isinstance(node.func.value, ast.Name)
    }
    assert calls == set(EXTENSIONS)


def test_create_app_calls_one_function_per_choice(tmp_path):
    module = module_of(tmp_path, [{"method": "GET", "path": "/items"}])
    functions = {node.name: node for node in module.body if isinstance(node, ast.FunctionDef)}
    create_app = functions["create_app"]
    nested = [node for node in ast.walk(create_app) if isinstance(node, ast.FunctionDef)]
    assert nested == [create_app]
    called = [
        node.value.func.id
        for node in create_app.body
        if isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Call)
        and isinstance(node.value.func, ast.Name)
    ]
    expected = ["init_" + key.replace("-", "_") for key in MIDDLEWARE]
    assert sorted(called) == sorted(expected)
    assert all(ast.get_docstring(functions[name]) for name in expected)
