"""Pathological Markdown: texts chosen to make a Markdown renderer slow.

Each text is as long as the renderer accepts
(``profiles.sanitize.MAX_MARKDOWN_LENGTH``, passed in as ``length``): deep
nesting (brackets, quotes, lists, raw tags), runs of delimiters, huge lists,
many links. Used by the benchmark ``render_markdown_worst`` (timings) and by
tests/profiles/test_markdown_bounded.py (the output stays sane). No Django.
"""

from __future__ import annotations


def _fill(unit: str, length: int, suffix: str = "") -> str:
    return (unit * (length // max(len(unit), 1) + 1))[: length - len(suffix)] + suffix


def worst_case_corpus(length: int) -> dict[str, str]:
    quote_lines = []
    depth = 1
    while sum(len(line) + 1 for line in quote_lines) < length:
        quote_lines.append(">" * depth + " x")
        depth += 1
    list_lines = []
    depth = 0
    while sum(len(line) + 1 for line in list_lines) < length:
        list_lines.append("  " * (depth % 200) + "- x")
        depth += 1
    return {
        "open_brackets": _fill("[", length),
        "balanced_brackets": _fill("[", length // 2) + _fill("]", length // 2),
        "nested_links": _fill("[a](", length),
        "image_brackets": _fill("![", length),
        "link_after_brackets": _fill("[", length - 12, "](http://a)"),
        "parentheses": "[x](" + _fill("(", length - 4),
        "stars": _fill("*", length),
        "star_words": _fill("*a ", length),
        "emphasis_mix": _fill("*a **", length),
        "underscores": _fill("_a __", length),
        "backticks": _fill("`", length),
        "backtick_runs": _fill("`a``b```", length),
        "quote_tower": _fill(">", length - 2, " x"),
        "quote_tower_spaced": _fill("> ", length - 1, "x"),
        "quote_staircase": "\n".join(quote_lines)[:length],
        "list_staircase": "\n".join(list_lines)[:length],
        "list_tower": _fill("- ", length - 1, "x"),
        "numbered_tower": _fill("1. ", length - 1, "x"),
        "quote_list_tower": _fill("> - ", length - 1, "x"),
        "long_list": _fill("- x\n", length),
        "long_numbered_list": _fill("1. x\n", length),
        "many_links": _fill("[a](https://example.org/a) ", length),
        "many_autolinks": _fill("<https://example.org> ", length),
        "reference_links": _fill("[a]: https://example.org\n[a] ", length),
        "raw_tag_tower": _fill("<div>", length),
        "raw_inline_tower": _fill("<b><i>", length),
        "misnested_tags": _fill("<b><div></b></div>", length),
        "less_than": _fill("<", length),
        "entities": _fill("&#", length),
        "named_entities": _fill("&amp;", length),
        "headings": _fill("#", length),
        "heading_lines": _fill("# x\n", length),
        "code_fences": _fill("```\n", length),
        "html_comments": _fill("<!--", length),
        "tabs": _fill("\t", length - 1, "x"),
        "hard_breaks": _fill("x  \n", length),
        "blank_lines": _fill("\n", length),
        "mixed_delimiters": _fill("[*_`<>", length),
        "table_like": _fill("|a", length),
    }
