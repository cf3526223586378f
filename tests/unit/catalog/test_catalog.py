import json
import os
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from generator import catalog, spec

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize("framework", catalog.FRAMEWORKS, ids=catalog.FRAMEWORKS)
def test_cookiecutter_json_is_derived_from_the_catalog(framework):
    path = catalog.TEMPLATES_DIR / framework / "cookiecutter.json"
    assert json.loads(path.read_text()) == json.loads(
        json.dumps(catalog.cookiecutter_json(framework))
    ), "templates drifted from the catalog: run `python -m generator.catalog`"


@pytest.mark.parametrize("framework", catalog.FRAMEWORKS, ids=catalog.FRAMEWORKS)
def test_each_template_extension_is_a_copy_of_the_literal_writer(framework):
    context = catalog.cookiecutter_json(framework)
    (extension,) = context["_extensions"]
    folder = catalog.TEMPLATES_DIR / framework / extension.rsplit(".", 1)[0]
    sources = catalog.extension_sources()
    assert sorted(sources) == ["__init__.py", "dialects.py"]
    assert sorted(path.name for path in folder.glob("*.py")) == sorted(sources)
    for name, text in sources.items():
        assert (folder / name).read_text(encoding="utf-8") == text, (
            f"{folder.name}/{name} drifted from generator/literals/: "
            "run `python -m generator.catalog`"
        )
        assert text.endswith((catalog.LITERALS / name).read_text(encoding="utf-8"))


@pytest.mark.parametrize("choice", catalog.MIDDLEWARE + catalog.CONFIG, ids=lambda c: c.key)
def test_every_choice_exists_in_both_frameworks_with_pinned_packages(choice):
    for framework in catalog.FRAMEWORKS:
        side = choice.side(framework)
        assert side.note
        for package in side.packages + side.dev_packages:
            assert package in catalog.PINS[framework], f"{package} is not pinned"


def test_every_pin_is_an_exact_release():
    for pins in catalog.PINS.values():
        for name, version in pins.items():
            assert version.replace(".", "").isdigit(), f"{name}=={version} is not an exact version"


@pytest.mark.parametrize("name", list(catalog.PRESETS), ids=list(catalog.PRESETS))
def test_presets_build(name):
    built = spec.build({"preset": name})
    assert built.routes[0].label == "GET /"


def test_the_production_preset_uses_every_middleware_but_static_proxy_health_and_events():
    # Trusting a proxy that is not there would let any client forge its address; a health check
    # is the deployment's choice; events are a feature of the app, not of production; a
    # database keeps the items of resources, which the preset does not have.
    built = spec.build({"preset": "production"})
    expected = {c.key for c in catalog.MIDDLEWARE} - {
        "static",
        "proxy",
        "health",
        "events",
        "database",
    }
    assert set(built.middleware) == expected
    assert set(built.switches) == {c.key for c in catalog.CONFIG} - {"strict-parity"}


def test_packages_follow_the_choices():
    assert catalog.packages("flask", ["cors", "logging"]) == {
        "flask": "3.1.3",
        "flask-cors": "6.0.5",
    }
    assert catalog.packages("express", ["tests"], dev=True) == {"supertest": "7.3.2"}


def test_every_middleware_has_partials_per_framework_and_its_exchanges():
    from generator.contract import CHOICE_EXCHANGES

    for choice in catalog.MIDDLEWARE:
        assert choice.key in CHOICE_EXCHANGES, choice.key
        for framework, suffix in (("flask", "py"), ("express", "js")):
            partials = catalog.TEMPLATES_DIR / framework / "templates"
            assert (partials / "middleware" / f"{choice.key}.{suffix}.j2").is_file(), (
                framework,
                choice.key,
            )
            # Its tests in the projects made with --tests (a partial without tests says why).
            assert (partials / "tests" / f"{choice.key}.{suffix}.j2").is_file(), (
                framework,
                choice.key,
            )
    assert set(CHOICE_EXCHANGES) == {choice.key for choice in catalog.MIDDLEWARE}


@pytest.mark.parametrize("framework", catalog.FRAMEWORKS, ids=catalog.FRAMEWORKS)
def test_write_cookiecutter_json_writes_the_committed_file_byte_for_byte(framework, tmp_path):
    (tmp_path / framework).mkdir()
    written = catalog.write_cookiecutter_json(framework, tmp_path)
    assert written == tmp_path / framework / "cookiecutter.json"
    committed = catalog.TEMPLATES_DIR / framework / "cookiecutter.json"
    assert written.read_bytes() == committed.read_bytes()
    assert written.read_text(encoding="utf-8").endswith("}\n")


