"""Ask the network through its pages: the access ladder, asking, answering, marks, search."""

import pytest
from django.urls import reverse

from community import services
from community.models import Answer, HelpfulMark, Question
from tests.factories import (
    AnswerFactory,
    MentoringSessionFactory,
    QuestionFactory,
    SessionFeedbackFactory,
    UserFactory,
    make_mentee,
    make_mentor,
    skill,
)

pytestmark = pytest.mark.django_db


def test_anonymous_people_are_sent_to_log_in(client):
    question = QuestionFactory()
    for url in (
        reverse("community:question_list"),
        reverse("community:question_ask"),
        reverse("community:question_detail", args=[question.pk]),
        reverse("community:question_settings"),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))


def test_asking_a_question_routes_it_and_shows_it(client):
    asker = make_mentee(wants=("Django",))
    mentor = make_mentor(skills=("Django",))
    client.force_login(asker)
    assert client.get(reverse("community:question_ask")).status_code == 200
    response = client.post(
        reverse("community:question_ask"),
        {
            "title": "How should I structure settings in Django?",
            "body": "I have **dev** and prod. <script>alert(1)</script>",
            "wants-skill": [str(skill("Django").pk)],
        },
        follow=True,
    )
    question = Question.objects.get()
    assert response.redirect_chain[-1][0] == reverse(
        "community:question_detail", args=[question.pk]
    )
    content = response.content.decode()
    assert "Your question is posted and was put to 1 mentor." in content
    assert "<strong>dev</strong>" in content
    assert "<script>alert(1)</script>" not in content
    assert list(question.routes.values_list("mentor_id", flat=True)) == [mentor.pk]


