"""How an update is shown: a summary file by file, the unified diff, a side-by-side page.

`generator.update` computes an `Update`; this module only presents one, as text for the
terminal or as one self-contained HTML page built on `generator.compare`'s page machinery.
"""

from __future__ import annotations

import difflib
import itertools
from typing import TYPE_CHECKING

from ..render import ANSWERS_FILE
from ..spec import ProjectSpec

if TYPE_CHECKING:
    from ..compare import TreeDiff
    from . import Update


def describe_changes(old: ProjectSpec, new: ProjectSpec) -> list[str]:
    """What the new answers change, one short line each: '+ middleware cors', '- route GET /x',
    '+ resource /items'."""
    lines = [
        f"{key} {getattr(old, key)!r} -> {getattr(new, key)!r}"
        for key in ("name", "port", "host", "debug", "classic")
        if getattr(old, key) != getattr(new, key)
    ]
    lines += [f"+ middleware {key}" for key in new.middleware if key not in old.middleware]
    lines += [f"- middleware {key}" for key in old.middleware if key not in new.middleware]
    for key in (key for key in new.middleware if key in old.middleware):
        for name, value in new.settings.get(key, {}).items():
            if old.settings.get(key, {}).get(name) != value:
                lines.append(f"{key}.{name}: {old.setting(key, name)} -> {new.setting(key, name)}")
    before = {route.label: route for route in old.routes}
    after = {route.label: route for route in new.routes}
    lines += [f"+ route {label}" for label in after if label not in before]
    lines += [f"- route {label}" for label in before if label not in after]
    lines += [
        f"~ route {label}" for label in after if label in before and after[label] != before[label]
    ]
    was = {resource.path: resource for resource in old.resources}
    now = {resource.path: resource for resource in new.resources}
    lines += [f"+ {now[path].label}" for path in now if path not in was]
    lines += [f"- {was[path].label}" for path in was if path not in now]
    lines += [f"~ {now[path].label}" for path in now if path in was and now[path] != was[path]]
    lines += [f"+ {key}" for key in new.switches if key not in old.switches]
    lines += [f"- {key}" for key in old.switches if key not in new.switches]
    return lines


def side_by_side(
    before: list[str], after: list[str], context: int = 3
) -> list[tuple[tuple[str, str, str], tuple[str, str, str]]]:
    """The rows of a side-by-side diff: (class, line number, text) for the left and the right."""
    blank = ("ctx", "", "")
    rows = []
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for group in matcher.get_grouped_opcodes(context):
        first, last = group[0], group[-1]
        hunk = f"@@ -{first[1] + 1},{last[2] - first[1]} +{first[3] + 1},{last[4] - first[3]} @@"
        rows.append((("hunk", "", hunk), ("hunk", "", hunk)))
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                rows += [
                    (("ctx", str(i + 1), before[i]), ("ctx", str(j + 1), after[j]))
                    for i, j in zip(range(i1, i2), range(j1, j2), strict=True)
                ]
                continue
            left = [("del", str(i + 1), before[i]) for i in range(i1, i2)]
            right = [("add", str(j + 1), after[j]) for j in range(j1, j2)]
            rows += list(itertools.zip_longest(left, right, fillvalue=blank))
    return rows


def tree_diff(update: Update) -> TreeDiff:
    """The update as a compare.TreeDiff from the project now to the project after it."""
    from ..compare import SourceFile, Tree, diff_trees

    def tree(side: str) -> Tree:
        files = []
        for item in update.writes:
            data = getattr(item, side)
            if data is not None:
                text = None if b"\0" in data else data.decode("utf-8", errors="replace")
                files.append(SourceFile(item.path, text, len(data)))
        return Tree(update.framework, update.project.name, tuple(files))

    return diff_trees(tree("before"), tree("after"), str(update.project), "after the update")


def render_diff(update: Update, *, color: bool = False) -> str:
    """The unified diff the update applies, as `git diff` prints it."""
    from ..compare import render_diff_text

    return render_diff_text(tree_diff(update), color=color)


