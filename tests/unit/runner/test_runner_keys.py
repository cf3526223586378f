"""The install cache's key holds everything that decides an install (issue 27, item 7): the
requirement files `-r` and `-c` name, recursively, and the environment pip expands; what it
cannot hold (a local folder, an editable install, a file by URL, a `file:` package) is refused
in one line. Real files in a temporary folder; pip and npm never run here."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from generator.errors import UsageError
from generator.runner.keys import node_key, requirements_key


def write(folder: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def key(folder: Path, name: str = "requirements.txt") -> str:
    return requirements_key(folder, name)


@pytest.mark.parametrize(
    ("top", "changed"),
    [
        pytest.param("-r base.txt\n", "base.txt", id="r"),
        pytest.param("--requirement base.txt\n", "base.txt", id="requirement"),
        pytest.param("--requirement=base.txt\n", "base.txt", id="requirement-equals"),
        pytest.param("-rbase.txt\n", "base.txt", id="r-joined"),
        pytest.param("flask\n-c base.txt\n", "base.txt", id="constraint"),
        pytest.param("-r reqs/a.txt\n", "reqs/deeper/base.txt", id="nested-twice"),
        pytest.param("flask \\\n  -r base.txt  # pinned there\n", "base.txt", id="continued"),
    ],
)
def test_a_file_that_requirements_txt_names_decides_the_key(top, changed, tmp_path):
    files = {
        "requirements.txt": top,
        "base.txt": "flask==3.0.0\n",
        "reqs/a.txt": "-r deeper/base.txt\n",  # relative to the file that names it, as pip reads
        "reqs/deeper/base.txt": "flask==3.0.0\n",
    }
    first = write(tmp_path / "one", files)
    second = write(tmp_path / "two", {**files, changed: "flask==3.0.3\n"})
    same = write(tmp_path / "three", files)
    assert key(first) != key(second)
    assert key(first) == key(same)  # two projects with the same files share an entry


def test_a_comment_or_the_files_path_alone_changes_nothing_the_text_holds(tmp_path):
    one = write(tmp_path / "one", {"requirements.txt": "flask\n"})
    two = write(tmp_path / "deep" / "two", {"requirements.txt": "flask\n"})
    assert key(one) == key(two)


def test_a_variable_pip_expands_is_part_of_the_key(tmp_path, monkeypatch):
    folder = write(tmp_path, {"requirements.txt": "flask==${FLASK_VERSION}\n"})
    monkeypatch.setenv("FLASK_VERSION", "3.0.0")
    first = key(folder)
    monkeypatch.setenv("FLASK_VERSION", "3.0.3")
    assert key(folder) != first


def test_pips_own_settings_are_part_of_the_key(tmp_path, monkeypatch):
    folder = write(tmp_path, {"requirements.txt": "flask\n"})
    monkeypatch.delenv("PIP_INDEX_URL", raising=False)
    first = key(folder)
    monkeypatch.setenv("PIP_INDEX_URL", "https://mirror.example/simple")
    assert key(folder) != first


def test_files_that_name_each_other_are_read_once(tmp_path):
    folder = write(tmp_path, {"requirements.txt": "-r b.txt\n", "b.txt": "-r requirements.txt\n"})
    assert "-r b.txt" in key(folder)


LOCAL = [
    pytest.param("./mylib\n", "line 1: './mylib' is a local folder or file", id="dot-path"),
    pytest.param("flask\n-e .\n", "line 2: -e '.' is a local folder or file", id="editable-dot"),
    pytest.param("--editable=./lib\n", "--editable './lib' is a local folder", id="editable-eq"),
    pytest.param("mylib/\n", "'mylib/' is a local folder or file", id="folder"),
    pytest.param("../wheels/x-1.0-py3-none-any.whl\n", "is a local folder", id="wheel"),
    pytest.param("x.tar.gz\n", "'x.tar.gz' is a local folder or file", id="archive"),
    pytest.param("mylib @ file:///srv/mylib\n", "is a local folder or file", id="file-url"),
    pytest.param("-f ./wheels\nflask\n", "-f './wheels' is a local folder", id="find-links"),
    pytest.param("--index-url file:///srv/simple\n", "is a local folder", id="index-file"),
    pytest.param(
        "-r https://a.example/r.txt\n", "-r 'https://a.example/r.txt' is a file by URL", id="url"
    ),
]


@pytest.mark.parametrize(("text", "message"), LOCAL)
def test_what_the_key_cannot_hold_is_refused_in_one_line(text, message, tmp_path):
    folder = write(tmp_path, {"requirements.txt": "flask\n", "base.txt": text})
    (folder / "requirements.txt").write_text("flask\n-r base.txt\n", encoding="utf-8")
    with pytest.raises(UsageError) as error:
        key(folder)
    assert str(error.value).startswith("requirements.txt → base.txt ")
    assert message in str(error.value)
    assert "\n" not in str(error.value)
    assert str(error.value).endswith(
        "cannot tell when a local folder or file changes: install from a package index, or run "
        "the project as its README says"
    )


@pytest.mark.parametrize(
    "text",
    [
        "flask==3.0.0 --hash=sha256:abc\n",
        "requests[socks]>=2; python_version >= '3.9'\n",
        "pkg @ https://files.example/pkg-1.0-py3-none-any.whl\n",
        "-e git+https://github.com/pallets/flask@3.0.0#egg=flask\n",
        "-i https://pypi.org/simple\n--extra-index-url https://mirror.example/simple\n",
        "# ./mylib is a comment\n",
    ],
    ids=["hash", "marker", "url", "vcs-editable", "indexes", "comment"],
)
def test_what_an_index_or_a_url_decides_is_keyed_by_its_text(text, tmp_path):
    folder = write(tmp_path, {"requirements.txt": text})
    assert text.splitlines()[0].split(" #")[0] in key(folder)


def test_a_nested_fifo_is_refused_before_pip_could_hang_on_it(tmp_path):
    folder = write(tmp_path, {"requirements.txt": "-r pipe.txt\n"})
    os.mkfifo(folder / "pipe.txt")
    with pytest.raises(UsageError) as error:
        key(folder)
    assert (
        str(error.value) == f"requirements file {str(folder / 'pipe.txt')!r} is not a regular file"
    )


def test_a_missing_nested_file_is_one_line(tmp_path):
    folder = write(tmp_path, {"requirements.txt": "-r gone.txt\n"})
    with pytest.raises(UsageError) as error:
        key(folder)
    assert str(error.value) == (
        f"requirements file {str(folder / 'gone.txt')!r} cannot be read: No such file or directory"
    )


@pytest.mark.parametrize(
    "version",
    [
        "file:../mylib",
        "file:mylib.tgz",
        "link:../mylib",
        "../mylib",
        "./mylib",
        "~/mylib",
        "/srv/x",
    ],
)
def test_a_local_node_package_is_refused_in_one_line(version):
    with pytest.raises(UsageError) as error:
        node_key({"dependencies": {"express": "^4.21.0", "mylib": version}}, "v20.0.0\n")
    assert str(error.value).startswith(f"package.json dependencies 'mylib' is {version!r}, a local")
    assert "\n" not in str(error.value)


def test_the_node_key_follows_the_dependencies_and_the_node_version():
    deps = {"dependencies": {"express": "^4.21.0"}, "devDependencies": {}}
    other = {"dependencies": {"express": "^4.21.1"}, "devDependencies": {}}
    assert node_key(deps, "v20.0.0") == node_key(dict(reversed(deps.items())), "v20.0.0")
    assert node_key(deps, "v20.0.0") != node_key(other, "v20.0.0")
    assert node_key(deps, "v20.0.0") != node_key(deps, "v22.0.0")


def test_verify_refuses_a_project_that_installs_a_local_folder(tmp_path):
    """Through the CLI, before any install: one line, exit 2."""
    made = subprocess.run(
        [sys.executable, "-m", "generator", "new", "flask", "shop", "--no-input"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert made.returncode == 0, made.stderr
    project = tmp_path / "shop"
    with (project / "requirements.txt").open("a", encoding="utf-8") as file:
        file.write("-e ./mylib\n")
    lines = (project / "requirements.txt").read_text(encoding="utf-8").splitlines()
    result = subprocess.run(
        [sys.executable, "-m", "generator", "verify", str(project)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={**os.environ, "DUALGEN_CACHE_DIR": str(tmp_path / "cache")},
        timeout=120,
    )
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith(
        f"dualgen: error: requirements.txt line {len(lines)}: -e './mylib' is a local folder"
    )
    assert result.stderr.count("\n") == 1
    assert not (tmp_path / "cache" / "venvs").exists() or not any(
        (tmp_path / "cache" / "venvs").iterdir()
    )
