"""The spec in detail, against fixed expectations: the template context, the one boundary that
makes every value data, how answer layers merge, and each refusal's whole message."""

from __future__ import annotations

import pytest

from generator import spec
from generator.errors import SpecError
from generator.spec import values as spec_values
from generator.spec.resources import parse_entry
from tests.helpers import run_main


def refused(answers: dict, message: str) -> None:
    with pytest.raises(SpecError) as error:
        spec.build(answers)
    assert str(error.value) == message


def test_the_context_of_the_hello_world():
    context = spec.build({}).context("express")
    routes = context.pop("_dualgen")["routes"]
    assert [route["view"] for route in routes] == ["hello"]
    assert context == {
        "project_name": "hello",
        "project_slug": "hello",
        "port": "3000",
        "host": "127.0.0.1",
        "debug": False,
        "classic": False,
        "health": False,
        "proxy": False,
        "proxy_hops": "1",
        "request_id": False,
        "logging": False,
        "logging_format": "tiny",
        "security_headers": False,
        "cors": False,
        "cors_origins": "http://localhost:5173",
        "compression": False,
        "rate_limit": False,
        "rate_limit_max": "100",
        "rate_limit_window": "60",
        "rate_limit_storage": "memory://",
        "rate_limit_on_storage_error": "open",
        "rate_limit_ipv6_subnet": "56",
        "json_body": False,
        "json_body_limit": "102400",
        "json_body_depth": "64",
        "events": False,
        "events_heartbeat": "15",
        "events_history": "100",
        "events_broker": "memory://",
        "static": False,
        "error_handlers": False,
        "database": False,
        "database_url": "sqlite:///app.db",
        "env_file": False,
        "production_server": False,
        "production_server_worker_class": "gthread",
        "docker": False,
        "tests": False,
        "strict_parity": False,
    }


def test_the_context_carries_the_choices_settings_and_port():
    built = spec.build(
        {
            "name": "Shop Two",
            "port": 8080,
            "middleware": ["cors", "rate-limit"],
            "settings": {"cors": {"origins": ["http://a.example", "http://b.example"]}},
            "docker": True,
        }
    )
    context = built.context("flask")
    assert (context["project_name"], context["project_slug"]) == ("Shop Two", "shop-two")
    assert (context["port"], context["cors"], context["docker"], context["tests"]) == (
        "8080",
        True,
        True,
        False,
    )
    assert context["cors_origins"] == "http://a.example,http://b.example"
    assert context["rate_limit_max"] == "100"
    assert spec.build({}).context("flask")["port"] == "5000"


def test_as_context_lets_only_text_flags_and_private_data_through():
    assert spec.as_context({"a": "x", "b": True, "_c": {"d": [1]}}) == {
        "a": "x",
        "b": True,
        "_c": {"d": [1]},
    }
    with pytest.raises(TypeError) as error:
        spec.as_context({"n": 1})
    assert str(error.value) == "context value 'n' must be text, a flag or private data"
    with pytest.raises(TypeError):
        spec.as_context({"__p": ["x"]})
    assert spec.as_context({"__p": "{{ x }}"}) == {"__p": "{{ '{{ x }}' }}"}


@pytest.mark.parametrize(
    ("text", "literal"),
    [
        ("plain text", "plain text"),
        ("X marks", "X marks"),
        ("a{b", "{{ 'a{b' }}"),
        ("50%", "{{ '50%' }}"),
        ("#1", "{{ '#1' }}"),
        ("a\rb", "{{ 'a\\rb' }}"),
        ("a\nb", "{{ 'a\\nb' }}"),
        ("it's {", "{{ 'it\\'s {' }}"),
        ("é{", "{{ '\\xe9{' }}"),
    ],
    ids=["plain", "capital", "brace", "percent", "hash", "cr", "lf", "quote", "non-ascii"],
)
def test_jinja_literals(text, literal):
    assert spec.jinja_literal(text) == literal


