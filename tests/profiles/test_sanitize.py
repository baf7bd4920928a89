"""The Markdown sanitiser against a corpus of XSS payloads.

Each payload is rendered and the output is parsed like a browser would;
the test fails on any tag outside the allowlist, any attribute outside it
(so every ``on*`` handler and ``style``), and any link whose scheme is not
http, https or mailto after entity decoding and whitespace removal.
"""

import html
import re
from html.parser import HTMLParser

import pytest
from django.template import Context, Template

from profiles.sanitize import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, LINK_REL, render_markdown

XSS_PAYLOADS = [
    # script tags
    "<script>alert(1)</script>",
    "<SCRIPT SRC=https://evil.example/xss.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<script/src=data:,alert(1)>",
    '"><script>alert(document.cookie)</script>',
    # event handlers
    "<img src=x onerror=alert(1)>",
    "<body onload=alert(1)>",
    '<div onmouseover="alert(1)">hover</div>',
    "<p onclick='alert(1)'>click</p>",
    '<a href="https://ok.example" onmouseover="alert(1)">ok</a>',
    "<input autofocus onfocus=alert(1)>",
    "<details open ontoggle=alert(1)>",
    # javascript:, data:, vbscript: links, encoded and mixed case
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](  javascript:alert(1))",
    "[click](javascript&#58;alert(1))",
    '<a href="jav&#x61;script:alert(1)">x</a>',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>',
    '<a href="java\tscript:alert(1)">x</a>',
    '<a href="java&#x0A;script:alert(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    "[x](data:text/html,<script>alert(1)</script>)",
    '<a href="vbscript:msgbox(1)">x</a>',
    "[x](VBScript:msgbox(1))",
    '<a href="/admin/">relative</a>',
    '<a href="//evil.example/">protocol-relative</a>',
    # svg / math
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<math href="javascript:alert(1)">CLICK</math>',
    # style / expression
    "<style>body{background:url(javascript:alert(1))}</style>",
    '<div style="width: expression(alert(1))">x</div>',
    "<p style=\"background-image:url('javascript:alert(1)')\">x</p>",
    "<link rel=stylesheet href=https://evil.example/x.css>",
    # iframes, objects, embeds, forms, meta
    '<iframe src="javascript:alert(1)"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="javascript:alert(1)">',
    '<form action="javascript:alert(1)"><button>go</button></form>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    # malformed tags
    '<img """><script>alert(1)</script>">',
    '<a href="javascript:alert(1)"',
    "<<script>alert(1);//<</script>",
    "<img src=`x`onerror=alert(1)>",
    '<!--<img src="--><img src=x onerror=alert(1)//">',
    "<a/href=javascript:alert(1)>x</a>",
    # markdown link/image syntax
    "![x](javascript:alert(1))",
    "![x](https://evil.example/track.png)",
    '[x](javascript:alert(1) "title")',
    "[x][ref]\n\n[ref]: javascript:alert(1)",
    "<javascript:alert(1)>",
    "[a](<javascript:alert(1)>)",
    # html entities
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&#60;script&#62;alert(1)&#60;/script&#62;",
    '<a href="&#x6A;avascript:alert(1)">x</a>',
]

SAFE_SCHEME = re.compile(r"^(https?:|mailto:)", re.IGNORECASE)


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))

    handle_startendtag = handle_starttag


def _assert_inert(output: str) -> None:
    parser = _Collector()
    parser.feed(output)
    parser.close()
    for tag, attrs in parser.tags:
        assert tag in ALLOWED_TAGS, f"tag <{tag}> survived: {output!r}"
        for name, value in attrs:
            assert not name.startswith("on"), f"handler {name} survived: {output!r}"
            allowed = ALLOWED_ATTRIBUTES.get(tag, set()) | ({"rel"} if tag == "a" else set())
            assert name in allowed, f"attribute {name} on <{tag}> survived: {output!r}"
            if name == "href":
                cleaned = re.sub(r"[\x00-\x20]", "", html.unescape(value or ""))
                assert SAFE_SCHEME.match(cleaned), f"unsafe href {value!r}: {output!r}"
    lowered = output.lower()
    for vector in ("<script", "<iframe", "<svg", "<object", "<embed", "<style", "<img"):
        assert vector not in lowered, f"{vector} survived: {output!r}"


def test_the_corpus_is_large_enough():
    assert len(XSS_PAYLOADS) >= 30
    assert len(set(XSS_PAYLOADS)) == len(XSS_PAYLOADS)


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_payload_renders_without_an_executable_vector(payload):
    _assert_inert(render_markdown(payload))


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_payload_embedded_in_normal_markdown_is_inert(payload):
    _assert_inert(render_markdown(f"# About me\n\nI like **Python**. {payload}\n\n- one\n- two"))


def test_the_checker_itself_catches_vectors():
    """The assertions above must be able to fail."""
    for dangerous in (
        '<a href="javascript:alert(1)">x</a>',
        '<p onclick="x()">x</p>',
        "<img src=x>",
        '<a href="/admin/">x</a>',
    ):
        with pytest.raises(AssertionError):
            _assert_inert(dangerous)


def test_formatting_and_safe_links_survive():
    output = render_markdown(
        "Hello **bold** and *em*.\n\n"
        "- [site](https://example.org/path?q=1)\n"
        "- [plain http](http://example.org)\n"
        "- <mailto:ann@example.org>\n\n"
        "> quoted\n\n`code`"
    )
    assert "<strong>bold</strong>" in output
    assert "<em>em</em>" in output
    assert "<li>" in output and "<blockquote>" in output and "<code>code</code>" in output
    assert f'<a href="https://example.org/path?q=1" rel="{LINK_REL}">site</a>' in output
    assert 'href="http://example.org"' in output
    assert "mailto:" in html.unescape(output)


def test_every_link_gets_nofollow_noopener_noreferrer():
    output = render_markdown(
        '<a href="https://x.example" rel="opener">x</a> [y](https://y.example)'
    )
    assert output.count(f'rel="{LINK_REL}"') == 2
    assert 'rel="opener"' not in output


def test_script_content_is_removed_not_shown_and_text_is_escaped():
    output = render_markdown("before <script>alert('hidden')</script> after <b>ok</b> 1 < 2")
    assert "alert" not in output
    assert "before" in output and "after" in output
    assert "1 &lt; 2" in output


def test_images_are_dropped():
    assert "img" not in render_markdown("![me](https://example.org/me.png)")


def test_empty_input_renders_nothing():
    assert render_markdown("") == ""
    assert render_markdown(None) == ""


def test_template_filter_renders_sanitised_html():
    template = Template("{% load profile_tags %}{{ bio|markdown }}")
    output = template.render(Context({"bio": "**hi** <script>alert(1)</script>"}))
    assert "<strong>hi</strong>" in output
    assert "script" not in output
