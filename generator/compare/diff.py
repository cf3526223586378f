"""Diffs: two renderings of one framework, or a project against a fresh render of its answers.

The answer file `.dualgen.yaml` is dualgen's own record and is left out of the diff.
"""

from __future__ import annotations

import difflib
import errno
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .. import catalog
from ..errors import SpecError, UsageError
from ..spec import SWITCHES, Answers, ProjectSpec
from .tree import IGNORED_DIRS, Tree, read_tree, tree_order


@dataclass(frozen=True)
class FileDiff:
    """How one file differs: added, removed or modified, with unified diff lines."""

    path: str
    status: str
    lines: tuple[str, ...]

    @property
    def counts(self) -> tuple[int, int]:
        added = sum(1 for line in self.lines if line.startswith("+") and not line.startswith("+++"))
        removed = sum(
            1 for line in self.lines if line.startswith("-") and not line.startswith("---")
        )
        return added, removed


@dataclass(frozen=True)
class TreeDiff:
    """The differences from an old tree to a new one of the same framework."""

    framework: str
    old_label: str
    new_label: str
    files: tuple[FileDiff, ...]
    note: str = ""

    @property
    def changed(self) -> bool:
        return bool(self.files)


def diff_trees(old: Tree, new: Tree, old_label: str, new_label: str, note: str = "") -> TreeDiff:
    """Unified diffs of every file that differs between two trees."""
    before = {item.path: item for item in old.files}
    after = {item.path: item for item in new.files}
    files = []
    for path in sorted(before.keys() | after.keys(), key=tree_order):
        a, b = before.get(path), after.get(path)
        if a is not None and b is not None and (a.text, a.size) == (b.text, b.size):
            continue
        status = "added" if a is None else "removed" if b is None else "modified"
        if (a is not None and a.text is None) or (b is not None and b.text is None):
            names = (
                f"a/{path}" if a else "/dev/null",
                f"b/{path}" if b else "/dev/null",
            )
            lines: tuple[str, ...] = (f"Binary files {names[0]} and {names[1]} differ",)
        else:
            lines = tuple(
                difflib.unified_diff(
                    a.lines if a else [],
                    b.lines if b else [],
                    f"a/{path}" if a else "/dev/null",
                    f"b/{path}" if b else "/dev/null",
                    lineterm="",
                )
            )
            if not lines:
                lines = (f"a/{path} and b/{path} differ only in line endings or the final newline",)
        files.append(FileDiff(path, status, lines))
    return TreeDiff(new.framework, old_label, new_label, tuple(files), note)


def spec_from_name(text: str) -> tuple[ProjectSpec, str]:
    """Read a SPEC: `default`, a preset or an answer file, then `+KEY` to add a choice and
    `-KEY` to remove one (`api+rate-limit`, `production-docker`, `api+cors,logging`).

    KEYs are middleware or config switches. The base stays the base: `api-cors` is the api
    preset without CORS. `classic` takes no choices (it is the article's code, exactly), so
    `classic+KEY` is refused. The note is empty (kept for callers that print one).
    """
    from .. import spec as specs

    base, changes = _split_spec(text)
    if base == "default":
        answers: Answers = {}
    elif base in catalog.PRESETS:
        answers = {"preset": base}
    else:
        answers = specs.load_answers(Path(base))
        answers.pop("dualgen", None)
    answers = specs.expand_presets(answers)
    if not changes:
        return specs.build(answers), ""
    return specs.build(apply_changes(answers, changes, text, base)), ""


def apply_changes(
    answers: Answers, changes: list[tuple[str, str]], text: str, base: str
) -> Answers:
    """Expanded answers with each (sign, KEY) change of the SPEC `text` made (`spec.edit`): "+"
    adds a middleware or turns a config switch on, "-" removes or turns it off. `dualgen ui`
    diffs one choice with it. Raises SpecError for a change the base cannot take."""
    from .. import spec as specs

    if answers.get("classic"):
        raise SpecError(
            f"spec {text!r}: {base} is the comparison article's code exactly and takes no "
            f"choices; start from default instead (default{text[len(base) :]})"
        )

    def keys(sign: str, switches: bool) -> list[str]:
        return [key for s, key in changes if s == sign and (key in SWITCHES) == switches]

    try:
        return specs.edit(
            answers,
            add=keys("+", False),
            remove=keys("-", False),
            turn_on=keys("+", True),
            turn_off=keys("-", True),
        )
    except SpecError as error:
        raise SpecError(f"spec {text!r}: {error}") from None


