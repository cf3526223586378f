"""The starter zip: the projects `dualgen new` writes, one root folder each, in deterministic bytes;
and the answers zip: one answer file per saved configuration, for a class.

Entries are sorted, dated 1980-01-01 (the zip format's first day), compressed at one level and
keep each file's permission bits; no entry names a path outside its root folder.
"""

from __future__ import annotations

import io
import os
import shlex
import stat
import tempfile
import zipfile
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from ..errors import RunError
from ..spec import ProjectSpec

if TYPE_CHECKING:
    from .state import State

EPOCH = (1980, 1, 1, 0, 0, 0)
#: The one root folder of the answers zip.
ANSWERS_ROOT = "dualgen-answers"


def starter_zip(spec: ProjectSpec, frameworks: tuple[str, ...]) -> bytes:
    """The zip of the projects `dualgen new FRAMEWORK NAME` would write for spec."""
    from ..render import folder_name, render_tree
    from .preview import RENDERING

    buffer = io.BytesIO()
    with (
        RENDERING,
        tempfile.TemporaryDirectory(prefix="dualgen-zip-") as tmp,
        zipfile.ZipFile(buffer, "w") as archive,
    ):
        for framework in frameworks:
            project = render_tree(spec, framework, Path(tmp) / framework)
            root = folder_name(spec, framework, both=len(frameworks) > 1)
            add_tree(archive, project, root)
    return buffer.getvalue()


def add_tree(archive: zipfile.ZipFile, folder: Path, root: str) -> None:
    """Every folder and file under `folder`, in sorted order, under the entry `root/`."""
    _add(archive, f"{root}/", folder)
    for path in sorted(folder.rglob("*"), key=lambda p: p.relative_to(folder).parts):
        relative = path.relative_to(folder).as_posix()
        name = f"{root}/{relative}" + ("/" if path.is_dir() and not path.is_symlink() else "")
        _add(archive, name, path)


def answers_zip(states: list[State]) -> bytes:
    """One answer file per state (named after its project, numbered when two share a name) and
    a README.txt with the `dualgen new` line each one is for, under one root folder."""
    from ..spec import dump_answers

    named = answer_file_names(states)
    readme = [
        "Answer files saved in dualgen ui, one per configuration. Each line below, run in this",
        "folder, makes one configuration's projects:",
        "",
        *(
            f"  dualgen new {state.framework} --answers {shlex.quote(name)} --no-input"
            for name, state in zip(named, states, strict=True)
        ),
    ]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        _add_text(archive, f"{ANSWERS_ROOT}/", None)
        files = [("README.txt", "\n".join(readme) + "\n")]
        files += [(name, dump_answers(s.spec)) for name, s in zip(named, states, strict=True)]
        for name, text in sorted(files):
            _add_text(archive, f"{ANSWERS_ROOT}/{name}", text)
    return buffer.getvalue()


def answer_file_names(states: list[State]) -> list[str]:
    """SLUG.yaml for each state, SLUG-2.yaml (-3 ...) for a name already taken."""
    taken: set[str] = {"README.txt"}
    names = []
    for state in states:
        name, n = f"{state.spec.slug}.yaml", 2
        while name in taken:
            name, n = f"{state.spec.slug}-{n}.yaml", n + 1
        taken.add(name)
        names.append(name)
    return names


def _add_text(archive: zipfile.ZipFile, name: str, text: str | None) -> None:
    """A file (rw-r--r--) holding text, or with None a folder (rwxr-xr-x)."""
    _inside(name)
    info = zipfile.ZipInfo(name, date_time=EPOCH)
    info.create_system = 3
    if text is None:
        info.external_attr = (stat.S_IFDIR | 0o755) << 16 | 0x10
        archive.writestr(info, b"")
    else:
        info.external_attr = (stat.S_IFREG | 0o644) << 16
        info.compress_type = zipfile.ZIP_DEFLATED
        archive.writestr(info, text.encode("utf-8"), compresslevel=6)


def _inside(name: str) -> None:
    inside = PurePosixPath(name)
    if inside.is_absolute() or ".." in inside.parts or "\\" in name:
        raise RunError(f"refusing to put {name!r} in the zip: it leaves its root folder")


def _add(archive: zipfile.ZipFile, name: str, path: Path) -> None:
    _inside(name)
    mode = os.lstat(path).st_mode
    if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
        raise RunError(f"refusing to put {name!r} in the zip: it is no regular file or folder")
    info = zipfile.ZipInfo(name, date_time=EPOCH)
    info.create_system = 3  # Unix: unzip restores the permission bits
    info.external_attr = (stat.S_IFMT(mode) | stat.S_IMODE(mode)) << 16
    if stat.S_ISDIR(mode):
        info.external_attr |= 0x10  # MS-DOS directory flag
        archive.writestr(info, b"")
    else:
        info.compress_type = zipfile.ZIP_DEFLATED
        archive.writestr(info, path.read_bytes(), compresslevel=6)
