"""The handout's Markdown against hostile workshop files (issue 27, low): deep quotes and inputs
that make a backtracking pattern quadratic."""

from __future__ import annotations

import pytest

from generator.workshop import markdown as _markdown


def test_a_quote_nested_1500_deep_renders_and_its_deepest_marks_stay_text():
    html = _markdown.to_html(">" * 1500 + " deep")
    depth = _markdown.MAX_QUOTE_DEPTH
    kept = "&gt;" * (1500 - depth - 1)
    assert html == "<blockquote>" * depth + f"<p>{kept} deep</p>" + "</blockquote>" * depth


def test_1500_lines_quoted_ever_deeper_render_within_the_quote_limit():
    html = _markdown.to_html("\n".join(">" * depth + f" d{depth}" for depth in range(1, 1501)))
    depth = _markdown.MAX_QUOTE_DEPTH
    assert html.count("<blockquote>") == html.count("</blockquote>") == depth
    assert html.startswith("<blockquote><p>d1</p>\n<blockquote><p>d2</p>")
    assert f"<p>d{depth}</p>\n<p>d{depth + 1} &gt; d{depth + 2} &gt;&gt; d{depth + 3} " in html
    assert html.endswith(" " + "&gt;" * (1500 - depth - 1) + " d1500</p>" + "</blockquote>" * depth)


def test_a_quote_within_the_limit_is_all_quote():
    html = _markdown.to_html("> a\n>> b")
    assert html == "<blockquote><p>a</p>\n<blockquote><p>b</p></blockquote></blockquote>"


# 200,000 characters: the old link pattern scanned to the end of the line from every `[`,
# minutes of work here (60,000 took 25 s); the linear one takes milliseconds.
HOSTILE = {
    "brackets": "[" * 200_000,
    "open-links": "[a" * 100_000,
    "closed-texts": "[a]" * 70_000,
}


@pytest.mark.parametrize("kind", list(HOSTILE), ids=list(HOSTILE))
def test_a_large_hostile_paragraph_renders_and_keeps_its_one_real_link(kind):
    text = HOSTILE[kind] + " [ok](https://a.example/) tail"
    html = _markdown.to_html(text)
    assert html.startswith("<p>" + HOSTILE[kind][:30])
    assert html.endswith(' <a href="https://a.example/">ok</a> tail</p>')
    assert html.count("<a ") == 1
    assert html.count("[") == HOSTILE[kind].count("[")


def test_a_link_text_holds_no_bracket_but_the_inner_link_is_one():
    html = _markdown.inline("[see [ok](https://a.example/)")
    assert html == '[see <a href="https://a.example/">ok</a>'