#: What may follow a SPEC's base: +KEY or -KEY, and more KEYs after a comma.
_KEYS = sorted(
    [choice.key for choice in catalog.MIDDLEWARE] + list(SWITCHES), key=len, reverse=True
)


def _split_spec(text: str) -> tuple[str, list[tuple[str, str]]]:
    """The base of a SPEC and its changes, as (sign, key) pairs. Keys hold hyphens, so each
    is matched whole (the longest key that ends at a sign, a comma or the end)."""
    if not text.strip():
        raise SpecError(f"spec {text!r} is empty; give default, a preset or an answer file")
    text = text.strip()
    if _is_file(text):
        return text, []
    cuts = [i for i, char in enumerate(text) if char in "+-"] + [len(text)]
    base = next(
        (
            text[:cut]
            for cut in cuts
            if text[:cut] in ("default", *catalog.PRESETS) or _is_file(text[:cut])
        ),
        None,
    )
    if base is None and text[0] in "+-":
        raise SpecError(
            f"spec {text!r}: its base is empty; give default, a preset or an answer file "
            f"first (default{text})"
        )
    if base is None:
        raise SpecError(
            f"spec {text!r} does not start with default, a preset "
            f"({', '.join(catalog.PRESETS)}) or an answer file"
        )
    rest = text[len(base) :]
    changes: list[tuple[str, str]] = []
    sign = ""
    while rest:
        if rest[0] in "+-":
            sign, rest = rest[0], rest[1:]
        elif rest[0] == "," and sign:
            rest = rest[1:]
        key = next(
            (
                k
                for k in _KEYS
                if rest.startswith(k) and rest[len(k) : len(k) + 1] in ("", "+", "-", ",")
            ),
            None,
        )
        if key is None:
            part = rest.split(",")[0]
            raise SpecError(f"spec {text!r}: {part!r} is not one of {', '.join(sorted(_KEYS))}")
        changes.append((sign, key))
        rest = rest[len(key) :]
    return base, changes


def _is_file(text: str) -> bool:
    """Whether text names a regular file. A name too long for a file is none; a path that
    cannot be looked at (a folder without access) is refused in one line (SpecError)."""
    try:
        return Path(text).is_file()
    except OSError as error:
        if error.errno == errno.ENAMETOOLONG:
            return False
        raise SpecError(f"answer file {text!r} cannot be read: {error.strerror}") from None


def diff_specs(
    framework: str,
    old: ProjectSpec,
    new: ProjectSpec,
    labels: tuple[str, str],
    note: str = "",
) -> TreeDiff:
    """Render one framework with two specs and diff the results."""
    from ..render import render_tree

    with tempfile.TemporaryDirectory(prefix="dualgen-diff-") as tmp:
        trees = [
            read_tree(render_tree(spec, framework, Path(tmp) / side), framework)
            for spec, side in ((old, "old"), (new, "new"))
        ]
    return diff_trees(trees[0], trees[1], *labels, note=note)


#: What a project's documented install creates; a diff of the project leaves it out unless the
#: fresh render has it too.
INSTALLED = ("node_modules", "package-lock.json", ".venv", "venv")
#: Example settings files that are part of a project and diffed like any other file.
ENV_EXAMPLES = (".env.example", ".env.sample", ".env.template")
#: Files that by their name hold settings or keys as a project's .env does (Flask's .flaskenv,
#: direnv's .envrc, credentials and package-registry tokens): listed, never shown.
SECRET_NAMES = frozenset(
    {
        ".flaskenv",
        ".envrc",
        ".npmrc",
        ".pypirc",
        ".netrc",
        "secrets.json",
        "secrets.yaml",
        "secrets.yml",
        "secrets.toml",
        "credentials.json",
    }
)
#: Key and certificate files, by their ending.
SECRET_SUFFIXES = (".pem", ".key", ".p12", ".pfx")


def is_secret(path: str) -> bool:
    """Whether a file may hold secrets (`.env`, `.env.local`, `.flaskenv`, `.envrc`,
    `secrets.json`, a key ...): its contents are never shown."""
    name = path.rsplit("/", 1)[-1]
    if name.lower() in SECRET_NAMES or name.lower().endswith(SECRET_SUFFIXES):
        return True
    return (name == ".env" or name.startswith(".env.")) and name not in ENV_EXAMPLES


