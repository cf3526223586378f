"""Issue 9: each break an outside tester found in the answers, with the input that found it."""

from __future__ import annotations

import os
import sys

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from generator import catalog, spec
from generator.errors import SpecError


def refused(answers: dict, message: str) -> None:
    with pytest.raises(SpecError, match=message) as error:
        spec.build(answers)
    assert "\n" not in str(error.value)


@pytest.mark.parametrize(
    "host",
    [
        pytest.param("::1%{{ cycler.__init__.__globals__.os.system('touch x') }}", id="jinja"),
        pytest.param("::1%\nSECRET=x\n#", id="env-lines"),
        pytest.param("::1%x", id="plain-zone"),
        pytest.param("fe80::1%eth0", id="link-local-zone"),
    ],
)
def test_ipv6_zone_ids_are_refused(host):
    refused({"host": host}, "zone ids are not accepted")


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        pytest.param("127.0.0.1", True, id="ipv4-loopback"),
        pytest.param("127.255.0.9", True, id="ipv4-loopback-range"),
        pytest.param("::1", True, id="ipv6-loopback"),
        pytest.param("localhost", True, id="localhost"),
        pytest.param("0.0.0.0", False, id="any"),
        pytest.param("api.example.com", False, id="name"),
        pytest.param("localhost.example.com", False, id="name-starting-localhost"),
        pytest.param("10.0.0.1", False, id="private"),
    ],
)
def test_debug_is_allowed_on_loopback_only(host, loopback):
    answers = {"host": host, "debug": True}
    if loopback:
        assert spec.build(answers).debug is True
    else:
        refused(answers, "expose the debugger")


@pytest.mark.parametrize(
    "origin",
    [
        pytest.param("http://[::1]:8080", id="ipv6-literal"),
        pytest.param("http://[::1]", id="ipv6-no-port"),
        pytest.param("http://a.example/(x)?", id="regex-chars"),
    ],
)
def test_origins_flask_cors_would_read_as_a_regex_are_refused(origin):
    refused(
        {"middleware": ["cors"], "settings": {"cors": {"origins": [origin]}}}, "is not an origin"
    )


@pytest.mark.parametrize(
    "name", [pytest.param(word, id=word) for word in ("class", "import", "def", "if", "while")]
)
def test_python_keywords_are_refused_as_project_names(name):
    refused({"name": name}, "a Python keyword")


@pytest.mark.parametrize(
    "name",
    [
        pytest.param(module.replace("_", "-"), id=module)
        for module in ("typing_extensions", "packaging", "wrapt", "deprecated", "ordered_set")
    ],
)
def test_names_that_shadow_a_dependency_module_are_refused(name):
    refused({"name": name}, "already uses")


def test_every_keyword_and_dependency_module_is_refused():
    import keyword

    # True, False and None give the packages true, false and none, which are not keywords.
    words = [word for word in keyword.kwlist if word.islower()] + list(catalog.DEPENDENCY_MODULES)
    for word in words:
        with pytest.raises(SpecError):
            spec.check_name(word.lstrip("_"))


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        pytest.param({"name": "shop\ud800"}, "holds", id="surrogate-name"),
        pytest.param(
            {"routes": [{"method": "GET", "path": "/a", "text": "x\udc00"}]},
            "lone surrogate",
            id="surrogate-text",
        ),
        pytest.param(
            {"routes": [{"method": "GET", "path": "/a", "json": {"k\ud800": 1}}]},
            "lone surrogate",
            id="surrogate-json-key",
        ),
        pytest.param({"port": "²"}, "from 1 to 65535", id="superscript-port"),
        pytest.param(
            {"middleware": ["rate-limit"], "settings": {"rate-limit": {"max": "¹"}}},
            "must be a whole number",
            id="superscript-setting",
        ),
        pytest.param({"preset": ["api"]}, "preset .* is unknown", id="preset-list"),
        pytest.param({"middleware": [["cors"]]}, "is unknown", id="middleware-nested-list"),
        pytest.param({"name": "ﬃ" * 100}, "the limit is 100", id="name-folds-to-300"),
        pytest.param({"name": "<img src=x onerror=alert(1)>"}, "holds '<'", id="html-name"),
        pytest.param({"name": "[x](javascript:x)"}, "holds '\\['", id="markdown-name"),
        pytest.param(
            {"preset": "classic", "debug": False}, "classic with debug false", id="classic-no-debug"
        ),
    ],
)
def test_hostile_values_are_refused_in_one_line(answers, message):
    refused(answers, message)


def test_json_nested_deeper_than_the_limit_is_refused():
    value: object = 1
    for _ in range(1000):
        value = [value]
    refused({"routes": [{"method": "GET", "path": "/a", "json": value}]}, "nests deeper")


def test_classic_records_the_debug_its_flask_program_runs():
    built = spec.build({"preset": "classic"})
    assert built.debug is True and built.answers()["debug"] is True
    assert spec.build(built.answers()) == built


@pytest.mark.parametrize(
    ("name", "folder"),
    [
        pytest.param("Straße", "strasse", id="sharp-s"),
        pytest.param("Ærø Shop", "aero-shop", id="ae-ligature"),
        pytest.param("Hello Flask", "hello-flask", id="ascii"),
        pytest.param("my_app", "my-app", id="underscore"),
    ],
)
def test_folder_names_are_python_slugify_as_in_cookiecutter(name, folder):
    from cookiecutter.extensions import SlugifyExtension  # noqa: F401 - the filter cookiecutter uses
    from slugify import slugify

    assert spec.build({"name": name}).slug == folder == slugify(name)


@settings(max_examples=300, deadline=None)
@given(text=st.text())
def test_any_text_survives_jinja_literal_in_cookiecutters_environment(text):
    from cookiecutter.environment import StrictEnvironment

    environment = StrictEnvironment(context={"cookiecutter": {}}, keep_trailing_newline=True)
    assert environment.from_string(spec.jinja_literal(text)).render() == text


@settings(max_examples=300, deadline=None)
@given(text=st.text().filter(lambda t: not any("\ud800" <= c <= "\udfff" for c in t)))
def test_any_route_text_round_trips_through_the_recorded_answers(text):
    built = spec.build({"routes": [{"method": "GET", "path": "/a", "text": text}]})
    loaded = yaml.safe_load(spec.dump_answers(built))
    loaded.pop("dualgen")
    assert spec.build(loaded) == built


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda tmp: "/dev/zero", id="dev-zero"),
        pytest.param(lambda tmp: (os.mkfifo(tmp / "fifo"), tmp / "fifo")[1], id="fifo"),
        pytest.param(lambda tmp: tmp, id="folder"),
    ],
)
@pytest.mark.skipif(sys.platform == "win32", reason="POSIX special files")
def test_answer_files_must_be_regular_files(make, tmp_path):
    with pytest.raises(SpecError, match="not a regular file|cannot be read") as error:
        spec.load_answers(make(tmp_path))
    assert "\n" not in str(error.value)


def test_answer_files_are_capped_in_size(tmp_path):
    big = tmp_path / "big.yaml"
    big.write_text("name: " + "a" * spec.MAX_ANSWER_FILE)
    with pytest.raises(SpecError, match="larger than"):
        spec.load_answers(big)


def test_yaml_aliases_are_refused(tmp_path):
    bomb = tmp_path / "bomb.yaml"
    lines = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    lines += [f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}] " for i in range(9)]
    bomb.write_text("\n".join(lines))
    with pytest.raises(SpecError, match="aliases"):
        spec.load_answers(bomb)
