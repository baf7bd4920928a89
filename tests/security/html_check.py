"""Find what could run script in a rendered page, parsed as a browser parses it.

The page is parsed by an HTML5 parser, the one the spec describes and browsers
implement: Lexbor (``selectolax``), in C, which took 2 ms where html5lib took
150 ms on a 95 kB suggestions page (the hostile-text test parses about 2,600
pages). Lexbor does not walk into a ``<template>``'s content, so a page holding
one is parsed by html5lib, which does (our own pages hold none).

``findings(html)`` returns a ``Counter`` of what it found:

* ``script``: a ``<script>`` without a ``src`` under our static files, or with
  inline content (``inline-script``);
* ``on:<tag>:<attribute>``: an event-handler attribute (``onclick``...);
* ``url:<tag>:<attribute>``: a URL attribute whose value, entities decoded and
  whitespace and control characters removed as a browser does, has the
  ``javascript:``, ``vbscript:`` or ``data:`` scheme (``data:image/`` is allowed
  for images);
* ``style:<tag>``: a style attribute with ``expression(`` or ``javascript:``;
* ``tag:<name>``: elements that embed or redirect (iframe, object, embed,
  base, meta refresh, svg, math, form...).

The hostile-text test compares a page with its baseline (the same page with
harmless text in every field): hostile text must not add a single finding.
"""

from __future__ import annotations

import re
from collections import Counter

import html5lib
from selectolax.lexbor import LexborHTMLParser

URL_ATTRIBUTES = {
    "href",
    "src",
    "action",
    "formaction",
    "xlink:href",
    "data",
    "poster",
    "background",
    "srcdoc",
    "srcset",
    "ping",
    "cite",
}
EMBEDDING_TAGS = {
    "iframe",
    "frame",
    "frameset",
    "object",
    "embed",
    "applet",
    "base",
    "svg",
    "math",
    "link",
    "style",
    "form",
    "input",
    "button",
    "textarea",
    "select",
    "img",
    "video",
    "audio",
    "source",
    "details",
    "marquee",
}
DANGEROUS_SCHEME = re.compile(r"^(javascript|vbscript|data):", re.IGNORECASE)
# What a browser drops from a URL before reading its scheme.
URL_NOISE = re.compile(r"[\x00-\x20\x7f-\x9f]+")


def _local(name: str) -> str:
    return name.rsplit("}", 1)[-1]


def dangerous_url(value: str) -> bool:
    cleaned = URL_NOISE.sub("", value)
    if not DANGEROUS_SCHEME.match(cleaned):
        return False
    return not cleaned.lower().startswith("data:image/")


TEMPLATE_TAG = re.compile(r"<template", re.IGNORECASE)


def _elements(html: str, parser: str):
    """(tag, attributes, text) of every element, tag and attribute names lowercased."""
    if parser == "html5lib" or (parser == "auto" and TEMPLATE_TAG.search(html)):
        document = html5lib.parse(html, namespaceHTMLElements=False)
        for element in document.iter():
            if isinstance(element.tag, str):  # not a comment
                attributes = {_local(k).lower(): v for k, v in element.attrib.items()}
                yield _local(element.tag).lower(), attributes, element.text or ""
        return
    for node in LexborHTMLParser(html).root.traverse(include_text=False):
        if node.tag.startswith("-"):
            continue  # a comment or a doctype
        attributes = {k.lower(): v or "" for k, v in node.attributes.items()}
        text = node.text(deep=True) if node.tag == "script" else ""
        yield node.tag.lower(), attributes, text


def findings(html: str, *, static_url: str = "/static/", parser: str = "auto") -> Counter:
    """``parser``: "auto" (Lexbor, html5lib for a page with a template), or either one."""
    found: Counter = Counter()
    for tag, attributes, text in _elements(html, parser):
        if tag == "script":
            src = attributes.get("src", "")
            if not src.startswith(static_url):
                found[f"script:{src or 'inline'}"] += 1
            if text.strip():
                found["inline-script"] += 1
        if tag in EMBEDDING_TAGS:
            found[f"tag:{tag}"] += 1
        if tag == "meta" and attributes.get("http-equiv", "").lower() == "refresh":
            found["tag:meta-refresh"] += 1
        for name, value in attributes.items():
            if name.startswith("on"):
                found[f"on:{tag}:{name}"] += 1
            elif name in URL_ATTRIBUTES and dangerous_url(value):
                found[f"url:{tag}:{name}"] += 1
            elif name == "style" and re.search(r"expression\s*\(|javascript:", value, re.I):
                found[f"style:{tag}"] += 1
    return found


def added(page: Counter, baseline: Counter) -> Counter:
    """What ``page`` holds beyond its baseline."""
    return page - baseline
