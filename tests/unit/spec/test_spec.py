import pytest

from generator import spec
from generator.errors import SpecError


def test_defaults_are_the_hello_world():
    built = spec.build({})
    assert built.name == "hello"
    assert built.host == "127.0.0.1" and not built.debug
    assert [r.label for r in built.routes] == ["GET /"]
    assert built.port_for("flask") == 5000 and built.port_for("express") == 3000


def test_layers_merge_later_wins_and_lists_add_up():
    merged = spec.merge(
        {
            "name": "a",
            "middleware": ["cors"],
            "settings": {"cors": {"origins": ["http://a.example"]}},
        },
        {"name": "b", "middleware": ["logging"], "settings": {"rate-limit": {"max": 5}}},
    )
    assert merged == {
        "name": "b",
        "middleware": ["cors", "logging"],
        "settings": {"cors": {"origins": ["http://a.example"]}, "rate-limit": {"max": 5}},
    }


def test_a_preset_in_the_answers_sits_under_the_other_answers():
    built = spec.build({"preset": "api", "middleware": ["static"], "tests": False})
    assert "static" in built.middleware and "cors" in built.middleware
    assert "tests" not in built.switches


def test_a_get_root_route_replaces_the_hello_route():
    built = spec.build({"routes": [{"method": "GET", "path": "/", "json": {"ok": True}}]})
    assert len(built.routes) == 1 and built.routes[0].json == {"ok": True}


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ({"name": ""}, "is empty"),
        ({"name": 42}, "must be text"),
        ({"name": "../x"}, "is a path"),
        ({"name": "/abs"}, "is a path"),
        ({"name": "a/b"}, "is a path"),
        ({"name": ".."}, "is a path"),
        ({"name": "a\nb"}, "holds '"),
        ({"name": "123"}, "must start with a letter"),
        ({"name": "x" * 101}, "the limit is 100"),
        ({"name": "Tests"}, "package name 'tests'"),
        ({"name": "flask"}, "package name 'flask'"),
        ({"name": "express rate limit"}, "package name 'express-rate-limit'"),
        ({"name": "json"}, "package name 'json'"),
        ({"port": 0}, "from 1 to 65535"),
        ({"port": 70000}, "from 1 to 65535"),
        ({"port": "http"}, "from 1 to 65535"),
        ({"host": "my host"}, "is not an IP address"),
        ({"host": "a\nb"}, "is not an IP address"),
        ({"middleware": ["nope"]}, "middleware 'nope' is unknown"),
        ({"middleware": "cors"}, "must be a list"),
        ({"preset": "nope"}, "preset 'nope' is unknown"),
        ({"colour": "red"}, "answer key 'colour' is unknown"),
        ({"debug": "yes"}, "must be true or false"),
        (
            {"middleware": ["cors"], "settings": {"cors": {"origins": ["localhost"]}}},
            "is not an origin",
        ),
        ({"middleware": ["rate-limit"], "settings": {"rate-limit": {"max": 0}}}, "out of range"),
        (
            {"middleware": ["rate-limit"], "settings": {"rate-limit": {"burst": 1}}},
            "setting 'burst' of rate-limit is unknown",
        ),
        (
            {"routes": [{"method": "GET", "path": "/a"}, {"method": "GET", "path": "/a"}]},
            "duplicates",
        ),
        (
            {
                "routes": [
                    {"method": "GET", "path": "/u/{id:int}"},
                    {"method": "GET", "path": "/u/{name}"},
                ]
            },
            "duplicates",
        ),
        (
            {
                "routes": [
                    {"method": "GET", "path": "/u/{id:int}"},
                    {"method": "POST", "path": "/u/{name}"},
                ]
            },
            "conflicts",
        ),
        (
            {"middleware": ["static"], "routes": [{"method": "GET", "path": "/static/x"}]},
            "collides with the static",
        ),
        ({"settings": {"cors": {"origins": ["http://a.example"]}}}, "cors is not chosen"),
        ({"debug": True, "host": "0.0.0.0"}, "expose the debugger"),
        ({"debug": True, "production-server": True}, "debug with production-server"),
        ({"debug": True, "docker": True}, "debug with docker"),
        ({"docker": "yes"}, "docker 'yes' must be true or false"),
        (
            {"middleware": ["logging"], "settings": {"logging": {"format": "xml"}}},
            "logging.format 'xml' is not one of: tiny, json",
        ),
        ({"preset": "classic", "middleware": ["cors"]}, "classic reproduces"),
    ],
    ids=[
        "empty-name",
        "number-name",
        "dotdot-name",
        "absolute-name",
        "nested-name",
        "parent-name",
        "control-name",
        "digit-name",
        "long-name",
        "own-folder-name",
        "dependency-name",
        "npm-dependency-name",
        "stdlib-name",
        "port-zero",
        "port-high",
        "port-word",
        "host-space",
        "host-newline",
        "unknown-middleware",
        "middleware-not-list",
        "unknown-preset",
        "unknown-key",
        "debug-not-bool",
        "bad-origin",
        "rate-limit-zero",
        "unknown-setting",
        "setting-without-middleware",
        "duplicate-route",
        "duplicate-after-normalising",
        "conflicting-params",
        "static-collision",
        "debug-public-host",
        "debug-production",
        "debug-docker",
        "docker-development-server",
        "log-format",
        "classic-plus",
    ],
)
def test_bad_answers_are_refused_naming_the_value(answers, message):
    with pytest.raises(SpecError, match=message):
        spec.build(answers)


