"""Writes of ask-the-network: questions, answers, helpful marks, acceptance, hiding."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from community.errors import CommunityError
from community.models import MAX_TAGS, Answer, HelpfulMark, Question, QuestionPreference
from community.selectors.interaction import can_interact
from community.selectors.routing_model import routing_model
from mentorship.notifications import notify
from profiles.models import Skill, User
from profiles.selectors import skill_find_by_name, skills_visible_to

from .routing import question_route


def _display_name(user: User) -> str:
    """The name people know someone by: the profile's display name, else the account's."""
    profile = getattr(user, "profile", None)
    return (profile.name if profile is not None else "") or user.get_full_name() or "Someone"


def question_skills_resolve(*, items: Iterable[tuple[int | str, int]], user: User) -> list[Skill]:
    """Skills from the skill editor's items (ids, or typed names of known skills)."""
    visible = skills_visible_to(user=user)
    ids = [key for key, _ in items if isinstance(key, int)]
    found = {s.pk: s for s in visible.filter(pk__in=ids)}
    skills: list[Skill] = []
    unknown: list[str] = []
    for key, _level in items:
        skill = found.get(key) if isinstance(key, int) else skill_find_by_name(name=str(key))
        if skill is None or (isinstance(key, str) and not visible.filter(pk=skill.pk).exists()):
            unknown.append(str(key))
        elif skill not in skills:
            skills.append(skill)
    if unknown:
        raise CommunityError(
            "Tag your question with skills from the list: "
            + ", ".join(f"“{name}”" for name in unknown[:5])
            + (" is" if len(unknown) == 1 else " are")
            + " not a known skill.",
            code="unknown_skill",
            field="skills",
        )
    if len(skills) > MAX_TAGS:
        raise CommunityError(
            f"Choose at most {MAX_TAGS} skills.", code="too_many_skills", field="skills"
        )
    return skills


def question_ask(*, author: User, title: str, body: str, skills: list[Skill]) -> Question:
    """Post a question and route it to the mentors best placed to answer.

    The routing model is brought up to date first, outside the transaction: a
    re-fit takes seconds at thousands of mentors and must not hold the write
    lock (on SQLite, the whole database) meanwhile.
    """
    routing_model()
    return _question_ask(author=author, title=title, body=body, skills=skills)


@transaction.atomic
def _question_ask(*, author: User, title: str, body: str, skills: list[Skill]) -> Question:
    if not author.is_active:
        raise CommunityError("Your account is not active.", code="inactive")
    title = " ".join(title.split())
    if not skills:
        raise CommunityError(
            "Tag at least one skill, so the question reaches people who know it.",
            code="no_skills",
            field="skills",
        )
    question = Question(author=author, title=title, body=body.strip())
    question.full_clean()
    question.save()
    question.skills.set(skills)
    question_route(question=question)
    question.refresh_from_db(fields=["routed_at"])
    return question


@transaction.atomic
def answer_post(*, question: Question, author: User, body: str) -> Answer:
    if question.is_hidden:
        raise CommunityError("This question was hidden and takes no answers.", code="hidden")
    if author.pk == question.author_id:
        raise CommunityError(
            "You asked this question; add details by answering others' replies instead.",
            code="own_question",
        )
    if not can_interact(author, question.author):
        raise CommunityError("You cannot answer this question.", code="cannot_interact")
    if Answer.objects.filter(question=question, author=author).exists():
        raise CommunityError("You have already answered this question.", code="answered_twice")
    answer = Answer(question=question, author=author, body=body.strip())
    answer.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            answer.save()
    except IntegrityError as exc:  # a double submit racing the check above
        raise CommunityError(
            "You have already answered this question.", code="answered_twice"
        ) from exc
    notify(
        user=question.author,
        kind="question_answered",
        title=f"New answer to “{question.title}”"[:200],
        body=f"{_display_name(author)} answered your question.",
        url=reverse("community:question_detail", args=[question.pk]) + f"#answer-{answer.pk}",
    )
    return answer


@transaction.atomic
def answer_mark_helpful(*, answer: Answer, by: User) -> bool:
    """Mark an answer helpful once per person; returns False when it already was."""
    if answer.is_hidden or answer.question.is_hidden:
        raise CommunityError("This answer was hidden.", code="hidden")
    if by.pk == answer.author_id:
        raise CommunityError("You cannot mark your own answer helpful.", code="own_answer")
    if not can_interact(by, answer.author):
        raise CommunityError("You cannot mark this answer.", code="cannot_interact")
    _, created = HelpfulMark.objects.get_or_create(answer=answer, user=by)
    return created


@transaction.atomic
def answer_accept(*, answer: Answer, by: User) -> Answer:
    """The asker accepts one answer (accepting another moves the acceptance)."""
    question = Question.objects.select_for_update().get(pk=answer.question_id)
    if by.pk != question.author_id:
        raise CommunityError("Only the person who asked can accept an answer.", code="not_asker")
    if answer.is_hidden:
        raise CommunityError("This answer was hidden.", code="hidden")
    if answer.is_accepted:
        return answer
    Answer.objects.filter(question=question, is_accepted=True).update(
        is_accepted=False, accepted_at=None
    )
    answer.is_accepted = True
    answer.accepted_at = timezone.now()
    answer.save(update_fields=["is_accepted", "accepted_at"])
    notify(
        user=answer.author,
        kind="answer_accepted",
        title=f"Your answer to “{question.title}” was accepted"[:200],
        url=reverse("community:question_detail", args=[question.pk]) + f"#answer-{answer.pk}",
    )
    return answer


def _hide(row, reason: str, **extra):
    fields = {"is_hidden": True, "hidden_reason": reason[:300], "hidden_at": timezone.now()}
    fields.update(extra)
    for name, value in fields.items():
        setattr(row, name, value)
    row.save(update_fields=list(fields))
    return row


@transaction.atomic
def question_hide(*, question: Question, reason: str) -> Question:
    """Hide a question from everyone but its author (moderation: the safety app calls this)."""
    return _hide(question, reason)


@transaction.atomic
def answer_hide(*, answer: Answer, reason: str) -> Answer:
    """Hide an answer from everyone but its author; a hidden answer is no longer accepted."""
    return _hide(answer, reason, is_accepted=False, accepted_at=None)


@transaction.atomic
def question_restore(*, question: Question) -> Question:
    """Show a hidden question again (a moderator restored it)."""
    return _hide(question, "", is_hidden=False, hidden_at=None)


@transaction.atomic
def answer_restore(*, answer: Answer) -> Answer:
    """Show a hidden answer again (a moderator restored it)."""
    return _hide(answer, "", is_hidden=False, hidden_at=None)


@transaction.atomic
def question_preference_set(*, user: User, weekly_limit: int) -> QuestionPreference:
    preference, _ = QuestionPreference.objects.get_or_create(user=user)
    preference.weekly_limit = weekly_limit
    preference.full_clean()
    preference.save()
    return preference
