"""The steps of rendering one by one: folder names, the destination checks and their messages,
the dry run, the hook runner and the template path, each against fixed expectations."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from generator import render as render_module
from generator import spec
from generator.catalog import TEMPLATES_DIR
from generator.errors import DestinationError, RunError
from generator.render import check_destination, dry_run, folder_name, render_tree

SHOP = spec.build({"name": "My Shop"})


def test_folder_names_carry_the_framework_only_for_both():
    assert folder_name(SHOP, "flask") == "my-shop"
    assert folder_name(SHOP, "express", both=True) == "my-shop-express"


def test_a_free_destination_passes_and_an_existing_folder_needs_force(tmp_path):
    check_destination(tmp_path / "new", force=False)
    check_destination(tmp_path, force=True)
    with pytest.raises(DestinationError) as error:
        check_destination(tmp_path, force=False)
    assert str(error.value) == (
        f"output folder {str(tmp_path)!r} already exists; use --force to replace the "
        "files dualgen writes and keep the others"
    )


@pytest.mark.parametrize("force", [False, True], ids=["plain", "force"])
def test_a_file_or_a_symlink_is_never_a_destination(force, tmp_path):
    (tmp_path / "file").write_text("x")
    (tmp_path / "link").symlink_to(tmp_path / "missing")
    with pytest.raises(DestinationError) as error:
        check_destination(tmp_path / "file", force=force)
    assert str(error.value) == (
        f"output folder {str(tmp_path / 'file')!r} is a file; choose another name or --output-dir"
    )
    with pytest.raises(DestinationError) as error:
        check_destination(tmp_path / "link", force=force)
    assert str(error.value) == (
        f"output folder {str(tmp_path / 'link')!r} is a symlink; dualgen never follows one"
    )


def test_a_destination_that_cannot_be_examined_is_one_line(tmp_path):
    long = tmp_path / ("x" * 300)
    with pytest.raises(DestinationError) as error:
        check_destination(long, force=False)
    assert str(error.value) == f"cannot use output folder {str(long)!r}: File name too long"


def test_a_dry_run_lists_each_projects_files_and_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    trees = dry_run(spec.build({"name": "Shop", "tests": True}), ("flask", "express"))
    assert trees == {
        "shop-flask": [
            ".dualgen.yaml",
            ".gitignore",
            "README.md",
            "app.py",
            "pyproject.toml",
            "requirements-dev.txt",
            "requirements.txt",
            "tests/conftest.py",
            "tests/test_app.py",
        ],
        "shop-express": [
            ".dualgen.yaml",
            ".gitignore",
            ".prettierignore",
            ".prettierrc",
            "README.md",
            "app.js",
            "package.json",
            "test/app.test.js",
        ],
    }
    assert list(tmp_path.iterdir()) == []
    assert list(dry_run(SHOP, ("flask",))) == ["my-shop"]


def test_a_rendered_tree_records_its_answers_and_leaves_sys_path_as_it_was(tmp_path):
    before = list(sys.path)
    project = render_tree(SHOP, "express", tmp_path)
    assert project == tmp_path / "my-shop"
    assert (project / ".dualgen.yaml").read_text(encoding="utf-8") == spec.dump_answers(SHOP)
    assert sys.path == before


def test_an_unknown_framework_is_a_programming_error(tmp_path):
    with pytest.raises(ValueError, match="^django$"):
        render_tree(SHOP, "django", tmp_path)


def with_hook(tmp_path: Path, monkeypatch, name: str, source: str) -> Path:
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES_DIR, templates)
    hooks = templates / "flask" / "hooks"
    (hooks / "post_gen_project.py").unlink()
    (hooks / name).write_text(source)
    monkeypatch.setattr(render_module, "templates_dir", lambda: templates)
    return tmp_path / "out"


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("raise SystemExit(3)\n", "the post-generation hook of flask failed: 3"),
        ("raise RuntimeError('kaput')\n", "the post-generation hook of flask failed: kaput"),
    ],
    ids=["exit-code", "exception"],
)
def test_a_failing_hook_is_a_run_error_naming_the_template(source, message, tmp_path, monkeypatch):
    out = with_hook(tmp_path, monkeypatch, "post_gen_project.py", source)
    with pytest.raises(RunError) as error:
        render_tree(SHOP, "flask", out)
    assert str(error.value) == message


@pytest.mark.parametrize("code", ["", "0", "None"], ids=["bare", "zero", "none"])
def test_a_hook_that_exits_successfully_is_fine(code, tmp_path, monkeypatch):
    source = (
        "from pathlib import Path\n"
        "slug = '{{ cookiecutter.project_slug }}'\n"
        "Path('hooked').write_text(f'{slug} {__name__} {__file__}')\n"
        f"raise SystemExit({code})\n"
    )
    out = with_hook(tmp_path, monkeypatch, "post_gen_project.py", source)
    before = Path.cwd()
    project = render_tree(SHOP, "flask", out)
    hook = tmp_path / "templates" / "flask" / "hooks" / "post_gen_project.py"
    assert (project / "hooked").read_text() == f"my-shop __main__ {hook}"
    assert Path.cwd() == before


def test_a_hook_in_another_language_is_refused(tmp_path, monkeypatch):
    out = with_hook(tmp_path, monkeypatch, "post_gen_project.sh", "#!/bin/sh\ntouch hooked\n")
    with pytest.raises(RunError, match=r"hook .*post_gen_project\.sh is not Python"):
        render_tree(SHOP, "flask", out)


def test_a_template_error_is_a_run_error(tmp_path, monkeypatch):
    out = with_hook(tmp_path, monkeypatch, "post_gen_project.py", "")
    readme = tmp_path / "templates" / "flask" / "{{cookiecutter.project_slug}}" / "README.md"
    readme.write_text("{{ cookiecutter.no_such_variable }}")
    with pytest.raises(RunError, match="^rendering the flask template failed: "):
        render_tree(SHOP, "flask", out)


def test_the_templates_own_extension_is_imported_from_the_template(tmp_path, monkeypatch):
    # As the cookiecutter CLI does: the template folder is on sys.path while it renders.
    monkeypatch.delitem(sys.modules, "dualgen_express_ext", raising=False)
    project = render_tree(SHOP, "express", tmp_path)
    assert sys.modules["dualgen_express_ext"].__file__ == str(
        TEMPLATES_DIR / "express" / "dualgen_express_ext" / "__init__.py"
    )
    assert (project / "app.js").is_file()


def test_render_refuses_an_existing_project_folder_unless_forced(tmp_path):
    (tmp_path / "my-shop").mkdir()
    with pytest.raises(DestinationError, match="already exists; use --force"):
        render_module.render(SHOP, ("flask",), tmp_path)
    assert list((tmp_path / "my-shop").iterdir()) == []
