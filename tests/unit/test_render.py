"""Nothing is ever lost: a failure at any point leaves the destination exactly as it was."""

import os
import shutil
import signal
from pathlib import Path

import pytest

from generator import render as render_module
from generator import spec
from generator.catalog import TEMPLATES_DIR
from generator.errors import RunError
from generator.render import render
from generator.signals import Interrupted


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


@pytest.fixture
def existing(tmp_path: Path) -> Path:
    """An output folder holding a user's earlier project with a sentinel file."""
    for name in ("hello-flask", "hello-express"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "sentinel.txt").write_text("keep me")
        (tmp_path / name / "app.py").write_text("# the user's own app\n")
    return tmp_path


@pytest.mark.parametrize(
    "error",
    [RuntimeError("late failure"), KeyboardInterrupt(), Interrupted(signal.SIGTERM)],
    ids=["error", "ctrl-c-outside-the-cli", "signal"],
)
def test_a_failure_while_rendering_leaves_every_destination_as_it_was(error, existing, monkeypatch):
    before = snapshot(existing)
    real = render_module.render_tree
    calls = []

    def failing_second(spec_, framework, into):
        calls.append(framework)
        if len(calls) == 2:
            raise error
        return real(spec_, framework, into)

    monkeypatch.setattr(render_module, "render_tree", failing_second)
    with pytest.raises(type(error)):
        render(spec.build({}), ("flask", "express"), existing, force=True)
    assert calls == ["flask", "express"]
    assert snapshot(existing) == before
    assert sorted(p.name for p in existing.iterdir()) == ["hello-express", "hello-flask"]


def test_a_failing_hook_leaves_nothing_behind(tmp_path, monkeypatch):
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES_DIR, templates)
    hook = templates / "flask" / "hooks" / "post_gen_project.py"
    hook.write_text("raise SystemExit('hook failed')\n")
    monkeypatch.setattr(render_module, "templates_dir", lambda: templates)
    out = tmp_path / "out"
    out.mkdir()
    (out / "sentinel.txt").write_text("keep me")
    with pytest.raises(RunError, match="post-generation hook of flask failed: hook failed"):
        render(spec.build({}), ("flask",), out)
    assert [p.name for p in out.iterdir()] == ["sentinel.txt"]


def test_force_merges_in_one_rename_and_keeps_user_files(existing):
    render(spec.build({"preset": "api"}), ("flask",), existing / "merge", force=False)
    project = existing / "merge" / "hello"
    (project / "notes.md").write_text("mine")
    (project / "hello" / "extra.py").write_text("# mine\n")
    render(spec.build({"preset": "production"}), ("flask",), existing / "merge", force=True)
    assert (project / "notes.md").read_text() == "mine"
    assert (project / "hello" / "extra.py").read_text() == "# mine\n"
    assert (project / "gunicorn.conf.py").exists()
    assert [p.name for p in (existing / "merge").iterdir()] == ["hello"]


def test_the_cookiecutter_internals_render_relies_on_keep_their_shape():
    """render.py patches and calls these; a cookiecutter release that moves them must fail here."""
    import inspect

    import cookiecutter.generate as generate
    import cookiecutter.hooks as hooks
    import cookiecutter.prompt as prompt
    import cookiecutter.utils as utils

    assert list(inspect.signature(generate.create_env_with_context).parameters) == ["context"]
    assert list(inspect.signature(utils.create_env_with_context).parameters) == ["context"]
    assert {"repo_dir", "context", "output_dir", "accept_hooks"} <= set(
        inspect.signature(generate.generate_files).parameters
    )
    assert {"context_file", "extra_context"} <= set(
        inspect.signature(generate.generate_context).parameters
    )
    assert {"context", "no_input"} <= set(inspect.signature(prompt.prompt_for_config).parameters)
    assert list(inspect.signature(hooks.find_hook).parameters)[:2] == ["hook_name", "hooks_dir"]
    # generate_files and prompt_for_config must look the factory up at call time, or the code
    # compiled once per process (render.COMPILED) is lost.
    assert "create_env_with_context(" in inspect.getsource(generate.generate_files)
    assert "create_env_with_context(" in inspect.getsource(prompt.prompt_for_config)
    # generate_file asks binaryornot through this module name (render keeps the verdicts).
    assert "if is_binary(infile):" in inspect.getsource(generate.generate_file)


def test_a_binary_template_file_is_judged_once_per_version_and_by_its_whole_path(
    tmp_path, monkeypatch
):
    import cookiecutter.generate as generate

    from generator.render import _is_binary

    for folder, content in (("a", b"plain text\n"), ("b", b"\x89PNG\r\n\x1a\n\x00\x00\x01")):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "same-name").write_bytes(content)
    verdicts = []
    for folder in ("a", "b", "a"):
        monkeypatch.chdir(tmp_path / folder)  # cookiecutter names a file from its template
        verdicts.append(_is_binary("same-name"))
    # A file changed in place gets a verdict of its own: another size at the same time, or the
    # same size (as the text first judged) at another time.
    changed = tmp_path / "a" / "same-name"
    when = changed.stat().st_mtime_ns
    for content, at in (
        (b"\x89PNG\r\n\x1a\n\x00\x00\x01\x02", when),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x01", when + 10**9),
    ):
        changed.write_bytes(content)
        os.utime(changed, ns=(at, at))
        verdicts.append(_is_binary("same-name"))
    assert verdicts == [False, True, False, True, True]
    shown = render_module.render_tree(spec.build({"name": "x"}), "flask", tmp_path / "out")
    assert shown.is_dir() and generate.is_binary.__module__ == "binaryornot.check"