def test_settings_read_with_defaults_and_lists():
    built = spec.build(
        {"middleware": ["cors", "rate-limit"], "settings": {"rate-limit": {"max": 3}}}
    )
    assert built.setting("rate-limit", "max") == 3
    assert built.setting("rate-limit", "window") == 60
    assert built.setting("cors", "origins") == ["http://localhost:5173"]
    assert spec.build({}).setting("json-body", "limit") == 102400
    assert built.choices() == ["cors", "rate-limit"]
    assert spec.build({"preset": "production"}).choices()[-4:] == [
        "env-file",
        "production-server",
        "docker",
        "tests",
    ]


def test_merging_layers():
    assert spec.merge() == {}
    assert spec.merge({"routes": [1]}, {"routes": [2]}, {"routes": [3]}) == {"routes": [1, 2, 3]}
    assert spec.merge({"name": "a"}, {"middleware": ["b"]}) == {"name": "a", "middleware": ["b"]}
    assert spec.merge(
        {"settings": {"cors": {"origins": ["x"]}, "proxy": {"hops": 1}}},
        {"settings": {"cors": {"origins": ["y"]}}},
    ) == {"settings": {"cors": {"origins": ["y"]}, "proxy": {"hops": 1}}}
    assert spec.merge({"settings": {"a": {}}}, {"name": "b"}) == {
        "settings": {"a": {}},
        "name": "b",
    }


@pytest.mark.parametrize(
    ("first", "second", "message"),
    [
        pytest.param(
            {"settings": {"cors": "abc"}},
            {"settings": {"cors": {"origins": ["http://a.example"]}}},
            "settings of cors 'abc' must be a mapping",
            id="settings-value-then-set",
        ),
        pytest.param(
            {"middleware": None},
            {"middleware": ["cors"]},
            "middleware None must be a list of keys",
            id="middleware-null-then-m",
        ),
        pytest.param(
            {"middleware": 5},
            {"middleware": ["cors"]},
            "middleware 5 must be a list of keys",
            id="middleware-int-then-m",
        ),
        pytest.param(
            {"routes": 5},
            {"routes": [{"method": "GET", "path": "/x"}]},
            "routes 5 must be a list of mappings",
            id="routes-int-then-r",
        ),
        pytest.param(
            {"middleware": ["a"]},
            {"middleware": "b"},
            "middleware 'b' must be a list of keys",
            id="middleware-text-later",
        ),
        pytest.param(
            {"settings": 5},
            {"settings": {"a": {}}},
            "settings 5 must map middleware keys to their settings",
            id="settings-int-first",
        ),
        pytest.param(
            {"settings": {"a": {}}},
            {"settings": 5},
            "settings 5 must map middleware keys to their settings",
            id="settings-int-later",
        ),
        pytest.param(
            {"settings": {"cors": {"origins": ["x"]}, "proxy": {"hops": 1}}},
            {"settings": {"proxy": 5}},
            "settings of proxy 5 must be a mapping",
            id="settings-value-int-later",
        ),
    ],
)
def test_layers_that_cannot_merge_are_refused_in_one_line(first, second, message):
    """The three crash sites an outside tester's fuzzer found (issue 27), and their kin."""
    with pytest.raises(SpecError) as error:
        spec.merge(first, second)
    assert str(error.value) == message


def test_a_preset_with_a_setting_that_is_no_mapping_is_refused():
    """`preset: production` with `settings: {rate-limit: abc}` was accepted silently."""
    with pytest.raises(SpecError) as error:
        spec.build({"preset": "production", "settings": {"rate-limit": "abc"}})
    assert str(error.value) == "settings of rate-limit 'abc' must be a mapping"


def test_merging_never_changes_a_layer():
    first = {"settings": {"cors": {"origins": ["x"]}}, "routes": [1]}
    spec.merge(first, {"settings": {"cors": {"origins": ["y"]}}, "routes": [2]})
    assert first == {"settings": {"cors": {"origins": ["x"]}}, "routes": [1]}


