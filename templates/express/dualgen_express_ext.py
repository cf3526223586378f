"""Jinja filters of the Express template: user text becomes JavaScript literals, never code.

Literals come out the way prettier (singleQuote) writes them, so generated code is already
formatted.
"""

import re
import unicodedata

from jinja2.ext import Extension

PRINT_WIDTH = 80
_ESCAPES = {"\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_IDENTIFIER = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*")


def jsstr(text):
    """A JavaScript string literal for text: single quotes unless it holds more of them."""
    quote = '"' if text.count("'") > text.count('"') else "'"
    out = []
    for char in text:
        if char in _ESCAPES:
            out.append(_ESCAPES[char])
        elif char == quote:
            out.append("\\" + quote)
        elif not char.isprintable() or char in "\u2028\u2029":
            code = ord(char)
            if code < 0x100:
                out.append(f"\\x{code:02x}")
            elif code < 0x10000:
                out.append(f"\\u{code:04x}")
            else:
                out.append(f"\\u{{{code:x}}}")
        else:
            out.append(char)
    return quote + "".join(out) + quote


def width(text):
    """Columns text takes, as prettier counts them: wide East Asian characters take two."""
    return sum(
        0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1
        for c in text
    )


def jskey(key):
    if key == "__proto__":  # a plain __proto__ key would set the prototype instead
        return "['__proto__']"
    return key if _IDENTIFIER.fullmatch(key) else jsstr(key)


def jsval(value, indent=0, head=0, tail=0):
    """A JavaScript literal for a JSON value; too long for one line, one item a line."""
    inline = _inline(value)
    if indent + head + width(inline) + tail <= PRINT_WIDTH or not _items(value):
        return inline
    pad = " " * (indent + 2)
    lines = []
    for item_head, item in _items(value):
        line = pad + item_head + jsval(item, indent + 2, width(item_head), 1) + ","
        if width(item_head) >= 2 + 5 and not _items(item) and width(line) > PRINT_WIDTH:
            # prettier moves a long value below its key, unless the key is short (under 5).
            line = pad + item_head.rstrip() + "\n" + pad + "  " + _inline(item) + ","
        lines.append(line)
    opening, closing = ("{", "}") if isinstance(value, dict) else ("[", "]")
    return opening + "\n" + "\n".join(lines) + "\n" + " " * indent + closing


def jsconst(value, name, indent=2):
    """`const name = value;`, broken after `=` when a long string does not fit, as prettier does."""
    pad = " " * indent
    head = f"const {name} = "
    literal = jsval(value, indent, width(head), 1)
    if "\n" in literal or _items(value) or indent + width(head + literal) + 1 <= PRINT_WIDTH:
        return f"{pad}{head}{literal};"
    return f"{pad}{head.rstrip()}\n{pad}  {literal};"


class Code(str):
    """JavaScript code to write as it is, e.g. a route parameter inside a response body."""


def _items(value):
    if isinstance(value, dict):
        return [(jskey(key) + ": ", item) for key, item in value.items()]
    if isinstance(value, list):
        return [("", item) for item in value]
    return []


def _inline(value):
    if isinstance(value, Code):
        return str(value)
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value).replace("e+", "e")
    if isinstance(value, str):
        return jsstr(value)
    if isinstance(value, list):
        return "[" + ", ".join(_inline(item) for item in value) + "]"
    if not value:
        return "{}"
    return "{ " + ", ".join(f"{jskey(k)}: {_inline(v)}" for k, v in value.items()) + " }"


def param_value(param):
    """The handler's value of a route parameter: a number for int, as Flask converts it."""
    value = f"req.params.{param['name']}"
    return Code(f"Number({value})" if param["type"] == "int" else value)


def handler_body(route, indent=2):
    """The statements of a route handler, formatted as prettier writes them."""
    pad = " " * indent
    lines = [
        f"{pad}if (!isInt(req.params.{p['name']})) return next('route');"
        for p in route["params"]
        if p["type"] == "int"
    ]
    status, kind = route["status"], route["kind"]
    if kind == "error":
        lines.append(_call(f"{pad}throw new Error", jsstr(route["error"]), indent) + ";")
        return "\n".join(lines)
    if status in (204, 205, 304) and kind == "default":
        lines.append(f"{pad}res.status({status}).end();")
        return "\n".join(lines)
    if kind == "default":
        body = {
            "route": f"{route['method']} {route['path']}",
            "params": {p["name"]: param_value(p) for p in route["params"]},
        }
    else:
        body = route["text"] if kind == "text" else route["json"]
    method = "send" if kind == "text" else "json"
    head = "res." if status == 200 else f"res.status({status})."
    line = f"{pad}{head}{method}({_inline(body)});"
    if width(line) <= PRINT_WIDTH:
        lines.append(line)
    elif status == 200:
        lines.append(_hug(f"{pad}res.{method}", body, indent))
    else:
        inner = " " * (indent + 2)
        lines.append(f"{pad}res\n{inner}.status({status})\n" + _hug(f"{inner}.{method}", body, indent + 2))
    return "\n".join(lines)


def _hug(head, body, indent):
    """head(body); a collection hugs the parentheses, anything else goes on its own line."""
    if _items(body):
        return f"{head}({jsval(body, indent, width(head) - indent + 1, 2)});"
    return _call(head, _inline(body), indent) + ";"


def _call(head, argument, indent):
    """head(argument), its argument on a line of its own when too long, as prettier does."""
    line = f"{head}({argument})"
    if width(line) + 1 <= PRINT_WIDTH:
        return line
    return f"{head}(\n{' ' * (indent + 2)}{argument},\n{' ' * indent})"


def path_groups(routes):
    """Each path with the Allow header a wrong method gets, as Flask sends it."""
    groups = {}
    for route in sorted(routes, key=lambda r: r["sort_key"]):
        group = groups.setdefault(
            route["express_path"],
            {
                "express_path": route["express_path"],
                "int_params": [p["name"] for p in route["params"] if p["type"] == "int"],
                "methods": {"OPTIONS"},
            },
        )
        group["methods"].add(route["method"])
        if route["method"] == "GET":
            group["methods"].add("HEAD")
    for group in groups.values():
        group["allow"] = ", ".join(sorted(group["methods"]))
    return list(groups.values())


def needs_is_int(routes):
    return any(p["type"] == "int" for route in routes for p in route["params"])


class Filters(Extension):
    def __init__(self, environment):
        super().__init__(environment)
        environment.filters.update(
            jsstr=jsstr, jsval=jsval, jsconst=jsconst, jskey=jskey, handler_body=handler_body, needs_is_int=needs_is_int, path_groups=path_groups
        )
