"""User values as Python and JavaScript literals, and the bodies of the route functions.

User text always becomes a literal, never code. Each literal comes out as the generated project's
formatter writes it, so the code is formatter-clean as rendered: Python as `ruff format` with
quote-style single (line length 88), JavaScript as prettier with singleQuote (print width 80).

This package is the one source of both templates' Jinja filters: `python -m generator.catalog`
copies it into each template as the package its cookiecutter.json `_extensions` names, so plain
`cookiecutter templates/flask` works without dualgen; a unit test fails when a copy drifts. It
imports only the standard library and jinja2; dialects.py writes the literals, this module the
route bodies and the filters. The HTTP rules (which routes answer no body, the
default body, the Allow header) come computed in each route's context (generator/spec/routes.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from jinja2.ext import Extension

from .dialects import (
    JAVASCRIPT,
    PYTHON,
    Code,
    JavaScript,
    JavaScriptExpanded,
    jskey,
    jsstr,
    jsval,
    pystr,
    pyval,
)

if TYPE_CHECKING:
    from jinja2 import Environment

__all__ = [
    "Code",
    "PYTHON",
    "JAVASCRIPT",
    "pystr",
    "pyval",
    "jsstr",
    "jsval",
    "jskey",
    "jsconst",
    "view_body",
    "handler_body",
    "int_guard",
    "param_value",
    "needs_jsonify",
    "needs_is_int",
    "path_groups",
    "Filters",
]


def jsconst(value: object, name: str, indent: int = 2) -> str:
    """`const name = value;`, the value below the `=` where prettier puts it there."""
    js = JAVASCRIPT
    pad = " " * indent
    head = f"const {name} = "
    literal = js.value(value, indent, js.width(head), 1)
    if not js.moves_below(value) or indent + js.width(head + literal) + 1 <= js.line_length:
        return f"{pad}{head}{literal};"
    return f"{pad}{head.rstrip()}\n{pad}{' ' * js.step}{literal};"


def _written_body(route: dict[str, Any], value_of: Callable[[dict[str, Any]], object]) -> object:
    """The route's body as its function writes it: a default body holds the parameters' values."""
    if route["kind"] != "default":
        return route["body"]
    return {**route["body"], "params": {p["name"]: value_of(p) for p in route["params"]}}


def view_body(route: dict[str, Any], indent: int = 4) -> str:
    """The body of a Flask view: the statement that answers the route, formatted."""
    py = PYTHON
    pad = " " * indent
    status, kind = route["status"], route["kind"]
    if kind == "error":
        return py.call(pad + "raise RuntimeError", py.string(route["error"]), indent)
    if route["no_body"]:
        return f"{pad}return '', {status}"
    body = _written_body(route, lambda param: Code(param["name"]))
    tail = "" if status == 200 else f", {status}"
    if kind == "json" and not isinstance(body, dict | list):
        return py.call(pad + "return jsonify", py.inline(body), indent, tail)
    literal = py.value(body, indent, len("return "), len(tail))
    line = f"{pad}return {literal}{tail}"
    if "\n" in literal or py.width(line) <= py.line_length or status == 200:
        return line
    inner = " " * (indent + py.step)
    return (
        f"{pad}return (\n{inner}{py.value(body, indent + py.step, 0, 1)},\n{inner}{status},\n{pad})"
    )


def needs_jsonify(routes: list[dict[str, Any]]) -> bool:
    """Flask answers a dict or list as JSON on its own; any other JSON value needs jsonify."""
    return any(r["kind"] == "json" and not isinstance(r["json"], dict | list) for r in routes)


def param_value(param: dict[str, Any]) -> Code:
    """The handler's value of a route parameter: a number for int, as Flask converts it."""
    value = f"req.params.{param['name']}"
    return Code(f"Number({value})" if param["type"] == "int" else value)


