"""ProjectSpec: the validated choices of one project, built from defaults, presets, answer files
and flags, in that order, and validated once."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, cast

from .. import catalog
from ..errors import SpecError
from .answers import MAX_ANSWER_FILE as MAX_ANSWER_FILE
from .answers import Answers as Answers
from .answers import dump_answers as dump_answers
from .answers import load_answers as load_answers
from .editing import edit as edit
from .resources import Resource, check_resources, is_resource, make_resource
from .routes import Route, check_routes, hello_route, make_route, route_contexts
from .values import (
    PORTS,
    check_bool,
    check_choice,
    check_host,
    check_name,
    check_port,
    check_setting,
    is_loopback,
    setting_of,
    slugify,
    unknown,
)

__all__ = [
    "ANSWER_KEYS",
    "Answers",
    "as_context",
    "build",
    "check_bool",
    "check_choice",
    "check_host",
    "check_name",
    "check_port",
    "check_setting",
    "edit",
    "expand_presets",
    "FIELDS",
    "is_loopback",
    "jinja_literal",
    "merge",
    "PORTS",
    "preset",
    "ProjectSpec",
    "setting_of",
    "slugify",
    "SWITCHES",
    "unknown",
]

#: Every field of an answer file and the kind of value it takes: the one schema that `build`
#: validates, `context` makes data, and the tests walk
#: (tests/unit/spec/test_spec_hostile_fields.py).
#: The fields inside settings and routes come from the catalog and routes.ROUTE_KEYS.
SWITCHES = tuple(choice.key for choice in catalog.CONFIG)
FIELDS: dict[str, str] = {
    "dualgen": "version",
    "preset": "preset",
    "name": "name",
    "port": "port",
    "host": "host",
    "debug": "bool",
    "classic": "bool",
    "middleware": "middleware",
    "settings": "settings",
    "routes": "routes",
    **{key: "bool" for key in SWITCHES},
}
ANSWER_KEYS = tuple(FIELDS)


@dataclass(frozen=True)
class ProjectSpec:
    """Everything that decides a generated project, for either framework."""

    name: str = catalog.DEFAULT_NAME
    port: int | None = None
    host: str = catalog.DEFAULT_HOST
    debug: bool = False
    classic: bool = False
    middleware: tuple[str, ...] = ()
    settings: dict[str, dict[str, object]] = field(default_factory=dict)
    routes: tuple[Route, ...] = (hello_route(),)
    switches: tuple[str, ...] = ()
    #: Typed collections with CRUD routes (spec/resources.py); in answer files, among routes.
    resources: tuple[Resource, ...] = ()

    @property
    def slug(self) -> str:
        return slugify(self.name)

    def port_for(self, framework: str) -> int:
        return self.port if self.port is not None else catalog.DEFAULT_PORTS[framework]

    def choices(self) -> list[str]:
        """Every chosen catalog key, middleware then config switches."""
        return [*self.middleware, *self.switches]

    def setting(self, key: str, name: str) -> object:
        choice = catalog.CHOICES[key]
        default = next(s.default for s in choice.settings if s.key == name)
        value = self.settings.get(key, {}).get(name, default)
        return list(value) if isinstance(value, tuple) else value

    def answers(self) -> Answers:
        """The spec as a complete answer file: rendering it again gives the same project."""
        data: dict[str, object] = {"name": self.name}
        if self.port is not None:
            data["port"] = self.port
        data |= {"host": self.host, "debug": self.debug, "classic": self.classic}
        data["middleware"] = list(self.middleware)
        settings = {
            key: {s.key: self.setting(key, s.key) for s in catalog.CHOICES[key].settings}
            for key in self.choices()
            if catalog.CHOICES[key].settings
        }
        if settings:
            data["settings"] = settings
        data["routes"] = [route.answers() for route in self.routes]
        data["routes"] += [resource.answers() for resource in self.resources]  # type: ignore[operator]  # a list
        data |= {key: key in self.switches for key in SWITCHES}
        return cast(Answers, data)  # its keys are FIELDS' keys

    def context(self, framework: str) -> dict[str, object]:
        """The cookiecutter extra_context for one framework, every value made data."""
        values: dict[str, object] = {
            "project_name": self.name,
            "project_slug": self.slug,
            "port": str(self.port_for(framework)),
            "host": self.host,
            "debug": self.debug,
            "classic": self.classic,
        }
        for choice in catalog.MIDDLEWARE + catalog.CONFIG:
            values[choice.var] = choice.key in self.choices()
            for setting in choice.settings:
                value = self.setting(choice.key, setting.key)
                text = ",".join(value) if isinstance(value, list) else str(value)
                values[choice.setting_var(setting)] = text
        values["_dualgen"] = {
            "routes": route_contexts(self.routes),
            "resources": [resource.context() for resource in self.resources],
        }
        return as_context(values)


def as_context(values: dict[str, object]) -> dict[str, object]:
    """The one boundary between answers and cookiecutter: no value ever reaches Jinja as source.

    Cookiecutter renders every public context value as a Jinja template; text is wrapped so that
    rendering gives it back unchanged, flags stay flags, and private (`_name`) values, which
    cookiecutter never renders, carry structured data. Anything else is a programming error.
    """
    context: dict[str, object] = {}
    for key, value in values.items():
        if key.startswith("_") and not key.startswith("__"):
            context[key] = value
        elif isinstance(value, bool):
            context[key] = value
        elif isinstance(value, str):
            context[key] = jinja_literal(value)
        else:
            raise TypeError(f"context value {key!r} must be text, a flag or private data")
    return context


def jinja_literal(text: str) -> str:
    """Text that cookiecutter's rendering of a variable gives back unchanged.

    Anything Jinja would read (tags, comments, line breaks it normalises) goes in as one string
    literal expression, every character escaped, so no part of it is ever parsed as template.
    """
    if not any(char in text for char in "{%#\r\n"):
        return text
    escaped = text.encode("unicode_escape").decode("ascii").replace("'", "\\'")
    return "{{ '" + escaped + "' }}"


def preset(name: object) -> Answers:
    if not isinstance(name, str) or name not in catalog.PRESETS:
        raise unknown("preset", name, list(catalog.PRESETS))
    return cast(Answers, catalog.PRESETS[name])  # answer-file keys (tests/unit/test_types.py)


def merge(*layers: Answers) -> Answers:
    """Merge answer layers, later ones winning; middleware and routes add up, settings merge.

    Raises SpecError when a layer's middleware or routes are not a list or its settings not a
    mapping of mappings: such a layer cannot be merged (`build` gives the same message alone).
    """
    merged: dict[str, object] = {}
    for layer in layers:
        check_shapes(layer)
        for key, value in layer.items():
            if key in ("middleware", "routes") and key in merged:
                merged[key] = [*cast(list[object], merged[key]), *cast(list[object], value)]
            elif key == "settings" and key in merged:
                settings = {
                    choice: dict(values)
                    for choice, values in cast(dict[str, dict[str, object]], merged[key]).items()
                }
                for choice, values in cast(dict[str, dict[str, object]], value).items():
                    settings.setdefault(choice, {}).update(values)
                merged[key] = settings
            else:
                merged[key] = value
    return cast(Answers, merged)  # the keys of its layers


def check_shapes(answers: Answers) -> None:
    """Middleware and routes are lists, settings a mapping of mappings, or SpecError."""
    if "middleware" in answers and not isinstance(answers["middleware"], list):
        raise SpecError(f"middleware {answers['middleware']!r} must be a list of keys")
    if "routes" in answers and not isinstance(answers["routes"], list):
        raise SpecError(f"routes {answers['routes']!r} must be a list of mappings")
    settings = answers.get("settings", {})
    if not isinstance(settings, dict):
        raise SpecError(f"settings {settings!r} must map middleware keys to their settings")
    for key, values in settings.items():
        if not isinstance(values, dict):
            raise SpecError(f"settings of {key} {values!r} must be a mapping")


def expand_presets(answers: Answers) -> Answers:
    """Replace a `preset` key by the preset's answers, under the rest."""
    if "preset" not in answers:
        return answers
    rest = {key: value for key, value in answers.items() if key != "preset"}
    return merge(preset(answers["preset"]), cast(Answers, rest))  # answers less one key


