"""Routes in detail, against fixed expectations: each refusal's whole message, the names and keys
the templates read, and the sample requests the contract sends."""

from __future__ import annotations

import pytest

from generator.errors import SpecError
from generator.spec.routes import (
    Param,
    Route,
    check_routes,
    hello_route,
    make_route,
    parse_path,
    parse_route,
    route_contexts,
)


def refused(make, value, message: str) -> None:
    with pytest.raises(SpecError) as error:
        make(value)
    assert str(error.value) == message


@pytest.mark.parametrize(
    ("path", "message"),
    [
        (5, "route path 5 must start with '/', e.g. '/users/{id:int}'"),
        ("a", "route path 'a' must start with '/', e.g. '/users/{id:int}'"),
        ("/a/", "route path '/a/' must not end with '/' (Flask and Express disagree on it)"),
        ("//a", "route path '//a' has an empty segment ('//')"),
        (
            "/{a",
            "route path '/{a': segment '{a' must be a literal or one whole parameter like '{id}' "
            "or '{id:int}' (balanced braces, one per segment)",
        ),
        (
            "/{}",
            "route path '/{}': parameter name '' must be an identifier (letters, digits, _; "
            "not a Python keyword)",
        ),
        (
            "/{for}",
            "route path '/{for}': parameter name 'for' must be an identifier (letters, digits, _; "
            "not a Python keyword)",
        ),
        ("/{a:float}", "route path '/{a:float}': parameter type 'float' is not one of str, int"),
        ("/{a}/{a:int}", "route path '/{a}/{a:int}': parameter 'a' appears twice"),
        ("/a%20b", "route path '/a%20b': segment 'a%20b' may only hold letters, digits, . _ ~ -"),
    ],
    ids=[
        "not-text",
        "relative",
        "trailing",
        "empty",
        "unbalanced",
        "no-name",
        "keyword",
        "type",
        "twice",
        "percent",
    ],
)
def test_bad_paths_are_refused_with_the_whole_message(path, message):
    refused(parse_path, path, message)


def test_paths_are_normalised_with_their_parameters():
    assert parse_path("/") == ("/", ())
    assert parse_path("/{a:}") == ("/{a}", (Param("a", "str"),))
    assert parse_path("/a/{b}/{c:str}/{d:int}") == (
        "/a/{b}/{c}/{d:int}",
        (Param("b", "str"), Param("c", "str"), Param("d", "int")),
    )


SHAPE = "'METHOD /path', e.g. 'GET /users/{id:int}', optionally followed by delay=MS or cpu=MS"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("GET", f"route 'GET' must be {SHAPE}"),
        ("GET /a b", "route 'GET /a b': 'b' must be delay=MS or cpu=MS (whole milliseconds)"),
        ("GET /a delay=5 x", f"route 'GET /a delay=5 x' must be {SHAPE}"),
        (
            "GET /a delay=-5",
            "route 'GET /a delay=-5': 'delay=-5' must be delay=MS or cpu=MS (whole milliseconds)",
        ),
        ("GET /a cpu=0", "route cpu 0 for /a must be whole milliseconds from 1 to 10000"),
        # A digit, but not an ASCII one: int() would fail on it.
        (
            "GET /a delay=²",
            "route 'GET /a delay=²': 'delay=²' must be delay=MS or cpu=MS (whole milliseconds)",
        ),
        (
            "GET /a delay=10001",
            "route delay 10001 for /a must be whole milliseconds from 1 to 10000",
        ),
        (None, f"route None must be {SHAPE}"),
        ("FETCH /", "route method 'FETCH' is not one of GET, POST, PUT, PATCH, DELETE"),
        (
            "GET /a sleep=5",
            "route 'GET /a sleep=5': 'sleep=5' must be delay=MS or cpu=MS (whole milliseconds)",
        ),
    ],
    ids=[
        "one-word",
        "three-words",
        "four-words",
        "negative",
        "zero",
        "superscript",
        "too-long",
        "none",
        "method",
        "other-work",
    ],
)
def test_command_line_routes_are_method_and_path(text, message):
    refused(parse_route, text, message)


@pytest.mark.parametrize(
    ("text", "kind", "ms"),
    [
        pytest.param("GET /a delay=1", "delay", 1, id="delay-1"),
        pytest.param("GET /a cpu=1", "cpu", 1, id="cpu-1"),
        pytest.param("GET /a delay=10000", "delay", 10000, id="delay-10000"),
        pytest.param("GET /a cpu=10000", "cpu", 10000, id="cpu-10000"),
    ],
)
def test_simulated_work_takes_1_to_10000_milliseconds(text, kind, ms):
    assert getattr(parse_route(text), kind) == ms


