"""The starter zip: the projects `dualgen new` writes, one root folder each, in deterministic bytes.

Entries are sorted, dated 1980-01-01 (the zip format's first day), compressed at one level and
keep each file's permission bits; no entry names a path outside its root folder.
"""

from __future__ import annotations

import io
import os
import stat
import tempfile
import zipfile
from pathlib import Path, PurePosixPath

from ..errors import RunError
from ..spec import ProjectSpec

EPOCH = (1980, 1, 1, 0, 0, 0)


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


def _add(archive: zipfile.ZipFile, name: str, path: Path) -> None:
    inside = PurePosixPath(name)
    if inside.is_absolute() or ".." in inside.parts or "\\" in name:
        raise RunError(f"refusing to put {name!r} in the zip: it leaves its root folder")
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
