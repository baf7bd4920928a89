"""seed_demo adds questions with routed, helpful and accepted answers (through the hook)."""

import io

import pytest
from django.core.management import call_command

from community.models import Answer, HelpfulMark, Question, QuestionRoute
from mentorship.models import Notification

pytestmark = pytest.mark.django_db


def test_seed_demo_adds_questions_once_and_emails_nobody(mailoutbox):
    out = io.StringIO()
    call_command("seed_demo", mentors=30, mentees=80, seed=3, no_password=True, stdout=out)
    assert "questions: 10 (routed to" in out.getvalue()
    assert Question.objects.count() == 10
    assert QuestionRoute.objects.exists()
    assert Answer.objects.exists() and HelpfulMark.objects.exists()
    assert Answer.objects.filter(is_accepted=True).exists()
    assert all(
        QuestionRoute.objects.filter(question=a.question, mentor=a.author).exists()
        for a in Answer.objects.all()
    )
    assert mailoutbox == [] and not Notification.objects.exists()
    again = io.StringIO()
    call_command("seed_demo", mentors=30, mentees=80, seed=3, no_password=True, stdout=again)
    assert "questions: already seeded" in again.getvalue()
    assert Question.objects.count() == 10