def copy_of_the_package(tmp_path: Path) -> Path:
    """The generator package beside empty template folders, so nothing of the checkout changes."""
    shutil.copytree(
        ROOT / "generator", tmp_path / "generator", ignore=shutil.ignore_patterns("__pycache__")
    )
    for framework in catalog.FRAMEWORKS:
        (tmp_path / "templates" / framework).mkdir(parents=True)
    return tmp_path


def clean_environment(root: Path) -> dict[str, str]:
    # Under mutation testing (tests/mutation) the copy holds mutmut's trampolines, which must run
    # the original code in a child process: the child gets no mutant to switch to.
    env = {key: value for key, value in os.environ.items() if key != "MUTANT_UNDER_TEST"}
    return env | {"PYTHONPATH": str(root)}


def test_python_m_generator_catalog_rewrites_both_cookiecutter_json_files(tmp_path):
    root = copy_of_the_package(tmp_path)
    done = subprocess.run(
        [sys.executable, "-m", "generator.catalog"],
        cwd=root,
        env=clean_environment(root),
        capture_output=True,
        text=True,
        check=True,
    )
    expected = [root / "templates" / name / "cookiecutter.json" for name in ("flask", "express")]
    assert [line for line in done.stdout.splitlines() if line.endswith(".json")] == [
        str(path) for path in expected
    ]
    for framework, path in zip(("flask", "express"), expected, strict=True):
        committed = catalog.TEMPLATES_DIR / framework / "cookiecutter.json"
        assert path.read_bytes() == committed.read_bytes()


def test_importing_the_catalog_writes_nothing(tmp_path):
    root = copy_of_the_package(tmp_path)
    subprocess.run(
        [sys.executable, "-c", "import generator.catalog, generator.spec"],
        cwd=root,
        env=clean_environment(root),
        check=True,
    )
    assert [p for p in (root / "templates").rglob("*") if p.is_file()] == []


def test_templates_come_from_the_install_when_there_is_one(tmp_path, monkeypatch):
    assert catalog.templates_dir() == ROOT / "templates" == catalog.TEMPLATES_DIR
    fake = tmp_path / "generator"
    (fake / "_templates").mkdir(parents=True)
    monkeypatch.setattr(catalog, "GENERATOR", fake)
    assert catalog.templates_dir() == fake / "_templates"


def test_packages_keep_the_framework_first_and_each_package_once():
    assert list(catalog.packages("express", ["logging", "cors", "rate-limit", "tests"])) == [
        "express",
        "morgan",
        "cors",
        "express-rate-limit",
    ]
    assert catalog.packages("flask", ["env-file", "production-server", "env-file"]) == {
        "flask": "3.1.3",
        "python-dotenv": "1.2.4",
        "gunicorn": "27.0.1",
    }
    assert catalog.packages("flask", ["tests", "cors"], dev=True) == {"pytest": "9.2.0"}
    assert catalog.packages("express", [], dev=True) == {}


def test_a_choice_names_its_variables_and_sides():
    choice = catalog.CHOICES["rate-limit"]
    assert choice.var == "rate_limit"
    assert [choice.setting_var(s) for s in choice.settings] == [
        "rate_limit_max",
        "rate_limit_window",
        "rate_limit_storage",
        "rate_limit_on_storage_error",
        "rate_limit_ipv6_subnet",
    ]
    assert choice.side("flask").packages == ("flask-limiter",)
    assert choice.side("express").packages == ("express-rate-limit",)
    origins = catalog.CHOICES["cors"].settings[0]
    assert (origins.is_list, choice.settings[0].is_list) == (True, False)


