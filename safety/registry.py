"""What safety needs to know about content that lives in other apps.

Safety is below matching, sessions and community, so it cannot import their
models. Each app that has reportable content registers a
:class:`ReportableContent` from its ``AppConfig.ready()``: how to find the
author, what to show moderators (a snapshot and the thread around it), and
how to hide and restore it. Reports then point at the content through
content types; the registry is how a moderator's "hide" reaches the row.

Registering twice (a test re-running ``ready()``) replaces the entry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import models


@dataclass(frozen=True)
class ReportableContent:
    """How safety handles one model's rows.

    ``author(obj)`` -> the user who wrote it (the report's target person).
    ``snapshot(obj)`` -> a JSON-ready dict kept with the report (``text`` at least).
    ``context(obj)`` -> the thread around it, oldest first: dicts with
    ``author_id``, ``author``, ``text``, ``at`` (ISO), ``is_reported``.
    ``visible_to(obj, user)`` -> whether ``user`` may see (and so report or block from) it.
    ``hide(obj, reason)`` / ``restore(obj)`` -> change the content's hidden flag,
    or ``None`` when the content cannot be hidden (a person).
    ``is_hidden(obj)`` -> whether it is hidden now.
    ``block_source`` -> the ``Block.Source`` a block started from here records.
    ``lookup_field`` -> how URLs name a row (never a guessable sequence for people).
    """

    model: type[models.Model]
    kind: str
    author: Callable
    snapshot: Callable
    context: Callable
    visible_to: Callable
    hide: Callable | None = None
    restore: Callable | None = None
    is_hidden: Callable | None = None
    block_source: str = "other"
    #: The field that names a row in URLs (a profile by its random public id).
    lookup_field: str = "pk"

    @property
    def key(self) -> str:
        return self.model._meta.label_lower

    @property
    def hideable(self) -> bool:
        return self.hide is not None and self.restore is not None


_CONTENT: dict[str, ReportableContent] = {}


def register_content(entry: ReportableContent) -> ReportableContent:
    _CONTENT[entry.key] = entry
    return entry


def content_for_key(key: str) -> ReportableContent | None:
    return _CONTENT.get(key)


def content_for_model(model: type[models.Model]) -> ReportableContent | None:
    return _CONTENT.get(model._meta.label_lower)


def content_for_type(content_type: ContentType) -> ReportableContent | None:
    return _CONTENT.get(f"{content_type.app_label}.{content_type.model}")


def registered_contents() -> list[ReportableContent]:
    return list(_CONTENT.values())
