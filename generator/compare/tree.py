"""The tree model: the files of one rendered project, their size figures and a tree listing."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .. import highlight as hl

#: Folders a diff of a project never looks into: installs, caches, version control.
IGNORED_DIRS = frozenset(
    {
        "node_modules",
        ".venv",
        "venv",
        "__pycache__",
        ".git",
        ".pytest_cache",
        ".ruff_cache",
    }
)


@dataclass(frozen=True)
class SourceFile:
    """One file of a rendered tree, with its text (None for a binary file)."""

    path: str
    text: str | None
    size: int

    @property
    def lines(self) -> list[str]:
        return self.text.splitlines() if self.text is not None else []

    @property
    def code_lines(self) -> int:
        """Lines of Python or JavaScript that are neither blank nor only a comment."""
        language = hl.language_for(self.path)
        if language not in ("python", "javascript"):
            return 0
        comment = ("#",) if language == "python" else ("//", "/*", "*")
        return sum(
            1 for line in self.lines if line.strip() and not line.strip().startswith(comment)
        )


@dataclass(frozen=True)
class Tree:
    """The files of one rendered project, by path relative to its folder."""

    framework: str
    root: str
    files: tuple[SourceFile, ...]

    def file(self, path: str) -> SourceFile:
        return next(item for item in self.files if item.path == path)

    def figures(self) -> dict[str, int]:
        """Size figures: files, lines, and lines of Python/JavaScript code."""
        return {
            "files": len(self.files),
            "lines": sum(len(item.lines) for item in self.files),
            "code_lines": sum(item.code_lines for item in self.files),
        }


def read_tree(root: Path, framework: str, *, skip: Iterable[str] = ()) -> Tree:
    """Read every file under root, except ignored folders and the answer file."""
    from ..render import ANSWERS_FILE

    skipped = {ANSWERS_FILE, *skip}
    files: list[SourceFile] = []
    for folder, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in IGNORED_DIRS)
        for name in names:
            path = Path(folder) / name
            relative = path.relative_to(root).as_posix()
            if relative in skipped or path.is_symlink() or not path.is_file():
                continue
            data = path.read_bytes()
            try:
                text: str | None = data.decode("utf-8")
            except UnicodeDecodeError:
                text = None
            files.append(SourceFile(relative, text, len(data)))
    files.sort(key=lambda item: tree_order(item.path))
    return Tree(framework, root.name, tuple(files))


def tree_order(path: str) -> tuple[tuple[int, str], ...]:
    """Sort files before folders at each level, as a tree listing shows them."""
    parts = path.split("/")
    return tuple((0 if i == len(parts) - 1 else 1, part) for i, part in enumerate(parts))


def tree_lines(tree: Tree) -> list[str]:
    """The tree as an indented listing with box-drawing branches and line counts."""
    rows = [f"{tree.root}/"]

    def walk(prefix: str, paths: list[str], base: str) -> None:
        here = [p for p in paths if "/" not in p[len(base) :]]
        folders = sorted({p[len(base) :].split("/")[0] for p in paths if p not in here})
        entries = [(p[len(base) :], p) for p in here] + [(f + "/", base + f + "/") for f in folders]
        for index, (label, full) in enumerate(entries):
            last = index == len(entries) - 1
            branch = "└── " if last else "├── "
            if label.endswith("/"):
                rows.append(f"{prefix}{branch}{label}")
                inner = [p for p in paths if p.startswith(full)]
                walk(prefix + ("    " if last else "│   "), inner, full)
            else:
                rows.append(f"{prefix}{branch}{label}\t{len(tree.file(full).lines)}")

    walk("", [item.path for item in tree.files], "")
    return rows