@pytest.mark.parametrize(
    ("framework", "storage", "expected"),
    [
        pytest.param(
            "flask",
            "redis://cache:6379/0",
            {"flask": "3.1.3", "flask-limiter": "4.1.1", "redis": "7.4.1"},
            id="flask-redis",
        ),
        pytest.param(
            "express",
            "rediss://cache:6380",
            {
                "express": "5.3.0",
                "express-rate-limit": "8.7.5",
                "rate-limit-redis": "6.0.1",
                "redis": "6.3.1",
            },
            id="express-rediss",
        ),
        pytest.param(
            "flask", "memory://", {"flask": "3.1.3", "flask-limiter": "4.1.1"}, id="memory"
        ),
        pytest.param(
            "flask", "REDIS://cache", {"flask": "3.1.3", "flask-limiter": "4.1.1"}, id="capitals"
        ),
        pytest.param("flask", None, {"flask": "3.1.3", "flask-limiter": "4.1.1"}, id="none"),
    ],
)
def test_a_redis_storage_adds_the_redis_client_packages(framework, storage, expected):
    settings = {"rate-limit": {} if storage is None else {"storage": storage}}
    assert catalog.packages(framework, ["rate-limit"], settings=settings) == expected
    # Development packages and other choices' settings bring no Redis client.
    assert catalog.packages(framework, ["rate-limit"], dev=True, settings=settings) == {}
    other = {"cors": {"storage": "redis://cache"}}
    assert "redis" not in catalog.packages(framework, ["rate-limit", "cors"], settings=other)


def test_a_difference_declared_without_a_choice_applies_only_without_it():
    def titles(answers):
        return [d.title for d in catalog.declared_differences(spec.build(answers))]

    pages = "error pages, without this choice"
    assert pages in titles({}) and pages not in titles({"middleware": ["error-handlers"]})
    assert titles({"classic": True}) == []


@pytest.mark.parametrize("framework", catalog.FRAMEWORKS, ids=catalog.FRAMEWORKS)
def test_write_extension_writes_the_committed_package_byte_for_byte(framework, tmp_path):
    (tmp_path / framework / catalog.extension_module(framework)).mkdir(parents=True)
    stale = tmp_path / framework / catalog.extension_module(framework) / "gone.py"
    stale.write_text("")
    written = catalog.write_extension(framework, tmp_path)
    assert written == tmp_path / framework / catalog.extension_module(framework)
    committed = catalog.TEMPLATES_DIR / framework / written.name
    assert sorted(p.name for p in written.iterdir()) == ["__init__.py", "dialects.py"]
    for path in written.iterdir():
        assert path.read_bytes() == (committed / path.name).read_bytes()


def test_a_declared_difference_stands_beside_its_own_concept_or_its_choice():
    vary = next(d for d in catalog.CHOICES["cors"].declared if d.title.startswith("Vary"))
    assert (vary.concept, catalog.concept_of(vary)) == ("", "cors")
    server = next(d for d in catalog.CHOICES["strict-parity"].declared if "Server" in d.title)
    assert catalog.concept_of(server) == "start"
    assert [catalog.concept_of(d) for d in catalog.DECLARED] == ["route", "route"]


def test_what_a_reader_is_shown_of_a_declared_difference():
    declared = catalog.Declared(
        "t", "f", "e", "w", docs=("https://a", "https://b"), example="GET /", concept="route"
    )
    assert declared.shown() == {
        "title": "t",
        "flask": "f",
        "express": "e",
        "why": "w",
        "example": "GET /",
        "docs": ["https://a", "https://b"],
        "concept": "route",
    }


@pytest.mark.parametrize(
    ("key", "values", "expected"),
    [
        pytest.param(
            "logging",
            {"format": "json"},
            "One access-log line per request (method, URL, status, length, time), in the json "
            "format.",
            id="logging-json",
        ),
        pytest.param(
            "logging",
            {},
            "One access-log line per request (method, URL, status, length, time), in the tiny "
            "format.",
            id="logging-default",
        ),
        pytest.param(
            "rate-limit",
            {"max": 5, "window": 10},
            "Answer 429 once a client (by socket address) exceeds 5 requests per 10 s.",
            id="rate-limit",
        ),
        pytest.param(
            "proxy",
            {"hops": 2},
            "Trust X-Forwarded-For, -Proto and -Host from the proxies in front of the server "
            "(2 of them).",
            id="proxy",
        ),
        pytest.param(
            "cors",
            {"origins": ["https://a.example", "https://b.example"]},
            catalog.CHOICES["cors"].help,
            id="no-placeholder",
        ),
    ],
)
def test_a_summary_says_what_was_chosen_with_its_values(key, values, expected):
    assert catalog.CHOICES[key].summary_for(values) == expected


