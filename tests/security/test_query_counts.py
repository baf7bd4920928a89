"""No page of the load benchmark runs more than 15 queries, on demo-like data.

The pages ``benchmarks/bench_load.py`` measures (suggestions, notifications,
request inbox, directory search, workspace, questions, dashboard, the
programme dashboard, the request and booking forms), each visited by the
person it is for, on a small ``seed_demo`` community after a scoring run, with
a few extra rows of the kind that used to multiply queries (notifications,
pending requests, upcoming sessions). A page whose queries grow with its rows
(an N+1) fails here with the queries listed.
"""

from __future__ import annotations

import os

import pytest
from django.core.management import call_command
from django.urls import reverse

from matching import services as matching_services
from matching.models import MatchRequest, Mentorship, Suggestion
from mentorship.errors import Refusal
from mentorship.notifications import notify
from profiles.models import Profile, User
from tests.factories import PROGRAMME_MANAGER, staff_login, staff_user

MAX_QUERIES = int(os.environ.get("SHOW_QUERY_COUNTS") or 15)

# Transactional, as a request runs in production: a service's atomic block is a
# transaction there, not the extra SAVEPOINT/RELEASE pair it becomes inside a test's.
pytestmark = pytest.mark.django_db(transaction=True)


def _demo() -> dict:
    """A small demo community with a scoring run, and more of what the pages list."""
    call_command("seed_demo", mentors=30, mentees=90, seed=3, no_password=True, verbosity=0)
    run = matching_services.match_run_execute_inline(run=matching_services.match_run_start())
    assert run.status == "succeeded", run.error
    mentee_id = (
        Mentorship.objects.filter(status="active", mentee__profile__role="mentee")
        .filter(mentee__in=Suggestion.objects.filter(is_current=True).values("mentee"))
        .values_list("mentee_id", flat=True)
        .first()
    )
    assert mentee_id, "the demo has a mentee with a mentorship and suggestions"
    mentor_id = (
        Mentorship.objects.filter(status="active", mentor__profile__capacity__gt=1)
        .values_list("mentor_id", flat=True)
        .first()
    )
    assert mentor_id, "the demo has a mentor with a mentorship"
    mentor = User.objects.get(pk=mentor_id)
    senders = Profile.objects.filter(role="mentee").exclude(user_id=mentee_id)
    for profile in senders.order_by("pk")[:6]:
        try:
            matching_services.match_request_create(
                mentee=profile.user,
                mentor=mentor,
                format="long_term",
                message="Could we work together on my goals?",
            )
        except Refusal:  # a cap or a missing language skips that mentee
            continue
    assert MatchRequest.objects.filter(mentor=mentor, status="pending").count() >= 3
    for user in User.objects.filter(pk__in=[mentee_id, mentor_id]):
        for n in range(8):
            notify(
                user=user,
                kind="request_received",
                title=f"Something ({n})",
                url="/dashboard/",
                email=False,
            )
    return {"mentee_id": mentee_id, "mentor_id": mentor_id}


def _mentee_pages(mentee_id: int) -> dict[str, str]:
    mentorship = Mentorship.objects.filter(mentee_id=mentee_id, status="active").first()
    suggestion = Suggestion.objects.filter(mentee_id=mentee_id, is_current=True).first()
    flash_mentor = (
        Profile.objects.filter(role__in=["mentor", "both"], format_flash=True)
        .exclude(user_id=mentee_id)
        .first()
    )
    return {
        "suggestions": reverse("matching:suggestions"),
        "notifications": reverse("notifications"),
        "directory_search": reverse("profiles:directory") + "?q=python",
        "workspace": reverse("matching:mentorship_detail", args=[mentorship.pk]),
        "questions": reverse("community:question_list"),
        "dashboard": reverse("dashboard"),
        "request_form": reverse("matching:suggestion_request", args=[suggestion.pk]),
        "booking_form": reverse("sessions:flash_book", args=[flash_mentor.public_id]),
    }


def _mentor_pages(mentor_id: int) -> dict[str, str]:
    pending = MatchRequest.objects.filter(mentor_id=mentor_id, status="pending").first()
    mentorship = Mentorship.objects.filter(mentor_id=mentor_id, status="active").first()
    return {
        "inbox": reverse("matching:request_inbox"),
        "request_detail": reverse("matching:request_detail", args=[pending.pk]),
        "workspace": reverse("matching:mentorship_detail", args=[mentorship.pk]),
        "notifications": reverse("notifications"),
        "dashboard": reverse("dashboard"),
    }


def _check(client, pages: dict[str, str], django_assert_max_num_queries):
    for name, url in pages.items():
        with django_assert_max_num_queries(MAX_QUERIES, info=f"{name} {url}") as queries:
            response = client.get(url)
        if os.environ.get("SHOW_QUERY_COUNTS"):
            print(f"QUERIES {name}: {len(queries)}")
            for q in queries.captured_queries:
                print("   ", q["sql"][:60], "…", q["sql"][-260:])
        assert response.status_code == 200, (name, url, response.status_code)


def test_no_page_of_the_load_benchmark_runs_over_15_queries(client, django_assert_max_num_queries):
    demo = _demo()
    client.force_login(User.objects.get(pk=demo["mentee_id"]))
    _check(client, _mentee_pages(demo["mentee_id"]), django_assert_max_num_queries)
    client.force_login(User.objects.get(pk=demo["mentor_id"]))
    _check(client, _mentor_pages(demo["mentor_id"]), django_assert_max_num_queries)
    staff_login(client, staff_user(PROGRAMME_MANAGER))
    pages = {"programme_dashboard": reverse("community:programme_dashboard")}
    _check(client, pages, django_assert_max_num_queries)
    client.logout()
    with django_assert_max_num_queries(3, info="healthz, the baseline"):
        assert client.get(reverse("healthz")).status_code == 200
