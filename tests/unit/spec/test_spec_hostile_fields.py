"""Every field of the answers schema takes hostile text as data, never as code.

The fields are walked from the schema itself (spec.FIELDS, the catalog's settings and
routes.ROUTE_KEYS), not listed by hand: a field added later is attacked here without anyone
remembering to add it.
Each case renders both frameworks through the real CLI (in-process, for speed) and then runs `diff`
and `compare` on a project whose recorded answers hold the payload.
"""

from __future__ import annotations

import ast
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator import catalog, spec
from generator.spec import routes
from tests.helpers import run_main

CANARY = "CANARY-RAN"
#: Each payload is an attack on one language the answers may reach. The tests run in a fresh
#: folder where the file CANARY must never appear. "DG" ~ "RENDERED" appears in a file only if
#: Jinja ran.
PAYLOADS = {
    "jinja-exec": "x{{ cycler.__init__.__globals__.os.system('touch CANARY-RAN') }}",
    "jinja-expression": "x{{ 'DG' ~ 'RENDERED' }}",
    "jinja-statement": "x{% if 1 %}DG{% endif %}RENDERED",
    "jinja-comment": "xDG{# hidden #}RENDERED",
    "jinja-raw-escape": "x{% endraw %}{{ 'DG' ~ 'RENDERED' }}{% raw %}",
    "shell": "x$(touch CANARY-RAN)`touch CANARY-RAN`",
    "newline": "x\nSECRET=stolen\n# ",
    "html": "<img src=x onerror=alert(1)>",
    "markdown": "[click](javascript:alert(1)) **bold** # head",
    "nel": "a\x85b\u2028c",
}


ROUTE = {"method": "GET", "path": "/x"}


def leaves() -> Iterator[tuple[str, object]]:
    """(id, setter) for every place of the schema a value can go; setter(payload) -> answers."""
    for key, kind in spec.FIELDS.items():
        if kind == "settings":
            for choice in catalog.MIDDLEWARE:
                for setting in choice.settings:
                    yield (
                        f"settings.{choice.key}.{setting.key}",
                        lambda v, c=choice.key, s=setting.key: {
                            "middleware": [c],
                            "settings": {c: {s: v}},
                        },
                    )
                yield (
                    f"settings.{choice.key}.<name>",
                    lambda v, c=choice.key: {"middleware": [c], "settings": {c: {v: 1}}},
                )
        elif kind == "routes":
            for field in routes.ROUTE_KEYS:
                yield f"routes.{field}", lambda v, f=field: {"routes": [ROUTE | {f: v}]}
            yield "routes.json.<key>", lambda v: {"routes": [ROUTE | {"json": {v: 1}}]}
            yield "routes.json.<item>", lambda v: {"routes": [ROUTE | {"json": [v]}]}
        elif kind == "middleware":
            yield "middleware.<item>", lambda v: {"middleware": [v]}
        elif kind in ("version", "preset", "name", "port", "host", "bool"):
            yield key, lambda v, k=key: {k: v}
        else:
            raise AssertionError(f"field kind {kind!r} of {key!r} is not attacked by this test")


LEAVES = dict(leaves())


def test_the_walk_covers_every_field_of_the_schema():
    keys = {name.split(".")[0] for name in LEAVES}
    assert keys == set(spec.FIELDS)
    for choice in catalog.MIDDLEWARE:
        for setting in choice.settings:
            assert f"settings.{choice.key}.{setting.key}" in LEAVES
    assert {f"routes.{field}" for field in routes.ROUTE_KEYS} <= set(LEAVES)


#: A valid value to put a payload after, where a field's check looks only at how a value starts.
STEMS = {"host": "::1%eth0", "port": "8080", "name": "shop ", "routes.path": "/x/"}


