"""ProjectSpec: the validated choices of one project, built from defaults, presets, answer files
and flags, in that order, and validated once."""

from __future__ import annotations

import difflib
import ipaddress
import keyword
import re
import unicodedata
from dataclasses import dataclass, field, replace

from .. import catalog
from ..errors import SpecError
from .answers import MAX_ANSWER_FILE as MAX_ANSWER_FILE
from .answers import dump_answers as dump_answers
from .answers import load_answers as load_answers
from .routes import Route, check_routes, hello_route, make_route, route_contexts

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
_HOSTNAME = re.compile(
    r"(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*"
)
#: The origins setting that allows every origin (Access-Control-Allow-Origin: *).
ANY_ORIGIN = "*"
# No IPv6 literals: flask-cors reads an origin holding [ or ] as a regular expression.
_ORIGIN = re.compile(r"(https?)://[A-Za-z0-9.-]+(?::([0-9]{1,5}))?")
#: A browser leaves these out of the Origin it sends.
_DEFAULT_PORTS = {"http": "80", "https": "443"}
_DIGITS = re.compile(r"[0-9]{1,12}")
#: The TCP ports a server can listen on, an origin or a Redis URL can name.
PORTS = range(1, 65536)


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

    def answers(self) -> dict[str, object]:
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
        data |= {key: key in self.switches for key in SWITCHES}
        return data

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
        values["_dualgen"] = {"routes": route_contexts(self.routes)}
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


def slugify(name: str) -> str:
    """The folder name, exactly as cookiecutter's `slugify` filter (python-slugify) makes it."""
    from slugify import slugify as python_slugify

    return python_slugify(name)


def _name_char(char: str) -> bool:
    return unicodedata.category(char)[0] in "LMN" or char in " -_.'"


def check_name(name: object) -> str:
    if not isinstance(name, str):
        raise SpecError(f"name {name!r} must be text, such as 'hello-api'")
    if not name.strip():
        raise SpecError(f"name {name!r} is empty; give a project name such as 'hello-api'")
    if len(name) > 100:
        raise SpecError(f"name {name[:20]!r}… is {len(name)} characters long; the limit is 100")
    if "/" in name or "\\" in name or name.strip() in (".", ".."):
        raise SpecError(f"name {name!r} is a path; give a plain name, the folder is --output-dir")
    bad = next((char for char in name if not _name_char(char)), None)
    if bad is not None:
        raise SpecError(f"name {name!r} holds {bad!r}; use letters, digits, spaces and - _ . '")
    slug = slugify(name)
    if not slug or not slug[0].isalpha():
        raise SpecError(
            f"name {name!r} gives the folder name {slug!r}; it must start with a letter a-z"
        )
    if len(slug) > 100:
        raise SpecError(
            f"name {name[:20]!r}… gives a folder name of {len(slug)} characters; the limit is 100"
        )
    package = slug.replace("-", "_")
    if keyword.iskeyword(package):
        raise SpecError(
            f"name {name!r} gives the package name {package!r}, a Python keyword; choose another"
        )
    if package in _reserved_names():
        raise SpecError(
            f"name {name!r} gives the package name {slug!r}, which a generated project already "
            "uses (a module, a folder or a dependency); choose another name"
        )
    return name.strip()


def _reserved_names() -> frozenset[str]:
    """Package names a project cannot take: its own files, its dependencies, the stdlib."""
    import sys

    own = {"app", "server", "routes", "static", "tests", "test", "node_modules"}
    packages = {name.replace("-", "_").lower() for pins in catalog.PINS.values() for name in pins}
    modules = set(catalog.DEPENDENCY_MODULES)
    return frozenset(own | packages | modules | set(sys.stdlib_module_names))


def _whole_number(value: object) -> object:
    """'42' -> 42; other text stays as it is (only ASCII digits make a number here)."""
    if isinstance(value, str) and _DIGITS.fullmatch(value.strip()):
        return int(value.strip())
    return value


def check_port(port: object) -> int:
    port = _whole_number(port)
    if isinstance(port, bool) or not isinstance(port, int) or port not in PORTS:
        raise SpecError(f"port {port!r} is not a number from 1 to 65535")
    return port


def check_host(host: object) -> str:
    """An IP address (without an IPv6 zone id) or a host name, normalised."""
    if isinstance(host, str) and "%" not in host:
        try:
            return str(ipaddress.ip_address(host))
        except ValueError:
            if _HOSTNAME.fullmatch(host):
                return host
    raise SpecError(
        f"host {host!r} is not an IP address or a host name such as 127.0.0.1 or 0.0.0.0 "
        "(IPv6 zone ids are not accepted)"
    )