def test_a_preset_sits_under_the_answers_beside_it():
    assert spec.expand_presets({"name": "x"}) == {"name": "x"}
    expanded = spec.expand_presets({"preset": "classic", "name": "x"})
    assert expanded == {"classic": True, "name": "x"}
    with pytest.raises(SpecError) as error:
        spec.preset("nope")
    assert str(error.value) == "preset 'nope' is unknown; allowed: classic, api, production"


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        (
            {"colour": "red"},
            "answer key 'colour' is unknown; allowed: preset, name, port, host, debug, classic, "
            "middleware, settings, routes, env-file, production-server, docker, tests, "
            "strict-parity",
        ),
        ({"debug": 1}, "debug 1 must be true or false"),
        ({"tests": "yes"}, "tests 'yes' must be true or false"),
        ({"middleware": "cors"}, "middleware 'cors' must be a list of keys"),
        (
            {"middleware": ["tests"]},
            "middleware 'tests' is unknown; allowed: health, proxy, request-id, logging, "
            "security-headers, cors, compression, rate-limit, json-body, events, static, "
            "error-handlers, database",
        ),
        (
            {"settings": ["cors"]},
            "settings ['cors'] must map middleware keys to their settings",
        ),
        (
            {"middleware": ["cors"], "settings": {"cors": ["x"]}},
            "settings of cors ['x'] must be a mapping",
        ),
        (
            {"settings": {"tests": {}}},
            "middleware 'tests' is unknown; allowed: health, proxy, request-id, logging, "
            "security-headers, cors, compression, rate-limit, json-body, events, static, "
            "error-handlers, database",
        ),
        (
            {"settings": {"cors": {}}},
            "settings of cors are given but cors is not chosen; add it with -m cors",
        ),
        (
            {"middleware": ["security-headers"], "settings": {"security-headers": {"x": 1}}},
            "setting 'x' of security-headers is unknown; allowed: none",
        ),
        (
            {"middleware": ["rate-limit"], "settings": {"rate-limit": {"burst": 1}}},
            "setting 'burst' of rate-limit is unknown; allowed: max, window, storage, "
            "on-storage-error, ipv6-subnet",
        ),
        ({"routes": {"GET": "/"}}, "routes {'GET': '/'} must be a list of mappings"),
        (
            {"preset": "classic", "debug": False},
            "classic with debug false is refused: the article's Flask program runs "
            "app.run(debug=True); drop --no-debug, or leave classic out",
        ),
        (
            {"debug": True, "docker": True},
            "debug with docker is refused: the container listens on 0.0.0.0",
        ),
        (
            {"debug": True, "production-server": True},
            "debug with production-server is refused: a production server never runs in debug",
        ),
        (
            {"debug": True, "host": "example.com"},
            "debug with host 'example.com' would expose the debugger to the network; "
            "use debug only with 127.0.0.1 or localhost",
        ),
        (
            {"name": "tests"},
            "name 'tests' gives the package name 'tests', which a generated project already "
            "uses (a module, a folder or a dependency); choose another name",
        ),
        (
            {"name": "for"},
            "name 'for' gives the package name 'for', a Python keyword; choose another",
        ),
        ({"name": "a&b"}, "name 'a&b' holds '&'; use letters, digits, spaces and - _ . '"),
        ({"name": None}, "name None must be text, such as 'hello-api'"),
    ],
    ids=[
        "unknown-key",
        "debug-number",
        "switch-text",
        "middleware-text",
        "switch-as-middleware",
        "settings-list",
        "settings-of-list",
        "settings-of-switch",
        "settings-unchosen",
        "no-settings",
        "unknown-setting",
        "routes-mapping",
        "classic-no-debug",
        "debug-docker",
        "debug-production",
        "debug-public",
        "reserved",
        "keyword",
        "symbol",
        "none",
    ],
)
def test_refusals_say_exactly_what_and_why(answers, message):
    refused(answers, message)


