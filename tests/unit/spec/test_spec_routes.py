import json

import pytest

from generator.errors import SpecError
from generator.spec.routes import make_route, parse_path, parse_route


@pytest.mark.parametrize(
    ("neutral", "flask", "express"),
    [
        ("/", "/", "/"),
        ("/users", "/users", "/users"),
        ("/users/{id:int}", "/users/<int:id>", "/users/:id"),
        ("/users/{name}", "/users/<name>", "/users/:name"),
        ("/users/{name:str}/posts/{n:int}", "/users/<name>/posts/<int:n>", "/users/:name/posts/:n"),
        ("/a.b/c-d/e_f~", "/a.b/c-d/e_f~", "/a.b/c-d/e_f~"),
    ],
    ids=["root", "literal", "int", "str", "two-params", "unreserved-chars"],
)
def test_paths_translate_to_both_frameworks(neutral, flask, express):
    route = parse_route(f"GET {neutral}")
    assert route.flask_rule == flask
    assert route.express_path == express


def test_str_is_the_default_type_and_is_normalised():
    assert parse_path("/u/{name:str}")[0] == "/u/{name}"
    assert parse_path("/u/{id:int}")[1][0].type == "int"


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("users", "must start with '/'"),
        ("/users/", "must not end with '/'"),
        ("/a//b", "empty segment"),
        ("/users/{id", "balanced braces"),
        ("/users/id}", "balanced braces"),
        ("/users/{id:float}", "type 'float' is not one of str, int"),
        ("/a/{x}/b/{x}", "appears twice"),
        ("/a/{x}{y}", "one whole parameter"),
        ("/a/pre{x}", "one whole parameter"),
        ("/a/{class}", "not a Python keyword"),
        ("/a/{1x}", "must be an identifier"),
        ("/a b", "may only hold"),
        ("/a/:id", "may only hold"),
        ("/a/*", "may only hold"),
    ],
    ids=[
        "no-leading-slash",
        "trailing-slash",
        "empty-segment",
        "open-brace",
        "close-brace",
        "unknown-type",
        "repeated-name",
        "two-params-one-segment",
        "param-with-prefix",
        "keyword-name",
        "digit-first-name",
        "space",
        "express-syntax",
        "wildcard",
    ],
)
def test_bad_paths_are_refused_with_the_reason(path, message):
    with pytest.raises(SpecError, match=message.replace("(", r"\(")):
        parse_path(path)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"method": "FETCH", "path": "/"}, "method 'FETCH' is not one of"),
        ({"method": "GET", "path": "/", "status": 99}, "from 200 to 599"),
        ({"method": "GET", "path": "/", "status": "200"}, "from 200 to 599"),
        ({"method": "GET", "path": "/", "text": "a", "json": 1}, "only one of"),
        ({"method": "GET", "path": "/", "text": 3}, "must be a string"),
        ({"method": "GET", "path": "/", "body": "x"}, "route key 'body' is unknown"),
        ({"method": "GET", "path": "/", "json": 2**60}, "too large for JavaScript"),
        ({"method": "GET", "path": "/", "json": float("nan")}, "not a JSON number"),
        ({"method": "DELETE", "path": "/", "status": 204, "text": "x"}, "cannot carry a body"),
    ],
    ids=[
        "method",
        "status-range",
        "status-type",
        "two-bodies",
        "text-type",
        "unknown-key",
        "big-int",
        "nan",
        "204-body",
    ],
)
def test_bad_route_mappings_are_refused(data, message):
    with pytest.raises(SpecError, match=message):
        make_route(data)


def test_integral_floats_become_ints_so_both_languages_print_them_alike():
    # 1.0 == 1 in Python: compare what JSON writes, where Python's 1.0 and JavaScript's 1 differ.
    value = make_route({"method": "GET", "path": "/", "json": [1.0, 2.5, {"k": -3.0}]}).json
    assert json.dumps(value) == '[1, 2.5, {"k": -3}]'
    assert [type(item) for item in value[:2]] == [int, float]


def test_view_names_are_readable_and_unique():
    from generator.spec.routes import route_contexts

    routes = [parse_route("GET /a-b"), parse_route("GET /a_b"), parse_route("GET /users/{id:int}")]
    assert [c["view"] for c in route_contexts(routes)] == ["get_a_b", "get_a_b_2", "get_users_id"]


@pytest.mark.parametrize(
    ("data", "no_body", "body"),
    [
        pytest.param({"status": 204}, True, None, id="204-default"),
        pytest.param({"status": 205}, True, None, id="205-default"),
        pytest.param({"status": 304}, True, None, id="304-default"),
        pytest.param({"status": 204, "error": "x"}, False, None, id="204-error-raises"),
        pytest.param(
            {"status": 201},
            False,
            {"route": "PUT /items/{id:int}", "params": {"id": 42}},
            id="201-default",
        ),
        pytest.param({"text": "hi"}, False, "hi", id="text"),
        pytest.param({"json": None}, False, None, id="json-null"),
        pytest.param({"json": [1]}, False, [1], id="json-list"),
    ],
)
def test_the_context_says_once_what_a_route_answers(data, no_body, body):
    from generator.spec.routes import route_contexts

    route = make_route({"method": "PUT", "path": "/items/{id:int}", **data})
    (context,) = route_contexts([route])
    assert context["no_body"] is no_body
    assert context["body"] == body


def test_the_context_carries_the_allow_header_of_each_path():
    from generator.spec.routes import route_contexts

    routes = [
        parse_route("POST /items"),
        parse_route("GET /items"),
        parse_route("DELETE /items/{id:int}"),
    ]
    assert [c["allow"] for c in route_contexts(routes)] == [
        "GET, HEAD, OPTIONS, POST",
        "GET, HEAD, OPTIONS, POST",
        "DELETE, OPTIONS",
    ]
