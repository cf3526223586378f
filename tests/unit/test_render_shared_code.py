"""Jinja code compiled once per process (render.COMPILED) renders the same bytes as plain
cookiecutter, which compiles everything afresh in a new environment for every project, and two
templates, or two threads, never mix their code."""

from __future__ import annotations

import os
import shutil
import stat
import threading
from pathlib import Path

import jinja2
import jinja2.compiler
import pytest

from generator import render as render_module
from generator import spec
from generator.catalog import TEMPLATES_DIR
from generator.render import ANSWERS_FILE, COMPILED, render_tree

#: Flask and Express alternate: both templates hold README.md, Dockerfile, .gitignore, … under
#: the same names, the case where a cache keyed by name alone hands one the other's code.
ANSWERS = [
    {"name": "My Shop"},
    {"name": "My Shop", "preset": "api"},
    {"name": "Second Shop", "preset": "production"},
    {"name": "Classic", "preset": "classic"},
    {"name": "Events", "middleware": ["cors", "events", "rate-limit"], "docker": True},
]


def files(folder: Path) -> dict[str, tuple[int, bytes]]:
    return {
        str(p.relative_to(folder)): (stat.S_IMODE(p.stat().st_mode), p.read_bytes())
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def plain_cookiecutter(answers: dict[str, object], framework: str, into: Path) -> Path:
    """The project cookiecutter's own API writes (its hook run as a separate process), with the
    answers file dualgen adds."""
    from cookiecutter.main import cookiecutter

    config = into / "cookiecutter.yaml"
    into.mkdir(parents=True)
    config.write_text(
        f"replay_dir: {into / 'replay'}\ncookiecutters_dir: {into / 'cookiecutters'}\n",
        encoding="utf-8",
    )
    built = spec.build(dict(answers))
    project = Path(
        cookiecutter(
            str(TEMPLATES_DIR / framework),
            no_input=True,
            extra_context=built.context(framework),
            output_dir=str(into / "out"),
            config_file=str(config),
        )
    )
    (project / ANSWERS_FILE).write_text(spec.dump_answers(built), encoding="utf-8")
    return project


def test_kept_code_renders_what_plain_cookiecutter_renders_byte_for_byte(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))  # cookiecutter reads ~/.cookiecutterrc
    rendered = []
    for round_ in range(2):  # the second round runs on code kept from the first
        for n, answers in enumerate(ANSWERS):
            for framework in ("flask", "express"):
                into = tmp_path / f"dualgen-{round_}-{n}-{framework}"
                rendered.append(
                    (answers, framework, render_tree(spec.build(dict(answers)), framework, into))
                )
    assert len(COMPILED.codes) > 0
    for n, (answers, framework, project) in enumerate(rendered[: len(ANSWERS) * 2]):
        expected = files(plain_cookiecutter(answers, framework, tmp_path / f"plain-{n}"))
        assert files(project) == expected, (answers, framework)
        assert files(rendered[n + len(ANSWERS) * 2][2]) == expected, (answers, framework)


def test_code_is_kept_per_template_and_compiled_once(tmp_path):
    COMPILED.clear()
    render_tree(spec.build({}), "flask", tmp_path / "a")
    after_flask = len(COMPILED.codes)
    render_tree(spec.build({}), "express", tmp_path / "b")
    templates = {key[0] for key in COMPILED.codes}
    assert templates == {str(TEMPLATES_DIR / "flask"), str(TEMPLATES_DIR / "express")}
    both = len(COMPILED.codes)
    render_tree(spec.build({}), "flask", tmp_path / "c")
    render_tree(spec.build({}), "express", tmp_path / "d")
    # Again: only the strings naming the new scratch folders are new.
    new = len(COMPILED.codes) - both
    assert 0 < new <= 10
    assert after_flask < both


def test_the_kept_code_is_bounded(tmp_path, monkeypatch):
    monkeypatch.setattr(COMPILED, "kept", 40)
    render_tree(spec.build({}), "flask", tmp_path / "a")
    assert len(COMPILED.codes) == 40
    monkeypatch.undo()
    COMPILED.clear()


def test_renders_from_threads_are_each_whole(tmp_path, monkeypatch):
    # render_tree serialises itself (cookiecutter changes the working folder, and the hook
    # deletes files in it): threads may call it. From a copy of the templates, so that a render
    # whose hook ran in the wrong folder can harm only the copy.
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES_DIR, templates)
    monkeypatch.setattr(render_module, "templates_dir", lambda: templates)
    expected = {
        fw: files(render_tree(spec.build({}), fw, tmp_path / f"one-{fw}"))
        for fw in ("flask", "express")
    }
    results: dict[str, dict[str, tuple[int, bytes]]] = {}
    errors: list[BaseException] = []
    before = os.getcwd()

    def work(n: int) -> None:
        framework = ("flask", "express")[n % 2]
        try:
            results[f"{n}-{framework}"] = files(
                render_tree(spec.build({}), framework, tmp_path / f"t{n}")
            )
        except BaseException as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(results) == 6
    assert results == {key: expected[key.split("-")[1]] for key in results}
    assert os.getcwd() == before


