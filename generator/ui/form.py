"""`GET /api/options`: exactly `dualgen options --json`, plus what a form needs to build its fields:
the parameters, each setting's kind and allowed values, the route grammar, and which switches
need or exclude which, each exclusion with the message the CLI gives for it.

The rules are not written here: they are found by asking the CLI's own parser and spec about
every pair of switches (and every preset with each switch), once per process.
"""

from __future__ import annotations

import itertools
import json
from functools import cache
from typing import Any

from .. import catalog
from ..spec import route_values, routes
from .state import FLAGS, FRAMEWORKS, OPTIONS, parse


def options() -> dict[str, Any]:  # JSON
    """The options JSON of `dualgen options --json`, extended with a "form" key."""
    from ..catalog import listing

    data: dict[str, Any] = json.loads(listing.render_json(listing.rows()))
    data["form"] = form()
    return data


@cache
def form() -> dict[str, object]:
    return {
        "parameters": [{"name": name, "option": option} for name, option in OPTIONS.items()],
        "frameworks": list(FRAMEWORKS),
        "flags": list(FLAGS),
        "settings": {
            choice.key: [_setting(setting) for setting in choice.settings]
            for choice in catalog.MIDDLEWARE + catalog.CONFIG
            if choice.settings
        },
        "routes": {
            "methods": list(routes.METHODS),
            "param_types": list(routes.PARAM_TYPES),
            "work_kinds": list(routes.WORK_KINDS),  # type: ignore[attr-defined]  # routes imports it
            "max_work_ms": route_values.MAX_WORK_MS,
            "example": "GET /users/{id:int}",
        },
        "excludes": excludes(),
        "needs": needs(),
    }


def _setting(setting: catalog.Setting) -> dict[str, object]:
    found: dict[str, object] = {
        "key": setting.key,
        "kind": setting.kind,
        "help": setting.help,
        "default": ",".join(setting.default) if setting.is_list else setting.default,  # type: ignore[arg-type]  # a tuple
    }
    if setting.kind == "number":
        found |= {"minimum": setting.minimum, "maximum": setting.maximum}
    if setting.kind == "choice":
        found["choices"] = list(setting.choices)
    if setting.kind == "origins":
        # * alone (any origin), or a comma-separated list of origins.
        found["pattern"] = (
            r"\*|https?://[A-Za-z0-9.\-]+(:[0-9]{1,5})?(,https?://[A-Za-z0-9.\-]+(:[0-9]{1,5})?)*"
        )
    return found


def _refusal(values: list[tuple[str, str]]) -> str | None:
    from ..errors import UsageError

    try:
        parse(values)
    except UsageError as error:
        return str(error)
    return None


@cache
def excludes() -> list[dict[str, object]]:
    """Each pair of values the CLI refuses together, with its message: two switches, or a
    preset and a switch or a middleware."""
    found: list[dict[str, object]] = []
    for first, second in itertools.combinations(FLAGS, 2):
        for a, b in (("true", "true"), ("true", "false"), ("false", "true")):
            when = [(first, a), (second, b)]
            reason = _refusal(when)
            if reason is not None:
                found.append({"when": dict(when), "reason": reason})
    for preset, flag, value in itertools.product(catalog.PRESETS, FLAGS, ("true", "false")):
        reason = _refusal([("preset", preset), (flag, value)])
        if reason is not None:
            found.append({"when": {"preset": preset, flag: value}, "reason": reason})
    for preset, choice in itertools.product(catalog.PRESETS, catalog.MIDDLEWARE):
        reason = _refusal([("preset", preset), ("middleware", choice.key)])
        if reason is not None:
            found.append({"when": {"preset": preset, "middleware": choice.key}, "reason": reason})
    return found


@cache
def needs() -> dict[str, dict[str, bool]]:
    """The switches each switch turns on by itself (docker runs the production server)."""
    found: dict[str, dict[str, bool]] = {}
    for flag in FLAGS:
        spec = parse([(flag, "true")]).spec
        on = {key: True for key in spec.switches if key != flag}
        if on:
            found[flag] = on
    return found