@pytest.mark.parametrize(
    "answers",
    [
        {"classic": True, "middleware": ["cors"]},
        {"classic": True, "tests": True},
        {"classic": True, "routes": [{"method": "GET", "path": "/a"}]},
        {"classic": True, "port": 8000},
        {"classic": True, "host": "localhost"},
    ],
    ids=["middleware", "switch", "route", "port", "host"],
)
def test_classic_takes_no_other_choice(answers):
    refused(
        answers,
        "classic reproduces the article's programs exactly; it takes no other choice "
        "(use the default project to add middleware, routes or config)",
    )


def test_classic_may_name_itself_and_turns_debug_on():
    built = spec.build({"classic": True, "name": "Article", "debug": True})
    assert (built.classic, built.debug, built.name) == (True, True, "Article")
    assert spec.build({"classic": False, "debug": False}).debug is False


def test_the_chosen_middleware_runs_in_catalog_order_once():
    built = spec.build({"middleware": ["error-handlers", "cors", "logging", "cors"]})
    assert built.middleware == ("logging", "cors", "error-handlers")
    assert spec.build({"tests": True, "docker": False}).switches == ("tests",)


def test_a_route_given_as_a_route_is_taken_as_it_is():
    from generator.spec.routes import Route

    route = Route("GET", "/a")
    assert spec.build({"routes": [route]}).routes[1] is route


def test_reserved_paths_come_only_from_the_chosen_middleware():
    assert spec.build({"routes": [{"method": "GET", "path": "/healthz"}]}).routes[1].path == (
        "/healthz"
    )
    refused(
        {"middleware": ["health"], "routes": [{"method": "GET", "path": "/healthz"}]},
        "route 'GET /healthz' collides with the health middleware, which serves /healthz",
    )


@pytest.mark.parametrize("name", ["app", "server", "routes", "static", "node_modules"])
def test_names_the_generated_project_uses_itself_are_refused(name):
    package = name.replace("-", "_")
    refused(
        {"name": name},
        f"name {name!r} gives the package name {name.replace('_', '-')!r}, which a generated "
        "project already uses (a module, a folder or a dependency); choose another name",
    )
    assert package in spec_values._reserved_names()


def test_an_unknown_option_is_named_as_an_option():
    from generator import catalog

    with pytest.raises(SpecError) as error:
        spec.check_choice("nope", catalog.CONFIG)
    assert str(error.value) == (
        "option 'nope' is unknown; allowed: env-file, production-server, docker, tests, "
        "strict-parity"
    )
    assert spec.check_choice("docker", catalog.CONFIG) == "docker"


def test_the_production_server_takes_a_worker_class():
    built = spec.build(
        {"production-server": True, "settings": {"production-server": {"worker-class": "gthread"}}}
    )
    assert built.context("flask")["production_server_worker_class"] == "gthread"
    assert built.answers()["settings"] == {"production-server": {"worker-class": "gthread"}}
    refused(
        {"settings": {"production-server": {"worker-class": "gthread"}}},
        "settings of production-server are given but production-server is not chosen; "
        "add it with --production-server",
    )
    refused(
        {
            "production-server": True,
            "settings": {"production-server": {"worker-class": "eventlet"}},
        },
        "production-server.worker-class 'eventlet' is not one of: sync, gthread, gevent",
    )


MIDDLEWARE_KEYS = (
    "health, proxy, request-id, logging, security-headers, cors, compression, rate-limit, "
    "json-body, events, static, error-handlers, database"
)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(
            ["-m", "rate-limt"],
            f"middleware 'rate-limt' is unknown; did you mean 'rate-limit'? allowed: "
            f"{MIDDLEWARE_KEYS}",
            id="middleware",
        ),
        pytest.param(
            ["--preset", "apii"],
            "preset 'apii' is unknown; did you mean 'api'? allowed: classic, api, production",
            id="preset",
        ),
        pytest.param(
            ["-m", "rate-limit", "--set", "rate-limit.mx=5"],
            "setting 'mx' of rate-limit is unknown; did you mean 'max'? allowed: max, window, "
            "storage, on-storage-error, ipv6-subnet",
            id="setting",
        ),
        pytest.param(
            ["--answers", "answers.yaml"],
            "answer key 'midleware' is unknown; did you mean 'middleware'? allowed: preset, "
            "name, port, host, debug, classic, middleware, settings, routes, env-file, "
            "production-server, docker, tests, strict-parity",
            id="answer-key",
        ),
        pytest.param(
            ["-m", "teleport"],
            f"middleware 'teleport' is unknown; allowed: {MIDDLEWARE_KEYS}",
            id="nothing-near",
        ),
    ],
)
def test_a_mistyped_key_gets_the_nearest_one_in_its_one_line_error(
    args, message, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "answers.yaml").write_text("midleware: [cors]\n", encoding="utf-8")
    code, err = run_main("new", "flask", "--no-input", *args)
    assert (code, err) == (2, f"dualgen: error: {message}\n")
    assert list(tmp_path.iterdir()) == [tmp_path / "answers.yaml"]


