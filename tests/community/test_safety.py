"""Answers and questions are reportable: a member reports an answer from its menu,
a moderator hides it, and only its author still sees it (with the reason)."""

import pytest
from django.urls import reverse

from community.models import Answer
from safety.models import Report
from tests.factories import (
    MODERATOR,
    AnswerFactory,
    QuestionFactory,
    UserFactory,
    staff_login,
    staff_user,
)

pytestmark = pytest.mark.django_db


def test_a_member_reports_an_answer_and_a_moderator_hides_it(client):
    question = QuestionFactory(title="How do I ask for a raise?")
    answer = AnswerFactory(question=question, body="DM me for my paid course")
    detail = reverse("community:question_detail", args=[question.pk])
    reporter = UserFactory()
    client.force_login(reporter)
    page = client.get(detail).content.decode()
    assert "Report this answer" in page
    assert f"content=community.answer&amp;id={answer.pk}" in page
    response = client.post(
        reverse("safety:report_create"),
        {
            "content": "community.answer",
            "id": answer.pk,
            "next": detail,
            "reason": "spam",
            "details": "Selling a course.",
        },
    )
    assert response.status_code == 302
    report = Report.objects.get()
    assert (report.kind, report.target_user_id) == ("answer", answer.author_id)
    assert report.snapshot["content"]["text"] == "DM me for my paid course"

    staff_login(client, staff_user(MODERATOR))
    case = client.get(reverse("safety:staff_case", args=[answer.author_id])).content.decode()
    assert "How do I ask for a raise?" in case  # the answer in its context
    client.post(
        reverse("safety:staff_report_hide", args=[report.pk]),
        {"hide-reason": "Advertising is not allowed."},
    )
    answer.refresh_from_db()
    assert answer.is_hidden and answer.hidden_reason == "Advertising is not allowed."

    client.force_login(reporter)
    assert "DM me for my paid course" not in client.get(detail).content.decode()
    client.force_login(answer.author)
    own = client.get(detail).content.decode()
    assert "DM me for my paid course" in own and "Advertising is not allowed." in own
    assert Answer.objects.filter(is_hidden=True).count() == 1


def test_a_block_from_an_answer_stops_the_two_from_answering_each_other(client):
    from community import services
    from community.errors import CommunityError
    from safety import services as safety_services

    question = QuestionFactory()
    answer = AnswerFactory(question=question)
    safety_services.block_create(blocker=question.author, blocked=answer.author, source="answer")
    with pytest.raises(CommunityError):
        services.answer_post(question=question, author=answer.author, body="One more idea.")
