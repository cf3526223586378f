"""`spec.edit`: the one way to add and remove middleware, config switches, routes and settings in
answers, with one set of error messages.

The prompts (`+KEY` / `-KEY`), `diff` specs (`api+cors-logging`), `update --remove-middleware`
and the workshop's `add-middleware` / `remove-middleware` steps all edit answers through it. It
works on answer mappings (before `build`), never changes the mapping it is given, and checks
only what an edit itself can get wrong (an unknown key, removing what is not chosen, adding and
removing one key at once); `build` checks the answers it returns. Every error is a SpecError of
one line naming the value and what is allowed; a caller puts where it comes from in front.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, cast

from .. import catalog
from ..errors import SpecError

if TYPE_CHECKING:
    from .answers import Answers

#: The answer keys an edit changes; each is left out of the result when it ends up empty.
EDITED = ("middleware", "routes", "settings")


def edit(
    answers: Mapping[str, object],
    *,
    add: Iterable[str] = (),
    remove: Iterable[str] = (),
    turn_on: Iterable[str] = (),
    turn_off: Iterable[str] = (),
    add_routes: Iterable[object] = (),
    remove_routes: Iterable[object] = (),
    settings: object = None,
    refuse_chosen: bool = False,
) -> Answers:
    """The answers with the edit made, as a new mapping (`answers` is left as it was).

    `add` and `remove` are middleware keys (adding a chosen one changes nothing, unless
    `refuse_chosen`); `turn_on` and `turn_off` are config switches. Removing a middleware or
    turning a switch off drops its settings. `add_routes` are 'METHOD /path' texts (stored as
    answer mappings), answer mappings or routes; `remove_routes` are 'METHOD /path' texts.
    `settings` maps choice keys to settings merged over the current ones. Empty middleware,
    routes and settings are left out, as an answer file leaves out its defaults.
    Raises SpecError.
    """
    result: dict[str, Any] = dict(answers)
    middleware = _list(result, "middleware", "must be a list of keys")
    routes = _list(result, "routes", "must be a list of mappings")
    dropped = _edit_middleware(middleware, list(add), list(remove), refuse_chosen)
    dropped += _edit_switches(result, list(turn_on), list(turn_off))
    _edit_routes(routes, list(add_routes), list(remove_routes))
    result["middleware"], result["routes"] = middleware, routes
    current = result.get("settings", {})
    if isinstance(current, dict):
        kept = {key: _copy(values) for key, values in current.items() if key not in dropped}
        result["settings"] = _merge_settings(kept, settings)  # type: ignore[arg-type]  # it checks each
    elif settings is not None:
        raise SpecError(f"settings {current!r} must map middleware keys to settings")
    for key in EDITED:
        if key in result and result[key] in ([], {}):
            del result[key]
    return cast("Answers", result)  # answer-file keys: `answers` with the three EDITED ones


def _not_chosen(kind: str, value: object, chosen: Iterable[str]) -> SpecError:
    """Removing what is not there: "middleware 'cors' is not chosen, so it cannot be removed;
    chosen: logging, json-body"."""
    listed = ", ".join(chosen) or "none"
    return SpecError(f"{kind} {value!r} is not chosen, so it cannot be removed; chosen: {listed}")


def _list(answers: dict[str, object], key: str, must: str) -> list[object]:
    """A copy of the list under `key` (empty when there is none)."""
    value = answers.get(key, [])
    if not isinstance(value, list):
        raise SpecError(f"{key} {value!r} {must}")
    return list(value)


def _check_apart(kind: str, added: list[str], removed: list[str]) -> None:
    both = next((key for key in added if key in removed), None)
    if both is not None:
        raise SpecError(f"{kind} {both!r} is both added and removed; give one of the two")


def _edit_middleware(
    middleware: list[object], added: list[str], removed: list[str], refuse_chosen: bool
) -> list[str]:
    """Edit the middleware list in place; returns the keys removed."""
    from .values import check_choice

    for key in added + removed:
        check_choice(key, catalog.MIDDLEWARE)
    _check_apart("middleware", added, removed)
    for key in dict.fromkeys(removed):
        if key not in middleware:
            raise _not_chosen("middleware", key, [str(item) for item in middleware])
        middleware.remove(key)
    for key in added:
        if key not in middleware:
            middleware.append(key)
        elif refuse_chosen:
            rest = [c.key for c in catalog.MIDDLEWARE if c.key not in middleware]
            raise SpecError(
                f"middleware {key!r} is already chosen, so it cannot be added again; "
                f"not chosen: {', '.join(rest) or 'none'}"
            )
    return list(dict.fromkeys(removed))


def _edit_switches(answers: dict[str, object], on: list[str], off: list[str]) -> list[str]:
    """Turn config switches on and off in place; returns the keys turned off."""
    from . import SWITCHES
    from .values import check_choice

    for key in on + off:
        check_choice(key, catalog.CONFIG)
    _check_apart("option", on, off)
    for key in dict.fromkeys(off):
        if not answers.get(key):
            chosen = [name for name in SWITCHES if answers.get(name)]
            raise _not_chosen("option", key, chosen)
        answers[key] = False
    for key in on:
        answers[key] = True
    return list(dict.fromkeys(off))


def _edit_routes(routes: list[object], added: list[object], removed: list[object]) -> None:
    """Add and remove routes in place; a route is removed by its 'METHOD /path'."""
    from .resources import parse_entry

    added = [parse_entry(item).answers() if isinstance(item, str) else item for item in added]
    labels = [_label(parse_entry(item) if isinstance(item, str) else item) for item in removed]
    _check_apart("route", [_label(item) for item in added], labels)
    for label in dict.fromkeys(labels):
        kept = [route for route in routes if _label(route) != label]
        if len(kept) == len(routes):
            raise _not_chosen("route", label, [_label(route) for route in routes])
        routes[:] = kept
    routes.extend(added)


def _label(route: object) -> str:
    from .resources import entry_label

    return entry_label(route)


def _copy(values: object) -> object:
    return dict(values) if isinstance(values, dict) else values


def _merge_settings(
    current: dict[str, dict[str, object]], settings: object
) -> dict[str, dict[str, object]]:
    """`current` with each choice's `settings` merged over its own."""
    if settings is None:
        return current
    if not isinstance(settings, dict):
        raise SpecError(f"settings {settings!r} must map middleware keys to settings")
    for key, values in settings.items():
        for given in (values, current.get(key, {})):
            if not isinstance(given, dict):
                raise SpecError(f"settings of {key!r} must be a mapping")
        current[key] = {**current.get(key, {}), **values}
    return current