def handler_body(route: dict[str, Any], indent: int = 2) -> str:
    """The statements of an Express handler, formatted as prettier writes them."""
    js = JAVASCRIPT
    pad = " " * indent
    lines = [int_guard(p["name"], indent) for p in route["params"] if p["type"] == "int"]
    lines += [pad + route["work_js"]] if route.get("work_js") else []  # simulated work
    status, kind = route["status"], route["kind"]
    if kind == "error":
        lines.append(js.call(f"{pad}throw new Error", js.string(route["error"]), indent, ";"))
    elif route["no_body"]:
        lines.append(f"{pad}res.status({status}).end();")
    else:
        lines.append(_respond(route, _written_body(route, param_value), indent))
    return "\n".join(lines)


def int_guard(name: str, indent: int) -> str:
    """`if (!isInt(req.params.name)) return next('route');`, broken as prettier breaks it."""
    js = JAVASCRIPT
    pad, inner = " " * indent, " " * (indent + js.step)
    test = f"!isInt(req.params.{name})"
    line = f"{pad}if ({test}) return next('route');"
    if js.width(line) <= js.line_length:
        return line
    condition = f"if ({test})"
    if js.width(pad + condition) > js.line_length:
        test = js.expression(test, indent + js.step, indent + js.step, 0)
        condition = f"if (\n{inner}{test}\n{pad})"
    return f"{pad}{condition}\n{inner}return next('route');"


def _respond(route: dict[str, Any], body: object, indent: int) -> str:
    """res.json(body) or res.status(status).json(body), laid out as prettier lays it out."""
    js = JAVASCRIPT
    pad = " " * indent
    status = route["status"]
    method = "send" if route["kind"] == "text" else "json"
    head = f"{pad}res.{method}" if status == 200 else f"{pad}res.status({status}).{method}"
    if js.width(f"{head}({js.inline(body)});") <= js.line_length and not js.must_break(body):
        return f"{head}({js.inline(body)});"
    if status == 200:
        return _hug(js, head, body, indent)
    # res.status().json() is a member chain: prettier puts each call on its own line, unless the
    # body holds an object written over several lines (or an array that must break): then the
    # chain stays on one line and the body hugs its parentheses.
    inner = " " * (indent + js.step)
    chained = _hug(js, f"{inner}.{method}", body, indent + js.step)
    if not js.items(body) or not js.held_open(body, chained):
        return f"{pad}res\n{inner}.status({status})\n{chained}"
    hugged = _hug(js, head, body, indent)
    if js.held_open(body, hugged):
        return hugged
    # The body breaks only in the chain's deeper indentation: write its objects expanded, which
    # prettier keeps, so that it settles on the hugging layout.
    return _hug(JavaScriptExpanded(), head, body, indent)


def _hug(js: JavaScript, head: str, body: object, indent: int) -> str:
    """head(body); a collection hugs the parentheses, anything else goes on its own line."""
    if js.items(body):
        return f"{head}({js.value(body, indent, js.width(head) - indent + 1, 2)});"
    return js.call(head, js.inline(body), indent, ";")


def path_groups(routes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each path once, with its integer parameters and the Allow header a wrong method gets."""
    groups: dict[str, dict[str, Any]] = {}
    for route in sorted(routes, key=lambda r: r["sort_key"]):
        groups.setdefault(
            route["express_path"],
            {
                "express_path": route["express_path"],
                "int_params": [p["name"] for p in route["params"] if p["type"] == "int"],
                "allow": route["allow"],
            },
        )
    return list(groups.values())


def needs_is_int(routes: list[dict[str, Any]]) -> bool:
    return any(p["type"] == "int" for route in routes for p in route["params"])


_FILTERS = (
    "pystr pyval jsstr jsval jskey jsconst "
    "view_body handler_body int_guard needs_jsonify needs_is_int path_groups"
).split()


class Filters(Extension):
    """The filters both templates use, registered under the names the templates call."""

    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        environment.filters.update({name: globals()[name] for name in _FILTERS})
