"""The compare and diff pages in headless Chromium: offline, both columns shown."""

from __future__ import annotations

import os
import struct
import subprocess
from pathlib import Path

import pytest

from generator import compare as cmp
from generator import spec as specs
from tests.helpers import missing

pytestmark = pytest.mark.integration

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)
WINDOW = (1400, 1000)


def find_chromium() -> Path:
    """Debian's chromium (`.ci/run` installs it); missing, it skips, and fails in CI."""
    if CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK):
        return CHROMIUM
    missing(f"{CHROMIUM} not found; install it with: apt-get install -y chromium")


def run_chromium(chromium: Path, profile: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(chromium), *FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    return struct.unpack(">II", data[16:24])


def screenshot_and_dom(chromium: Path, page: Path, name: str, tmp_path: Path) -> str:
    """Screenshot the page into test-artifacts/NAME.png and return its DOM."""
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / f"{name}.png"
    shot.unlink(missing_ok=True)
    url = page.as_uri()
    size = f"--window-size={WINDOW[0]},{WINDOW[1]}"
    result = run_chromium(chromium, tmp_path / "shot", f"--screenshot={shot}", size, url)
    assert shot.is_file(), result.stderr[-2000:]
    assert png_size(shot) == WINDOW
    assert shot.stat().st_size > 20_000, "the screenshot is nearly blank"
    dom = run_chromium(chromium, tmp_path / "dom", "--dump-dom", url)
    assert dom.returncode == 0, dom.stderr[-2000:]
    return dom.stdout


PRESETS = {"production": {"preset": "production"}, "classic": {"preset": "classic"}}


@pytest.mark.parametrize("label", list(PRESETS), ids=list(PRESETS))
def test_compare_page_shows_both_columns_in_chromium(label, tmp_path):
    chromium = find_chromium()
    comparison = cmp.compare(specs.build(PRESETS[label]))
    page = tmp_path / "page.html"
    page.write_text(cmp.render_html(comparison), encoding="utf-8")
    dom = screenshot_and_dom(chromium, page, f"compare-{label}", tmp_path)
    applicable = [c for c in comparison.concepts if c.applies]
    for name in ("flask", "express"):
        # One column per framework in the trees, and one per applicable concept.
        assert dom.count(f'data-framework="{name}"') == 1 + len(applicable)
    for concept in applicable:
        assert f'id="concept-{concept.key}"' in dom
        for place in concept.places.values():
            assert place.label in dom
    assert '<span class="kw">' in dom and '<span class="str">' in dom


def test_diff_page_renders_in_chromium(tmp_path):
    chromium = find_chromium()
    old, _ = cmp.spec_from_name("default")
    new, _ = cmp.spec_from_name("default+cors+logging")
    diff = cmp.diff_specs("express", old, new, ("default", "default+cors+logging"))
    page = tmp_path / "diff.html"
    page.write_text(cmp.render_diff_html(diff), encoding="utf-8")
    dom = screenshot_and_dom(chromium, page, "diff-express-cors", tmp_path)
    assert 'data-status="modified"' in dom
    added = '<span class="add">+<span class="kw">const</span> cors = require('
    assert added + "<span class=\"str\">'cors'</span>);" in dom