def diff_project(project: Path) -> TreeDiff:
    """Diff a fresh render of a project's recorded answers against the project.

    Left out: what the project's .gitignore ignores and what installing creates (unless the
    render has it). A `.env` file, and any other `is_secret` names, is listed without its
    contents.
    """
    from ..project import load_project
    from ..render import ANSWERS_FILE, render_tree

    try:
        if not (project / ANSWERS_FILE).is_file():
            raise UsageError(
                f"{project} has no {ANSWERS_FILE}; only projects generated by dualgen can be diffed"
            )
        spec, framework = load_project(project)
        with tempfile.TemporaryDirectory(prefix="dualgen-diff-") as tmp:
            fresh = read_tree(render_tree(spec, framework, Path(tmp)), framework)
        rendered = {item.path for item in fresh.files}
        ignored = _ignored(project, rendered)
        current = read_tree(project, framework, skip=ignored)
    except OSError as error:
        where = error.filename if error.filename is not None else project
        raise UsageError(f"cannot read {str(where)!r}: {error.strerror}") from None
    result = diff_trees(fresh, current, f"fresh render of {ANSWERS_FILE}", str(project))
    return TreeDiff(
        result.framework,
        result.old_label,
        result.new_label,
        tuple(_without_secrets(item) for item in result.files),
        result.note,
    )


def _without_secrets(item: FileDiff) -> FileDiff:
    if not is_secret(item.path):
        return item
    name = item.path.rsplit("/", 1)[-1]
    return FileDiff(item.path, item.status, (f"(contents not shown: {name} may hold secrets)",))


def _ignored(project: Path, rendered: set[str]) -> set[str]:
    """The files of a project that its .gitignore ignores or an install created, except those
    the fresh render has too."""
    patterns = _gitignore(project / ".gitignore")
    skipped: set[str] = set()
    for folder, dirs, names in os.walk(project):
        base = Path(folder).relative_to(project).as_posix()
        base = "" if base == "." else base + "/"
        kept = []
        for name in dirs:
            if name in IGNORED_DIRS:  # read_tree never looks in there
                continue
            if base + name in INSTALLED or _matches(patterns, base + name, folder=True):
                skipped |= _files_under(Path(folder) / name, project)
            else:
                kept.append(name)
        dirs[:] = kept
        for name in names:
            path = base + name
            if path in INSTALLED or _matches(patterns, path, folder=False):
                skipped.add(path)
    return skipped - rendered


def _files_under(folder: Path, project: Path) -> set[str]:
    return {
        (Path(root) / name).relative_to(project).as_posix()
        for root, _, names in os.walk(folder)
        for name in names
    }


def _gitignore(path: Path) -> list[tuple[bool, bool, re.Pattern[str]]]:
    """The patterns of a .gitignore file as (negated, folders only, regex), in order."""
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return []
    patterns = []
    for line in lines:
        line = line.rstrip()
        if not line or line.startswith("#"):
            continue
        negated = line.startswith("!")
        line = line[1:] if negated else line
        folders_only = line.endswith("/")
        line = line.rstrip("/")
        anchored = "/" in line
        line = line.lstrip("/")
        regex = _glob(line)
        prefix = "" if anchored else "(?:.*/)?"
        patterns.append((negated, folders_only, re.compile(f"{prefix}{regex}")))
    return patterns


def _glob(pattern: str) -> str:
    """A gitignore glob as a regex: * and ? within a name, ** across folders, [...] as is."""
    out = []
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if pattern.startswith("**/", index):
            out.append("(?:.*/)?")
            index += 3
            continue
        if pattern.startswith("**", index):
            out.append(".*")
            index += 2
            continue
        if char == "*":
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char == "[":
            end = pattern.find("]", index + 1)
            if end == -1:
                out.append(re.escape(char))
            else:
                out.append("[" + pattern[index + 1 : end].replace("!", "^", 1) + "]")
                index = end
        else:
            out.append(re.escape(char))
        index += 1
    return "".join(out)


def _matches(patterns: list[tuple[bool, bool, re.Pattern[str]]], path: str, folder: bool) -> bool:
    """Whether the last matching pattern ignores path (a file or a folder), as git decides."""
    ignored = False
    for negated, folders_only, regex in patterns:
        if folders_only and not folder:
            continue
        if regex.fullmatch(path):
            ignored = not negated
    return ignored
