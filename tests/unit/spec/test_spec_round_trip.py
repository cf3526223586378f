"""Spec -> recorded answers -> spec is the identity, for every field and value the schema admits.

The values are walked from the schema (spec.FIELDS, the catalog's settings, routes.ROUTE_KEYS), as
tests/unit/spec/test_spec_hostile_fields.py does: a field added later needs a strategy here, or
`test_the_strategies_cover_the_whole_schema` fails.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from generator import catalog, spec
from generator.errors import SpecError
from generator.spec import route_values, routes

EXAMPLES = int(os.environ.get("DUALGEN_ROUND_TRIP_EXAMPLES", "150"))

NAMES = st.sampled_from(["shop", "Ærø Shop", "Straße", "my_app", "a" * 100, "x.y 'z'"]) | (
    st.from_regex(r"[A-Za-z][A-Za-z0-9 ._'-]{0,30}", fullmatch=True)
)
PUBLIC_HOSTS = st.sampled_from(["0.0.0.0", "api.example.com", "10.0.0.1", "::"]) | (
    st.ip_addresses().map(str)
    | st.from_regex(r"[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?(\.[a-z0-9]{1,10}){0,3}", fullmatch=True)
)
LOOPBACK_HOSTS = st.sampled_from(["127.0.0.1", "localhost", "::1", "127.9.8.7"])
#: Origins as a browser sends them: a port from 1 to 65535, never the scheme's default.
ORIGINS = st.lists(
    st.builds(
        "{}{}".format,
        st.from_regex(r"https?://[a-z0-9][a-z0-9.-]{0,20}", fullmatch=True),
        st.just("")
        | st.integers(1, 65535).filter(lambda port: port not in (80, 443)).map(":{}".format),
    ),
    min_size=1,
    max_size=3,
)
TEXT = st.text(
    st.characters(blacklist_categories=("Cs",)), max_size=40
)  # no lone surrogates: not text
JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**53 - 1), 2**53 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
    max_leaves=8,
)
SEGMENTS = st.from_regex(r"[A-Za-z0-9._~-]{1,8}", fullmatch=True) | st.sampled_from(
    ["{id}", "{id:int}", "{name:str}", "{n:int}"]
)


#: Values of the settings whose kind is neither a number nor origins.
STORAGES = ["memory://", "redis://localhost:6379/0", "rediss://cache.example:6380"]
DATABASES = [
    "sqlite:///app.db",
    "sqlite:////var/lib/shop/items.db",
    "postgresql://db.internal:5433/shop",
]


def setting_values(setting: catalog.Setting):
    if setting.kind == "origins":
        return ORIGINS
    if setting.kind == "choice":
        return st.sampled_from(setting.choices)
    if setting.kind == "storage":
        return st.sampled_from(STORAGES)
    if setting.kind == "database":
        return st.sampled_from(DATABASES)
    assert setting.kind == "number", f"no strategy for settings of kind {setting.kind!r}"
    return st.integers(setting.minimum, setting.maximum) | st.sampled_from(
        [setting.minimum, setting.maximum, str(setting.maximum)]
    )


@st.composite
def route_answers(draw, index: int):
    """One route mapping with any of the fields routes.ROUTE_KEYS admits."""
    segments = draw(st.lists(SEGMENTS, max_size=3))
    route = {
        "method": draw(st.sampled_from([*routes.METHODS, "get", "Post"])),
        "path": "/" + "/".join([f"r{index}", *segments]),
    }
    body = draw(st.sampled_from(["none", "text", "json", "error"]))
    if body == "text":
        route["text"] = draw(TEXT)
    elif body == "json":
        route["json"] = draw(JSON_VALUES)
    elif body == "error":
        route["error"] = draw(TEXT)
    if draw(st.booleans()):
        statuses = st.integers(200, 599)
        if body in ("text", "json"):
            statuses = statuses.filter(lambda status: status not in (204, 205, 304))
        route["status"] = draw(statuses)
    work = draw(st.sampled_from(["none", *routes.WORK_KINDS]))
    if work != "none":
        route[work] = draw(st.integers(1, route_values.MAX_WORK_MS))
    return route


@st.composite
def answer_files(draw):
    """A complete, valid set of answers: any value of every field, consistent with each other."""
    if draw(st.integers(0, 9)) == 0:
        classic = {"classic": True, "name": draw(NAMES)}
        return classic | ({"debug": True} if draw(st.booleans()) else {})
    debug = draw(st.booleans())
    middleware = draw(st.lists(st.sampled_from([c.key for c in catalog.MIDDLEWARE]), unique=True))
    answers = {
        "name": draw(NAMES),
        "host": draw(LOOPBACK_HOSTS if debug else PUBLIC_HOSTS | LOOPBACK_HOSTS),
        "debug": debug,
        "classic": False,
        "middleware": middleware,
        "settings": {
            key: {
                s.key: draw(setting_values(s))
                for s in catalog.CHOICES[key].settings
                if draw(st.booleans())
            }
            for key in middleware
            if catalog.CHOICES[key].settings
        },
        "routes": [draw(route_answers(n)) for n in range(draw(st.integers(0, 3)))],
    }
    port = draw(st.none() | st.integers(1, 65535))
    if port is not None:
        answers["port"] = port
    for key in spec.SWITCHES:
        refused = debug and key in ("docker", "production-server")
        answers[key] = False if refused else draw(st.booleans())
    for choice in catalog.CONFIG:  # settings of a chosen config switch (production-server)
        if answers.get(choice.key) and choice.settings and draw(st.booleans()):
            answers["settings"][choice.key] = {
                s.key: draw(setting_values(s)) for s in choice.settings
            }
    if draw(st.booleans()):
        answers["dualgen"] = "0.1.0"
    return answers


def recorded(built: spec.ProjectSpec, folder: Path) -> dict[str, object]:
    """The answers as `dualgen new` records them and `verify` reads them back."""
    path = folder / ".dualgen.yaml"
    path.write_text(spec.dump_answers(built), encoding="utf-8")
    loaded = spec.load_answers(path)
    assert loaded.pop("dualgen") == "0.1.0"
    return loaded


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("round-trip")


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(answers=answer_files())
def test_recorded_answers_give_back_the_same_spec(answers, folder):
    try:
        built = spec.build(answers)
    except SpecError:
        assume(False)  # routes that clash with each other or with a middleware's paths
    loaded = recorded(built, folder)
    assert loaded == built.answers()
    assert spec.build(loaded) == built


def test_the_strategies_cover_the_whole_schema():
    kinds = {"version", "preset", "name", "port", "host", "bool", "middleware", "settings"}
    assert set(spec.FIELDS.values()) == kinds | {"routes"}
    assert set(routes.ROUTE_KEYS) == {"method", "path", "status", "text", "json", "error"} | {
        "delay",
        "cpu",
    }
    for choice in catalog.MIDDLEWARE:
        for setting in choice.settings:
            setting_values(setting)  # fails on a kind of setting without a strategy


def one_of_each() -> list:
    """Deterministic answers that, together, set every field and every setting to its edges."""
    cases = [
        pytest.param({"host": "0.0.0.0", "port": 1}, id="public-host-lowest-port"),
        pytest.param({"host": "::1", "debug": True, "port": 65535}, id="debug-highest-port"),
        pytest.param({"name": "Straße Shop", "classic": True}, id="classic"),
        pytest.param({"name": "a" * 100}, id="longest-name"),
    ]
    for key in spec.SWITCHES:
        cases.append(pytest.param({key: True}, id=f"switch-{key}"))
    for choice in catalog.MIDDLEWARE:
        cases.append(pytest.param({"middleware": [choice.key]}, id=f"{choice.key}-defaults"))
        for setting in choice.settings:
            edges = {
                "origins": [["https://a.example:8443", "http://b.example"]],
                "choice": list(setting.choices),
                "storage": STORAGES,
                "database": DATABASES,
            }.get(setting.kind, [setting.minimum, setting.maximum])
            for value in edges:
                cases.append(
                    pytest.param(
                        {
                            "middleware": [choice.key],
                            "settings": {choice.key: {setting.key: value}},
                        },
                        id=f"{choice.key}.{setting.key}={str(value)[:20]}",
                    )
                )
    route = {"method": "PATCH", "path": "/a/{id:int}/{b}"}
    for field, value in [
        ("status", 599),
        ("text", "x: 'y' # z\n\u2028\x85"),
        ("json", {"a": [1, 2.5, None, True, "é"], "b": {}}),
        ("error", "boom"),
    ]:
        cases.append(pytest.param({"routes": [route | {field: value}]}, id=f"route-{field}"))
    return cases


@pytest.mark.parametrize("answers", one_of_each())
def test_each_field_and_setting_at_its_edges_round_trips(answers, tmp_path):
    built = spec.build(answers)
    loaded = recorded(built, tmp_path)
    assert spec.build(loaded) == built
    for key, value in answers.items():
        if key == "settings":
            for choice, values in value.items():
                for name, setting in values.items():
                    assert loaded["settings"][choice][name] == setting
        elif key == "routes":
            assert loaded["routes"][-1] == value[0]
        else:
            assert loaded[key] == value, key


def test_a_recorded_answer_file_holds_every_field_it_can():
    built = spec.build(
        {
            "name": "Shop",
            "port": 8080,
            "host": "0.0.0.0",
            "middleware": ["cors", "rate-limit"],
            "settings": {"rate-limit": {"max": 5}},
            "routes": [{"method": "GET", "path": "/boom", "error": "kaput", "status": 503}],
            "tests": True,
        }
    )
    assert built.answers() == {
        "name": "Shop",
        "port": 8080,
        "host": "0.0.0.0",
        "debug": False,
        "classic": False,
        "middleware": ["cors", "rate-limit"],
        "settings": {
            "cors": {"origins": ["http://localhost:5173"]},
            "rate-limit": {
                "max": 5,
                "window": 60,
                "storage": "memory://",
                "on-storage-error": "open",
                "ipv6-subnet": 56,
            },
        },
        "routes": [
            {"method": "GET", "path": "/", "text": "Hello, World!"},
            {"method": "GET", "path": "/boom", "status": 503, "error": "kaput"},
        ],
        "env-file": False,
        "production-server": False,
        "docker": False,
        "tests": True,
        "strict-parity": False,
    }
    assert "port" not in spec.build({}).answers()
    assert "settings" not in spec.build({"middleware": ["security-headers"]}).answers()