def is_loopback(host: str) -> bool:
    """Whether host only ever means this machine: localhost or a loopback address."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _check_bool(key: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise SpecError(f"{key} {value!r} must be true or false")
    return value


def _setting(key: str, name: object) -> catalog.Setting:
    choice = catalog.CHOICES[key]
    setting = next((s for s in choice.settings if s.key == name), None)
    if setting is None:
        raise unknown("setting", name, [s.key for s in choice.settings], where=f" of {key}")
    return setting


def _check_setting(key: str, name: str, value: object) -> object:
    setting = _setting(key, name)
    return _SETTING_CHECKS[setting.kind](f"{key}.{name}", setting, value)


def _check_origins(where: str, setting: catalog.Setting, value: object) -> tuple[str, ...]:
    items = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, list | tuple) or not items:
        raise SpecError(f"{where} {value!r} must be a list of origins")
    if any(isinstance(item, str) and item.strip() == ANY_ORIGIN for item in items):
        if len(items) > 1:
            raise SpecError(
                f"{where} {value!r}: * allows every origin and stands alone; give * or a "
                "list of origins"
            )
        return (ANY_ORIGIN,)  # any page, never with credentials (catalog: cors)
    for item in items:
        match = _ORIGIN.fullmatch(item.strip()) if isinstance(item, str) else None
        if not match:
            raise SpecError(
                f"{where}: {item!r} is not an origin like https://app.example.com:8443 "
                "(no IPv6 literals: flask-cors would read the brackets as a pattern)"
            )
        scheme, port = match.groups()
        if port is None:
            continue
        if port != str(int(port)) or int(port) not in PORTS:
            raise SpecError(f"{where}: {item!r} has port {port}; a port is 1 to 65535")
        if port == _DEFAULT_PORTS[scheme]:
            sent = item.strip().removesuffix(f":{port}")
            raise SpecError(
                f"{where}: {item!r} names {scheme}'s default port, which a browser leaves out "
                f"of the Origin it sends: write {sent}"
            )
    return tuple(dict.fromkeys(item.strip() for item in items))


def _check_number(where: str, setting: catalog.Setting, value: object) -> int:
    value = _whole_number(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise SpecError(f"{where} {value!r} must be a whole number")
    if not setting.minimum <= value <= setting.maximum:
        raise SpecError(f"{where} {value} is out of range {setting.minimum}..{setting.maximum}")
    return value


# redis:// or rediss://, a host (a name, IPv4, or IPv6 in brackets), a port, a database number.
# No user, password or query: credentials belong in REDIS_URL at run time, never in the code.
_REDIS_URL = re.compile(
    r"(?P<scheme>rediss?)://(?P<host>\[[0-9A-Fa-f:.]{2,45}\]|[A-Za-z0-9.-]{1,253})"
    r"(?::(?P<port>[0-9]{1,5}))?(?:/(?P<db>[0-9]{1,2}))?"
)


def _check_storage(where: str, setting: catalog.Setting, value: object) -> str:
    """memory:// or a Redis URL of the closed form above, normalised."""
    if value == "memory://":
        return value
    found = _REDIS_URL.fullmatch(value) if isinstance(value, str) else None
    host = found and found["host"]
    if found and host.startswith("["):
        try:
            host = f"[{ipaddress.IPv6Address(host[1:-1])}]"
        except ValueError:
            found = None
    elif found and not _HOSTNAME.fullmatch(host):
        found = None
    if found is None or int(found["port"] or 6379) not in PORTS:
        raise SpecError(
            f"{where} {value!r} is not memory:// or a Redis URL like redis://localhost:6379/0 "
            "(no password: set REDIS_URL at run time for that)"
        )
    port = f":{found['port']}" if found["port"] else ""
    db = f"/{found['db']}" if found["db"] else ""
    return f"{found['scheme']}://{host}{port}{db}"


def _check_one_of(where: str, setting: catalog.Setting, value: object) -> str:
    if value not in setting.choices:
        raise SpecError(f"{where} {value!r} is not one of: {', '.join(setting.choices)}")
    return value


#: How each kind of setting is checked (catalog.Setting.kind).
_SETTING_CHECKS = {
    "origins": _check_origins,
    "number": _check_number,
    "storage": _check_storage,
    "choice": _check_one_of,
}


def check_choice(key: object, group: tuple[catalog.Choice, ...]) -> str:
    keys = [choice.key for choice in group]
    if not isinstance(key, str) or key not in keys:
        raise unknown("middleware" if group is catalog.MIDDLEWARE else "option", key, keys)
    return key


def preset(name: object) -> dict[str, object]:
    if not isinstance(name, str) or name not in catalog.PRESETS:
        raise unknown("preset", name, list(catalog.PRESETS))
    return catalog.PRESETS[name]


def unknown(kind: str, value: object, allowed: list[str], where: str = "") -> SpecError:
    """The one-line error for a value of `kind` not among `allowed`, naming the closest allowed
    key when one is near (a typo): "middleware 'cors2' is unknown; did you mean 'cors'? ..."."""
    near = difflib.get_close_matches(value, allowed) if isinstance(value, str) else []
    hint = f" did you mean {near[0]!r}?" if near else ""
    allowed_text = ", ".join(allowed) or "none"
    return SpecError(f"{kind} {value!r}{where} is unknown;{hint} allowed: {allowed_text}")


