"""Build a workshop: every step rendered in both frameworks in this one process, written as step
folders, one git repository per framework and the handout (HTML, Markdown, and PDF when asked),
all in a scratch folder that moves into place at the end (generator.files.Claim): a failure or
a signal leaves the output folder as it was.

    OUTPUT/
      flask/  express/            git repositories: one commit per step, tags step-1 ...
      steps/01-hello-world/flask  steps/01-hello-world/express  ...
      handout.html  handout.md  [handout.pdf]

Everything but the PDF (Chromium stamps its own dates) and the repositories' .git folders
(git's index records file times) is byte-identical from one build to the next, and so are the
commit ids.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from .. import catalog
from ..errors import RunError
from . import git as _git
from . import handout as _handout
from .model import Workshop

HANDOUT_FILES = ("handout.html", "handout.md")
PDF_FILE = "handout.pdf"
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


@dataclass
class Built:
    """What a build wrote, and how long it took."""

    output: Path
    workshop: Workshop
    #: Commit ids per framework, step 1 first.
    commits: dict[str, list[str]] = field(default_factory=dict)
    files: tuple[str, ...] = ()
    seconds: float = 0.0


def build(
    workshop: Workshop,
    output: Path,
    *,
    force: bool = False,
    pdf: bool = False,
    annotate: bool = False,
) -> Built:
    """Write the workshop into `output`, which must not exist unless force (then the files the
    build writes replace those there and every other file is kept). With annotate, every step's
    code carries mirrored teaching comments (workshops._annotate)."""
    from ..compare import read_tree
    from ..files import Claim
    from ..render import check_destination, render_tree

    started = time.perf_counter()
    chromium = find_chromium() if pdf else None
    git = _git.find_git()
    check_destination(output, force=force)
    built = Built(output, workshop)
    with Claim([output]) as claim:
        check_destination(output, force=force)  # again: a run that just finished may have made it
        for name in catalog.FRAMEWORKS:
            _git.check_replaceable(output / name, git)
        root = claim.scratch / "workshop"
        trees = {}
        snapshots: dict[str, list[_git.Commit]] = {name: [] for name in catalog.FRAMEWORKS}
        for step in workshop.steps:
            folders = {}
            for name in catalog.FRAMEWORKS:
                scratch = claim.scratch / "render" / step.folder / name
                folders[name] = root / "steps" / step.folder / name
                folders[name].parent.mkdir(parents=True, exist_ok=True)
                os.replace(render_tree(step.spec, name, scratch), folders[name])
            if annotate:
                from .annotate import annotate as annotating

                annotating(step.spec, folders)
            for name, folder in folders.items():
                trees[(step.number, name)] = read_tree(folder, name)
                snapshots[name].append(_git.snapshot(folder, step.title, step.tag))
        for name in catalog.FRAMEWORKS:
            built.commits[name] = _git.write_repository(root / name, snapshots[name], git)
        lessons = _handout.lessons(workshop, trees)
        _write(root / "handout.html", _handout.render_html(workshop, lessons))
        _write(root / "handout.md", _handout.render_markdown(workshop, lessons))
        files = [*catalog.FRAMEWORKS, "steps", *HANDOUT_FILES]
        if chromium is not None:
            print_pdf(chromium, root / "handout.html", root / PDF_FILE)
            files.append(PDF_FILE)
        claim.place([root])
    built.files = tuple(files)
    built.seconds = time.perf_counter() - started
    return built


def _write(path: Path, text: str) -> None:
    path.write_bytes(text.encode("utf-8"))


def find_chromium() -> str:
    """Headless Chromium for --pdf: the first of CHROMIUM_NAMES on PATH."""
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    raise RunError(
        "--pdf needs Chromium, and none was found on PATH (chromium, chromium-browser, "
        "google-chrome): install it (apt-get install chromium) or leave out --pdf"
    )


def print_pdf(chromium: str, page: Path, pdf: Path, timeout: float = 120.0) -> None:
    """Print the page to pdf with headless Chromium; every process it starts is stopped."""
    from ..processes import start, stop

    page, pdf = page.resolve(), pdf.resolve()
    with tempfile.TemporaryDirectory(prefix="dualgen-chromium-") as profile:
        command = [
            chromium,
            "--headless",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={profile}",
            f"--print-to-pdf={pdf}",
            "--no-pdf-header-footer",
            page.as_uri(),
        ]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            command.insert(1, "--no-sandbox")  # Chromium refuses to run as root with one
        process = start(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        try:
            output, _ = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            output = f"no PDF after {timeout:g} s".encode()
        finally:
            stop(process)
    if process.returncode != 0 or not pdf.is_file() or pdf.stat().st_size == 0:
        lines = output.decode("utf-8", "replace").strip().splitlines()
        raise RunError(
            f"Chromium could not print the handout (exit {process.returncode}): "
            f"{lines[-1] if lines else 'no output'}"
        )
