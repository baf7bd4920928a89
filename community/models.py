"""Ask the network: questions, who they were routed to, answers and helpful marks.

Invariants the database holds (not only the code):

* a question is routed to a mentor at most once (``QuestionRoute``);
* a mentor's routed questions of one week never exceed the number they set:
  one ``RoutingWeek`` row per (mentor, week) counts them and is only ever
  raised by a conditional ``UPDATE ... WHERE routed < limit`` (see
  ``community.services.routing``), and never below 0;
* one answer per person per question, and at most one accepted answer;
* a person marks an answer helpful at most once.

``is_hidden`` / ``hidden_reason`` let moderation (the safety app) hide a
question or an answer: lists leave it out, its page shows it only to its
author, with the reason.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from mentorship.fields import bounded_text, length_checks

TITLE_MAX = 160
BODY_MAX = 5000
ANSWER_MAX = 5000
HIDDEN_REASON_MAX = 300
MAX_TAGS = 6
DEFAULT_WEEKLY_LIMIT = 3
MAX_WEEKLY_LIMIT = 20


class QuestionQuerySet(models.QuerySet):
    def visible(self):
        return self.filter(is_hidden=False)


class Question(models.Model):
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="questions"
    )
    title = models.CharField(max_length=TITLE_MAX)
    body = bounded_text(BODY_MAX, blank=True, help_text="Markdown.")
    skills = models.ManyToManyField("profiles.Skill", blank=True, related_name="questions")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    routed_at = models.DateTimeField(null=True, blank=True)
    is_hidden = models.BooleanField(default=False)
    hidden_reason = models.CharField(max_length=HIDDEN_REASON_MAX, blank=True)
    hidden_at = models.DateTimeField(null=True, blank=True)

    objects = QuestionQuerySet.as_manager()

    class Meta:
        constraints = [*length_checks(body=BODY_MAX)]
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["is_hidden", "-created_at"], name="community_q_listing")]

    def __str__(self) -> str:
        return self.title


class QuestionRoute(models.Model):
    """The question was put to this mentor ("asked of you")."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="routes")
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="question_routes"
    )
    week_start = models.DateField(help_text="Monday (UTC) of the week the route counts in.")
    score = models.FloatField(default=0.0)
    rank = models.PositiveSmallIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["rank"]
        constraints = [
            models.UniqueConstraint(fields=["question", "mentor"], name="community_route_once")
        ]
        indexes = [models.Index(fields=["mentor", "-created_at"], name="community_route_mentor")]

    def __str__(self) -> str:
        return f"{self.question_id} -> {self.mentor_id}"


class RoutingWeek(models.Model):
    """How many questions were routed to a mentor in one week (the limit's counter)."""

    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="routing_weeks"
    )
    week_start = models.DateField()
    routed = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["mentor", "week_start"], name="community_week_once"),
            models.CheckConstraint(
                condition=Q(routed__gte=0) & Q(routed__lte=MAX_WEEKLY_LIMIT),
                name="community_week_routed_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mentor_id} {self.week_start}: {self.routed}"


class QuestionPreference(models.Model):
    """A mentor's choice of how many questions may be routed to them per week (0: none)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="question_preference"
    )
    weekly_limit = models.PositiveSmallIntegerField(
        default=DEFAULT_WEEKLY_LIMIT,
        help_text="Questions routed to you per week at most (0: none).",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(weekly_limit__lte=MAX_WEEKLY_LIMIT), name="community_pref_limit_max"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.weekly_limit}/week"


class Answer(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="answers"
    )
    body = bounded_text(ANSWER_MAX, help_text="Markdown.")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    is_accepted = models.BooleanField(default=False)
    accepted_at = models.DateTimeField(null=True, blank=True)
    is_hidden = models.BooleanField(default=False)
    hidden_reason = models.CharField(max_length=HIDDEN_REASON_MAX, blank=True)
    hidden_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["question", "author"], name="community_answer_once"),
            models.UniqueConstraint(
                fields=["question"],
                condition=Q(is_accepted=True),
                name="community_one_accepted_answer",
            ),
            *length_checks(body=ANSWER_MAX),
        ]
        indexes = [models.Index(fields=["author", "is_accepted"], name="community_answer_author")]

    def __str__(self) -> str:
        return f"Answer {self.pk} to {self.question_id}"


class HelpfulMark(models.Model):
    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="helpful_marks")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="helpful_marks"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["answer", "user"], name="community_helpful_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} found {self.answer_id} helpful"
