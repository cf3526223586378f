"""What makes a folder a project, read directly: the framework from its files, a checked
package.json, and small regular files only, each refusal with its message."""

from __future__ import annotations

import json
import os

import pytest

from generator.errors import SpecError, UsageError
from generator.project import detect_framework, load_project, read_manifest, read_text


def make(folder, *names: str, manifest: object = None):
    folder.mkdir(exist_ok=True)
    for name in names:
        (folder / name).write_text("")
    if manifest is not None:
        (folder / "package.json").write_text(json.dumps(manifest))
    return folder


@pytest.mark.parametrize(
    ("names", "framework"),
    [
        (("app.py", "requirements.txt"), "flask"),
        (("app.py", "requirements.txt", "package.json"), "express"),
    ],
    ids=["flask", "package-json-wins"],
)
def test_the_framework_comes_from_the_files(names, framework, tmp_path):
    project = make(tmp_path / "p", *names)
    if "package.json" in names:
        (project / "package.json").write_text("{}")
    assert detect_framework(project) == framework


@pytest.mark.parametrize(
    "names", [("app.py",), ("requirements.txt",), ()], ids=["no-requirements", "no-app", "empty"]
)
def test_a_folder_without_the_files_of_either_is_refused(names, tmp_path):
    project = make(tmp_path / "p", *names)
    with pytest.raises(UsageError) as error:
        detect_framework(project)
    assert str(error.value) == (
        f"{project} is neither a Flask project (app.py, requirements.txt) nor an Express project "
        "(package.json)"
    )


def test_a_file_is_not_a_project(tmp_path):
    (tmp_path / "f").write_text("")
    with pytest.raises(UsageError) as error:
        load_project(tmp_path / "f")
    assert str(error.value) == f"{str(tmp_path / 'f')!r} is not a folder"


def test_a_project_without_recorded_answers_says_which_file_is_missing(tmp_path):
    project = make(tmp_path / "p", "app.py", "requirements.txt")
    with pytest.raises(UsageError) as error:
        load_project(project)
    assert str(error.value) == (
        f"{project} has no .dualgen.yaml; only projects made by `dualgen new` record the choices "
        "to check"
    )


def test_a_requirements_link_is_refused(tmp_path):
    project = make(tmp_path / "p", "app.py")
    (project / "requirements.txt").symlink_to("/dev/null")
    with pytest.raises(UsageError) as error:
        detect_framework(project)
    assert str(error.value) == (
        f"requirements file {str(project / 'requirements.txt')!r} is a symbolic link; "
        "only a regular file is read"
    )


@pytest.mark.parametrize(
    ("manifest", "key"),
    [
        ({"dependencies": {"express": 5}}, "dependencies"),
        ({"devDependencies": ["supertest"]}, "devDependencies"),
    ],
    ids=["version-number", "dev-list"],
)
def test_a_manifest_maps_package_names_to_version_texts(manifest, key, tmp_path):
    project = make(tmp_path / "p", manifest=manifest)
    with pytest.raises(SpecError) as error:
        read_manifest(project)
    assert str(error.value) == (
        f"{project / 'package.json'}: {key} must map package names to version texts"
    )


def test_a_manifest_with_version_texts_is_read(tmp_path):
    manifest = {"dependencies": {"express": "5.3.0"}, "devDependencies": {"supertest": "7"}}
    assert read_manifest(make(tmp_path / "p", manifest=manifest)) == manifest


def test_a_manifest_is_a_json_object(tmp_path):
    project = make(tmp_path / "p", manifest=[1])
    with pytest.raises(SpecError) as error:
        read_manifest(project)
    assert str(error.value) == f"{project / 'package.json'} must hold a JSON object, not list"
    (project / "package.json").write_text("{")
    with pytest.raises(SpecError, match=r"package\.json is not valid JSON: Expecting"):
        read_manifest(project)


@pytest.mark.skipif(os.name != "posix", reason="FIFOs are POSIX")
def test_small_files_are_read_only_when_regular(tmp_path):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    with pytest.raises(UsageError) as error:
        read_text(fifo, "manifest")
    assert str(error.value) == f"manifest {str(fifo)!r} is not a regular file"
    with pytest.raises(UsageError) as error:
        read_text(tmp_path / "missing", "manifest")
    assert str(error.value) == (
        f"manifest {str(tmp_path / 'missing')!r} cannot be read: No such file or directory"
    )
    (tmp_path / "latin").write_bytes(b"\xe9t\xe9")
    with pytest.raises(UsageError) as error:
        read_text(tmp_path / "latin", "manifest")
    assert str(error.value) == f"manifest {str(tmp_path / 'latin')!r} is not UTF-8 text"
    (tmp_path / "ok").write_text("é")
    assert read_text(tmp_path / "ok", "manifest") == "é"


@pytest.mark.skipif(os.name != "posix", reason="FIFOs and O_NOFOLLOW are POSIX")
def test_the_open_itself_refuses_what_a_race_put_there(tmp_path, monkeypatch):
    """The lstat check and the open are two steps: a file swapped between them for a link or a
    FIFO is still refused by the open (O_NOFOLLOW, O_NONBLOCK) and fstat, never followed or
    waited on. The race is simulated by skipping the first check."""
    from generator.runner import folder

    monkeypatch.setattr(folder, "check_regular", lambda path, what: None)
    (tmp_path / "real").write_text("{}")
    (tmp_path / "link").symlink_to(tmp_path / "real")
    with pytest.raises(UsageError) as error:
        read_text(tmp_path / "link", "manifest")
    assert str(error.value) == (
        f"manifest {str(tmp_path / 'link')!r} cannot be read: Too many levels of symbolic links"
    )
    os.mkfifo(tmp_path / "fifo")
    with pytest.raises(UsageError) as error:
        read_text(tmp_path / "fifo", "manifest")
    assert str(error.value) == f"manifest {str(tmp_path / 'fifo')!r} is not a regular file"
    (tmp_path / "grown").write_bytes(b" " * ((1 << 20) + 1))
    with pytest.raises(UsageError) as error:
        read_text(tmp_path / "grown", "manifest")
    assert str(error.value) == f"manifest {str(tmp_path / 'grown')!r} is larger than 1048576 bytes"


def test_a_manifest_too_large_is_named_as_the_package_json(tmp_path):
    project = make(tmp_path / "p")
    (project / "package.json").write_bytes(b" " * ((1 << 20) + 1))
    with pytest.raises(UsageError) as error:
        read_manifest(project)
    assert str(error.value) == (
        f"package.json {str(project / 'package.json')!r} is larger than 1048576 bytes"
    )


def test_recorded_answers_that_are_a_link_are_refused_by_name(tmp_path):
    project = make(tmp_path / "p", "app.py", "requirements.txt")
    (tmp_path / "elsewhere.yaml").write_text("name: x\n")
    (project / ".dualgen.yaml").symlink_to(tmp_path / "elsewhere.yaml")
    with pytest.raises(UsageError) as error:
        load_project(project)
    assert str(error.value) == (
        f"answers file {str(project / '.dualgen.yaml')!r} is a symbolic link; "
        "only a regular file is read"
    )