# The database choice's URL (issue 26, M2): the SQLite URLs it takes as they are, and the
# one-line refusal of anything else (a path that leaves the project, a query); PostgreSQL URLs
# (M3) without credentials, normalised.
DATABASE_REFUSAL = (
    "database.url {!r} is not a SQLite URL like sqlite:///app.db (a file name) or "
    "sqlite:////var/lib/app/app.db (an absolute path) of letters, digits and _ . -, "
    "nor a PostgreSQL URL like postgresql://localhost:5432/app"
)
CREDENTIALS_REFUSAL = (
    "database.url must not hold a user or password: put them in DATABASE_URL at run time "
    "(postgresql://USER:PASSWORD@HOST/DATABASE) and write postgresql://HOST/DATABASE here"
)


def with_url(url: object) -> dict[str, object]:
    return {"middleware": ["database"], "settings": {"database": {"url": url}}}


def test_the_default_is_a_file_in_the_project():
    assert spec.build({"middleware": ["database"]}).settings["database"] == {
        "url": "sqlite:///app.db"
    }


@pytest.mark.parametrize(
    "url",
    [
        "sqlite:///app.db",
        "sqlite:///shop_2.sqlite3",
        "sqlite:///a",
        "sqlite:///" + "n" * 100,
        "sqlite:////var/lib/shop/items.db",
        "sqlite:////" + "/".join(["d"] * 10),
    ],
    ids=["default", "name", "one-letter", "longest-name", "absolute", "deepest"],
)
def test_sqlite_urls_are_taken_as_they_are(url):
    assert spec.build(with_url(url)).settings["database"]["url"] == url


@pytest.mark.parametrize(
    "url",
    [
        "sqlite:///../app.db",
        "sqlite:///data/app.db",
        "sqlite:///.app.db",
        "sqlite:///-app.db",
        "sqlite:///",
        "sqlite:////",
        "sqlite:////var//app.db",
        "sqlite:////var/../etc/app.db",
        "sqlite:///app.db?mode=ro",
        "sqlite:///a b.db",
        "sqlite:///app.db\n",
        "sqlite:///" + "n" * 101,
        "sqlite:////" + "/".join(["d"] * 11),
        "sqlite://app.db",
        "SQLITE:///app.db",
        "postgres://localhost/shop",
        "postgresql://localhost",
        "postgresql://localhost/",
        "postgresql://localhost:0/shop",
        "postgresql://localhost:65536/shop",
        "postgresql://localhost/shop?sslmode=require",
        "postgresql://localhost/shop/more",
        "postgresql://localhost/1shop",
        "postgresql://localhost/" + "s" * 64,
        "postgresql://-bad-/shop",
        "postgresql://[::g]/shop",
        "postgresql://local host/shop",
        "memory://",
        "",
        1,
        None,
    ],
    ids=[
        "parent",
        "relative-folder",
        "hidden",
        "dash-first",
        "no-name",
        "root",
        "empty-segment",
        "dot-dot",
        "query",
        "space",
        "newline",
        "name-too-long",
        "too-deep",
        "two-slashes",
        "capitals",
        "postgres-scheme",
        "pg-no-database",
        "pg-empty-database",
        "pg-port-0",
        "pg-port-too-big",
        "pg-query",
        "pg-path",
        "pg-digit-first",
        "pg-name-too-long",
        "pg-bad-host",
        "pg-bad-ipv6",
        "pg-space",
        "memory",
        "empty",
        "number",
        "none",
    ],
)
def test_other_database_urls_are_refused_in_one_line(url):
    with pytest.raises(SpecError) as refused:
        spec.build(with_url(url))
    assert str(refused.value) == DATABASE_REFUSAL.format(url)


