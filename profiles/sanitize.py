"""Markdown written by members, turned into HTML that is safe to show others.

Markdown → HTML (Python-Markdown, which passes raw HTML through) → nh3 with
an allowlist. nh3 (ammonia) parses the HTML the way a browser does, so
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
"""

import re
from functools import lru_cache

import markdown as markdown_lib
import nh3

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

MAX_MARKDOWN_LENGTH = 20_000


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
    html = markdown_lib.markdown(
        text[:MAX_MARKDOWN_LENGTH],
        extensions=["sane_lists", "nl2br"],
        output_format="html",
    )
    return sanitize_html(html)