def build(answers: Answers) -> ProjectSpec:
    """Validate merged answers and return the spec. Raises SpecError naming the bad value."""
    answers = expand_presets(answers)
    check_shapes(answers)
    strange = [key for key in answers if key not in ANSWER_KEYS]
    if strange:
        raise unknown("answer key", strange[0], list(ANSWER_KEYS[1:]))
    if answers.get("docker") is True:
        # A container is for production: it runs the production server, never a development one
        # (older answer files record production-server: false beside docker: true).
        answers = {**answers, "production-server": True}
    spec = _choices(_basics(answers), answers)
    spec = replace(spec, settings=_settings(spec, answers))
    routes, resources = _routes(spec, answers)
    return _check_conflicts(replace(spec, routes=routes, resources=resources))


def _basics(answers: Answers) -> ProjectSpec:
    """The name, port, host, debug and classic answers."""
    spec = ProjectSpec()
    if "name" in answers:
        spec = replace(spec, name=check_name(answers["name"]))
    if answers.get("port") is not None:
        spec = replace(spec, port=check_port(answers["port"]))
    if "host" in answers:
        spec = replace(spec, host=check_host(answers["host"]))
    for key in ("debug", "classic"):
        if key in answers:
            spec = replace(spec, **{key: check_bool(key, answers[key])})  # type: ignore[arg-type]  # two bool fields
    if spec.classic:
        if "debug" in answers and not spec.debug:
            raise SpecError(
                "classic with debug false is refused: the article's Flask program runs "
                "app.run(debug=True); drop --no-debug, or leave classic out"
            )
        spec = replace(spec, debug=True)
    return spec


