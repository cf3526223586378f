"""`dualgen options`: the catalog as rows, printed for people or as JSON for tools."""

from __future__ import annotations

import json
import re
import textwrap
from collections.abc import Callable
from typing import Any

from .. import catalog
from .differences import answered

#: The default width of the listing; the CLI passes the terminal's.
WIDTH = 100
#: Where the text column starts: labels (keys, frameworks, --set) stand to its left.
_TEXT = 22
#: A route label (method and path) is never split across lines.
_ROUTE = re.compile(r"\b(GET|POST|PUT|PATCH|DELETE) /")


def rows() -> list[dict[str, Any]]:
    """Every choice with its kind, help, packages and notes in each framework, and settings."""
    return [
        {
            "key": choice.key,
            "kind": "middleware" if choice in catalog.MIDDLEWARE else "config",
            "title": choice.title,
            "help": choice.help,
            **{
                framework: {
                    "packages": catalog.packages(framework, [choice.key])
                    | catalog.packages(framework, [choice.key], dev=True),
                    "dev_packages": catalog.packages(framework, [choice.key], dev=True),
                    "note": choice.side(framework).note,
                }
                for framework in catalog.FRAMEWORKS
            },
            "settings": [
                {
                    "key": s.key,
                    "help": s.help,
                    "kind": s.kind,
                    "default": list(s.default) if s.is_list else s.default,  # type: ignore[arg-type]  # a tuple
                    **({"minimum": s.minimum, "maximum": s.maximum} if s.kind == "number" else {}),
                }
                for s in choice.settings
            ],
        }
        for choice in catalog.MIDDLEWARE + catalog.CONFIG
    ]


def preset_summary(name: str | None) -> str:
    """What a preset holds, in one sentence (None: the default project)."""
    if name is None:
        return "the Hello World; add the middleware, routes and config you choose"
    answers = catalog.PRESETS[name]
    if answers.get("classic"):
        return (
            'the two Hello World programs of the comparison article "Flask vs Express: Key '
            'Differences and When to Use Each", exactly; it takes no other choice'
        )
    parts = []
    middleware = answers.get("middleware", [])
    if middleware:
        parts.append("middleware " + ", ".join(middleware))  # type: ignore[arg-type]  # a preset's list
    routes = [f"{route['method']} {route['path']}" for route in answers.get("routes", [])]  # type: ignore[attr-defined]  # a preset's list
    if routes:
        parts.append("routes " + ", ".join(routes))
    switches = [choice.key for choice in catalog.CONFIG if answers.get(choice.key)]
    if switches:
        parts.append("config " + ", ".join(switches))
    return "; ".join(parts)


def declared() -> list[dict[str, Any]]:
    """Every declared difference between the servers: where it is declared, when it applies,
    what each framework does, why, a request to try and the docs."""
    return [
        {"declared_by": where, "when": d.when, **d.shown(), "answered": answered(d.title)}
        for where, d in catalog.all_declared()
    ]


def render_json(rows_: list[dict[str, Any]]) -> str:
    return json.dumps(
        {
            "choices": rows_,
            "presets": catalog.PRESETS,
            "pins": catalog.PINS,
            "declared_differences": declared(),
        },
        indent=2,
    )


def wrap(text: str, width: int, indent: str = "", subsequent: str = "") -> list[str]:
    """Text wrapped to width without splitting a word at a hyphen or a route from its method."""
    text = _ROUTE.sub(lambda match: match.group(1) + "\0/", text)
    lines = textwrap.wrap(
        text,
        width,
        initial_indent=indent,
        subsequent_indent=subsequent,
        break_long_words=False,
        break_on_hyphens=False,
    )
    return [line.replace("\0", " ") for line in lines]


def _row(label: str, text: str, width: int, indent: int = 2) -> list[str]:
    """A label and its text wrapped into the text column; a long label gets a line of its own."""
    head = " " * indent + label
    lines = wrap(text, width - _TEXT) or [""]
    body = [" " * _TEXT + line for line in lines]
    if len(head) < _TEXT - 1:
        return [head.ljust(_TEXT) + lines[0], *body[1:]]
    return [head, *body]


def _side(row: dict[str, Any], framework: str) -> str:
    """What a choice adds to one framework: its pinned packages (or none) and how it is wired."""
    side = row[framework]
    dev = side["dev_packages"]
    packages = [
        f"{name}=={version}" + (" (dev)" if name in dev else "")
        for name, version in side["packages"].items()
        if name != framework
    ]
    what = ", ".join(packages) if packages else f"no package beyond {framework.title()}"
    return f"{what}. {side['note']}"


def render_text(rows_: list[dict[str, Any]], style: Callable[..., str], width: int = WIDTH) -> str:
    """The catalog for a terminal `width` columns wide (80 at least); `style` is click.style
    (or a function that ignores styles). Wrapped text stays in its column."""
    width = max(width, 80)
    out: list[str] = []
    for kind, heading in (
        ("middleware", "MIDDLEWARE (in the order it runs)"),
        ("config", "CONFIG (--KEY / --no-KEY)"),
    ):
        out.append(style(heading, bold=True))
        for row in (r for r in rows_ if r["kind"] == kind):
            key = row["key"]
            lines = _row(key, row["help"], width)
            lines[0] = lines[0].replace(key, style(key, bold=True), 1)
            out.extend(lines)
            for framework in catalog.FRAMEWORKS:
                out.extend(_row(framework, _side(row, framework), width, indent=4))
            for setting in row["settings"]:
                value = setting["default"]
                value = ",".join(value) if isinstance(value, list) else value
                bounds = ", comma-separated" if setting["kind"] == "origins" else ""
                if setting["kind"] == "number":
                    bounds = f", {setting['minimum']}-{setting['maximum']}"
                label = f"--set {key}.{setting['key']}=…"
                text = f"{setting['help'].rstrip('.')} (default {value}{bounds})."
                out.extend(_row(label, text, width, indent=4))
        out.append("")
    out.append(style("PRESETS (--preset NAME)", bold=True))
    for name in catalog.PRESETS:
        out.extend(_row(name, preset_summary(name) + ".", width))
    out.append("")
    out.append(style("DECLARED DIFFERENCES", bold=True) + " (what `dualgen parity` accepts)")
    for item in declared():
        where = {"always": "", "chosen": " (with it)", "not chosen": " (without it)"}[item["when"]]
        by = "" if item["declared_by"] == "catalog" else f"{item['declared_by']}{where}: "
        out.extend(wrap(by + item["title"], width, "  ", "  "))
        if item["answered"]:
            item = {**item, "example": f"{item['example']} → {item['answered']}"}
        for side in ("flask", "express", "why", "example"):
            if item[side]:
                out.extend(_row(side, item[side], width, indent=4))
        # A link is never cut: one too long for the width is left to --json.
        for link in item["docs"]:
            if _TEXT + len(link) <= width:
                out.extend(_row("docs", link, width, indent=4))
    return "\n".join(out) + "\n"