@pytest.mark.parametrize(
    ("url", "kept"),
    [
        ("postgresql://localhost/shop", "postgresql://localhost/shop"),
        ("postgresql://db.internal:5433/shop_2", "postgresql://db.internal:5433/shop_2"),
        ("postgresql://db:05432/shop", "postgresql://db:5432/shop"),
        ("postgresql://10.0.0.7:65535/a", "postgresql://10.0.0.7:65535/a"),
        ("postgresql://[0:0::1]:1/_x-y", "postgresql://[::1]:1/_x-y"),
        ("postgresql://h/" + "s" * 63, "postgresql://h/" + "s" * 63),
    ],
    ids=["plain", "port", "leading-zero", "ipv4-highest-port", "ipv6", "longest-name"],
)
def test_postgresql_urls_are_taken_normalised(url, kept):
    assert spec.build(with_url(url)).settings["database"]["url"] == kept


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://app:secret@db/shop",
        "postgresql://app@db/shop",
        "postgresql://:secret@db:5432/shop",
        "postgres://app:secret@db/shop",
        "sqlite://user@/app.db",
    ],
    ids=["user-password", "user", "password", "postgres-scheme", "sqlite"],
)
def test_database_urls_with_credentials_are_refused_without_echoing_them(url):
    with pytest.raises(SpecError) as refused:
        spec.build(with_url(url))
    assert str(refused.value) == CREDENTIALS_REFUSAL
    assert "secret" not in str(refused.value)


def test_a_url_with_a_password_exits_2_in_one_line(tmp_path):
    url = "postgresql://app:secret@db/shop"
    code, err = run_main(
        "new",
        "flask",
        "--no-input",
        "-m",
        "database",
        "--set",
        f"database.url={url}",
        "-o",
        str(tmp_path),
    )
    assert (code, err) == (2, f"dualgen: error: {CREDENTIALS_REFUSAL}\n")
    assert list(tmp_path.iterdir()) == []


def test_the_url_reaches_the_templates_as_data():
    context = spec.build(with_url("sqlite:////srv/it_s/x.db")).context("flask")
    assert (context["database"], context["database_url"]) == (True, "sqlite:////srv/it_s/x.db")


def test_an_unknown_value_that_is_not_a_text_gets_no_guess():
    assert str(spec_values.unknown("middleware", 5, ["cors", "logging"])) == (
        "middleware 5 is unknown; allowed: cors, logging"
    )
    assert str(
        spec_values.unknown("middleware", "corz", ["cors", "logging"], " in answers.yaml")
    ) == (
        "middleware 'corz' in answers.yaml is unknown; did you mean 'cors'? allowed: cors, logging"
    )


@pytest.mark.parametrize(
    "origins", [["*", "https://a.example"], ["https://b.example", "*"]], ids=["first", "last"]
)
def test_any_origin_stands_alone(origins):
    with pytest.raises(SpecError) as refused:
        spec.build({"middleware": ["cors"], "settings": {"cors": {"origins": origins}}})
    assert str(refused.value) == (
        f"cors.origins {origins!r}: * allows every origin and stands alone; give * or a list of "
        "origins"
    )


def test_a_resource_reaches_the_templates_as_its_context():
    built = spec.build({"routes": [parse_entry("resource /items name:str")]})
    (resource,) = built.context("flask")["_dualgen"]["resources"]
    assert (resource["path"], resource["module"], resource["router"]) == (
        "/items",
        "items",
        "itemsRouter",
    )
    assert spec.build({}).context("express")["_dualgen"]["resources"] == []
