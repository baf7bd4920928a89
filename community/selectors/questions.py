"""Reads of ask-the-network: the question list (search, filters), one question, answers."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404

from community.models import Answer, HelpfulMark, Question, QuestionRoute

from .interaction import can_interact, interaction_q


def _visible_answers() -> Q:
    return Q(answers__is_hidden=False)


def questions_listed(*, viewer) -> QuerySet[Question]:
    """Questions the viewer may see in lists (hidden ones only by their author), annotated."""
    qs = (
        Question.objects.filter(Q(is_hidden=False) | Q(author=viewer))
        .filter(interaction_q(viewer))
        .select_related("author", "author__profile")
        .prefetch_related("skills")
        .annotate(
            answer_count=Count("answers", filter=_visible_answers(), distinct=True),
            has_accepted=Exists(
                Answer.objects.filter(question=OuterRef("pk"), is_accepted=True, is_hidden=False)
            ),
            asked_of_viewer=Exists(
                QuestionRoute.objects.filter(question=OuterRef("pk"), mentor=viewer)
            ),
        )
        .order_by("-created_at", "-id")
    )
    return qs


def questions_search(qs: QuerySet[Question], *, text: str) -> QuerySet[Question]:
    """Full-text search on PostgreSQL (ranked, stemmed); words contained elsewhere."""
    text = " ".join(text.split())
    if not text:
        return qs
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

        vector = SearchVector("title", weight="A", config="english") + SearchVector(
            "body", weight="B", config="english"
        )
        query = SearchQuery(text, search_type="websearch", config="english")
        return (
            qs.annotate(rank=SearchRank(vector, query))
            .filter(rank__gt=0)
            .order_by("-rank", "-created_at")
        )
    words = Q()
    for word in text.split()[:8]:
        words &= Q(title__icontains=word) | Q(body__icontains=word)
    return qs.filter(words)


def questions_filtered(
    *, viewer, text: str = "", skill=None, unanswered: bool = False, asked_of_me: bool = False
) -> QuerySet[Question]:
    qs = questions_listed(viewer=viewer)
    if skill is not None:
        qs = qs.filter(skills=skill)
    if unanswered:
        qs = qs.filter(answer_count=0)
    if asked_of_me:
        qs = qs.filter(asked_of_viewer=True)
    return questions_search(qs, text=text)


def questions_asked_of(*, viewer, limit: int = 5) -> list[Question]:
    """Questions routed to the viewer that they have not answered yet, newest first."""
    return list(
        questions_listed(viewer=viewer)
        .filter(asked_of_viewer=True, is_hidden=False)
        .exclude(answers__author=viewer)
        .order_by("-created_at")[:limit]
    )


def question_for_viewer(*, pk: int, viewer) -> Question:
    """One question: hidden ones only for their author; 404 for anyone the rule keeps apart."""
    question = (
        Question.objects.select_related("author", "author__profile")
        .prefetch_related("skills")
        .filter(pk=pk)
        .first()
    )
    if question is None:
        raise Http404
    if question.author_id != viewer.pk and (
        question.is_hidden or not can_interact(viewer, question.author)
    ):
        raise Http404
    return question


@dataclass
class AnswerView:
    answer: Answer
    helpful_count: int
    marked_by_viewer: bool
    shown: bool  # hidden answers are shown to their author only, with the reason


def answers_visible(*, question: Question, viewer) -> QuerySet[Answer]:
    """A question's answers the viewer may see (hidden ones only by their author), annotated
    with ``helpful_count`` and ``marked`` (by the viewer); oldest first."""
    return (
        Answer.objects.filter(question=question)
        .filter(Q(is_hidden=False) | Q(author=viewer))
        .select_related("author", "author__profile")
        .annotate(
            helpful_count=Count("helpful_marks", distinct=True),
            marked=Exists(HelpfulMark.objects.filter(answer=OuterRef("pk"), user=viewer)),
        )
        .order_by("created_at", "id")
    )


def answers_for_question(*, question: Question, viewer) -> list[AnswerView]:
    answers = answers_visible(question=question, viewer=viewer).order_by(
        "-is_accepted", "-helpful_count", "created_at", "id"
    )
    return [
        AnswerView(answer=a, helpful_count=a.helpful_count, marked_by_viewer=a.marked, shown=True)
        for a in answers
    ]


def question_routes(*, question: Question) -> list[QuestionRoute]:
    return list(question.routes.select_related("mentor", "mentor__profile").order_by("rank"))


def answer_for_viewer(*, pk: int, viewer) -> Answer:
    answer = Answer.objects.select_related("question", "author").filter(pk=pk).first()
    if answer is None:
        raise Http404
    question_for_viewer(pk=answer.question_id, viewer=viewer)
    if answer.is_hidden and answer.author_id != viewer.pk:
        raise Http404
    return answer