def render_summary(update: Update, *, dry_run: bool = False) -> str:
    """What the update does (or would do), file by file, with its base and its conflicts."""
    name = update.project.name
    changes = describe_changes(update.old, update.new) or ["no change to the answers"]
    out = [
        f"{'Would update' if dry_run else 'Updating'} {name} ({update.framework}): "
        + "; ".join(changes)
    ]
    out.append(f"  base:  {update.base_note}")
    out.append(f"  merge: {'git merge-file' if update.tool == 'git' else 'merge3 (git not found)'}")
    width = max((len(item.path) for item in update.files), default=0)
    for item in update.files:
        if item.path != ANSWERS_FILE:
            note = f"  {item.note}" if item.note else ""
            out.append(f"  {item.action:<9} {item.path:<{width}}{note}".rstrip())
    writes = [item for item in update.writes if item.path != ANSWERS_FILE]
    if not update.writes:
        out.append(f"{name} is up to date: nothing to change.")
        return "\n".join(out) + "\n"
    done = "would change" if dry_run else "changed"
    line = f"{len(writes)} file{'s' * (len(writes) != 1)} {done}"
    line += f", {ANSWERS_FILE} records the new answers"
    conflicts = update.conflicts
    if conflicts:
        paths = ", ".join(item.path for item in conflicts)
        line += f"; {len(conflicts)} conflict{'s' * (len(conflicts) != 1)}: {paths}"
    out.append(line + ".")
    return "\n".join(out) + "\n"


def render_install(
    update: Update,
    steps: list[list[str]],
    shown: str,
    *,
    dry_run: bool = False,
    running: bool = False,
) -> str:
    """What to run once the update changed a package file: `cd PROJECT && COMMAND`, with the
    project as the user named it (`shown`); "" when nothing needs installing."""
    import os
    import shlex
    import subprocess

    from . import PACKAGE_FILES

    join = subprocess.list2cmdline if os.name == "nt" else shlex.join  # cmd's quoting or sh's

    if not steps:
        return ""
    changed = [i.path for i in update.writes if i.path in PACKAGE_FILES[update.framework]]
    what = f"{', '.join(changed)} {'would change' if dry_run else 'changed'}"
    command = " && ".join(join(step) for step in steps)
    if running:
        return f"{what}: installing the dependencies in {shown}: {command}\n"
    if os.path.abspath(shown) != os.getcwd():
        command = f"cd {join([shown])} && {command}"
    if dry_run:
        when = "after the update, install the dependencies"
    elif update.conflicts:
        when = "once the conflicts are resolved, install the dependencies"
    else:
        when = "install the dependencies before you start the server"
    return f"{what}: {when}:\n  {command}\n"


_PAGE = """{% extends "page.html.j2" %}
{% block body -%}
<h1>dualgen update: {{ name }}</h1>
<p class="sub">{{ lines | join("<br>" | safe) }}</p>
{%- if not files %}
<p class="absent">No changes.</p>
{%- endif %}
{%- for item, rows in files %}
<section class="file" data-action="{{ item.action }}"><h2>{{ item.path }} ({{ item.action }})</h2>
{%- if item.note %}<p class="note">{{ item.note }}</p>{% endif %}
<div class="pair">
{%- for side, title in ((0, "now"), (1, "after the update")) -%}
<div class="col"><header><span>{{ title }}</span></header><pre><code>
{%- for row in rows -%}
{%- set css, number, text = row[side] -%}
<span class="{{ css }}"><span class="ln">{{ number }}</span>
{{- text if css == "hunk" else text | highlight_line(item.path) }}</span>
{%- endfor -%}
</code></pre></div>
{%- endfor -%}
</div></section>
{%- endfor %}
{%- endblock %}
"""


def render_html(update: Update, *, dry_run: bool = False) -> str:
    """The update as one self-contained page: each changed file now and after, side by side."""
    from ..compare.html import environment

    files = []
    for item in update.writes:
        sides = [getattr(item, side) for side in ("before", "after")]
        if any(data is not None and b"\0" in data for data in sides):
            hunk = ("hunk", "", "binary file")
            files.append((item, [(hunk, hunk)]))
            continue
        texts = [[] if d is None else d.decode("utf-8", "replace").splitlines() for d in sides]
        files.append((item, side_by_side(*texts)))
    lines = render_summary(update, dry_run=dry_run).splitlines()
    page = environment().from_string(_PAGE)
    return page.render(
        title=f"dualgen update: {update.project.name}",
        name=update.project.name,
        lines=lines,
        files=files,
    )
