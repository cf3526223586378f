"""A resource's exchanges (issue 26) against fixed values."""

from __future__ import annotations

import json

from generator import spec as specs
from generator.contract import exchanges
from generator.spec.resources import parse_entry


def test_resource_contract_names_and_key_answers():
    spec = specs.build({"routes": [parse_entry("resource /items name:str n:int?")]})
    found = {e.name: e for e in exchanges(spec) if e.name.startswith("resource ")}
    assert list(found) == [
        "resource /items: empty list",
        "resource /items: create",
        "resource /items: read",
        "resource /items: replace",
        "resource /items: list a page",
        "resource /items: list past the end",
        "resource /items: required fields missing",
        "resource /items: wrong types",
        "resource /items: an unknown field",
        "resource /items: a body not an object",
        "resource /items: ?limit=0",
        "resource /items: an empty JSON body",
        "resource /items: a body not JSON",
        "resource /items: a text too long",
        "resource /items: a text with NUL",
        "resource /items: an integer out of range",
        "resource /items: no such item",
        "resource /items: delete",
        "resource /items: read a deleted item",
        "resource /items: replace a deleted item",
        "resource /items: delete a deleted item",
    ]
    create = found["resource /items: create"]
    assert (create.status, json.loads(create.body), create.json, create.headers) == (
        201,
        {"name": "example", "n": 42},
        {"id": 1, "name": "example", "n": 42},
        {"Location": "/items/1"},
    )
    assert found["resource /items: required fields missing"].json == {
        "errors": [{"field": "name", "message": "is required"}]
    }
    assert found["resource /items: wrong types"].json == {
        "errors": [
            {"field": "name", "message": "must be a string"},
            {"field": "n", "message": "must be an integer"},
        ]
    }
    nul = found["resource /items: a text with NUL"]
    assert (nul.status, json.loads(nul.body), nul.json) == (
        422,
        {"name": "a\u0000b", "n": 42},
        {"errors": [{"field": "name", "message": "must not contain the NUL character (U+0000)"}]},
    )
    empty = found["resource /items: an empty JSON body"]
    assert (empty.method, empty.status, empty.body) == ("POST", 400, b"")
    assert b"\\u0000" in nul.body  # JSON's escape: the body itself holds no NUL byte
    assert (found["resource /items: delete"].status, found["resource /items: delete"].text) == (
        204,
        "",
    )