@pytest.mark.parametrize("framework", ["flask", "express"])
def test_a_changed_template_file_is_compiled_anew(framework, tmp_path, monkeypatch):
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES_DIR, templates)
    monkeypatch.setattr(render_module, "templates_dir", lambda: templates)
    readme = templates / framework / "{{cookiecutter.project_slug}}" / "README.md"
    readme.write_text("first {{ cookiecutter.project_slug }}\n", encoding="utf-8")
    first = render_tree(spec.build({}), framework, tmp_path / "a")
    readme.write_text("second {{ cookiecutter.project_slug }}\n", encoding="utf-8")
    second = render_tree(spec.build({}), framework, tmp_path / "b")
    assert (first / "README.md").read_text() == f"first {first.name}\n"
    assert (second / "README.md").read_text() == f"second {second.name}\n"


class _OtherEnvironment(jinja2.Environment):
    pass


class _OtherGenerator(jinja2.compiler.CodeGenerator):
    pass


@pytest.mark.parametrize(
    ("changed", "value"),
    [
        ("block_start_string", "<%"),
        ("block_end_string", "%>"),
        ("variable_start_string", "<<"),
        ("variable_end_string", ">>"),
        ("comment_start_string", "<#"),
        ("comment_end_string", "#>"),
        ("line_statement_prefix", "%%"),
        ("line_comment_prefix", "##"),
        ("trim_blocks", True),
        ("lstrip_blocks", True),
        ("newline_sequence", "\r\n"),
        ("keep_trailing_newline", True),
        ("extensions", ["jinja2.ext.do"]),
        ("optimized", False),
        ("autoescape", True),
        ("finalize", str),
        ("enable_async", True),
        ("code_generator_class", _OtherGenerator),
        ("class", _OtherEnvironment),
    ],
)
def test_environments_that_compile_differently_never_share_code(changed, value):
    plain = render_module._settings(jinja2.Environment())
    if changed == "class":
        other = value()
    elif changed == "code_generator_class":
        other = jinja2.Environment()
        other.code_generator_class = value
    else:
        other = jinja2.Environment(**{changed: value})
    assert render_module._settings(other) != plain
    assert render_module._settings(jinja2.Environment()) == plain


# --- the keeper itself, on a fresh instance (COMPILED is filled by every other test) -----------


def shared(kept: int = 2048) -> tuple[render_module._CompiledCode, jinja2.Environment]:
    keeper = render_module._CompiledCode(kept)
    loader = jinja2.DictLoader({"x.txt": "{{ a }}!"})
    return keeper, keeper.share(jinja2.Environment(loader=loader), Path("tpl"))


def string_key(env: jinja2.Environment, source: str) -> tuple[object, ...]:
    return ("tpl", *render_module._settings(env), "string", source)


def test_a_string_is_compiled_once_and_its_code_kept_under_its_template_and_settings():
    keeper, env = shared()
    assert env.from_string("{{ a }}").render(a=1) == "1"
    assert list(keeper.codes) == [string_key(env, "{{ a }}")]
    code = keeper.codes[string_key(env, "{{ a }}")]
    assert code is not None
    assert env.from_string("{{ a }}").render(a=2) == "2"
    assert keeper.codes[string_key(env, "{{ a }}")] is code  # not compiled again
    assert len(keeper.codes) == 1


def test_a_template_file_is_kept_by_name_and_checksum_and_strings_apart():
    keeper, env = shared()
    assert env.get_template("x.txt").render(a=1) == "1!"
    ((key, code),) = keeper.codes.items()
    assert key[0] == "tpl" and key[-3] == "file" and code is not None
    again = keeper.share(jinja2.Environment(loader=env.loader), Path("tpl"))
    assert again.get_template("x.txt").render(a=2) == "2!"
    ((same_key, same_code),) = keeper.codes.items()
    assert same_key == key and same_code is code  # not compiled again


def test_what_is_not_a_plain_string_is_compiled_as_asked_and_not_kept():
    keeper, env = shared()
    plain = jinja2.Environment(loader=env.loader)
    for asked in ({"raw": True}, {"raw": True, "defer_init": True}, {"raw": True, "name": "n"}):
        assert env.compile("{{ a }}", **asked) == plain.compile("{{ a }}", **asked), asked
    assert isinstance(env.compile("{{ a }}", raw=True), str)
    assert isinstance(env.compile("{{ a }}", defer_init=True), type(compile("1", "", "eval")))
    assert env.compile("{{ a }}", name="n", filename="f").co_filename == "f"
    assert keeper.codes == {}


def test_the_least_recently_used_code_goes_first_past_the_bound():
    keeper, env = shared(kept=2)
    assert render_module._CompiledCode().kept == 2048
    for source in ("a", "b", "a", "c"):
        env.from_string(source)
    assert list(keeper.codes) == [string_key(env, "a"), string_key(env, "c")]
    keeper.clear()
    assert keeper.codes == {}
