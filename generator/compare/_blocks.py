"""Where the statement or block a line opens ends: Python from its syntax tree, JavaScript and
JSON from a scanner that knows strings, template literals, comments and regular expressions.

Line numbers here are 0-based indexes into `text.splitlines()`.
"""

from __future__ import annotations

import ast
import re
from functools import lru_cache

_COMMENT = {"python": "#", "javascript": "//", "json": None}
_DEFS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
#: Words after which a `/` starts a regular expression rather than a division.
_JS_BEFORE_REGEX = frozenset(
    "return typeof instanceof in of new delete void throw case do else yield await".split()
)
_JS_WORD = re.compile(r"[A-Za-z0-9_$\u0080-\uffff]+")


def comments_above(lines: list[str], start: int, language: str) -> int:
    """Move start up over the comment lines just above it, at the same indentation."""
    marker = _COMMENT.get(language)
    while (
        marker
        and start > 0
        and lines[start - 1].lstrip().startswith(marker)
        and _indent(lines[start - 1]) == _indent(lines[start])
    ):
        start -= 1
    return start


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def block_end(text: str, start: int, last: int, language: str) -> int:
    """The index after the statement or block that line `last` opens (the match ran from start).

    Python: the end of the outermost syntax node beginning on line `last` (a decorator begins
    the function or class it decorates), so a `def`, `if` or `with` brings its whole block and
    an open call its arguments. JavaScript and JSON: the first line from `last` on where every
    bracket and template literal opened since `start` is closed. Other files, or Python that
    does not parse: `last`.
    """
    if language == "python":
        ends = _python_ends(text)
        return max(last + 1, ends.get(last + 1, 0)) if ends is not None else last + 1
    if language in ("javascript", "json"):
        depths = _js_depths(text)
        base = depths[start - 1] if start > 0 else 0
        for index in range(last, len(depths)):
            if depths[index] <= base:
                return index + 1
        return len(depths)
    return last + 1


@lru_cache(maxsize=64)
def _python_ends(text: str) -> dict[int, int] | None:
    """For each 1-based line, the last line of the longest syntax node beginning there."""
    try:
        module = ast.parse(text)
    except (SyntaxError, ValueError):
        return None
    ends: dict[int, int] = {}
    for node in ast.walk(module):
        end = getattr(node, "end_lineno", None)
        if end is None:
            continue
        starts = [node.lineno]  # type: ignore[attr-defined]  # a node with end_lineno has one
        if isinstance(node, _DEFS):
            starts += [decorator.lineno for decorator in node.decorator_list]
        for line in starts:
            ends[line] = max(ends.get(line, 0), end)
    return ends


@lru_cache(maxsize=64)
def _js_depths(text: str) -> tuple[int, ...]:
    """The depth at the end of each line: brackets in code, plus open template literals,
    strings and comments."""
    source = "\n".join(text.splitlines())
    depths: list[int] = []
    depth = 0
    templates: list[int] = []  # the depth at each open `${` of a template literal
    value_before = False  # whether the last token was a value (then `/` divides)
    i, size = 0, len(source)
    while i < size:
        char = source[i]
        level = depth + len(templates)  # an open template literal counts as a bracket
        if char == "\n":
            depths.append(level)
            i += 1
        elif char in " \t\r\f\v":
            i += 1
        elif source.startswith("//", i):
            newline = source.find("\n", i)
            i = size if newline < 0 else newline
        elif source.startswith("/*", i):
            close = source.find("*/", i + 2)
            end = size if close < 0 else close + 2
            depths.extend([level + 1] * source.count("\n", i, end))
            i = end
        elif char in "'\"":
            i = _string_end(source, i, depths, level + 1)
            value_before = True
        elif char == "`" or (char == "}" and templates and depth == templates[-1]):
            if char == "}":
                templates.pop()
            i, opened = _template_end(source, i + 1, depths, level + (char == "`"))
            if opened:
                templates.append(depth)
            value_before = not opened
        elif char == "/" and not value_before:
            i = _regex_end(source, i)
            value_before = True
        elif char in "([{":
            depth += 1
            value_before = False
            i += 1
        elif char in ")]}":
            depth -= 1
            value_before = char != "}"
            i += 1
        elif (word := _JS_WORD.match(source, i)) is not None:
            value_before = word.group() not in _JS_BEFORE_REGEX
            i = word.end()
        else:
            value_before = False
            i += 1
    depths.append(depth + len(templates))
    return tuple(depths[: len(text.splitlines())] or [0])


def _string_end(source: str, i: int, depths: list[int], depth: int) -> int:
    """The index after a quoted string starting at i (or at the end of an unclosed line).
    A line continued by a backslash inside the string keeps the depth."""
    quote, i = source[i], i + 1
    while i < len(source) and source[i] not in (quote, "\n"):
        if source[i] == "\\":
            if source[i + 1 : i + 2] == "\n":
                depths.append(depth)
            i += 2
        else:
            i += 1
    return i + 1 if i < len(source) and source[i] == quote else i


def _template_end(source: str, i: int, depths: list[int], depth: int) -> tuple[int, bool]:
    """Scan template-literal text from i: the index after its closing backtick, or after a
    `${` that opens a substitution (then True). Lines inside the literal keep the depth."""
    while i < len(source):
        char = source[i]
        if char == "\\":
            if source[i + 1 : i + 2] == "\n":
                depths.append(depth)
            i += 2
        elif char == "`":
            return i + 1, False
        elif source.startswith("${", i):
            return i + 2, True
        else:
            if char == "\n":
                depths.append(depth)
            i += 1
    return i, False


def _regex_end(source: str, i: int) -> int:
    """The index after a regular expression literal starting at i, with its flags."""
    i += 1
    in_class = False
    while i < len(source) and source[i] != "\n":
        char = source[i]
        if char == "\\" and source[i + 1 : i + 2] != "\n":
            i += 2
            continue
        if char == "[":
            in_class = True
        elif char == "]":
            in_class = False
        elif char == "/" and not in_class:
            word = _JS_WORD.match(source, i + 1)
            return word.end() if word else i + 1
        i += 1
    return i
