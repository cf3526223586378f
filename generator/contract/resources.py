"""The exchanges a resource answers alike in both frameworks: one life of an item on a fresh
server (create, read, replace, list, delete) and each kind of invalid request.

They run in order on one server that has served no other request to the resource: the first
item created gets id 1.
"""

from __future__ import annotations

import json

from ..spec import ProjectSpec
from ..spec.resources import DEFAULT_LIMIT, MAX_INT, MAX_STRING, Resource
from .exchange import Exchange

JSON_HEADERS = {"Content-Type": "application/json"}
JSON = "application/json"
NOT_FOUND = {"error": "Not Found"}
#: A second value of each type: what an item is replaced with.
OTHER = {"str": "changed", "int": 7, "float": 0.5, "bool": False}
#: A value of another type, and what each type says of it.
WRONG = {
    "str": (1, "must be a string"),
    "int": ("x", "must be an integer"),
    "float": ("x", "must be a number"),
    "bool": (1, "must be true or false"),
}


def _body(value: object) -> bytes:
    return json.dumps(value).encode()


def _invalid(name: str, resource: Resource, body: object, errors: list[object]) -> Exchange:
    return Exchange(
        f"{resource.label}: {name}",
        "POST",
        resource.path,
        422,
        JSON_HEADERS,
        _body(body),
        json={"errors": errors},
        media_type=JSON,
    )


def _error(field: str | None, message: str) -> dict[str, object]:
    return {"field": field, "message": message}


def resource_exchanges(spec: ProjectSpec, resource: Resource) -> list[Exchange]:
    """The life of item 1, then the invalid requests, then reads of what is gone."""
    return _life(resource) + _refusals(spec, resource) + _gone(resource)


def _life(resource: Resource) -> list[Exchange]:
    path, label = resource.path, resource.label
    first = resource.sample_item()
    second = {f.name: OTHER[f.type] for f in resource.fields}
    page = {"limit": DEFAULT_LIMIT, "offset": 0}
    return [
        Exchange(f"{label}: empty list", "GET", path, 200, json={"items": [], "total": 0, **page}),
        Exchange(
            f"{label}: create",
            "POST",
            path,
            201,
            JSON_HEADERS,
            _body(first),
            json={"id": 1, **first},
            media_type=JSON,
            headers={"Location": f"{path}/1"},
        ),
        Exchange(f"{label}: read", "GET", f"{path}/1", 200, json={"id": 1, **first}),
        Exchange(
            f"{label}: replace",
            "PUT",
            f"{path}/1",
            200,
            JSON_HEADERS,
            _body(second),
            json={"id": 1, **second},
        ),
        Exchange(
            f"{label}: list a page",
            "GET",
            f"{path}?limit=1&offset=0",
            200,
            json={"items": [{"id": 1, **second}], "total": 1, "limit": 1, "offset": 0},
        ),
        Exchange(
            f"{label}: list past the end",
            "GET",
            f"{path}?offset=5",
            200,
            json={"items": [], "total": 1, "limit": DEFAULT_LIMIT, "offset": 5},
        ),
    ]


def _refusals(spec: ProjectSpec, resource: Resource) -> list[Exchange]:
    from . import _error_body

    fields = resource.fields
    sample = resource.sample_item()
    unknown = next(n for n in ("unknown", "unknown_field", "unknown_2") if n not in sample)
    found = [
        _invalid(
            "required fields missing",
            resource,
            {},
            [_error(f.name, "is required") for f in fields if not f.optional],
        ),
        _invalid(
            "wrong types",
            resource,
            {f.name: WRONG[f.type][0] for f in fields},
            [_error(f.name, WRONG[f.type][1]) for f in fields],
        ),
        _invalid(
            "an unknown field",
            resource,
            {**sample, unknown: 1},
            [_error(unknown, "is not a field of this resource")],
        ),
        _invalid("a body not an object", resource, [], [_error(None, "must be a JSON object")]),
        Exchange(
            f"{resource.label}: ?limit=0",
            "GET",
            f"{resource.path}?limit=0",
            422,
            json={"errors": [_error("limit", "must be a whole number from 1 to 100")]},
        ),
        Exchange(
            f"{resource.label}: an empty JSON body",  # no JSON: express.json() reads it as {}
            "POST",
            resource.path,
            400,
            JSON_HEADERS,
            b"",
            **_error_body(spec, "Bad Request"),
        ),
        Exchange(
            f"{resource.label}: a body not JSON",
            "POST",
            resource.path,
            415,
            {"Content-Type": "text/plain"},
            b"name",
            **_error_body(spec, "Unsupported Media Type"),
        ),
    ]
    return found + _out_of_bounds(resource)


def _out_of_bounds(resource: Resource) -> list[Exchange]:
    """A text too long, a text with NUL and an integer too large, where the resource has such
    fields."""
    fields, sample = resource.fields, resource.sample_item()
    found: list[Exchange] = []
    texts = [f for f in fields if f.type == "str"]
    if texts:
        found.append(
            _invalid(
                "a text too long",
                resource,
                {**sample, texts[0].name: "é" * (MAX_STRING + 1)},
                [_error(texts[0].name, f"must be at most {MAX_STRING} characters")],
            )
        )
        found.append(
            _invalid(
                "a text with NUL",  # PostgreSQL's text cannot hold it: refused in every storage
                resource,
                {**sample, texts[0].name: "a\u0000b"},
                [_error(texts[0].name, "must not contain the NUL character (U+0000)")],
            )
        )
    numbers = [f for f in fields if f.type == "int"]
    if numbers:
        found.append(
            _invalid(
                "an integer out of range",
                resource,
                {**sample, numbers[0].name: MAX_INT + 1},
                [_error(numbers[0].name, f"must be between {-MAX_INT} and {MAX_INT}")],
            )
        )
    return found


def _gone(resource: Resource) -> list[Exchange]:
    path, label = resource.path, resource.label
    sample = _body(resource.sample_item())
    return [
        Exchange(f"{label}: no such item", "GET", f"{path}/999", 404, json=NOT_FOUND),
        Exchange(f"{label}: delete", "DELETE", f"{path}/1", 204, text=""),
        Exchange(f"{label}: read a deleted item", "GET", f"{path}/1", 404, json=NOT_FOUND),
        Exchange(
            f"{label}: replace a deleted item",
            "PUT",
            f"{path}/1",
            404,
            JSON_HEADERS,
            sample,
            json=NOT_FOUND,
        ),
        Exchange(f"{label}: delete a deleted item", "DELETE", f"{path}/1", 404, json=NOT_FOUND),
    ]
