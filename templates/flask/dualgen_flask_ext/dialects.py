# Copied from generator/literals/dialects.py by `python -m generator.catalog`: edit that file.
"""Python and JavaScript literals written as ruff format and prettier write them (widths,
escapes, where a value breaks across lines), and the filters that write them."""

from __future__ import annotations

import bisect
import re
import unicodedata
from decimal import Decimal
from typing import TypeGuard

_ESCAPES = {"\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}

_NAME_START = ("Lu", "Ll", "Lt", "Lm", "Lo", "Nl")

_NAME_PART = (*_NAME_START, "Mn", "Mc", "Nd", "Pc")

# Columns where ruff (the unicode-width crate) and prettier (its getStringWidth) differ from the
# rule in _Dialect.char_width: `first[-last]:columns`, hexadecimal code points.
_RUFF_WIDTHS = (
    "9be:0 9d7:0 b3e:0 b57:0 bbe:0 bd7:0 cc0:0 cc2:0 cc7-cc8:0 cca-ccb:0 cd5-cd6:0 d3e:0 d4e:0 "
    "d57:0 dcf:0 ddf:0 1160-11ff:0 1715:0 1734:0 17a4:2 17d8:2 1b35:0 1b3b:0 1b3d:0 1b43-1b44:0 "
    "1baa:0 1bf2-1bf3:0 2630-2637:2 268a-268f:2 2d7f:1 302e-302f:0 3164:0 4dc0-4dff:2 a8fa:0 "
    "a953:0 a9c0:0 d7b0-d7c6:0 d7cb-d7fb:0 ff9e-ffa0:0 111c0:0 111c2-111c3:0 11235:0 1133e:0 "
    "1134d:0 11357:0 114b0:0 114bd:0 115af:0 116b6:0 1171e:1 11930:0 1193d:0 1193f:0 11941:0 "
    "11a84-11a89:0 11d46:0 16ff0-16ff1:0 1d165-1d166:0 1d16d-1d172:0 1d300-1d356:2 1d360-1d376:2"
)

_PRETTIER_WIDTHS = (
    "261d:2 2630-2637:2 268a-268f:2 26f9:2 270c-270d:2 4dc0-4dff:2 1171e:1 1d300-1d356:2 "
    "1d360-1d376:2 1f3cb-1f3cc:2 1f574-1f575:2 1f590:2"
)


class Code(str):
    """Code to write as it is, e.g. a route parameter's value inside a response body."""


def _width_table(text: str) -> tuple[list[int], list[tuple[int, int]]]:
    starts, spans = [], []
    for entry in text.split():
        span, columns = entry.split(":")
        first, _, last = span.partition("-")
        starts.append(int(first, 16))
        spans.append((int(last or first, 16), int(columns)))
    return starts, spans


class _Dialect:
    """What both languages share: a literal for every JSON value, broken into lines where their
    formatter breaks it."""

    line_length = 0
    step = 0  # columns of one indentation level
    trailing_comma = ""  # after the last argument of a call broken over lines
    null, true, false = "", "", ""
    _widths: tuple[list[int], list[tuple[int, int]]] = ([], [])

    def width(self, text: str) -> int:
        """Columns text takes in the formatter's count: wide East Asian characters take two."""
        return sum(map(self.char_width, text))

    def char_width(self, char: str) -> int:
        code = ord(char)
        starts, spans = self._widths
        at = bisect.bisect_right(starts, code) - 1
        if at >= 0 and code <= spans[at][0]:
            return spans[at][1]
        if code < 0x20 or 0x7F <= code < 0xA0 or unicodedata.category(char) in ("Mn", "Me"):
            return 0
        return 2 if unicodedata.east_asian_width(char) in "WF" else 1

    def string(self, text: str) -> str:
        """A string literal: single quotes unless the text holds more of them than double."""
        quote = '"' if text.count("'") > text.count('"') else "'"
        out = []
        for char in text:
            if char in _ESCAPES:
                out.append(_ESCAPES[char])
            elif char == quote:
                out.append("\\" + quote)
            elif not self.printable(char):
                out.append(self.escape(ord(char)))
            else:
                out.append(char)
        return quote + "".join(out) + quote

    def printable(self, char: str) -> bool:
        return char.isprintable()

    def escape(self, code: int) -> str:
        raise NotImplementedError

    def number(self, value: int | float) -> str:
        return repr(value)

    def key(self, key: str) -> str:
        return self.string(key)

    def inline(self, value: object) -> str:
        """The literal on one line."""
        if isinstance(value, Code):
            return str(value)
        if value is None:
            return self.null
        if isinstance(value, bool):
            return self.true if value else self.false
        if isinstance(value, int | float):
            return self.number(value)
        if isinstance(value, str):
            return self.string(value)
        if isinstance(value, list):
            return "[" + ", ".join(self.inline(item) for item in value) + "]"
        return self.braces([f"{self.key(k)}: {self.inline(v)}" for k, v in value.items()])  # type: ignore[attr-defined]  # JSON: a dict is left

    def braces(self, entries: list[str]) -> str:
        return "{" + ", ".join(entries) + "}"

    def items(self, value: object) -> list[tuple[str, object]]:
        """The entries of a collection, each with what precedes its value on its line."""
        if isinstance(value, dict):
            return [(self.key(key) + ": ", item) for key, item in value.items()]
        if isinstance(value, list):
            return [("", item) for item in value]
        return []

    def must_break(self, value: object) -> bool:
        """The formatter breaks this collection even when it fits on one line."""
        return False

    def value(self, value: object, indent: int = 0, head: int = 0, tail: int = 0) -> str:
        """The literal; a collection too long for its line gets one item a line.

        indent: the columns before the statement; head/tail: the columns of what precedes and
        follows the literal on its first and last line.
        """
        inline = self.inline(value)
        items = self.items(value)
        fits = indent + head + self.width(inline) + tail <= self.line_length
        if not items or (fits and not self.must_break(value)):
            return inline
        opening, closing = ("{", "}") if isinstance(value, dict) else ("[", "]")
        lines = self.lines(value, items, indent + self.step)
        return opening + "\n" + "\n".join(lines) + "\n" + " " * indent + closing

    def lines(self, value: object, items: list[tuple[str, object]], indent: int) -> list[str]:
        pad = " " * indent
        return [
            pad + head + self.value(item, indent, self.width(head), 1) + "," for head, item in items
        ]

    def call(self, head: str, argument: str, indent: int, tail: str = "") -> str:
        """head(argument) + tail; when too long, the argument goes on a line of its own."""
        line = f"{head}({argument}){tail}"
        if self.width(line) <= self.line_length:
            return line
        comma = self.trailing_comma
        return f"{head}(\n{' ' * (indent + self.step)}{argument}{comma}\n{' ' * indent}){tail}"


class Python(_Dialect):
    line_length = 88
    step = 4
    null, true, false = "None", "True", "False"
    _widths = _width_table(_RUFF_WIDTHS)

    def escape(self, code: int) -> str:
        if code < 0x100:
            return f"\\x{code:02x}"
        return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"

    def value(self, value: object, indent: int = 0, head: int = 0, tail: int = 0) -> str:
        """The literal; tail 0 means it ends a statement (`x = literal`, `return literal`), where
        ruff wraps a string too long for the line in parentheses if that makes it fit."""
        literal = super().value(value, indent, head, tail)
        inner = indent + self.step
        if (
            tail == 0
            and not isinstance(value, list | dict)
            and indent + head + self.width(literal) > self.line_length
            and inner + self.width(literal) <= self.line_length
        ):
            return f"(\n{' ' * inner}{literal}\n{' ' * indent})"
        return literal


class JavaScript(_Dialect):
    line_length = 80
    step = 2
    trailing_comma = ","
    null, true, false = "null", "true", "false"
    _widths = _width_table(_PRETTIER_WIDTHS)

    def printable(self, char: str) -> bool:
        return char.isprintable() and char not in "\u2028\u2029"

    def escape(self, code: int) -> str:
        if code < 0x100:
            return f"\\x{code:02x}"
        return f"\\u{code:04x}" if code < 0x10000 else f"\\u{{{code:x}}}"

    def number(self, value: int | float) -> str:
        """The number as prettier prints it: no `+` or leading zeros in the exponent."""
        text = re.sub(r"e(?:\+|(-))?0*(\d)", r"e\1\2", repr(value))
        return re.sub(r"\.0(?=e|$)", "", text)

    def key(self, key: str) -> str:
        """A property name, quoted only where prettier (quoteProps as-needed) keeps quotes."""
        if key == "__proto__":  # a plain __proto__ key would set the prototype instead
            return "['__proto__']"
        if _js_identifier(key) or _js_simple_number(key):
            return key
        return self.string(key)

    def braces(self, entries: list[str]) -> str:
        return "{ " + ", ".join(entries) + " }" if entries else "{}"

    def must_break(self, value: object) -> bool:
        """prettier breaks an array of two or more objects (or arrays) of two or more entries."""
        children = value if isinstance(value, list) else []
        if isinstance(value, dict):
            children = list(value.values())
        if any(self.must_break(child) for child in children):
            return True
        return (
            isinstance(value, list)
            and len(value) > 1
            and (
                all(isinstance(item, dict) and len(item) > 1 for item in value)
                or all(isinstance(item, list) and len(item) > 1 for item in value)
            )
        )

    def held_open(self, value: object, literal: str) -> bool:
        """The literal holds a group prettier will not join again: an object written over
        several lines (prettier keeps those as written) or an array that must break."""
        return self.must_break(value) or any(line.endswith("{") for line in literal.splitlines())

    def lines(self, value: object, items: list[tuple[str, object]], indent: int) -> list[str]:
        pad = " " * indent
        if isinstance(value, list) and all(_is_number(item) for item in value):
            return self._fill([self.number(item) + "," for item in value], pad)
        lines = []
        for head, item in items:
            if isinstance(item, Code):
                lines.append(pad + self._code_entry(head, item, indent) + ",")
                continue
            line = pad + head + self.value(item, indent, self.width(head), 1) + ","
            if self._breaks_after_key(head, item) and self.width(line) > self.line_length:
                line = pad + head.rstrip() + "\n" + pad + " " * self.step + self.inline(item) + ","
            lines.append(line)
        return lines

    def _breaks_after_key(self, head: str, item: object) -> bool:
        """A value prettier moves below a key of 5 columns or more when it does not fit."""
        return self.width(head) >= len(": ") + 5 and self.moves_below(item)

    def moves_below(self, value: object) -> bool:
        """prettier moves a string, null, negative number or empty collection below its key or
        `=` when it does not fit there; a positive number, boolean or collection stays."""
        return value is None or isinstance(value, str) or value in ([], {}) or _negative(value)

    def _code_entry(self, head: str, code: Code, indent: int) -> str:
        """A parameter's value beside its key: `req.params.x` moves below a long key like a string;
        `Number(...)` stays beside it unless not even `Number(` fits."""
        column = indent + self.width(head)
        if self.width(head) >= len(": ") + 5:
            if code.startswith("Number("):
                below = column + len("Number(") > self.line_length
            else:
                below = column + self.width(code) + 1 > self.line_length
            if below:
                inner = indent + self.step
                return f"{head.rstrip()}\n{' ' * inner}{self.expression(code, inner, inner)}"
        return head + self.expression(code, column, indent)

    def expression(self, code: str, column: int, indent: int, tail: int = 1) -> str:
        """A parameter's expression (`req.params.x`, `Number(req.params.x)`) starting at column on
        a line indented by indent, tail columns before the line can end: broken inside the call's
        parentheses, then before `.x`, when too long."""
        if column + self.width(code) + tail <= self.line_length:
            return code
        inner = indent + self.step
        if code.endswith(")"):
            callee, _, argument = code[:-1].partition("(")
            argument = self.expression(argument, inner, inner)
            return f"{callee}(\n{' ' * inner}{argument},\n{' ' * indent})"
        head, _, last = code.rpartition(".")
        return f"{head}\n{' ' * inner}.{last}"

    def _fill(self, cells: list[str], pad: str) -> list[str]:
        """Numbers fill each line, as prettier prints an array of numbers."""
        lines, line = [], pad + cells[0]
        for cell in cells[1:]:
            if self.width(line) + 1 + self.width(cell) <= self.line_length:
                line += " " + cell
            else:
                lines.append(line)
                line = pad + cell
        return [*lines, line]


class JavaScriptExpanded(JavaScript):
    """JavaScript with every non-empty object written over several lines."""

    def must_break(self, value: object) -> bool:
        return (isinstance(value, dict) and len(value) > 0) or super().must_break(value)


def _is_number(value: object) -> TypeGuard[int | float]:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _negative(value: object) -> bool:  # -1 is a unary expression to prettier, not a number
    return _is_number(value) and value < 0


def _js_identifier(key: str) -> bool:
    """An identifier name by Unicode category: prettier unquotes every key that is one."""
    return (
        key != ""
        and (key[0] in "$_" or unicodedata.category(key[0]) in _NAME_START)
        and all(c in "$_" or unicodedata.category(c) in _NAME_PART for c in key)
        and "\u2e2f" not in key  # a letter, but not in a JavaScript identifier
    )


def _js_simple_number(key: str) -> bool:
    """A key prettier writes as a number: digits that JavaScript prints back unchanged (it
    prints numbers from 1e-6 up to 1e21 without an exponent, with their shortest digits)."""
    if not re.fullmatch(r"[0-9]+(\.[0-9]+)?", key):
        return False
    number = float(key)
    if number != 0 and not 1e-6 <= number < 1e21:
        return False
    return format(Decimal(repr(number)).normalize(), "f") == key


PYTHON = Python()

JAVASCRIPT = JavaScript()

# The filters the templates call: pystr/jsstr(text), pyval/jsval(value, indent, head, tail), jskey.
pystr, pyval = PYTHON.string, PYTHON.value

jsstr, jsval, jskey = JAVASCRIPT.string, JAVASCRIPT.value, JAVASCRIPT.key
