"""A new mentor who finishes onboarding appears in the suggestions of the mentees they fit.

End to end with a real worker: the mentor goes through the onboarding pages;
each saved step sends ``profile_changed``; on commit the receiver queues
``rescore_user`` (to the worker's private queue); the worker re-scores. The
mentor must then head the current suggestions of the mentees who want what
they offer, well within a minute, not at the next nightly run, and every list
must be the one a full run would make.

Entering *other* people's lists on a mentor's change is the incremental
mentor-column insertion of issue 14 (scale): the worker scores the new mentor
against every mentee of its warm model (the nightly run's stored model) and
puts them where they now belong. Run on both brokers the other worker tests
use: the filesystem one, and Redis where ``REDIS_URL`` is set (required
with ``REQUIRE_SERVICES=1``).
"""

import pytest
from django.urls import reverse

from matching import services, tasks
from matching.models import MatchRun, Suggestion
from profiles.models import Language, Profile
from tests.factories import make_mentee, make_mentor, verified_user
from tests.workers import stop_worker, wait_for

from .test_worker_kill import Broker

WITHIN = 60  # seconds: the bound of the done-when, never a speed assertion


def _onboard_as_mentor(client) -> None:
    english = Language.objects.get(code="en")
    step = lambda name: reverse("profiles:onboarding_step", args=[name])  # noqa: E731
    client.post(
        step("about"),
        {
            "display_name": "Nadia Haddad",
            "role": "mentor",
            "job_title": "Software developer",
            "years_experience": "11",
            "languages": [english.pk],
            "timezone": "Europe/Berlin",
        },
    )
    client.post(
        step("skills"), {"offers-add": "Python, Django, PostgreSQL", "offers-add_level": "5"}
    )
    response = client.post(
        step("mentoring"),
        {
            "capacity": "3",
            "format_long_term": "on",
            "format_flash": "on",
            "slots-TOTAL_FORMS": "1",
            "slots-INITIAL_FORMS": "0",
            "slots-0-weekday": "1",
            "slots-0-start_time": "09:00",
            "slots-0-end_time": "12:00",
        },
    )
    assert response["Location"] == step("done")


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("kind", ["filesystem", pytest.param("redis", marks=pytest.mark.redis)])
def test_a_new_mentor_appears_in_fitting_mentees_suggestions_within_a_minute(
    kind, client, tmp_path, settings, monkeypatch
):
    settings.VAR_DIR = tmp_path / "web"
    for skill in ("Figma", "Excel"):
        make_mentor(skills=(skill,), email=f"{skill.lower()}@example.org")
    fitting = [make_mentee(wants=("Python", "Django")) for _ in range(3)]
    other = make_mentee(wants=("Figma",))
    services.match_run_execute_inline(run=services.match_run_start(chunk_size=10))

    broker = Broker(kind, tmp_path / "worker")
    # The receiver's real queueing call, sent to this test's worker.
    monkeypatch.setattr(
        tasks.rescore_user,
        "apply_async",
        lambda args, countdown=0, **kw: broker.client.send_task(
            "matching.tasks.rescore_user", args=args, queue=broker.queue, countdown=countdown
        ),
    )
    log = tmp_path / "worker.log"
    worker = broker.start_worker("rescore", log)
    try:
        mentor = verified_user(email="nadia@example.org")
        client.force_login(mentor)
        _onboard_as_mentor(client)
        assert Profile.objects.get(user=mentor).onboarded_at is not None
        wait_for(
            lambda: (
                MatchRun.objects.filter(
                    kind=MatchRun.Kind.INCREMENTAL, subject_id=mentor.pk, status="succeeded"
                ).exists()
                and not MatchRun.objects.filter(
                    kind=MatchRun.Kind.INCREMENTAL,
                    subject_id=mentor.pk,
                    status__in=["queued", "running"],
                ).exists()
            ),
            timeout=WITHIN,
            what="the worker to re-score the new mentor",
            workers=[worker],
            logs=[log],
        )
    finally:
        stop_worker(worker)

    def current_lists():
        out = {}
        for mentee_id, mentor_id in (
            Suggestion.objects.filter(is_current=True)
            .order_by("mentee_id", "rank")
            .values_list("mentee_id", "mentor_id")
        ):
            out.setdefault(mentee_id, []).append(mentor_id)
        return out

    lists = current_lists()
    # first for every mentee who wants what they offer ...
    assert all(lists[m.pk][0] == mentor.pk for m in fitting), lists
    # ... and below the mentor who offers what the other mentee wants (a short
    # list takes every allowed mentor, as a full run's would)
    assert lists[other.pk][0] != mentor.pk
    # the worker's lists are the ones a full run would make now
    services.match_run_execute_inline(run=services.match_run_start(chunk_size=10))
    assert current_lists() == lists