def test_command_line_routes_take_simulated_work():
    assert parse_route("GET /slow delay=250").delay == 250
    assert parse_route("GET /busy cpu=20").cpu == 20
    assert parse_route("GET /busy cpu=20").answers() == {
        "method": "GET",
        "path": "/busy",
        "cpu": 20,
    }


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"delay": 5, "cpu": 5}, "route /w may set only one of delay, cpu; got both"),
        ({"delay": True}, "route delay True for /w must be whole milliseconds from 1 to 10000"),
        ({"cpu": 2.5}, "route cpu 2.5 for /w must be whole milliseconds from 1 to 10000"),
        ({"cpu": "5"}, "route cpu '5' for /w must be whole milliseconds from 1 to 10000"),
    ],
    ids=["both", "bool", "float", "text"],
)
def test_simulated_work_is_whole_milliseconds(data, message):
    refused(make_route, {"method": "GET", "path": "/w", **data}, message)


def test_command_line_routes_take_any_case_and_spacing():
    assert parse_route("  post   /a/{id:int} ") == Route(
        "POST", "/a/{id:int}", (Param("id", "int"),)
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("GET /", "route 'GET /' must be a mapping with 'method' and 'path'"),
        (
            {"method": "GET", "path": "/", "x": 1, "y": 2},
            "route key 'x' is unknown; allowed: method, path, status, text, json, error, "
            "delay, cpu",
        ),
        ({"path": "/"}, "route method None is not one of GET, POST, PUT, PATCH, DELETE"),
        ({"method": 1, "path": "/"}, "route method 1 is not one of GET, POST, PUT, PATCH, DELETE"),
        ({"method": "GET"}, "route path None must start with '/', e.g. '/users/{id:int}'"),
        (
            {"method": "GET", "path": "/", "status": "201"},
            "route status '201' for / must be a number from 200 to 599",
        ),
        (
            {"method": "GET", "path": "/", "json": 1, "error": "x"},
            "route / may set only one of text, json, error; got json, error",
        ),
        (
            {"method": "GET", "path": "/", "text": "a", "json": 1, "error": "x"},
            "route / may set only one of text, json, error; got text, json, error",
        ),
        (
            {"method": "GET", "path": "/", "text": None},
            "route text for / must be a string, got None",
        ),
        (
            {"method": "GET", "path": "/", "error": 5},
            "route error for / must be a string (the exception message)",
        ),
        (
            {"method": "GET", "path": "/", "error": None},
            "route error for / must be a string (the exception message)",
        ),
        (
            {"method": "GET", "path": "/", "error": "\udc80"},
            "route error for / holds a lone surrogate, which is not text; use UTF-8 characters",
        ),
        (
            {"method": "GET", "path": "/", "text": "a\ud800"},
            "route text for / holds a lone surrogate, which is not text; use UTF-8 characters",
        ),
    ],
    ids=[
        "text",
        "unknown-key",
        "no-method",
        "method-number",
        "no-path",
        "status-text",
        "two-bodies",
        "three-bodies",
        "text-none",
        "error-number",
        "error-none",
        "error-surrogate",
        "text-surrogate",
    ],
)
def test_bad_route_mappings_are_refused_with_the_whole_message(data, message):
    refused(make_route, data, message)


def test_a_route_mapping_keeps_each_field():
    route = make_route({"method": "delete", "path": "/a/{id:int}", "status": 410, "error": "gone"})
    assert route == Route("DELETE", "/a/{id:int}", (Param("id", "int"),), 410, None, error="gone")
    assert (route.text, route.has_json, route.response_kind()) == (None, False, "error")
    text = make_route({"method": "GET", "path": "/t", "text": ""})
    assert (text.text, text.response_kind(), text.body()) == ("", "text", "")
    data = make_route({"method": "GET", "path": "/j", "json": None})
    assert (data.has_json, data.json, data.response_kind(), data.body()) == (
        True,
        None,
        "json",
        None,
    )
    plain = make_route({"method": "GET", "path": "/p/{n:int}"})
    assert (plain.has_json, plain.response_kind(), plain.status) == (False, "default", 200)
    assert plain.body() == {"route": "GET /p/{n:int}", "params": {"n": 42}}


def test_an_error_route_is_an_error_whatever_else_it_holds():
    route = Route("GET", "/x", text="t", error="e")
    assert route.response_kind() == "error"
    assert Route("GET", "/x", text="t", json=[1]).response_kind() == "text"
    assert Route("GET", "/x", text="t", json=[1]).body() == "t"


def test_a_route_records_only_what_differs_from_the_defaults():
    assert make_route({"method": "GET", "path": "/a"}).answers() == {"method": "GET", "path": "/a"}
    assert make_route({"method": "GET", "path": "/a", "json": None, "status": 201}).answers() == {
        "method": "GET",
        "path": "/a",
        "status": 201,
        "json": None,
    }
    assert make_route({"method": "GET", "path": "/a", "text": ""}).answers()["text"] == ""
    assert make_route({"method": "GET", "path": "/a", "error": ""}).answers()["error"] == ""