def files_of(folder: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def at(answers: dict, leaf: str) -> object:
    """The value recorded at a leaf of a loaded answer file."""
    parts = leaf.split(".")
    if parts[0] == "settings":
        return answers["settings"][parts[1]][parts[2]]
    if parts[0] == "routes":
        route = answers["routes"][-1]
        return route[parts[1]]
    return answers[parts[0]]


PLACES = [
    pytest.param(leaf, stem, id=f"{leaf}-{'after-' + STEMS[leaf].strip() if stem else 'alone'}")
    for leaf in LEAVES
    for stem in ((False, True) if leaf in STEMS else (False,))
]


@pytest.mark.parametrize("payload", [pytest.param(v, id=k) for k, v in PAYLOADS.items()])
@pytest.mark.parametrize(("leaf", "stem"), PLACES)
def test_hostile_text_in_any_field_is_refused_or_written_as_data(
    leaf, stem, payload, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    canary = tmp_path / CANARY
    value = (STEMS[leaf] if stem else "") + payload
    answers_file = tmp_path / "answers.yaml"
    answers = {"name": "hostile", **LEAVES[leaf](value)}
    answers_file.write_text(yaml.safe_dump(answers), encoding="utf-8")
    out = tmp_path / "out"

    code, err = run_main(
        "new", "both", "--answers", str(answers_file), "--no-input", "-o", str(out)
    )

    assert code in (0, 2), err
    if code == 2:
        assert err.startswith("dualgen: error: ") and err.count("\n") == 1, err
        assert not out.exists() or list(out.iterdir()) == []
    else:
        written = {
            f"{project.name}/{name}": content
            for project in out.iterdir()
            for name, content in files_of(project).items()
        }
        assert not any(b"DGRENDERED" in content for content in written.values())
        (flask,) = out.glob("*-flask")
        ast.parse((flask / "app.py").read_bytes())
        recorded = spec.load_answers(flask / ".dualgen.yaml")
        if leaf.startswith(("routes.text", "routes.error", "name", "settings.cors")):
            assert value.strip() in str(at(recorded, leaf))
    assert not canary.exists()


@pytest.mark.parametrize(
    "payload",
    [pytest.param(v, id=k) for k, v in PAYLOADS.items() if k.startswith("jinja")],
)
@pytest.mark.parametrize(("leaf", "stem"), PLACES)
@pytest.mark.parametrize("framework", ["flask", "express"])
def test_diff_and_compare_read_hostile_recorded_answers_as_data(
    framework, leaf, stem, payload, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    canary = tmp_path / CANARY
    value = (STEMS[leaf] if stem else "") + payload
    project = tmp_path / "project"
    project.mkdir()
    if framework == "flask":
        (project / "app.py").write_text("")
        (project / "requirements.txt").write_text("")
    else:
        (project / "package.json").write_text("{}")
    recorded = project / ".dualgen.yaml"
    recorded.write_text(yaml.safe_dump({"name": "hostile", **LEAVES[leaf](value)}))

    for args in (
        ("diff", str(project)),
        ("compare", "--answers", str(recorded), "--format", "json"),
    ):
        code, err = run_main(*args)
        assert code in (0, 2), err
        assert code == 0 or err.count("\n") == 1, err
    assert not canary.exists()


# Hypothesis over the whole schema: each field gets a valid value, a value of the wrong type, or
# hostile text; whatever comes, the CLI exits 0 with a complete project that its own recorded
# answers reproduce byte for byte, or exits 2 with one line and writes nothing.
hostile_text = st.text(max_size=30) | st.sampled_from(list(PAYLOADS.values()))
wrong_types = st.none() | st.integers() | st.floats() | st.lists(st.integers(), max_size=2)
VALID = {
    "version": st.just("0.1.0"),
    "preset": st.sampled_from(list(catalog.PRESETS)),
    "name": st.sampled_from(["shop", "Ærø Shop", "Straße", "my_app"]),
    "port": st.integers(1, 65535) | st.sampled_from(["8080", "²", "0"]),
    "host": st.sampled_from(["127.0.0.1", "0.0.0.0", "::1", "localhost", "::1%lo"]),
    "bool": st.booleans(),
    "middleware": st.lists(st.sampled_from([c.key for c in catalog.MIDDLEWARE]), max_size=4),
    "settings": st.sampled_from(
        [
            {"rate-limit": {"max": "¹"}},
            {"rate-limit": {"storage": "redis://[::1]:6379/1"}},
            {"rate-limit": {"storage": "redis://user:secret@cache"}},
            {"cors": {"origins": ["http://[::1]:8080"]}},
            {},
        ]
    ),
    "routes": st.lists(
        st.fixed_dictionaries(
            {
                "method": st.sampled_from(routes.METHODS),
                "path": st.sampled_from(["/a", "/b/{id:int}"]),
            },
            optional={"text": st.text(max_size=10), "status": st.integers(100, 700)},
        ),
        max_size=2,
    ),
}
answer_files = st.fixed_dictionaries(
    {},
    optional={key: VALID[kind] | wrong_types | hostile_text for key, kind in spec.FIELDS.items()},
)
EXAMPLES = int(os.environ.get("DUALGEN_SCHEMA_EXAMPLES", "120"))


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(answers=answer_files)
def test_any_answer_file_renders_reproducibly_or_is_refused_in_one_line(answers, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("schema")
    answers_file = tmp / "answers.yaml"
    answers_file.write_text(yaml.safe_dump(answers, allow_unicode=True), encoding="utf-8")
    out = tmp / "out"

    code, err = run_main(
        "new", "flask", "--answers", str(answers_file), "--no-input", "-o", str(out)
    )

    assert code in (0, 2), err
    if code == 2:
        assert err.startswith("dualgen: error: ") and err.count("\n") == 1, err
        assert not out.exists() or list(out.iterdir()) == []
        return
    (project,) = out.iterdir()
    again = tmp / "again"
    code, err = run_main(
        "new", "flask", "--answers", str(project / ".dualgen.yaml"), "--no-input", "-o", str(again)
    )
    assert code == 0, err
    assert files_of(again / project.name) == files_of(project)
