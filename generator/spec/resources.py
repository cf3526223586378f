"""Resources: typed collections with create, read, update, delete and list routes, in both
frameworks.

`resource /items name:str price:float in_stock:bool?` gives GET and POST /items and GET, PUT and
DELETE /items/{id:int}. Each field has a type from FIELD_TYPES; `?` makes it optional (absent or
null). Updates are PUT, a whole replacement validated as a create is: one schema, one rule, and
a request a client may repeat (PATCH would need merge-patch rules for null and absent fields).

In an answer file a resource is a mapping in `routes`:
`{resource: /items, fields: {name: str, price: float, in_stock: bool?}}`.
"""

from __future__ import annotations

import hashlib
import keyword
import re
from dataclasses import dataclass

from ..errors import SpecError
from .routes import Param, Route, parse_path, parse_route

#: Field types, and the JSON type each takes.
FIELD_TYPES = {"str": "string", "int": "integer", "float": "number", "bool": "boolean"}
#: The fields of a resource in an answer file.
RESOURCE_KEYS = ("resource", "fields")
#: At most this many fields in a resource, and characters in a text field.
MAX_FIELDS = 32
MAX_STRING = 255
#: A page of a list: this many items unless ?limit= says, never more than MAX_LIMIT.
DEFAULT_LIMIT = 20
MAX_LIMIT = 100
#: The largest integer both languages hold exactly (JavaScript's Number.MAX_SAFE_INTEGER).
MAX_INT = 2**53 - 1
#: Characters in an Alembic revision id (its alembic_version column is a VARCHAR(32)).
MAX_REVISION = 32

_FIELD_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}")
#: Module names a project may already hold (Flask package modules, Express routes/index.js).
_TAKEN_MODULES = frozenset(
    {
        "access_log",
        "compression",
        "cors",
        "errors",
        "events",
        "health",
        "index",
        "json_body",
        "main",
        "proxy",
        "rate_limit",
        "request_id",
        "routes",
        "security_headers",
        "static",
        "work",
    }
)


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    optional: bool = False

    @property
    def text(self) -> str:
        return f"{self.type}{'?' if self.optional else ''}"


@dataclass(frozen=True)
class Resource:
    """A collection of items at a path, each with an id the server gives and typed fields."""

    path: str
    fields: tuple[Field, ...]

    @property
    def label(self) -> str:
        return f"resource {self.path}"

    @property
    def item_path(self) -> str:
        return f"{self.path}/{{id:int}}"

    @property
    def module(self) -> str:
        """The Flask module and Express router file: the path's segments as one identifier."""
        name = re.sub(r"[^a-z0-9]+", "_", self.path.lower()).strip("_") or "resource"
        if name[0].isdigit():
            name = f"r_{name}"
        if name in _TAKEN_MODULES or keyword.iskeyword(name):
            name = f"{name}_resource"
        return name

    @property
    def migration(self) -> str:
        """The name of its first migration, an Alembic revision id and a Knex file name: keyed
        by the module, so it stays when other resources come or go (numbers by position
        would change under a database that has applied them). At most 32 characters, the
        width of Alembic's alembic_version column: a longer one keeps its start and a hash."""
        name = f"create_{self.module}"
        if len(name) <= MAX_REVISION:
            return name
        digest = hashlib.sha256(self.module.encode()).hexdigest()[:8]
        return f"{name[: MAX_REVISION - 9]}_{digest}"

    def routes(self) -> list[Route]:
        """The routes the resource answers, for the checks against other routes."""
        item = (Param("id", "int"),)
        return [
            Route("GET", self.path),
            Route("POST", self.path, status=201),
            Route("GET", self.item_path, item),
            Route("PUT", self.item_path, item),
            Route("DELETE", self.item_path, item, status=204),
        ]

    def answers(self) -> dict[str, object]:
        return {"resource": self.path, "fields": {f.name: f.text for f in self.fields}}

    def sample_item(self) -> dict[str, object]:
        """A valid item body: every field with a value of its type."""
        samples = {"str": "example", "int": 42, "float": 2.5, "bool": True}
        return {f.name: samples[f.type] for f in self.fields}

    def context(self) -> dict[str, object]:
        """What the templates need to write the resource, in both frameworks."""
        return {
            "path": self.path,
            "module": self.module,
            "migration": self.migration,
            "router": re.sub(r"_([a-z0-9])", lambda m: m.group(1).upper(), self.module) + "Router",
            "fields": [
                {"name": f.name, "type": f.type, "json_type": FIELD_TYPES[f.type]}
                | {"required": not f.optional}
                for f in self.fields
            ],
            "max_string": MAX_STRING,
            "default_limit": DEFAULT_LIMIT,
            "max_limit": MAX_LIMIT,
            "max_int": MAX_INT,
            "has_int": any(f.type == "int" for f in self.fields),
        }


