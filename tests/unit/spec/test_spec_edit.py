"""`spec.edit`, the one way answers are edited (prompts, diff specs, update, workshop steps):
what each edit gives, each error's one line, and that removing what was added gives the answers
back."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator import catalog, spec
from generator.errors import SpecError
from generator.spec.routes import parse_route

SHOP = {
    "name": "shop",
    "middleware": ["logging", "cors"],
    "settings": {"cors": {"origins": ["https://a.example"]}, "logging": {"format": "tiny"}},
    "routes": [{"method": "GET", "path": "/items"}, {"method": "POST", "path": "/items"}],
}


def test_adding_middleware_appends_it_and_adding_a_chosen_one_changes_nothing():
    assert spec.edit(SHOP, add=["static", "cors"])["middleware"] == ["logging", "cors", "static"]
    assert spec.edit({}, add=["cors"]) == {"middleware": ["cors"]}


def test_removing_middleware_drops_its_settings_and_nothing_else():
    assert spec.edit(SHOP, remove=["cors"]) == {
        "name": "shop",
        "middleware": ["logging"],
        "settings": {"logging": {"format": "tiny"}},
        "routes": [{"method": "GET", "path": "/items"}, {"method": "POST", "path": "/items"}],
    }


def test_what_ends_up_empty_is_left_out_as_an_answer_file_leaves_out_defaults():
    answers = {"middleware": ["cors"], "settings": {"cors": {"origins": ["https://a.example"]}}}
    assert spec.edit(answers, remove=["cors"]) == {}
    assert spec.edit({"routes": [{"method": "GET", "path": "/a"}]}, remove_routes=["GET /a"]) == {}


def test_the_answers_given_are_left_as_they_were():
    before = {
        "middleware": ["cors"],
        "settings": {"cors": {"origins": ["https://a.example"]}},
        "routes": [{"method": "GET", "path": "/a"}],
    }
    copy = {key: value.copy() for key, value in before.items()}
    spec.edit(
        before,
        add=["logging"],
        remove=["cors"],
        add_routes=["GET /b"],
        remove_routes=["GET /a"],
        settings={"logging": {"format": "dev"}},
    )
    assert before == copy
    assert before["settings"]["cors"] == {"origins": ["https://a.example"]}


def test_routes_are_added_as_answers_and_removed_by_method_and_path():
    edited = spec.edit(
        SHOP, add_routes=["delete /items/{id:int} delay=5"], remove_routes=["get /items"]
    )
    assert edited["routes"] == [
        {"method": "POST", "path": "/items"},
        {"method": "DELETE", "path": "/items/{id:int}", "delay": 5},
    ]
    route = parse_route("GET /x")
    assert spec.edit({"routes": [route]}, add_routes=[{"method": "GET", "path": "/y"}]) == {
        "routes": [route, {"method": "GET", "path": "/y"}]
    }
    assert spec.edit({"routes": [route]}, remove_routes=["GET /x"]) == {}


def test_settings_merge_over_those_of_the_same_choice():
    edited = spec.edit(SHOP, settings={"cors": {"origins": ["https://b.example"]}, "x": {"y": 1}})
    assert edited["settings"] == {
        "cors": {"origins": ["https://b.example"]},
        "logging": {"format": "tiny"},
        "x": {"y": 1},
    }
    kept = spec.edit(
        {"settings": {"rate-limit": {"max": 5}}}, settings={"rate-limit": {"window": 9}}
    )
    assert kept == {"settings": {"rate-limit": {"max": 5, "window": 9}}}


def test_config_switches_are_turned_on_and_off_and_off_drops_their_settings():
    production = {
        "production-server": True,
        "settings": {"production-server": {"worker-class": "gthread"}},
    }
    assert spec.edit(production, turn_off=["production-server"]) == {"production-server": False}
    assert spec.edit({"docker": False}, turn_on=["docker"]) == {"docker": True}
    # a switch's settings stay when middleware is removed
    assert spec.edit({**production, "middleware": ["cors"]}, remove=["cors"]) == production


def test_the_edited_answers_build():
    built = spec.build(spec.edit(spec.expand_presets({"preset": "api"}), remove=["cors"]))
    assert built.middleware == ("logging", "json-body", "error-handlers")
    assert "cors" not in built.settings


@pytest.mark.parametrize(
    ("answers", "edits", "message"),
    [
        pytest.param(
            {},
            {"add": ["cors2"]},
            "middleware 'cors2' is unknown; did you mean 'cors'? allowed: health, proxy, "
            "request-id, logging, security-headers, cors, compression, rate-limit, json-body, "
            "events, static, error-handlers, database",
            id="unknown-middleware",
        ),
        pytest.param(
            {},
            {"remove": ["docker"]},
            "middleware 'docker' is unknown; allowed: health, proxy, request-id, logging, "
            "security-headers, cors, compression, rate-limit, json-body, events, static, "
            "error-handlers, database",
            id="switch-as-middleware",
        ),
        pytest.param(
            {},
            {"turn_on": ["cors"]},
            "option 'cors' is unknown; allowed: env-file, production-server, docker, tests, "
            "strict-parity",
            id="middleware-as-switch",
        ),
        pytest.param(
            SHOP,
            {"remove": ["static"]},
            "middleware 'static' is not chosen, so it cannot be removed; chosen: logging, cors",
            id="remove-unchosen",
        ),
        pytest.param(
            {},
            {"remove": ["cors"]},
            "middleware 'cors' is not chosen, so it cannot be removed; chosen: none",
            id="remove-from-none",
        ),
        pytest.param(
            {"tests": True, "docker": False},
            {"turn_off": ["docker"]},
            "option 'docker' is not chosen, so it cannot be removed; chosen: tests",
            id="turn-off-unchosen",
        ),
        pytest.param(
            SHOP,
            {"remove_routes": ["DELETE /items"]},
            "route 'DELETE /items' is not chosen, so it cannot be removed; chosen: GET /items, "
            "POST /items",
            id="remove-absent-route",
        ),
        pytest.param(
            SHOP,
            {"add": ["cors"], "remove": ["cors"]},
            "middleware 'cors' is both added and removed; give one of the two",
            id="middleware-both",
        ),
        pytest.param(
            {},
            {"turn_on": ["docker"], "turn_off": ["docker"]},
            "option 'docker' is both added and removed; give one of the two",
            id="switch-both",
        ),
        pytest.param(
            SHOP,
            {"add_routes": ["GET /items"], "remove_routes": ["get /items"]},
            "route 'GET /items' is both added and removed; give one of the two",
            id="route-both",
        ),
        pytest.param(
            SHOP,
            {"add": ["cors"], "refuse_chosen": True},
            "middleware 'cors' is already chosen, so it cannot be added again; not chosen: "
            "health, proxy, request-id, security-headers, compression, rate-limit, json-body, "
            "events, static, error-handlers, database",
            id="add-chosen-refused",
        ),
        pytest.param(
            {},
            {"remove_routes": ["/items"]},
            "route '/items' must be 'METHOD /path', e.g. 'GET /users/{id:int}', optionally "
            "followed by delay=MS or cpu=MS",
            id="route-malformed",
        ),
        pytest.param(
            {"middleware": "cors"},
            {"add": ["logging"]},
            "middleware 'cors' must be a list of keys",
            id="middleware-not-a-list",
        ),
        pytest.param(
            {"routes": {"GET": "/"}},
            {},
            "routes {'GET': '/'} must be a list of mappings",
            id="routes-not-a-list",
        ),
        pytest.param(
            {},
            {"settings": [1]},
            "settings [1] must map middleware keys to settings",
            id="settings",
        ),
        pytest.param(
            {},
            {"settings": {"cors": 1}},
            "settings of 'cors' must be a mapping",
            id="settings-of-one",
        ),
        pytest.param(
            {"settings": {"cors": 1}},
            {"settings": {"cors": {"origins": "x"}}},
            "settings of 'cors' must be a mapping",
            id="settings-of-one-given",
        ),
        pytest.param(
            {"settings": 3},
            {"settings": {"cors": {}}},
            "settings 3 must map middleware keys to settings",
            id="settings-given-not-a-mapping",
        ),
    ],
)
def test_a_bad_edit_is_refused_with_one_line(answers, edits, message):
    with pytest.raises(SpecError) as error:
        spec.edit(answers, **edits)
    assert str(error.value) == message


def test_what_an_edit_does_not_touch_is_left_for_build_to_judge():
    assert spec.edit({"settings": 3}) == {"settings": 3}
    assert spec.edit({"settings": 0}, add=["cors"]) == {"settings": 0, "middleware": ["cors"]}
    assert spec.edit({"settings": {"cors": 1}}, remove=[]) == {"settings": {"cors": 1}}


MIDDLEWARE = [choice.key for choice in catalog.MIDDLEWARE]
ROUTES = ["GET /a", "POST /a", "GET /b/{id:int}", "DELETE /c", "PUT /d/{name}"]


@st.composite
def answers_without(draw, key: str | None = None, route: str | None = None):
    """Answers as an answer file holds them, without middleware `key` and route `route`."""
    answers: dict[str, object] = {}
    if draw(st.booleans()):
        answers["name"] = draw(st.sampled_from(["shop", "hello"]))
    middleware = draw(st.lists(st.sampled_from([k for k in MIDDLEWARE if k != key]), unique=True))
    if middleware:
        answers["middleware"] = middleware
        with_settings = [k for k in middleware if catalog.CHOICES[k].settings]
        chosen = (
            draw(st.lists(st.sampled_from(with_settings), unique=True)) if with_settings else []
        )
        if chosen:
            answers["settings"] = {
                k: {catalog.CHOICES[k].settings[0].key: draw(st.integers())} for k in chosen
            }
    routes = draw(st.lists(st.sampled_from([r for r in ROUTES if r != route]), unique=True))
    if routes:
        answers["routes"] = [parse_route(text).answers() for text in routes]
    if draw(st.booleans()):
        answers["docker"] = draw(st.booleans())
    return answers


@settings(max_examples=300, deadline=None)
@given(data=st.data(), key=st.sampled_from(MIDDLEWARE), with_settings=st.booleans())
def test_removing_added_middleware_gives_the_answers_back(data, key, with_settings):
    answers = data.draw(answers_without(key=key))
    choice = catalog.CHOICES[key]
    given_settings = (
        {key: {choice.settings[0].key: 1}} if with_settings and choice.settings else None
    )
    added = spec.edit(answers, add=[key], settings=given_settings)
    assert added["middleware"][-1] == key
    assert spec.edit(added, remove=[key]) == answers


@settings(max_examples=300, deadline=None)
@given(data=st.data(), route=st.sampled_from(ROUTES))
def test_removing_an_added_route_gives_the_answers_back(data, route):
    answers = data.draw(answers_without(route=route))
    added = spec.edit(answers, add_routes=[route])
    assert added["routes"][-1] == parse_route(route).answers()
    assert spec.edit(added, remove_routes=[route]) == answers


def test_the_edited_answers_share_no_settings_with_the_answers_given():
    before = {"middleware": ["cors"], "settings": {"cors": {"origins": ["https://a.example"]}}}
    after = spec.edit(before, add=["logging"])
    after["settings"]["cors"]["origins"] = ["https://b.example"]
    assert before["settings"]["cors"] == {"origins": ["https://a.example"]}


def test_a_route_is_removed_by_a_route_too():
    route = parse_route("GET /x")
    assert spec.edit({"routes": [{"method": "GET", "path": "/x"}]}, remove_routes=[route]) == {}


def test_adding_again_when_everything_is_chosen_says_none_is_left():
    everything = {"middleware": MIDDLEWARE}
    with pytest.raises(SpecError) as error:
        spec.edit(everything, add=["cors"], refuse_chosen=True)
    assert str(error.value) == (
        "middleware 'cors' is already chosen, so it cannot be added again; not chosen: none"
    )