def test_a_question_needs_a_known_skill_and_bounded_text(client):
    client.force_login(make_mentee())
    response = client.post(
        reverse("community:question_ask"),
        {"title": "Short?", "body": "x" * 5001, "wants-add": "Underwater basket weaving"},
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["title"] == ["Ensure this value has at least 10 characters (it has 6)."]
    assert form.errors["body"] == ["Ensure this value has at most 5000 characters (it has 5001)."]
    response = client.post(
        reverse("community:question_ask"),
        {"title": "A good long enough question?", "wants-add": "Underwater basket weaving"},
    )
    assert response.context["form"].non_field_errors() == [
        "Tag your question with skills from the list: “Underwater basket weaving” is not a known skill."
    ]
    response = client.post(
        reverse("community:question_ask"), {"title": "A good long enough question?"}
    )
    assert response.context["form"].non_field_errors() == [
        "Tag at least one skill, so the question reaches people who know it."
    ]
    assert not Question.objects.exists()


def test_a_routed_mentor_sees_asked_of_you_first_and_answers(client):
    asker = make_mentee(wants=("Django",))
    mentor = make_mentor(skills=("Django",))
    question = services.question_ask(
        author=asker, title="Which Django book first?", body="", skills=[skill("Django")]
    )
    QuestionFactory(title="Someone else's unrelated question")
    client.force_login(mentor)
    page = client.get(reverse("community:question_list")).content.decode()
    assert page.index("Asked of you") < page.index("Which Django book first?")
    response = client.post(
        reverse("community:answer_create", args=[question.pk]),
        {"body": "Two Scoops of Django, then the docs."},
    )
    answer = Answer.objects.get()
    assert (
        response.url
        == reverse("community:question_detail", args=[question.pk]) + f"#answer-{answer.pk}"
    )
    # Answering twice is refused with a message, not a 500.
    response = client.post(
        reverse("community:answer_create", args=[question.pk]), {"body": "Again!"}, follow=True
    )
    assert "You have already answered this question." in response.content.decode()
    assert Answer.objects.count() == 1


def test_helpful_once_per_person_and_accept_only_by_the_asker(client):
    asker = make_mentee()
    answer = AnswerFactory(question=QuestionFactory(author=asker))
    reader = UserFactory()
    client.force_login(reader)
    client.post(reverse("community:answer_helpful", args=[answer.pk]))
    response = client.post(reverse("community:answer_helpful", args=[answer.pk]), follow=True)
    assert "You had already marked this answer helpful." in response.content.decode()
    assert HelpfulMark.objects.filter(answer=answer).count() == 1
    response = client.post(reverse("community:answer_accept", args=[answer.pk]), follow=True)
    assert "Only the person who asked can accept an answer." in response.content.decode()
    client.force_login(asker)
    client.post(reverse("community:answer_accept", args=[answer.pk]))
    answer.refresh_from_db()
    assert answer.is_accepted
    other = AnswerFactory(question=answer.question)
    client.post(reverse("community:answer_accept", args=[other.pk]))
    assert list(Answer.objects.filter(is_accepted=True).values_list("pk", flat=True)) == [other.pk]


def test_the_asker_can_book_a_flash_session_from_an_answer(client):
    asker = make_mentee()
    answer = AnswerFactory(question=QuestionFactory(author=asker))
    client.force_login(asker)
    content = client.get(
        reverse("community:question_detail", args=[answer.question_id])
    ).content.decode()
    assert answer.author.profile.format_flash
    flash = reverse("sessions:flash_book", args=[answer.author.profile.public_id])
    assert f'href="{flash}?topic=' in content and "Book a flash session with" in content


def test_hidden_questions_and_answers_show_only_to_their_author_with_the_reason(client):
    question = QuestionFactory(title="A question a moderator hid")
    services.question_hide(question=question, reason="Advertising")
    visible = QuestionFactory(title="A visible question")
    hidden_answer = AnswerFactory(question=visible, body="Buy my course")
    services.answer_hide(answer=hidden_answer, reason="Spam")
    stranger = UserFactory()
    client.force_login(stranger)
    listing = client.get(reverse("community:question_list")).content.decode()
    assert "A question a moderator hid" not in listing
    assert client.get(reverse("community:question_detail", args=[question.pk])).status_code == 404
    detail = client.get(reverse("community:question_detail", args=[visible.pk])).content.decode()
    assert "Buy my course" not in detail
    client.force_login(question.author)
    detail = client.get(reverse("community:question_detail", args=[question.pk])).content.decode()
    assert "Hidden by a moderator." in detail and "Reason: Advertising" in detail
    client.force_login(hidden_answer.author)
    detail = client.get(reverse("community:question_detail", args=[visible.pk])).content.decode()
    assert "Buy my course" in detail and "Reason: Spam" in detail


def test_search_and_filters(client):
    viewer = make_mentor(skills=("Python",))
    asker = make_mentee()
    python_q = services.question_ask(
        author=asker,
        title="Deploying Python services",
        body="with containers",
        skills=[skill("Python")],
    )
    sql_q = QuestionFactory(title="Indexing strategies for reporting", body="PostgreSQL")
    sql_q.skills.set([skill("SQL")])
    AnswerFactory(question=sql_q)
    client.force_login(viewer)

    def titles(**params):
        response = client.get(reverse("community:question_list"), params)
        assert response.status_code == 200
        return [q.title for q in response.context["questions"]]

    assert titles(q="deploying") == ["Deploying Python services"]
    assert titles(q="indexing") == ["Indexing strategies for reporting"]
    assert titles(skill=skill("SQL").slug) == ["Indexing strategies for reporting"]
    assert titles(unanswered="on") == ["Deploying Python services"]
    assert titles(mine="on") == [python_q.title]


@pytest.mark.parametrize(
    "params", [{"q": "py\x00thon"}, {"q": "ok", "x\x00": "1"}, {"q": "bell\x07"}]
)
def test_control_characters_in_search_are_a_clear_400(client, params):
    client.force_login(UserFactory())
    response = client.get(reverse("community:question_list"), params)
    assert response.status_code == 400
    content = response.content.decode()
    assert (
        "Remove the control characters (such as NUL) from this text." in content
        or "Search parameters cannot contain NUL bytes." in content
        # The site-wide answer (mentorship.middleware), before the view runs.
        or "NUL character" in content
        or "control character" in content
    )


def test_weekly_limit_settings_page(client):
    mentor = make_mentor()
    client.force_login(mentor)
    assert client.get(reverse("community:question_settings")).context["form"].initial == {
        "weekly_limit": 3
    }
    response = client.post(
        reverse("community:question_settings"), {"weekly_limit": "1"}, follow=True
    )
    assert "Saved: your weekly limit for routed questions." in response.content.decode()
    assert mentor.question_preference.weekly_limit == 1
    response = client.post(reverse("community:question_settings"), {"weekly_limit": "99"})
    assert response.context["form"].errors["weekly_limit"] == [
        "Select a valid choice. 99 is not one of the available choices."
    ]


def test_trust_signals_beside_answers_and_on_profiles(client):
    mentor = make_mentor(skills=("Python", "Django"))
    answer = AnswerFactory(author=mentor, question=QuestionFactory())
    HelpfulMarkAuthor = UserFactory()
    services.answer_mark_helpful(answer=answer, by=HelpfulMarkAuthor)
    services.answer_accept(answer=answer, by=answer.question.author)
    client.force_login(UserFactory())
    detail = client.get(
        reverse("community:question_detail", args=[answer.question_id])
    ).content.decode()
    assert "1 accepted answer · 1 found helpful" in detail
    assert "Offers Python, Django" in detail or "Offers Django, Python" in detail
    profile = client.get(
        reverse("profiles:profile_detail", args=[mentor.profile.public_id])
    ).content.decode()
    assert "1 accepted answer · 1 found helpful" in profile
    assert "Member since" in profile


def test_staff_hide_an_answer_from_the_admin(admin_client):
    answer = AnswerFactory(body="Spam, spam, spam")
    response = admin_client.post(
        reverse("admin:community_answer_changelist"),
        {"action": "hide", "_selected_action": [answer.pk]},
        follow=True,
    )
    assert "Hid 1 answer(s)." in response.content.decode()
    answer.refresh_from_db()
    assert answer.is_hidden and answer.hidden_reason == "Hidden by the programme team."


def test_trust_signals_count_sessions_and_show_the_profiles_rating(client):
    mentor = make_mentor(skills=("Python",))
    answer = AnswerFactory(author=mentor, question=QuestionFactory())
    url = reverse("community:question_detail", args=[answer.question_id])
    client.force_login(UserFactory())
    assert (
        "session"
        not in client.get(url)
        .content.decode()
        .split('aria-label="Trust signals"')[1]
        .split("</ul>")[0]
    )
    for rating in (5, 4, 4):
        SessionFeedbackFactory(
            session=MentoringSessionFactory(mentor=mentor, status="held"), rating=rating
        )
    MentoringSessionFactory(mentee=mentor, status="held")  # held on the other side counts too
    signals = (
        client.get(url).content.decode().split('aria-label="Trust signals"')[1].split("</ul>")[0]
    )
    assert "4 sessions held · rated 4.3/5 as a mentor (3 ratings)" in signals
    profile = client.get(reverse("profiles:profile_detail", args=[mentor.profile.public_id]))
    assert "4 sessions held · rated 4.3/5 as a mentor (3 ratings)" in profile.content.decode()
