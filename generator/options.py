"""`dualgen options`: the catalog as rows, printed for people or as JSON for tools."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Callable

from . import catalog

WIDTH = 100


def rows() -> list[dict[str, object]]:
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
                    "note": choice.side(framework).note,
                }
                for framework in catalog.FRAMEWORKS
            },
            "settings": [
                {
                    "key": s.key,
                    "help": s.help,
                    "default": list(s.default) if s.is_list else s.default,
                }
                for s in choice.settings
            ],
        }
        for choice in catalog.MIDDLEWARE + catalog.CONFIG
    ]


def declared() -> list[dict[str, str]]:
    """Every declared difference between the servers: where it is declared, when it applies,
    what each framework does and why."""
    return [
        {
            "declared_by": where,
            "when": d.when,
            "title": d.title,
            "flask": d.flask,
            "express": d.express,
            "why": d.why,
        }
        for where, d in catalog.all_declared()
    ]


def render_json(rows_: list[dict[str, object]]) -> str:
    return json.dumps(
        {
            "choices": rows_,
            "presets": catalog.PRESETS,
            "pins": catalog.PINS,
            "declared_differences": declared(),
        },
        indent=2,
    )


def _wrap(text: str, indent: int) -> str:
    return textwrap.fill(text, WIDTH, initial_indent=" " * indent, subsequent_indent=" " * indent)


def render_text(rows_: list[dict[str, object]], style: Callable[..., str]) -> str:
    """The catalog for a terminal; `style` is click.style (or a function that ignores styles)."""
    out: list[str] = []
    for kind in ("middleware", "config"):
        out.append(style(kind.upper(), bold=True))
        for row in (r for r in rows_ if r["kind"] == kind):
            key = row["key"]
            out.append(
                "  " + style(key, bold=True) + " " * (20 - len(key)) + _wrap(row["help"], 22)[22:]
            )
            for side in catalog.FRAMEWORKS:
                packages = row[side]["packages"]
                shown = ", ".join(f"{n}=={v}" for n, v in packages.items() if n != side)
                out.append(_wrap(f"{side:<8} {shown or 'built in'}", 6))
            for setting in row["settings"]:
                default = setting["default"]
                value = ",".join(default) if isinstance(default, list) else default
                line = f"--set {key}.{setting['key']}=…  {setting['help']} (default {value})"
                out.append(_wrap(line, 6))
        out.append("")
    out.append(style("PRESETS", bold=True))
    for name, answers in catalog.PRESETS.items():
        what = ", ".join(answers.get("middleware", [])) or "the comparison article's Hello World"
        out.append(_wrap(f"{name:<12} {what}", 2))
    out.append("")
    out.append(style("DECLARED DIFFERENCES", bold=True) + " (what `dualgen parity` accepts)")
    for item in declared():
        where = {"always": "", "chosen": " (with it)", "not chosen": " (without it)"}[item["when"]]
        by = "" if item["declared_by"] == "catalog" else f"{item['declared_by']}{where}: "
        out.append(_wrap(by + item["title"], 2))
        for side in ("flask", "express", "why"):
            out.append(_wrap(f"{side:<8} {item[side]}", 6))
    return "\n".join(out) + "\n"
