"""Routing: the best-placed mentors get the question, within their weekly limit, never
someone the can-interact rule refuses."""

import datetime

import pytest

from community import services
from community.models import QuestionPreference, QuestionRoute, RoutingWeek
from community.selectors import interaction
from mentorship.models import Notification
from tests.concurrency import run_at_once
from tests.factories import QuestionPreferenceFactory, make_mentee, make_mentor, skill

pytestmark = pytest.mark.django_db


def ask(author, *skills, title="How do I deploy a Django app with PostgreSQL?", body=""):
    return services.question_ask(
        author=author, title=title, body=body, skills=[skill(name) for name in skills]
    )


def test_a_question_goes_to_the_mentors_whose_skills_fit_and_they_are_told():
    asker = make_mentee(wants=("Django",))
    django_mentor = make_mentor(skills=("Django", "Python"))
    sql_mentor = make_mentor(skills=("PostgreSQL", "SQL"))
    design_mentor = make_mentor(skills=("Figma",))

    question = ask(asker, "Django", "PostgreSQL")

    routed = list(question.routes.order_by("rank").values_list("mentor_id", flat=True))
    assert set(routed) == {django_mentor.pk, sql_mentor.pk}
    assert design_mentor.pk not in routed
    assert asker.pk not in routed
    assert question.routed_at is not None
    notified = Notification.objects.filter(kind="question_routed")
    assert sorted(notified.values_list("user_id", flat=True)) == sorted(routed)
    assert notified.first().title == f"A question for you: {question.title}"


def test_routing_puts_a_question_to_five_mentors_at_most_best_first():
    asker = make_mentee(wants=("Python",))
    strong = make_mentor(skills=("Python", "Django", "Flask"))
    others = [make_mentor(skills=("Python",)) for _ in range(6)]
    question = ask(asker, "Python", "Django", "Flask")
    routes = list(question.routes.order_by("rank"))
    assert len(routes) == services.ROUTED_PER_QUESTION
    assert routes[0].mentor_id == strong.pk
    assert [r.rank for r in routes] == [1, 2, 3, 4, 5]
    assert all(a.score >= b.score for a, b in zip(routes, routes[1:], strict=False))
    assert {r.mentor_id for r in routes} <= {strong.pk, *(o.pk for o in others)}


def test_routing_never_exceeds_a_mentors_weekly_limit():
    asker = make_mentee(wants=("Python",))
    mentor = make_mentor(skills=("Python",))
    QuestionPreferenceFactory(user=mentor, weekly_limit=2)
    for n in range(4):
        ask(asker, "Python", title=f"Python question number {n} for the network")
    assert QuestionRoute.objects.filter(mentor=mentor).count() == 2
    week = RoutingWeek.objects.get(mentor=mentor)
    assert week.routed == 2
    assert week.week_start == services.week_start()
    assert week.week_start.weekday() == 0


def test_the_default_limit_is_three_and_a_new_week_starts_afresh(monkeypatch):
    asker = make_mentee(wants=("Python",))
    mentor = make_mentor(skills=("Python",))
    for n in range(5):
        ask(asker, "Python", title=f"Another Python question {n} please")
    assert QuestionRoute.objects.filter(mentor=mentor).count() == 3
    next_week = services.week_start() + datetime.timedelta(days=7)
    monkeypatch.setattr("community.services.routing.week_start", lambda at=None: next_week)
    ask(asker, "Python", title="A Python question in the next week")
    assert QuestionRoute.objects.filter(mentor=mentor, week_start=next_week).count() == 1


def test_a_limit_of_zero_means_no_routed_questions():
    asker = make_mentee(wants=("Python",))
    mentor = make_mentor(skills=("Python",))
    services.question_preference_set(user=mentor, weekly_limit=0)
    question = ask(asker, "Python")
    assert not question.routes.exists()
    assert QuestionPreference.objects.get(user=mentor).weekly_limit == 0


