"""Markdown written by members, turned into HTML that is safe to show others.

Markdown → HTML (cmark, GitHub's C CommonMark parser, which passes raw HTML
through) → nh3 with an allowlist. nh3 (ammonia) parses the HTML the way a browser does, so
malformed tags, entity-encoded schemes (``jav&#x61;script:``) and mixed case
are normalised before the allowlist is applied.

Decisions:
- Only formatting tags survive; ``script`` and ``style`` are removed with
  their content; any other tag (iframe, object, svg, math, form, img ...) is
  dropped and its text kept, escaped.
- No attribute survives except ``href`` / ``title`` on links, and an ``href``
  only with an ``http``, ``https`` or ``mailto`` scheme. Relative URLs are
  dropped too: a bio has no business pointing into the site (``/admin/``,
  ``/accounts/logout/``).
- Every link gets ``rel="nofollow noopener noreferrer"`` (profiles are
  user-written content, and search engines should not credit it).
- Images are off: a profile has an avatar; remote images in bios would leak
  the reader's IP address to third parties.
- Line breaks inside a paragraph are kept (``<br>``), as people type them.

Bounded time (docs/security.md "Bad input"): rendering any text up to
``MAX_MARKDOWN_LENGTH`` takes milliseconds. cmark parses in linear time
(Python-Markdown took seconds on a few thousand ``[``); what is left is the
HTML tree nh3 builds, which costs time in proportion to its depth, so a text
whose HTML nests deeper than ``MAX_NESTING`` (thousands of ``>`` quotes, a
tower of unclosed tags) is shown as escaped plain text instead. The
benchmark ``render_markdown_worst`` measures a corpus of such inputs.
"""

import html
import re
from functools import lru_cache

import cmarkgfm
import nh3
from cmarkgfm.cmark import Options

ALLOWED_TAGS = frozenset(
    {
        "p",
        "br",
        "hr",
        "strong",
        "b",
        "em",
        "i",
        "del",
        "code",
        "pre",
        "blockquote",
        "ul",
        "ol",
        "li",
        "a",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
    }
)
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "nofollow noopener noreferrer"
# Removed together with their content; every other unknown tag keeps its text.
CONTENT_STRIPPED_TAGS = frozenset({"script", "style"})

# The longest Markdown field (a session note) is 10,000 characters; anything
# longer is cut here, so no caller can hand the renderer more.
MAX_MARKDOWN_LENGTH = 10_000
# Deeper than any real text (a quote in a list in a quote...), shallow enough
# that nh3's tree building stays fast.
MAX_NESTING = 40
_CMARK_OPTIONS = Options.CMARK_OPT_HARDBREAKS | Options.CMARK_OPT_UNSAFE
# A line opening more quotes than MAX_NESTING: the extra ``>`` are dropped
# before parsing (cmark would build, and print, every level).
_QUOTE_TOWER = re.compile(rf"^([ \t]*(?:>[ \t]*){{{MAX_NESTING}}})(?:>[ \t]*)+", re.MULTILINE)
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)[^>]*?(/?)>")
_VOID_TAGS = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
)


@lru_cache(maxsize=1)
def _cleaner() -> nh3.Cleaner:
    return nh3.Cleaner(
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(CONTENT_STRIPPED_TAGS),
        attributes={tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        url_relative="deny",
        link_rel=LINK_REL,
        strip_comments=True,
    )


def sanitize_html(html: str) -> str:
    """Apply the allowlist to an HTML fragment."""
    return _cleaner().clean(html)


def nesting_depth(fragment: str, *, stop_at: int = MAX_NESTING) -> int:
    """How deep the elements of an HTML fragment nest (stops counting past ``stop_at``).

    An estimate that errs on the deep side: a closing tag closes up to its
    opening tag and is ignored if none is open, and tags a browser closes by
    itself (``<p>``, ``<li>`` left open) are counted as still open.
    """
    stack: list[str] = []
    push, pop = stack.append, stack.pop
    deepest = 0
    for closing, name, self_closing in _TAG.findall(fragment):
        name = name.lower()
        if closing:
            if stack and stack[-1] == name:
                pop()
            elif name in stack:
                del stack[len(stack) - 1 - stack[::-1].index(name) :]
        elif not self_closing and name not in _VOID_TAGS:
            push(name)
            if len(stack) > deepest:
                deepest = len(stack)
                if deepest > stop_at:
                    break
    return deepest


def _plain_text_html(text: str) -> str:
    paragraphs = re.split(r"\n\s*\n", text.strip())
    return "".join(
        "<p>" + html.escape(paragraph).replace("\n", "<br>") + "</p>" for paragraph in paragraphs
    )


# What a browser drops from a URL before it reads the scheme (so " java\tscript:" is javascript:).
_URL_NOISE = re.compile(r"[\x00-\x20\x7f-\x9f]+")
LINK_SCHEMES = ("http://", "https://")


def safe_url(url: str | None) -> str:
    """``url`` when it is an absolute http(s) link, else ``""``.

    For every stored URL a page puts in an ``href`` (meeting links, profile
    links): forms validate them, but a value can also arrive through the
    import, the API or the admin, and a ``javascript:`` link must never
    reach a page whatever wrote it.
    """
    if not url:
        return ""
    cleaned = _URL_NOISE.sub("", url)
    return url.strip() if cleaned.lower().startswith(LINK_SCHEMES) else ""


def render_markdown(text: str | None) -> str:
    """Markdown source → sanitised HTML (a ``str``; mark it safe only after this)."""
    if not text:
        return ""
    text = _QUOTE_TOWER.sub(r"\1", text[:MAX_MARKDOWN_LENGTH])
    fragment = cmarkgfm.markdown_to_html(text, options=_CMARK_OPTIONS)
    # Fewer tags than the limit cannot nest past it: skip the scan.
    if fragment.count("<") > MAX_NESTING and nesting_depth(fragment) > MAX_NESTING:
        return _plain_text_html(text)
    return sanitize_html(fragment)