@pytest.mark.parametrize(
    ("value", "stored"),
    [
        pytest.param("memory://", "memory://", id="memory"),
        pytest.param("redis://localhost", "redis://localhost", id="host"),
        pytest.param("redis://10.0.0.5:6380/2", "redis://10.0.0.5:6380/2", id="port-db"),
        pytest.param(
            "rediss://cache.example.com:6379", "rediss://cache.example.com:6379", id="tls"
        ),
        pytest.param("redis://[0:0::1]:6379", "redis://[::1]:6379", id="ipv6-normalised"),
    ],
)
def test_rate_limit_storage_takes_memory_or_a_plain_redis_url(value, stored):
    built = spec.build(
        {"middleware": ["rate-limit"], "settings": {"rate-limit": {"storage": value}}}
    )
    assert built.setting("rate-limit", "storage") == stored


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("memory", id="no-scheme"),
        pytest.param("redis://user:secret@cache", id="credentials"),
        pytest.param("redis://cache/0?timeout=1", id="query"),
        pytest.param("redis://cache:0", id="port-zero"),
        pytest.param("redis://cache:70000", id="port-high"),
        pytest.param("redis://[zz::]", id="bad-ipv6"),
        pytest.param("redis://[1::2::3]:6379", id="ipv6-two-gaps"),
        pytest.param("redis://-cache", id="bad-host"),
        pytest.param("redis://cache/123", id="db-too-long"),
        pytest.param("redis://cache\n", id="newline"),
        pytest.param("memcached://cache", id="other-store"),
        pytest.param(6379, id="number"),
    ],
)
def test_rate_limit_storage_refuses_anything_else(value):
    answers = {"middleware": ["rate-limit"], "settings": {"rate-limit": {"storage": value}}}
    with pytest.raises(SpecError, match="is not memory:// or a Redis URL"):
        spec.build(answers)


@pytest.mark.parametrize(
    ("port", "accepted"),
    [
        pytest.param("0", False, id="0"),
        pytest.param("1", True, id="1"),
        pytest.param("65535", True, id="65535"),
        pytest.param("65536", False, id="65536"),
    ],
)
def test_a_redis_port_is_1_to_65535(port, accepted):
    value = f"redis://cache:{port}"
    answers = {"middleware": ["rate-limit"], "settings": {"rate-limit": {"storage": value}}}
    if accepted:
        assert spec.build(answers).setting("rate-limit", "storage") == value
    else:
        with pytest.raises(SpecError) as refused:
            spec.build(answers)
        assert str(refused.value) == (
            f"rate-limit.storage {value!r} is not memory:// or a Redis URL like "
            "redis://localhost:6379/0 (no password: set REDIS_URL at run time for that)"
        )


def test_docker_implies_the_production_server():
    built = spec.build({"docker": True})
    assert built.switches == ("production-server", "docker")
    assert built.answers()["production-server"] is True


def test_answers_round_trip():
    built = spec.build({"preset": "production", "name": "Shop API", "port": 8080})
    assert spec.build(built.answers()) == built


def test_jinja_literal_survives_cookiecutter_rendering():
    from jinja2 import Environment

    for text in ["{{ 7*7 }}", "{% raw %}x{% endraw %}", "a endraw b", "{#c#}", "plain"]:
        assert Environment().from_string(spec.jinja_literal(text)).render() == text


def test_docker_implies_the_production_server_even_over_a_recorded_false():
    # Answer files record every switch: older ones hold docker beside production-server: false.
    built = spec.build({"docker": True, "production-server": False})
    assert {"docker", "production-server"} <= set(built.switches)


def test_docker_with_no_production_server_on_the_command_line_is_refused(tmp_path):
    from tests.helpers import run_main

    code, err = run_main(
        "new", "flask", "--no-input", "--docker", "--no-production-server", "-o", str(tmp_path)
    )
    assert code == 2 and err.count("\n") == 1 and "--no-production-server" in err
    assert list(tmp_path.iterdir()) == []