def merge(*layers: dict[str, object]) -> dict[str, object]:
    """Merge answer layers, later ones winning; middleware and routes add up, settings merge."""
    merged: dict[str, object] = {}
    for layer in layers:
        for key, value in layer.items():
            if key in ("middleware", "routes") and key in merged and isinstance(value, list):
                merged[key] = [*merged[key], *value]
            elif (
                key == "settings" and isinstance(value, dict) and isinstance(merged.get(key), dict)
            ):
                settings = {k: dict(v) for k, v in merged[key].items()}
                for choice, values in value.items():
                    settings.setdefault(choice, {}).update(
                        values if isinstance(values, dict) else {}
                    )
                merged[key] = settings
            else:
                merged[key] = value
    return merged


def expand_presets(answers: dict[str, object]) -> dict[str, object]:
    """Replace a `preset` key by the preset's answers, under the rest."""
    if "preset" not in answers:
        return answers
    rest = {key: value for key, value in answers.items() if key != "preset"}
    return merge(preset(answers["preset"]), rest)


def build(answers: dict[str, object]) -> ProjectSpec:
    """Validate merged answers and return the spec. Raises SpecError naming the bad value."""
    answers = expand_presets(answers)
    strange = [key for key in answers if key not in ANSWER_KEYS]
    if strange:
        raise unknown("answer key", strange[0], list(ANSWER_KEYS[1:]))
    spec = ProjectSpec()
    if "name" in answers:
        spec = replace(spec, name=check_name(answers["name"]))
    if answers.get("port") is not None:
        spec = replace(spec, port=check_port(answers["port"]))
    if "host" in answers:
        spec = replace(spec, host=check_host(answers["host"]))
    for key in ("debug", "classic"):
        if key in answers:
            spec = replace(spec, **{key: _check_bool(key, answers[key])})
    if spec.classic:
        if "debug" in answers and not spec.debug:
            raise SpecError(
                "classic with debug false is refused: the article's Flask program runs "
                "app.run(debug=True); drop --no-debug, or leave classic out"
            )
        spec = replace(spec, debug=True)
    middleware = answers.get("middleware", [])
    if not isinstance(middleware, list):
        raise SpecError(f"middleware {middleware!r} must be a list of keys")
    chosen = {check_choice(key, catalog.MIDDLEWARE) for key in middleware}
    spec = replace(spec, middleware=tuple(c.key for c in catalog.MIDDLEWARE if c.key in chosen))
    if answers.get("docker") is True:
        # A container is for production: it runs the production server, never a development one
        # (older answer files record production-server: false beside docker: true).
        answers = {**answers, "production-server": True}
    switches = tuple(key for key in SWITCHES if _check_bool(key, answers.get(key, False)))
    spec = replace(spec, switches=switches)

    settings_in = answers.get("settings", {})
    if not isinstance(settings_in, dict):
        raise SpecError(f"settings {settings_in!r} must map middleware keys to their settings")
    for key, values in settings_in.items():
        if not (key in catalog.CHOICES and catalog.CHOICES[key].settings):  # config has some too
            check_choice(key, catalog.MIDDLEWARE)
        if not isinstance(values, dict):
            raise SpecError(f"settings of {key} {values!r} must be a mapping")
        if key not in spec.choices():
            how = f"-m {key}" if catalog.CHOICES[key] in catalog.MIDDLEWARE else f"--{key}"
            raise SpecError(
                f"settings of {key} are given but {key} is not chosen; add it with {how}"
            )
        for name in values:
            _setting(key, name)
    settings = {
        key: {
            s.key: _check_setting(key, s.key, settings_in.get(key, {}).get(s.key, s.default))
            for s in catalog.CHOICES[key].settings
        }
        for key in spec.choices()
        if catalog.CHOICES[key].settings
    }
    spec = replace(spec, settings=settings)

    routes_in = answers.get("routes", [])
    if not isinstance(routes_in, list):
        raise SpecError(f"routes {routes_in!r} must be a list of mappings")
    routes = [item if isinstance(item, Route) else make_route(item) for item in routes_in]
    if not any(route.method == "GET" and route.path == "/" for route in routes):
        routes.insert(0, hello_route())
    reserved = {
        prefix: f"the {key} middleware"
        for key in spec.middleware
        for prefix in catalog.CHOICES[key].reserved_paths
    }
    spec = replace(spec, routes=tuple(check_routes(routes, reserved)))
    return _check_conflicts(spec)


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
        spec.choices() or len(spec.routes) > 1 or spec.port or spec.host != catalog.DEFAULT_HOST
    ):
        raise SpecError(
            "classic reproduces the article's programs exactly; it takes no other choice "
            "(use the default project to add middleware, routes or config)"
        )
    return spec
