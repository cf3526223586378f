"""One look for every page dualgen writes: the bench page carries the same stylesheet as the
compare, diff and handout pages (compare's page.css: its colours, type and layout), and its
charts draw Flask's and Express's servers in the page's two colours."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator import compare as cmp
from generator import spec as specs
from generator.bench import page
from generator.render import render_tree
from generator.workshop import handout
from generator.workshop import model as workshops
from tests.unit.bench.test_bench_spread import spread_figures
from tests.unit.workshop.test_workshop import css_rules

SHARED = (":root", "body", "main", "h1", "h2", ".sub", "pre", ".figures")


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> dict[str, str]:
    root = tmp_path_factory.mktemp("pages")
    spec = specs.build({"name": "shop"})
    found = {"bench": page.render_html(spread_figures(0.1)), "compare": ""}
    found["compare"] = cmp.render_html(cmp.compare(spec))
    trees = {}
    for label, answers in (("old", {"name": "shop"}), ("new", {"name": "shop", "tests": True})):
        folder = render_tree(specs.build(answers), "flask", root / label)
        trees[label] = cmp.read_tree(folder, "flask")
    found["diff"] = cmp.render_diff_html(cmp.diff_trees(trees["old"], trees["new"], "a", "b"))
    workshop = workshops.parse_workshop(
        {"title": "T", "steps": [{"id": "one", "title": "One", "explanation": "Text."}]},
        "w",
        reference="w.yaml",
    )
    steps = {
        (1, name): cmp.read_tree(
            render_tree(workshop.steps[0].spec, name, root / f"step-{name}"), name
        )
        for name in ("flask", "express")
    }
    found["handout"] = handout.render_html(workshop, handout.lessons(workshop, steps))
    return found


@pytest.mark.parametrize("other", ["compare", "diff", "handout"])
def test_the_bench_page_has_the_look_of_every_other_page(pages, other):
    bench, theirs = css_rules(pages["bench"]), css_rules(pages[other])
    for selector in SHARED:
        assert bench[selector] == theirs[selector], selector
    assert '<meta name="viewport"' in pages["bench"] and "<main>" in pages["bench"]


def test_the_charts_draw_each_framework_in_the_pages_colours(pages):
    rules = css_rules(pages["bench"])
    assert rules[".gunicorn-gthread"] == "fill: var(--flask);"
    assert rules[".node-cluster"] == "fill: var(--express);"
    svg = "".join(re.findall(r"<svg.*?</svg>", pages["bench"], re.DOTALL))
    assert not re.search(r"#[0-9a-fA-F]{3,6}\b", svg), "a colour of its own in a chart"
    for remote in ("<script", "<link", "src=", "@import", "url("):
        assert remote not in pages["bench"]


def test_each_bar_shows_the_spread_of_its_runs(pages):
    bars = re.findall(
        r'<rect class="express" x="[\d.]+" y="([\d.]+)"[^>]*><title>([^<]*)', pages["bench"]
    )
    assert ("Express (one process): 1800.0 (runs 1620.0–1980.0)") in [t for _, t in bars]
    # Each of the 7 runs' req/s varied; its p99 was 2.0 ms each time: no line.
    assert pages["bench"].count('<line class="spread"') == 7
    assert Path(page.TEMPLATES / "bench.css").is_file()