def test_routing_never_reaches_someone_the_can_interact_rule_refuses(monkeypatch):
    asker = make_mentee(wants=("Python",))
    refused = make_mentor(skills=("Python", "Django"))
    allowed = make_mentor(skills=("Python",))
    real = interaction.can_interact

    def blocked(a, b):  # what safety's block check will do
        return real(a, b) and refused.pk not in {a.pk, b.pk}

    monkeypatch.setattr("community.services.routing.can_interact", blocked)
    question = ask(asker, "Python", "Django")
    assert list(question.routes.values_list("mentor_id", flat=True)) == [allowed.pk]
    # ...and the refused mentor's weekly slot was not used up.
    assert not RoutingWeek.objects.filter(mentor=refused, routed__gt=0).exists()


def test_away_inactive_and_mentee_only_people_are_not_routed_to():
    asker = make_mentee(wants=("Python",))
    away = make_mentor(
        skills=("Python",), away_until=datetime.date.today() + datetime.timedelta(days=3)
    )
    gone = make_mentor(skills=("Python",))
    gone.is_active = False
    gone.save()
    make_mentee(wants=("Python",))
    present = make_mentor(skills=("Python",))
    question = ask(asker, "Python")
    assert list(question.routes.values_list("mentor_id", flat=True)) == [present.pk]
    assert away.pk != present.pk


def test_routing_twice_changes_nothing():
    asker = make_mentee(wants=("Python",))
    make_mentor(skills=("Python",))
    question = ask(asker, "Python")
    before = list(question.routes.values_list("pk", flat=True))
    services.question_route(question=question)
    assert list(question.routes.values_list("pk", flat=True)) == before
    assert RoutingWeek.objects.get().routed == 1


def test_the_slot_claim_is_a_conditional_update():
    mentor = make_mentor(skills=("Python",))
    week = services.week_start()
    RoutingWeek.objects.create(mentor=mentor, week_start=week, routed=2)
    assert services.routing_slot_claim(mentor_id=mentor.pk, week=week, limit=3)
    assert not services.routing_slot_claim(mentor_id=mentor.pk, week=week, limit=3)
    assert RoutingWeek.objects.get().routed == 3


@pytest.mark.race
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_claims_never_pass_the_limit():
    mentor = make_mentor(skills=("Python",))
    week = services.week_start()
    RoutingWeek.objects.create(mentor=mentor, week_start=week, routed=0)
    for _ in range(20):  # rounds: a race that holds once may still lose sometimes
        RoutingWeek.objects.filter(mentor=mentor).update(routed=0)
        results = run_at_once(
            lambda: services.routing_slot_claim(mentor_id=mentor.pk, week=week, limit=3), 8
        )
        assert results.count(True) == 3
        assert RoutingWeek.objects.get().routed == 3


def test_mentors_who_share_no_language_with_the_asker_are_not_asked():
    asker = make_mentee(wants=("Python",), languages=("de",))
    english_only = make_mentor(skills=("Python",), languages=("en",))
    german = make_mentor(skills=("Python",), languages=("de", "en"))
    question = ask(asker, "Python")
    routed = list(question.routes.values_list("mentor_id", flat=True))
    assert routed == [german.pk]
    assert english_only.pk not in routed


def test_the_routing_model_refits_when_a_mentor_changes_skills():
    asker = make_mentee(wants=("Terraform",))
    make_mentor(skills=("Python",))
    first = ask(asker, "Terraform", title="How do I structure Terraform modules?")
    assert not first.routes.exists()
    late = make_mentor(skills=("Terraform",))
    second = ask(asker, "Terraform", title="How do I test Terraform modules well?")
    assert list(second.routes.values_list("mentor_id", flat=True)) == [late.pk]


def test_a_mentor_who_never_gave_their_experience_is_routed_to_like_anyone():
    asker = make_mentee(wants=("Django",))
    mentor = make_mentor(skills=("Django",))
    mentor.profile.years_experience = None  # "prefer not to say" (issue 8: never assumed)
    mentor.profile.save(update_fields=["years_experience"])
    question = ask(asker, "Django")
    assert list(question.routes.values_list("mentor_id", flat=True)) == [mentor.pk]