def parse_field(text: str, where: str) -> Field:
    """`name:type` or `name:type?`."""
    name, colon, kind = text.partition(":")
    if not colon:
        raise SpecError(f"{where}: field {text!r} must be NAME:TYPE, e.g. price:float")
    return make_field(name, kind, where)


def make_field(name: object, kind: object, where: str) -> Field:
    if not isinstance(name, str) or not _FIELD_NAME.fullmatch(name):
        raise SpecError(
            f"{where}: field name {name!r} must be letters, digits and _ (not first a digit), "
            "at most 64"
        )
    if name == "id":
        raise SpecError(f"{where}: field name 'id' is taken: the server gives each item its id")
    optional = isinstance(kind, str) and kind.endswith("?")
    base = kind[:-1] if isinstance(kind, str) and optional else kind
    if base not in FIELD_TYPES:
        raise SpecError(
            f"{where}: field {name!r} type {kind!r} is not one of "
            f"{', '.join(FIELD_TYPES)} (add ? for an optional field)"
        )
    return Field(name, str(base), optional)


def _check_fields(fields: list[Field], where: str) -> tuple[Field, ...]:
    if not fields:
        raise SpecError(f"{where} needs at least one field, e.g. name:str")
    if len(fields) > MAX_FIELDS:
        raise SpecError(f"{where} has {len(fields)} fields; at most {MAX_FIELDS}")
    seen: set[str] = set()
    for f in fields:
        if f.name in seen:
            raise SpecError(f"{where}: field {f.name!r} appears twice")
        seen.add(f.name)
    return tuple(fields)


def _resource_path(path: object, where: str) -> str:
    normal, params = parse_path(path)
    if params or normal == "/":
        raise SpecError(
            f"{where}: the path {path!r} must be literal segments, e.g. /items "
            "(the item routes add /{id:int})"
        )
    return normal


def parse_resource(text: str) -> Resource:
    """`resource /items name:str price:float in_stock:bool?` as given on the command line."""
    words = text.split()
    where = f"resource {words[1]!r}" if len(words) > 1 else f"resource {text!r}"
    if len(words) < 2:
        raise SpecError(
            f"{where} must be 'resource /path NAME:TYPE ...', e.g. "
            "'resource /items name:str price:float in_stock:bool?'"
        )
    path = _resource_path(words[1], where)
    return Resource(path, _check_fields([parse_field(w, where) for w in words[2:]], where))


def make_resource(data: dict[object, object]) -> Resource:
    """A resource from an answer-file mapping: `resource` (its path) and `fields`."""
    unknown = [key for key in data if key not in RESOURCE_KEYS]
    if unknown:
        raise SpecError(
            f"resource key {unknown[0]!r} is unknown; allowed: {', '.join(RESOURCE_KEYS)}"
        )
    where = f"resource {data.get('resource')!r}"
    path = _resource_path(data.get("resource"), where)
    fields = data.get("fields")
    if not isinstance(fields, dict):
        raise SpecError(f"{where}: fields {fields!r} must map each field name to its type")
    return Resource(
        path, _check_fields([make_field(n, k, where) for n, k in fields.items()], where)
    )


def parse_entry(text: object) -> Route | Resource:
    """A route (`GET /path`) or a resource (`resource /path FIELDS`) from the command line."""
    if isinstance(text, str) and text.split()[:1] == ["resource"]:
        return parse_resource(text)
    return parse_route(text)


def is_resource(item: object) -> bool:
    return isinstance(item, Resource) or (isinstance(item, dict) and "resource" in item)


def entry_label(item: object) -> str:
    """The label of a route or resource, given as an object or an answer-file mapping."""
    from .routes import make_route

    if isinstance(item, Route | Resource):
        return item.label
    if is_resource(item):
        return make_resource(item).label  # type: ignore[arg-type]  # is_resource: a dict
    return make_route(item).label


def check_resources(resources: list[Resource]) -> tuple[Resource, ...]:
    """Two resources must not share a module name (their files would collide)."""
    modules: dict[str, Resource] = {}
    for resource in resources:
        other = modules.setdefault(resource.module, resource)
        if other is not resource:
            raise SpecError(
                f"{resource.label!r} and {other.label!r} would share the module "
                f"{resource.module!r}; give one another path"
            )
    return tuple(resources)
