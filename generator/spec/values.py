"""The checks each answer value passes on its way into a ProjectSpec: the name, port and host,
the switches, and each setting by its kind (number, origins, storage URL, one of), each
refusal a SpecError of one line naming the value and what is allowed."""

from __future__ import annotations

import difflib
import ipaddress
import keyword
import re
import unicodedata

from .. import catalog
from ..errors import SpecError

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


def check_bool(key: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise SpecError(f"{key} {value!r} must be true or false")
    return value


def setting_of(key: str, name: object) -> catalog.Setting:
    choice = catalog.CHOICES[key]
    setting = next((s for s in choice.settings if s.key == name), None)
    if setting is None:
        raise unknown("setting", name, [s.key for s in choice.settings], where=f" of {key}")
    return setting


def check_setting(key: str, name: str, value: object) -> object:
    setting = setting_of(key, name)
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
    host: str = found and found["host"]  # type: ignore[assignment]  # None only without a match
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


# sqlite:/// and a file name (a file in the project), or an absolute path of plain names.
_NAME = r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}"
_SQLITE_URL = re.compile(rf"sqlite:///({_NAME}|(?:/{_NAME}){{1,10}})")


# postgresql:// and a host (a name, IPv4, or IPv6 in brackets), a port, a database name. No
# user, password or query: credentials belong in DATABASE_URL at run time, never in the code.
_POSTGRESQL_URL = re.compile(
    r"postgresql://(?P<host>\[[0-9A-Fa-f:.]{2,45}\]|[A-Za-z0-9.-]{1,253})"
    r"(?::(?P<port>[0-9]{1,5}))?/(?P<db>[A-Za-z_][A-Za-z0-9_-]{0,62})"
)
# What a URL with credentials looks like: user@ or user:password@ after the scheme.
_CREDENTIALS = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^/?#]*@")


def _check_database(where: str, setting: catalog.Setting, value: object) -> str:
    """A SQLite URL, sqlite:///NAME (a file in the project) or sqlite:////ABSOLUTE/PATH, of
    plain names (no .., no spaces, no query); or a PostgreSQL URL without credentials,
    postgresql://HOST[:PORT]/DATABASE, normalised."""
    if isinstance(value, str) and _CREDENTIALS.match(value):
        raise SpecError(
            f"{where} must not hold a user or password: put them in DATABASE_URL at run time "
            "(postgresql://USER:PASSWORD@HOST/DATABASE) and write postgresql://HOST/DATABASE here"
        )
    if isinstance(value, str) and _SQLITE_URL.fullmatch(value):
        return value
    found = _POSTGRESQL_URL.fullmatch(value) if isinstance(value, str) else None
    host: str = found and found["host"]  # type: ignore[assignment]  # None only without a match
    if found and host.startswith("["):
        try:
            host = f"[{ipaddress.IPv6Address(host[1:-1])}]"
        except ValueError:
            found = None
    elif found and not _HOSTNAME.fullmatch(host):
        found = None
    if found is None or int(found["port"] or 5432) not in PORTS:
        raise SpecError(
            f"{where} {value!r} is not a SQLite URL like sqlite:///app.db (a file name) or "
            "sqlite:////var/lib/app/app.db (an absolute path) of letters, digits and _ . -, "
            "nor a PostgreSQL URL like postgresql://localhost:5432/app"
        )
    port = f":{int(found['port'])}" if found["port"] else ""
    return f"postgresql://{host}{port}/{found['db']}"


def _check_one_of(where: str, setting: catalog.Setting, value: object) -> str:
    if value not in setting.choices:
        raise SpecError(f"{where} {value!r} is not one of: {', '.join(setting.choices)}")
    return value


#: How each kind of setting is checked (catalog.Setting.kind).
_SETTING_CHECKS = {
    "origins": _check_origins,
    "number": _check_number,
    "storage": _check_storage,
    "database": _check_database,
    "choice": _check_one_of,
}


def check_choice(key: object, group: tuple[catalog.Choice, ...]) -> str:
    keys = [choice.key for choice in group]
    if not isinstance(key, str) or key not in keys:
        raise unknown("middleware" if group is catalog.MIDDLEWARE else "option", key, keys)
    return key


def unknown(kind: str, value: object, allowed: list[str], where: str = "") -> SpecError:
    """The one-line error for a value of `kind` not among `allowed`, naming the closest allowed
    key when one is near (a typo): "middleware 'cors2' is unknown; did you mean 'cors'? ..."."""
    near = difflib.get_close_matches(value, allowed) if isinstance(value, str) else []
    hint = f" did you mean {near[0]!r}?" if near else ""
    allowed_text = ", ".join(allowed) or "none"
    return SpecError(f"{kind} {value!r}{where} is unknown;{hint} allowed: {allowed_text}")
