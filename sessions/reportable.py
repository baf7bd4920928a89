"""Session messages as content safety can report (``safety.registry``).

A member reports a message from its "..." menu in the workspace or a flash
session's thread; moderators see it with the thread around it. Messages have no
hidden state: moderators act on the person (warn, suspend).
"""

from __future__ import annotations

from profiles.selectors import person_name
from safety.models import Block
from safety.registry import ReportableContent, register_content

from .models import Message


def _thread(message: Message) -> list[dict]:
    if message.mentorship_id:
        rows = Message.objects.filter(mentorship_id=message.mentorship_id)
    else:
        rows = Message.objects.filter(session_id=message.session_id)
    return [
        {
            "author_id": row.author_id,
            "author": person_name(row.author),
            "text": row.body,
            "at": row.created_at.isoformat(),
            "is_reported": row.pk == message.pk,
        }
        for row in rows.select_related("author__profile").order_by("created_at", "id")[:50]
    ]


SESSION_MESSAGE = ReportableContent(
    model=Message,
    kind="session message",
    author=lambda message: message.author,
    snapshot=lambda message: {
        "text": message.body,
        "author": person_name(message.author),
        "at": message.created_at.isoformat(),
    },
    context=_thread,
    visible_to=lambda message, user: user.pk in (message.author_id, message.recipient_id),
    block_source=Block.Source.MESSAGE,
)


def register() -> None:
    register_content(SESSION_MESSAGE)
