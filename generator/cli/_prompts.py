"""The questions `dualgen new` asks at a terminal, cookiecutter-style.

Every answer is checked as it is typed (Click's `value_proc`): a bad one is asked again at once
with the one-line reason, so no answer is lost. Only what the flags and the answer file left open
is asked, each question showing its default. Nothing is written until every answer is in, so
Ctrl-C (or Ctrl-D) at any question leaves nothing behind.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from .. import catalog
from .. import spec as specs
from ..catalog import listing
from ..errors import DualgenError
from ..signals import Interrupted
from ..spec import Answers
from ..spec.resources import parse_entry
from .options import broken

#: The answer that clears the middleware list.
NONE = "none"


def _checked(check: Callable[[str], object]) -> Callable[[str], object]:
    """A value_proc: the check's SpecError becomes Click's re-ask with the reason."""

    def proc(text: str) -> object:
        try:
            return check(text)
        except (DualgenError, click.BadParameter) as error:  # Click prints it after "Error: "
            reason = error.message if isinstance(error, click.BadParameter) else str(error)
            raise click.BadParameter("\n".join(broken(reason, first=len("Error: ")))) from None

    return proc


def _ask(text: str, check: Callable[[str], object], default: str, shown: str | None = None):
    """Ask until check accepts the answer; a blank answer is `default` (shown as `shown`)."""
    shown = default if shown is None else shown
    label = _question(f"{text} [{shown}]" if shown else text)
    return click.prompt(label, default=default, show_default=False, value_proc=_checked(check))


def ask(current: Answers, frameworks: tuple[str, ...]) -> Answers:
    """The answers after asking for what `current` (answer file and flags) leaves open.

    `current` is not yet merged with its preset; the result is, and it replaces `current`
    (the middleware list in it is the user's final list, not an addition).
    """
    try:
        return _ask_all(current, frameworks)
    except (click.Abort, Interrupted):  # Ctrl-D, or a signal: Ctrl-C, SIGTERM, SIGHUP
        click.echo(err=True)  # the cursor is still after the question
        raise


def _ask_all(current: Answers, frameworks: tuple[str, ...]) -> Answers:
    answers: Answers = dict(current)  # type: ignore[assignment]  # a copy
    if "name" not in answers:
        answers["name"] = _ask("Project name", specs.check_name, catalog.DEFAULT_NAME)
    if "preset" not in answers and not answers.get("classic"):
        chosen: Any = _ask_preset()  # a preset's name; below, the chosen middleware
        if chosen is not None:
            answers["preset"] = chosen
    answers = specs.expand_presets(answers)
    if answers.get("classic"):
        return answers  # the article's programs take no other choice
    if "port" not in answers:
        answers["port"] = _ask("Port", _port, "", shown=_default_ports(frameworks))
    if "host" not in answers:
        answers["host"] = _ask("Host", _host(answers.get("debug") is True), catalog.DEFAULT_HOST)
    if "middleware" not in current:
        before = list(answers.get("middleware", []))  # type: ignore[call-overload]  # a preset's list
        chosen = _ask_middleware(before)
        removed = [key for key in before if key not in chosen]
        # The answer is the final list, in catalog order; edit drops the removed ones' settings.
        answers = specs.edit(answers, remove=removed)
        answers["middleware"] = chosen
    answers = _ask_settings(answers)
    chosen = answers.get("middleware", [])
    if "routes" not in current:
        answers["routes"] = _ask_routes(list(answers.get("routes", [])), chosen)  # type: ignore[call-overload]
    for choice in catalog.CONFIG:
        if choice.key not in current and choice.asked:
            answers[choice.key] = _confirm_switch(choice, answers)  # type: ignore[literal-required]  # a switch
    if "debug" not in answers and _debug_allowed(answers):
        answers["debug"] = click.confirm(
            _question("Debug mode: the reloader and the interactive debugger (development only)"),
            default=False,
        )
    return answers


def _host(debug: bool) -> Callable[[str], str]:
    def check(text: str) -> str:
        host = specs.check_host(text)
        if debug and not specs.is_loopback(host):
            raise click.BadParameter(
                f"host {host!r} with --debug would expose the debugger to the network; "
                "use 127.0.0.1 or localhost"
            )
        return host

    return check


#: Switches that debug mode excludes (spec refuses them together).
_NOT_WITH_DEBUG = ("production-server", "docker")


def _confirm_switch(choice: catalog.Choice, answers: Answers) -> bool:
    """A yes/no question; yes is asked again when the flags already chose debug mode."""
    while True:
        default = bool(answers.get(choice.key, False))
        value = click.confirm(_question(f"{choice.title}: {choice.help}"), default=default)
        if not (value and answers.get("debug") is True and choice.key in _NOT_WITH_DEBUG):
            return value
        click.echo(f"Error: {choice.key} is refused with --debug; answer n or drop --debug")


def _echo_wrapped(text: str, indent: int = 0) -> None:
    """A paragraph wrapped to the terminal, later lines indented to stand under its text."""
    for line in broken(text, indent=indent):
        click.echo(line)


#: What Click adds after a question (": ", or " [y/N]: " for a yes/no one), kept on the
#: question's last line by a filler no text holds.
_ANSWER_ROOM, _ROOM = len(" [y/N]: "), "\x01"


def _question(text: str) -> str:
    """A question broken at spaces to fit the terminal, with room on its last line for what
    Click adds (Click asks it whole again after a bad answer)."""
    return "\n".join(broken(text + _ROOM * _ANSWER_ROOM)).rstrip(_ROOM)


def _default_ports(frameworks: tuple[str, ...]) -> str:
    ports = [f"{catalog.DEFAULT_PORTS[name]}" for name in frameworks]
    if len(ports) == 1:
        return ports[0]
    return ", ".join(
        f"{port} for {name.title()}" for port, name in zip(ports, frameworks, strict=True)
    )


def _port(text: str) -> int | None:
    return specs.check_port(text) if text.strip() else None


def _ask_preset() -> str | None:
    """A numbered choice, as cookiecutter asks for one: None is the default project."""
    names = [None, *catalog.PRESETS]
    click.echo("Preset:")
    for number, name in enumerate(names, 1):
        _echo_wrapped(f"{number} - {name or NONE}: {listing.preset_summary(name)}", indent=2)
    numbers = [str(number) for number in range(1, len(names) + 1)]

    def pick(text: str) -> str | None:
        text = text.strip()
        if text in numbers:
            return names[int(text) - 1]
        if text in catalog.PRESETS:
            return text
        if text == NONE:
            return None
        raise click.BadParameter(
            f"{text!r} is not one of {', '.join(numbers)} (or a preset name: "
            f"{', '.join(catalog.PRESETS)})"
        )

    return click.prompt(
        f"Choose from {', '.join(numbers)}", default="1", show_default=True, value_proc=pick
    )


def _ask_middleware(current: list[str]) -> list[str]:
    """The middleware list, edited: a plain list replaces it, +KEY adds, -KEY removes."""
    keys = [choice.key for choice in catalog.MIDDLEWARE]
    _echo_wrapped(f"Middleware, in the order it runs: {', '.join(keys)} (see `dualgen options`).")

    def edit(text: str) -> list[str]:
        items = [item for item in text.replace(",", " ").split() if item]
        if items == [NONE]:
            return []
        relative = any(item[0] in "+-" for item in items)
        added = [item.lstrip("+-") for item in items if item[0] != "-"]
        removed = [item.lstrip("+-") for item in items if item[0] == "-"]
        answers = {"middleware": list(current) if relative else []}
        result = specs.edit(answers, add=added, remove=removed).get("middleware", [])
        return [key for key in keys if key in result]  # type: ignore[operator]  # edit's list

    shown = ", ".join(current) or NONE
    return _ask("Middleware (a list replaces it; +KEY adds, -KEY removes)", edit, shown)


def _ask_settings(answers: Answers) -> Answers:
    """The answers with every setting of the chosen middleware that they leave open asked."""
    chosen, given = answers.get("middleware", []), answers.get("settings", {})
    if not (isinstance(chosen, list) and isinstance(given, dict)):
        return answers  # build names what is wrong
    for key in chosen:
        values = given.get(key, {})
        if key not in catalog.CHOICES or not isinstance(values, dict):
            continue
        for setting in catalog.CHOICES[key].settings:
            if setting.key not in values:
                value = _ask_setting(key, setting)
                answers = specs.edit(answers, settings={key: {setting.key: value}})
    return answers


def _ask_setting(key: str, setting: catalog.Setting) -> object:
    choice = catalog.CHOICES[key]
    default = ",".join(setting.default) if setting.is_list else str(setting.default)  # type: ignore[arg-type]  # a tuple
    what = " (comma-separated)" if setting.is_list else ""
    if setting.kind == "number":
        what = f" ({setting.minimum}-{setting.maximum})"

    def check(text: str) -> object:
        spec = specs.build({"middleware": [key], "settings": {key: {setting.key: text}}})
        value = spec.setting(key, setting.key)
        return list(value) if isinstance(value, list | tuple) else value

    label = f"{choice.title}, {setting.key}: {setting.help.rstrip('.')}{what}"
    return _ask(label, check, default)


def _ask_routes(routes: list[object], middleware: list[str]) -> list[object]:
    """Routes one at a time until a blank answer; each checked against those before it."""
    labels = [_label(item) for item in routes]
    if "GET /" not in labels:
        labels.insert(0, "GET / (Hello World)")
    click.echo(f"Routes so far: {', '.join(labels)}")

    def add(text: str) -> object:
        if not text.strip():
            return None
        route = parse_entry(text.strip())
        specs.build(specs.edit({"middleware": middleware, "routes": routes}, add_routes=[route]))
        return route

    while True:
        route = _ask(
            "Add a route, e.g. GET /users/{id:int} or resource /items name:str (blank when done)",
            add,
            "",
            "",
        )
        if route is None:
            return routes
        routes.append(route)


def _label(route: object) -> str:
    if isinstance(route, dict) and "resource" in route:
        return f"resource {route.get('resource')}"
    if isinstance(route, dict):
        return f"{str(route.get('method', '?')).upper()} {route.get('path', '?')}"
    return getattr(route, "label", str(route))


def _debug_allowed(answers: Answers) -> bool:
    """Debug is offered only where it is allowed: a loopback host, no production server."""
    host = str(answers.get("host", catalog.DEFAULT_HOST))
    return specs.is_loopback(host) and not (
        answers.get("production-server") or answers.get("docker")
    )
