"""The community API: ask (routed like the web), list and search, answer, mark helpful,
accept; hidden content and people kept apart are 404s."""

import pytest

from community.models import Answer, HelpfulMark, Question
from safety.services import block_create
from tests.factories import (
    AnswerFactory,
    QuestionFactory,
    api_client,
    make_mentee,
    make_mentor,
    skill,
)

pytestmark = pytest.mark.django_db


def test_ask_a_question_tagged_with_skills_and_it_is_routed():
    asker = make_mentee(wants=("Django",))
    mentor = make_mentor(skills=("Django",))
    client = api_client(asker)
    asked = client.post(
        "/api/v1/questions/",
        {
            "title": "How should I structure settings in Django?",
            "body": "Dev and prod.",
            "skills": [str(skill("Django").pk)],
        },
        format="json",
    )
    assert asked.status_code == 201, asked.json()
    question = Question.objects.get()
    assert asked.json()["skills"] == [skill("Django").slug]
    assert list(question.routes.values_list("mentor_id", flat=True)) == [mentor.pk]
    routed = api_client(mentor).get("/api/v1/questions/?mine=true").json()["results"]
    assert [q["id"] for q in routed] == [question.pk] and routed[0]["asked_of_you"] is True


def test_asking_refuses_unknown_skills_and_short_titles():
    client = api_client(make_mentee())
    unknown = client.post(
        "/api/v1/questions/",
        {"title": "A long enough question title?", "skills": ["Underwater basket weaving"]},
        format="json",
    )
    assert unknown.status_code == 400
    assert unknown.json()["code"] == "unknown_skill"
    short = client.post("/api/v1/questions/", {"title": "Why?"}, format="json")
    assert short.status_code == 400 and "title" in short.json()["errors"]
    assert not Question.objects.exists()


def test_list_search_filters_and_cursor_pages():
    viewer = make_mentee()
    for n in range(3):
        QuestionFactory(title=f"How do I learn Rust quickly, take {n}?")
    QuestionFactory(title="What is a good first Django project?")
    client = api_client(viewer)
    page = client.get("/api/v1/questions/?page_size=2").json()
    assert len(page["results"]) == 2 and page["next"]
    assert len(client.get(page["next"]).json()["results"]) == 2
    found = client.get("/api/v1/questions/?q=Django").json()["results"]
    assert [q["title"] for q in found] == ["What is a good first Django project?"]
    assert client.get("/api/v1/questions/?skill=no-such-skill").json()["results"] == []
    assert len(client.get("/api/v1/questions/?unanswered=true").json()["results"]) == 4


def test_answer_mark_helpful_and_accept():
    asker, mentor, other = make_mentee(), make_mentor(), make_mentee()
    question = QuestionFactory(author=asker)
    answered = api_client(mentor).post(
        f"/api/v1/questions/{question.pk}/answers/", {"body": "Start small."}, format="json"
    )
    assert answered.status_code == 201, answered.json()
    pk = answered.json()["id"]
    twice = api_client(mentor).post(
        f"/api/v1/questions/{question.pk}/answers/", {"body": "Again."}, format="json"
    )
    assert twice.status_code == 400
    own = api_client(asker).post(
        f"/api/v1/questions/{question.pk}/answers/", {"body": "Me."}, format="json"
    )
    assert own.status_code == 400
    assert api_client(other).post(f"/api/v1/answers/{pk}/helpful/").json() == {"created": True}
    assert api_client(other).post(f"/api/v1/answers/{pk}/helpful/").json() == {"created": False}
    assert HelpfulMark.objects.count() == 1
    not_asker = api_client(other).post(f"/api/v1/answers/{pk}/accept/")
    assert not_asker.status_code == 400
    accepted = api_client(asker).post(f"/api/v1/answers/{pk}/accept/")
    assert accepted.status_code == 200 and accepted.json()["is_accepted"] is True
    listed = api_client(other).get(f"/api/v1/questions/{question.pk}/answers/").json()["results"]
    assert [(a["id"], a["helpful_count"], a["marked_by_you"]) for a in listed] == [(pk, 1, True)]


def test_hidden_content_and_people_kept_apart_are_404():
    asker, stranger = make_mentee(), make_mentee()
    hidden = QuestionFactory(author=asker, is_hidden=True, hidden_reason="Off topic")
    assert api_client(asker).get(f"/api/v1/questions/{hidden.pk}/").status_code == 200
    blocked_q = QuestionFactory(author=asker)
    answer = AnswerFactory(question=blocked_q)
    block_create(blocker=asker, blocked=stranger)
    client = api_client(stranger)
    routes = [
        ("get", f"/api/v1/questions/{hidden.pk}/"),
        ("get", f"/api/v1/questions/{hidden.pk}/answers/"),
        ("post", f"/api/v1/questions/{hidden.pk}/answers/"),
        ("get", f"/api/v1/questions/{blocked_q.pk}/"),
        ("post", f"/api/v1/questions/{blocked_q.pk}/answers/"),
        ("post", f"/api/v1/answers/{answer.pk}/helpful/"),
        ("post", f"/api/v1/answers/{answer.pk}/accept/"),
    ]
    for method, path in routes:
        response = getattr(client, method)(path, {"body": "Hello there"}, format="json")
        assert response.status_code == 404, path
        assert response.json() == {"code": "not_found", "message": "Not found."}
    assert client.get("/api/v1/questions/").json()["results"] == []
    assert Answer.objects.count() == 1
