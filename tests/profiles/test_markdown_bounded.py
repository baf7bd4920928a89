"""The Markdown helper on pathological input: it finishes and its output is sane.

Timings are the benchmark's (``render_markdown_worst``); here, that every text
of the same corpus renders to bounded, sanitised HTML, and that nesting deeper
than ``MAX_NESTING`` falls back to escaped plain text.
"""

import pytest

from benchmarks.markdown_worst import worst_case_corpus
from profiles.sanitize import (
    MAX_MARKDOWN_LENGTH,
    MAX_NESTING,
    nesting_depth,
    render_markdown,
)

CORPUS = worst_case_corpus(MAX_MARKDOWN_LENGTH)


def test_the_corpus_is_at_the_limit():
    assert len(CORPUS) >= 30
    assert all(len(text) <= MAX_MARKDOWN_LENGTH for text in CORPUS.values())
    assert max(len(text) for text in CORPUS.values()) >= MAX_MARKDOWN_LENGTH - 2


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_worst_case_text_renders_shallow_sanitised_html(name):
    output = render_markdown(CORPUS[name])
    assert "<script" not in output.lower()
    assert nesting_depth(output, stop_at=10_000) <= MAX_NESTING
    # Bounded output: no text blows up into megabytes of markup.
    assert len(output) < 20 * MAX_MARKDOWN_LENGTH


def test_a_quote_tower_is_cut_to_the_nesting_limit():
    output = render_markdown(">" * 5000 + " deep")
    assert output.count("<blockquote>") <= MAX_NESTING
    assert "deep" in output


def test_nesting_past_the_limit_falls_back_to_escaped_text():
    text = "<div>" * (MAX_NESTING + 5) + "inside <script>alert(1)</script>"
    output = render_markdown(text)
    assert "<div>" not in output and "<script" not in output
    assert "&lt;div&gt;" in output and "inside" in output


def test_ordinary_nesting_still_renders_as_markdown():
    text = "> quote\n>\n> - item\n>   - sub item\n>     > inner **bold**"
    output = render_markdown(text)
    assert output.count("<blockquote>") == 2
    assert "<strong>bold</strong>" in output and "<ul>" in output


def test_text_past_the_renderer_limit_is_cut():
    output = render_markdown("a" * (MAX_MARKDOWN_LENGTH + 500) + "TAIL")
    assert "TAIL" not in output


@pytest.mark.parametrize(
    ("fragment", "depth"),
    [
        ("<p>a</p><p>b</p>", 1),
        ("<ul><li><p>x</p></li></ul>", 3),
        ("<b></i><b></i><b>", 3),  # a stray closing tag closes nothing
        ("<br /><hr><img src=x>", 0),
        ("<div><span></div><div>", 2),  # closing div closes the span too
    ],
)
def test_nesting_depth_estimate(fragment, depth):
    assert nesting_depth(fragment, stop_at=100) == depth
