"""A tiny syntax highlighter for generated code: keywords, strings, comments, numbers.

It knows Python, JavaScript, JSON, Dockerfiles and a generic "#-comment" config syntax,
and writes HTML spans or ANSI colours. Good enough to read a snippet, small enough to
need no dependency.
"""

from __future__ import annotations

import html
import keyword
import re
from pathlib import PurePosixPath

#: A token: its kind ("kw", "str", "com", "num", "lit", "dec"; "" for plain) and text.
Token = tuple[str, str]

_JS_KEYWORDS = frozenset(
    "async await break case catch class const continue default delete do else export "
    "extends finally for function if import in instanceof let new of return static "
    "super switch this throw try typeof var void while yield".split()
)
_JS_LITERALS = frozenset({"true", "false", "null", "undefined"})
_PY_LITERALS = frozenset({"True", "False", "None"})
_PY_KEYWORDS = frozenset(keyword.kwlist) - _PY_LITERALS
_DOCKER_KEYWORDS = frozenset(
    "FROM RUN CMD ENV WORKDIR COPY ADD USER EXPOSE ENTRYPOINT ARG LABEL VOLUME".split()
)

_NUMBER = r"(?P<num>\b\d+(?:\.\d+)?\b)"
_WORD = r"(?P<word>[A-Za-z_$][\w$]*)"
_PATTERNS = {
    "python": re.compile(
        r"(?P<com>#[^\n]*)"
        r"|(?P<str>[rRbBfFuU]{0,2}(?:'''[\s\S]*?'''|\"\"\"[\s\S]*?\"\"\""
        r"|'(?:\\.|[^'\\\n])*'|\"(?:\\.|[^\"\\\n])*\"))"
        r"|(?P<dec>^[ \t]*@[\w.]+)|" + _NUMBER + "|" + _WORD,
        re.MULTILINE,
    ),
    "javascript": re.compile(
        r"(?P<com>//[^\n]*|/\*[\s\S]*?\*/)"
        r"|(?P<str>'(?:\\.|[^'\\\n])*'|\"(?:\\.|[^\"\\\n])*\"|`(?:\\.|[^`\\])*`)"
        r"|" + _NUMBER + "|" + _WORD
    ),
    "json": re.compile(r"(?P<str>\"(?:\\.|[^\"\\\n])*\")|" + _NUMBER + "|" + _WORD),
    "conf": re.compile(
        r"(?P<com>(?:^|(?<=\s))#[^\n]*)|(?P<str>'[^'\n]*'|\"[^\"\n]*\")|" + _WORD,
        re.MULTILINE,
    ),
    "text": re.compile(r"(?!)"),
}
_KEYWORDS = {
    "python": (_PY_KEYWORDS, _PY_LITERALS),
    "javascript": (_JS_KEYWORDS, _JS_LITERALS),
    "json": (frozenset(), frozenset({"true", "false", "null"})),
    "conf": (frozenset(), frozenset()),
}

_ANSI = {
    "kw": "\x1b[35m",
    "str": "\x1b[32m",
    "com": "\x1b[90m",
    "num": "\x1b[36m",
    "lit": "\x1b[36m",
    "dec": "\x1b[33m",
}
_CONF_NAMES = (".env.example", ".gitignore", ".dockerignore", ".dualgen.yaml")
_CONF_SUFFIXES = (".txt", ".toml", ".yaml", ".yml", ".cfg", ".ini")


def language_for(path: str) -> str:
    """The highlighter language of a file, from its name."""
    name = PurePosixPath(path).name
    suffix = PurePosixPath(path).suffix
    if suffix == ".py":
        return "python"
    if suffix in (".js", ".mjs", ".cjs"):
        return "javascript"
    if suffix == ".json":
        return "json"
    if name == "Dockerfile":
        return "dockerfile"
    if name in _CONF_NAMES or suffix in _CONF_SUFFIXES:
        return "conf"
    return "text"


def tokens(text: str, language: str) -> list[Token]:
    """Split text into tokens; joining their texts gives the text back."""
    pattern = _PATTERNS["conf" if language == "dockerfile" else language]
    keywords, literals = _KEYWORDS.get(language, (frozenset(), frozenset()))
    if language == "dockerfile":
        keywords = _DOCKER_KEYWORDS
    result: list[Token] = []
    position = 0
    for match in pattern.finditer(text):
        if match.start() > position:
            result.append(("", text[position : match.start()]))
        kind = match.lastgroup or ""
        value = match.group()
        if kind == "word":
            kind = "kw" if value in keywords else "lit" if value in literals else ""
        result.append((kind, value))
        position = match.end()
    if position < len(text):
        result.append(("", text[position:]))
    return result


def lines(text: str, language: str) -> list[list[Token]]:
    """Tokens grouped by line; a multi-line string keeps its colour on every line."""
    rows: list[list[Token]] = [[]]
    for kind, value in tokens(text, language):
        for index, piece in enumerate(value.split("\n")):
            if index:
                rows.append([])
            if piece:
                rows[-1].append((kind, piece))
    return rows


def truncate(row: list[Token], width: int) -> list[Token]:
    """Cut a line of tokens to width characters, ending with an ellipsis when cut."""
    if sum(len(value) for _, value in row) <= width:
        return row
    kept: list[Token] = []
    room = width - 1
    for kind, value in row:
        if room <= 0:
            break
        kept.append((kind, value[:room]))
        room -= len(value[:room])
    kept.append(("", "…"))
    return kept


def to_html(row: list[Token]) -> str:
    """One line of tokens as escaped HTML, highlighted tokens in <span class=KIND>."""
    return "".join(
        f'<span class="{kind}">{html.escape(value, quote=False)}</span>'
        if kind
        else html.escape(value, quote=False)
        for kind, value in row
    )


def to_ansi(row: list[Token], *, color: bool) -> str:
    """One line of tokens for a terminal, coloured only when color is true."""
    if not color:
        return "".join(value for _, value in row)
    return "".join(
        f"{_ANSI[kind]}{value}\x1b[0m" if kind in _ANSI else value for kind, value in row
    )