@pytest.mark.parametrize(
    ("choices", "settings", "expected"),
    [
        pytest.param([], {}, "gthread", id="default"),
        pytest.param(
            ["production-server"],
            {"production-server": {"worker-class": "sync"}},
            "sync",
            id="chosen",
        ),
        pytest.param(
            ["events"], {"production-server": {"worker-class": "sync"}}, "gevent", id="events"
        ),
        pytest.param(["events"], {}, "gevent", id="events-default"),
    ],
)
def test_gunicorn_runs_the_chosen_worker_class_but_gevent_under_events(choices, settings, expected):
    assert catalog.worker_class(choices, settings) == expected
    assert catalog.worker_packages(choices, settings) == (
        ["gevent"] if expected == "gevent" else []
    )


def test_events_in_production_bring_gevent_to_flask_alone():
    both = ["events", "production-server"]
    assert catalog.packages("flask", both) == {
        "flask": "3.1.3",
        "gunicorn": "27.0.1",
        "gevent": "26.9.0",
    }
    assert catalog.packages("flask", ["events"]) == {"flask": "3.1.3"}  # no gunicorn, no gevent
    assert catalog.packages("flask", both, dev=True) == {}
    assert catalog.packages("express", both) == {"express": "5.3.0"}


def test_a_redis_broker_adds_the_redis_client_packages():
    settings = {"events": {"broker": "redis://cache:6379/0"}}
    assert catalog.packages("flask", ["events"], settings=settings) == {
        "flask": "3.1.3",
        "redis": "7.4.1",
    }
    assert catalog.packages("express", ["events"], settings=settings) == {
        "express": "5.3.0",
        "redis": "6.3.1",
    }
    assert catalog.uses_redis({"broker": "rediss://cache"}) is True
    assert catalog.uses_redis({"broker": "memory://"}) is False
    assert catalog.uses_redis({"storage": "memory://", "broker": "redis://cache"}) is False


def test_a_summary_shows_lists_hyphenated_settings_and_backslashes_as_given():
    limit = replace(
        catalog.CHOICES["rate-limit"], summary="Over MAX, ON_STORAGE_ERROR (STORAGE); MAX_X stays."
    )
    assert limit.summary_for({"on-storage-error": "closed", "storage": r"redis://h\new\1"}) == (
        r"Over 100, closed (redis://h\new\1); MAX_X stays."
    )
    cors = replace(catalog.CHOICES["cors"], summary="From ORIGINS.")
    assert cors.summary_for({"origins": ["https://a.example", "https://b.example"]}) == (
        "From https://a.example, https://b.example."
    )
    assert cors.summary_for({}) == "From http://localhost:5173."


@pytest.mark.parametrize(
    ("framework", "url", "expected"),
    [
        pytest.param("express", None, ["express", "knex", "better-sqlite3"], id="express-default"),
        pytest.param(
            "express", "sqlite:////srv/a.db", ["express", "knex", "better-sqlite3"], id="express"
        ),
        pytest.param("express", "postgresql://db/app", ["express", "knex", "pg"], id="express-pg"),
        pytest.param("flask", None, ["flask", "flask-sqlalchemy", "flask-migrate"], id="flask"),
        pytest.param(
            "flask",
            "postgresql://db/app",
            ["flask", "flask-sqlalchemy", "flask-migrate", "psycopg"],
            id="flask-pg",
        ),
    ],
)
def test_the_database_driver_follows_the_url_engine(framework, url, expected):
    settings = {"database": {} if url is None else {"url": url}}
    found = catalog.packages(framework, ["database"], settings=settings)
    assert list(found) == expected
    assert found == {name: catalog.PINS[framework][name] for name in expected}
    assert catalog.packages(framework, ["database"], dev=True, settings=settings) == {}
    # Another choice's URL-like setting brings no driver.
    other = {"cors": {"url": "postgresql://db/app"}}
    assert "pg" not in catalog.packages(framework, ["database", "cors"], settings=other)
    assert "psycopg" not in catalog.packages(framework, ["database", "cors"], settings=other)


def test_database_engine_reads_the_scheme_or_the_default():
    database = catalog.CHOICES["database"]
    assert catalog.database_engine(database, {}) == "sqlite"
    assert catalog.database_engine(database, {"url": "postgresql://h/d"}) == "postgresql"
    assert catalog.database_engine(catalog.CHOICES["cors"], {"url": "postgresql://h/d"}) == ""
    assert catalog.database_var(database) == "database_url"
    assert catalog.database_var(catalog.CHOICES["cors"]) == ""