def test_each_route_tells_the_templates_all_they_need():
    route = make_route({"method": "PUT", "path": "/users/{id:int}/{name}", "status": 202})
    assert route.context() == {
        "method": "PUT",
        "path": "/users/{id:int}/{name}",
        "flask_rule": "/users/<int:id>/<name>",
        "express_path": "/users/:id/:name",
        "params": [{"name": "id", "type": "int"}, {"name": "name", "type": "str"}],
        "status": 202,
        "kind": "default",
        "text": None,
        "json": None,
        "error": None,
        "sample_path": "/users/42/example",
        "non_int_paths": {"id": "/users/abc/example"},
        "sample_params": {"id": 42, "name": "example"},
        "sort_key": [0, 1, 2],
        "view": "put_users_id_name",
        "no_body": False,
        "delay": 0,
        "cpu": 0,
        "work_py": "",
        "work_js": "",
        "body": {"route": "PUT /users/{id:int}/{name}", "params": {"id": 42, "name": "example"}},
    }
    assert hello_route().context()["view"] == "hello"
    slow = make_route({"method": "GET", "path": "/s", "delay": 250}).context()
    assert (slow["work_py"], slow["work_js"]) == ("time.sleep(0.25)", "await sleep(250);")
    busy = make_route({"method": "GET", "path": "/b", "cpu": 20}).context()
    assert (busy["work_py"], busy["work_js"]) == ("burn(20)", "burn(20);")
    assert make_route({"method": "GET", "path": "/j", "json": [1]}).context()["json"] == [1]


def test_shapes_and_sample_paths():
    route = make_route({"method": "GET", "path": "/a/{b:int}/c/{d}"})
    assert route.shape == ("a", "{}", "c", "{}")
    assert route.segments == ["a", Param("b", "int"), "c", Param("d", "str")]
    assert route.sample_path({"d": "zz"}) == "/a/42/c/zz"
    assert route.sample_params() == {"b": 42, "d": "example"}
    assert hello_route().shape == () and hello_route().flask_rule == "/"
    upper = make_route({"method": "GET", "path": "/Xa/{id}/bX"})
    assert (upper.flask_rule, upper.express_path) == ("/Xa/<id>/bX", "/Xa/:id/bX")


@pytest.mark.parametrize(
    ("method", "path", "view"),
    [
        ("GET", "/", "hello"),
        ("POST", "/", "post"),
        ("GET", "/Users.JSON/{ID}", "get_users_json_id"),
        ("DELETE", "/a--b/_c_", "delete_a_b_c"),
        ("GET", "/~/x", "get_x"),
    ],
    ids=["hello", "post-root", "case-and-dots", "runs-of-marks", "only-marks"],
)
def test_view_names(method, path, view):
    assert make_route({"method": method, "path": path}).view_name() == view


def test_repeated_view_names_are_numbered_from_2():
    routes = [parse_route(text) for text in ("GET /a", "GET /a.", "GET /a_", "GET /b")]
    assert [c["view"] for c in route_contexts(routes)] == ["get_a", "get_a_2", "get_a_3", "get_b"]
    assert route_contexts(()) == []


def test_check_routes_refuses_clashes_naming_both_routes():
    a, b = (
        make_route({"method": "GET", "path": "/u/{id:int}"}),
        make_route({"method": "GET", "path": "/u/{name}"}),
    )
    with pytest.raises(SpecError) as error:
        check_routes([a, b], {})
    assert str(error.value) == (
        "route 'GET /u/{name}' duplicates 'GET /u/{id:int}': both match the same URLs"
    )
    c = make_route({"method": "POST", "path": "/u/{name}"})
    with pytest.raises(SpecError) as error:
        check_routes([a, c], {})
    assert str(error.value) == (
        "route 'POST /u/{name}' conflicts with 'GET /u/{id:int}': the same URLs need the same "
        "parameter names and types"
    )
    d = make_route({"method": "POST", "path": "/u/{id:int}"})
    assert check_routes([a, d], {}) == [a, d]


def test_reserved_prefixes_refuse_only_their_own_first_segment():
    reserved = {"/static": "the static middleware", "/healthz": "the health middleware"}
    ok = [make_route({"method": "GET", "path": p}) for p in ("/", "/statics", "/a/static", "/x")]
    assert check_routes(ok, reserved) == ok
    with pytest.raises(SpecError) as error:
        check_routes([make_route({"method": "GET", "path": "/healthz/x"})], reserved)
    assert str(error.value) == (
        "route 'GET /healthz/x' collides with the health middleware, which serves /healthz"
    )
