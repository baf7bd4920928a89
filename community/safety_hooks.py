"""Questions and answers as content safety can report and hide (``safety.registry``).

Members report an answer or a question from its "..." menu; moderators see it in
context (the question and its answers) and can hide it: the author then sees it
was hidden and why, nobody else sees it. Blocks started here record "answer".
"""

from __future__ import annotations

from profiles.selectors import person_name
from safety.models import Block
from safety.registry import ReportableContent, register_content

from . import services
from .models import Answer, Question


def _thread(question: Question, *, reported_pk=None, reported_question=False) -> list[dict]:
    items = [
        {
            "author_id": question.author_id,
            "author": person_name(question.author),
            "text": f"{question.title}\n\n{question.body}".strip(),
            "at": question.created_at.isoformat(),
            "is_reported": reported_question,
        }
    ]
    for answer in question.answers.select_related("author__profile").order_by("created_at"):
        items.append(
            {
                "author_id": answer.author_id,
                "author": person_name(answer.author),
                "text": answer.body,
                "at": answer.created_at.isoformat(),
                "is_reported": answer.pk == reported_pk,
            }
        )
    return items


def _visible(row, user) -> bool:
    return bool(user and user.is_authenticated) and (not row.is_hidden or row.author_id == user.pk)


QUESTION = ReportableContent(
    model=Question,
    kind="question",
    author=lambda question: question.author,
    snapshot=lambda question: {
        "text": f"{question.title}\n\n{question.body}".strip(),
        "author": person_name(question.author),
        "at": question.created_at.isoformat(),
    },
    context=lambda question: _thread(question, reported_question=True),
    visible_to=_visible,
    hide=lambda question, reason: services.question_hide(question=question, reason=reason),
    restore=lambda question: services.question_restore(question=question),
    is_hidden=lambda question: question.is_hidden,
    block_source=Block.Source.OTHER,
)

ANSWER = ReportableContent(
    model=Answer,
    kind="answer",
    author=lambda answer: answer.author,
    snapshot=lambda answer: {
        "text": answer.body,
        "author": person_name(answer.author),
        "at": answer.created_at.isoformat(),
        "question_id": answer.question_id,
    },
    context=lambda answer: _thread(answer.question, reported_pk=answer.pk),
    visible_to=lambda answer, user: _visible(answer, user) and _visible(answer.question, user),
    hide=lambda answer, reason: services.answer_hide(answer=answer, reason=reason),
    restore=lambda answer: services.answer_restore(answer=answer),
    is_hidden=lambda answer: answer.is_hidden,
    block_source=Block.Source.ANSWER,
)


def register() -> None:
    register_content(QUESTION)
    register_content(ANSWER)