def _choices(spec: ProjectSpec, answers: Answers) -> ProjectSpec:
    """The middleware (in catalog order) and the config switches chosen."""
    middleware = cast(list[object], answers.get("middleware", []))  # check_shapes
    chosen = {check_choice(key, catalog.MIDDLEWARE) for key in middleware}
    spec = replace(spec, middleware=tuple(c.key for c in catalog.MIDDLEWARE if c.key in chosen))
    switches = tuple(key for key in SWITCHES if check_bool(key, answers.get(key, False)))
    return replace(spec, switches=switches)


def _settings(spec: ProjectSpec, answers: Answers) -> dict[str, dict[str, object]]:
    """Every setting of every chosen choice: the answer's value checked, or the default."""
    settings_in = cast(dict[str, dict[str, object]], answers.get("settings", {}))  # check_shapes
    for key, values in settings_in.items():
        if not (key in catalog.CHOICES and catalog.CHOICES[key].settings):  # config has some too
            check_choice(key, catalog.MIDDLEWARE)
        if key not in spec.choices():
            how = f"-m {key}" if catalog.CHOICES[key] in catalog.MIDDLEWARE else f"--{key}"
            raise SpecError(
                f"settings of {key} are given but {key} is not chosen; add it with {how}"
            )
        for name in values:
            setting_of(key, name)
    return {
        key: {
            s.key: check_setting(key, s.key, settings_in.get(key, {}).get(s.key, s.default))
            for s in catalog.CHOICES[key].settings
        }
        for key in spec.choices()
        if catalog.CHOICES[key].settings
    }


def _routes(spec: ProjectSpec, answers: Answers) -> tuple[tuple[Route, ...], tuple[Resource, ...]]:
    """The routes, Hello World's GET / first unless one is given, and the resources, checked
    against each other and the paths the chosen middleware reserve."""
    routes_in = cast("list[Any]", answers.get("routes", []))  # check_shapes; items checked here
    resources = check_resources(
        [
            item if isinstance(item, Resource) else make_resource(item)
            for item in routes_in
            if is_resource(item)
        ]
    )
    routes = [
        item if isinstance(item, Route) else make_route(item)
        for item in routes_in
        if not is_resource(item)
    ]
    if not any(route.method == "GET" and route.path == "/" for route in routes):
        routes.insert(0, hello_route())
    reserved = {
        prefix: f"the {key} middleware"
        for key in spec.middleware
        for prefix in catalog.CHOICES[key].reserved_paths
    }
    owned = [route for resource in resources for route in resource.routes()]
    check_routes(routes + owned, reserved)
    return tuple(routes), resources


def _check_conflicts(spec: ProjectSpec) -> ProjectSpec:
    if spec.debug and not is_loopback(spec.host):
        raise SpecError(
            f"debug with host {spec.host!r} would expose the debugger to the network; "
            "use debug only with 127.0.0.1 or localhost"
        )
    if spec.debug and "docker" in spec.switches:
        raise SpecError("debug with docker is refused: the container listens on 0.0.0.0")
    if spec.debug and "production-server" in spec.switches:
        raise SpecError(
            "debug with production-server is refused: a production server never runs in debug"
        )
    if spec.classic and (
        spec.choices()
        or len(spec.routes) > 1
        or spec.resources
        or spec.port
        or spec.host != catalog.DEFAULT_HOST
    ):
        raise SpecError(
            "classic reproduces the article's programs exactly; it takes no other choice "
            "(use the default project to add middleware, routes or config)"
        )
    return spec
