"""Jinja filters of the Flask template: user text becomes Python literals, never code.

Literals come out the way `ruff format` (quote-style single) writes them, so generated code is
already formatted.
"""

import unicodedata

from jinja2.ext import Extension

LINE_LENGTH = 88
_ESCAPES = {"\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def width(text):
    """Columns text takes, as ruff counts them: wide East Asian characters take two."""
    return sum(
        0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1
        for c in text
    )


def pystr(text):
    """A Python string literal for text: single quotes unless it holds more of them."""
    quote = '"' if text.count("'") > text.count('"') else "'"
    out = []
    for char in text:
        if char in _ESCAPES:
            out.append(_ESCAPES[char])
        elif char == quote:
            out.append("\\" + quote)
        elif not char.isprintable():
            code = ord(char)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}")
        else:
            out.append(char)
    return quote + "".join(out) + quote


def pyval(value, indent=0, head=0, tail=0):
    """A Python literal for a JSON value; collections too long for one line get one item a line.

    indent: the columns before the statement; head/tail: the characters around the literal on
    its first and last line.
    """
    inline = _inline(value)
    if indent + head + width(inline) + tail <= LINE_LENGTH or not _items(value):
        return inline
    pad = " " * (indent + 4)
    lines = []
    for item_head, item in _items(value):
        lines.append(pad + item_head + pyval(item, indent + 4, width(item_head), 1) + ",")
    opening, closing = ("{", "}") if isinstance(value, dict) else ("[", "]")
    return opening + "\n" + "\n".join(lines) + "\n" + " " * indent + closing


class Code(str):
    """Python code to write as it is, e.g. a view argument inside a response body."""


def _items(value):
    if isinstance(value, dict):
        return [(pystr(key) + ": ", item) for key, item in value.items()]
    if isinstance(value, list):
        return [("", item) for item in value]
    return []


def _inline(value):
    if isinstance(value, Code):
        return str(value)
    if value is None:
        return "None"
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return pystr(value)
    if isinstance(value, list):
        return "[" + ", ".join(_inline(item) for item in value) + "]"
    return "{" + ", ".join(f"{pystr(k)}: {_inline(v)}" for k, v in value.items()) + "}"


def view_body(route, indent=4):
    """The body of a view function: the statement that answers the route, formatted."""
    pad = " " * indent
    status = route["status"]
    kind = route["kind"]
    if kind == "error":
        return _call(pad + "raise RuntimeError", pystr(route["error"]), indent)
    if status in (204, 205, 304) and kind == "default":
        return f"{pad}return '', {status}"
    if kind == "default":
        body = {
            "route": f"{route['method']} {route['path']}",
            "params": {p["name"]: Code(p["name"]) for p in route["params"]},
        }
    elif kind == "text":
        body = route["text"]
    else:
        body = route["json"]
    if kind == "json" and not isinstance(body, dict | list):
        value = _call(pad + "return jsonify", pyval(body), indent)
        return value if status == 200 else value + f", {status}"
    tail = "" if status == 200 else f", {status}"
    literal = pyval(body, indent, len("return "), len(tail))
    line = f"{pad}return {literal}{tail}"
    if "\n" in literal or width(line) <= LINE_LENGTH or status == 200:
        return line
    inner = " " * (indent + 4)
    return f"{pad}return (\n{inner}{pyval(body, indent + 4, 0, 1)},\n{inner}{status},\n{pad})"


def _call(head, argument, indent):
    """head(argument), split over three lines when too long, as ruff does."""
    line = f"{head}({argument})"
    if width(line) <= LINE_LENGTH:
        return line
    return f"{head}(\n{' ' * (indent + 4)}{argument}\n{' ' * indent})"


def needs_jsonify(routes):
    return any(r["kind"] == "json" and not isinstance(r["json"], dict | list) for r in routes)


class Filters(Extension):
    def __init__(self, environment):
        super().__init__(environment)
        environment.filters.update(
            pystr=pystr, pyval=pyval, view_body=view_body, needs_jsonify=needs_jsonify
        )
