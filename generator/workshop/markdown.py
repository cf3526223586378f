"""The Markdown of a workshop file as HTML: a small, safe subset, no dependency.

Paragraphs, headings (shown one level under the step's own), bullet and numbered lists, quotes,
fenced code blocks (highlighted), and inline code, bold, italics and links. Every character of
the text is escaped; the only markup is what this module writes, and a link must point to
http(s), mailto or a relative address, so a shared workshop file can put nothing active into
the handout.
"""

from __future__ import annotations

import contextvars
import html
import re

from .. import highlight as hl

#: The highlighter language for a fence's info string.
_LANGUAGES = {
    "python": "python",
    "py": "python",
    "javascript": "javascript",
    "js": "javascript",
    "json": "json",
    "sh": "conf",
    "shell": "conf",
    "bash": "conf",
    "console": "conf",
    "dockerfile": "dockerfile",
}
#: Quotes nest this deep; deeper `>` are shown as text (each level is a call: 1,500 of them
#: overflowed Python's stack).
MAX_QUOTE_DEPTH = 16
#: How many quotes the text being rendered is inside of.
_QUOTE_DEPTH = contextvars.ContextVar("_QUOTE_DEPTH", default=0)
_FENCE = re.compile(r"^(`{3,}|~{3,})\s*([\w+-]*)")
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*$")
_BULLET = re.compile(r"^[-*+]\s+")
_NUMBERED = re.compile(r"^\d{1,9}[.)]\s+")
_INLINE = re.compile(
    r"(?P<code>(?P<ticks>`+)(?P<code_text>.+?)(?P=ticks))"
    r"|\[(?P<link_text>[^\[\]\n]+)\]\((?P<url>[^()\s]+)\)"
    r"|\*\*(?P<strong>.+?)\*\*"
    r"|(?<![\w*])\*(?P<em>[^*\s](?:[^*]*[^*\s])?)\*(?![\w*])"
    r"|(?<![\w])_(?P<em2>[^_\s](?:[^_]*[^_\s])?)_(?![\w])"
)


def to_html(text: str, *, heading_level: int = 3) -> str:
    """The Markdown text as HTML blocks."""
    lines = text.replace("\r\n", "\n").split("\n")
    out: list[str] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        stripped = line.strip()
        fence = _FENCE.match(stripped)
        if not stripped:
            index += 1
        elif fence:
            marker, language = fence.group(1), fence.group(2).lower()
            body = []
            index += 1
            while index < len(lines) and not lines[index].strip().startswith(marker):
                body.append(lines[index])
                index += 1
            index += 1
            out.append(code_block("\n".join(body), _LANGUAGES.get(language, "text")))
        elif _HEADING.match(stripped):
            level, title = _HEADING.match(stripped).groups()  # type: ignore[union-attr]  # matched above
            tag = f"h{min(6, heading_level + len(level) - 1)}"
            out.append(f"<{tag}>{inline(title)}</{tag}>")
            index += 1
        elif _BULLET.match(stripped) or _NUMBERED.match(stripped):
            pattern = _BULLET if _BULLET.match(stripped) else _NUMBERED
            items: list[list[str]] = []
            while index < len(lines) and lines[index].strip():
                current = lines[index].strip()
                if pattern.match(current):
                    items.append([pattern.sub("", current, count=1)])
                elif items and lines[index][:1].isspace():
                    items[-1].append(current)
                else:
                    break
                index += 1
            tag = "ul" if pattern is _BULLET else "ol"
            rows = "".join(f"<li>{inline(' '.join(item))}</li>" for item in items)
            out.append(f"<{tag}>{rows}</{tag}>")
        elif stripped.startswith(">"):
            quoted = []
            while index < len(lines) and lines[index].strip().startswith(">"):
                quoted.append(lines[index].strip()[1:].strip())
                index += 1
            out.append(_quote(quoted))
        else:
            paragraph = []
            while index < len(lines) and _is_paragraph_line(lines[index]):
                paragraph.append(lines[index].strip())
                index += 1
            out.append(f"<p>{inline(' '.join(paragraph))}</p>")
    return "\n".join(out)


def _quote(lines: list[str]) -> str:
    """A quote's lines (their first `>` gone) as a <blockquote> of their blocks; inside
    MAX_QUOTE_DEPTH quotes already, as one paragraph whose `>` stay text."""
    depth = _QUOTE_DEPTH.get()
    if depth >= MAX_QUOTE_DEPTH:
        return f"<p>{inline(' '.join(lines))}</p>"
    token = _QUOTE_DEPTH.set(depth + 1)
    try:
        return f"<blockquote>{to_html(chr(10).join(lines))}</blockquote>"
    finally:
        _QUOTE_DEPTH.reset(token)


def _is_paragraph_line(line: str) -> bool:
    stripped = line.strip()
    return bool(stripped) and not (
        _FENCE.match(stripped)
        or _HEADING.match(stripped)
        or _BULLET.match(stripped)
        or _NUMBERED.match(stripped)
        or stripped.startswith(">")
    )


def inline(text: str) -> str:
    """One paragraph's text as escaped HTML with its inline markup."""
    out: list[str] = []
    position = 0
    for match in _INLINE.finditer(text):
        out.append(_escape(text[position : match.start()]))
        position = match.end()
        if match.group("code") is not None:
            out.append(f"<code>{_escape(match.group('code_text').strip())}</code>")
        elif match.group("link_text") is not None:
            url = match.group("url")
            if _safe_url(url):
                out.append(f'<a href="{_escape(url)}">{inline(match.group("link_text"))}</a>')
            else:
                out.append(_escape(match.group()))
        elif match.group("strong") is not None:
            out.append(f"<strong>{inline(match.group('strong'))}</strong>")
        else:
            out.append(f"<em>{inline(match.group('em') or match.group('em2'))}</em>")
    out.append(_escape(text[position:]))
    return "".join(out)


def code_block(code: str, language: str) -> str:
    """A highlighted <pre> block."""
    body = "\n".join(hl.to_html(row) for row in hl.lines(code, language))
    return f'<pre class="md"><code>{body}</code></pre>'


def _safe_url(url: str) -> bool:
    """http(s), mailto, or an address without a scheme (never javascript: or data:)."""
    if url.lower().startswith(("http://", "https://", "mailto:")):
        return True
    return ":" not in re.split(r"[/?#]", url, maxsplit=1)[0]


def _escape(text: str) -> str:
    return html.escape(text, quote=True)
