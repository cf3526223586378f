"""The resource grammar (issue 26): what `resource /path NAME:TYPE[?] ...` gives, in flags and in
answer files, and the one-line refusals of what it does not take."""

from __future__ import annotations

import pytest

from generator import spec as specs
from generator.errors import SpecError
from generator.spec.resources import Field, Resource, parse_entry, parse_resource

ITEMS = "resource /items name:str price:float in_stock:bool?"


def test_flag_gives_typed_fields_in_order():
    assert parse_entry(ITEMS) == Resource(
        "/items",
        (Field("name", "str"), Field("price", "float"), Field("in_stock", "bool", True)),
    )


def test_answer_file_mapping_round_trips():
    spec = specs.build({"routes": [parse_entry(ITEMS)]})
    assert spec.answers()["routes"][-1] == {
        "resource": "/items",
        "fields": {"name": "str", "price": "float", "in_stock": "bool?"},
    }
    assert specs.build(spec.answers()) == spec


def test_context_names_module_and_router():
    spec = specs.build({"routes": [parse_entry("resource /api/v1/users email:str")]})
    (resource,) = spec.context("flask")["_dualgen"]["resources"]
    assert (resource["module"], resource["router"]) == ("api_v1_users", "apiV1UsersRouter")


@pytest.mark.parametrize(
    ("path", "module"),
    [("/routes", "routes_resource"), ("/class", "class_resource"), ("/2024", "r_2024")],
    ids=["taken", "keyword", "digit"],
)
def test_module_never_collides_nor_breaks_python(path, module):
    assert parse_entry(f"resource {path} a:str").module == module


def test_hostile_field_names_are_kept_as_data():
    resource = parse_entry("resource /x __proto__:str constructor:int? class:bool")
    assert [f.name for f in resource.fields] == ["__proto__", "constructor", "class"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("resource /items", "needs at least one field"),
        ("resource /items/{id:int} a:str", "must be literal segments"),
        ("resource /items id:int", "field name 'id' is taken"),
        ("resource /items a:date", "type 'date' is not one of str, int, float, bool"),
        ("resource /items a:str a:int", "field 'a' appears twice"),
        ("resource /items a-b:str", "field name 'a-b' must be letters"),
        ("resource /items a", "field 'a' must be NAME:TYPE"),
        ("resource", "must be 'resource /path NAME:TYPE ...'"),
    ],
    ids=["no-fields", "param", "id", "type", "twice", "name", "no-type", "no-path"],
)
def test_refusals_name_the_value(text, message):
    with pytest.raises(SpecError, match=message.replace("(", r"\(").replace("{", r"\{")):
        specs.build({"routes": [parse_entry(text)]})


def test_resource_conflicts_with_a_route_of_its_urls():
    with pytest.raises(SpecError, match="duplicates"):
        specs.build(
            {
                "routes": [
                    {"method": "GET", "path": "/items"},
                    {"resource": "/items", "fields": {"a": "str"}},
                ]
            }
        )


def test_two_resources_sharing_a_module_are_refused():
    with pytest.raises(SpecError, match="would share the module 'a_b'"):
        specs.build(
            {"routes": [parse_entry("resource /a/b x:str"), parse_entry("resource /a_b x:str")]}
        )


def test_resource_makes_a_package_project_and_refuses_classic():
    with pytest.raises(SpecError, match="classic"):
        specs.build({"classic": True, "routes": [parse_entry(ITEMS)]})


@pytest.mark.parametrize(
    ("text", "migration"),
    [
        ("resource /items a:str", "create_items"),
        ("resource /api/things a:str", "create_api_things"),
        # 32 characters exactly: kept whole.
        ("resource /abcdefghijklmnopqrstuvwxy a:str", "create_abcdefghijklmnopqrstuvwxy"),
        # 33: its start and a hash of the module, 32 in all.
        ("resource /abcdefghijklmnopqrstuvwxyz a:str", "create_abcdefghijklmnop_71c480df"),
        (
            "resource /a-very-long-path/with-many/segments-in-it a:str",
            "create_a_very_long_path_2a51431c",
        ),
    ],
)
def test_a_resource_migration_is_named_after_its_module(text, migration):
    """Its Alembic revision and Knex file name: stable when other resources come or go, at
    most 32 characters (alembic_version's column)."""
    assert parse_resource(text).migration == migration
    assert parse_resource(text).context()["migration"] == migration
