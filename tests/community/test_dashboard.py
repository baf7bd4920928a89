"""The programme dashboard: managers only, numbers from the database, constant queries."""

import csv
import datetime
import io

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from community.selectors.dashboard import CHARTS, CHARTS_CACHE_KEY, programme_chart
from profiles.models import User
from tests.community.bulk import programme
from tests.factories import (
    PROGRAMME_MANAGER,
    AnswerFactory,
    MatchRequestFactory,
    MentoringSessionFactory,
    MentorshipFactory,
    QuestionFactory,
    ReportFactory,
    SessionFeedbackFactory,
    UserFactory,
    staff_login,
    staff_user,
)

pytestmark = pytest.mark.django_db


def test_only_programme_managers_see_the_dashboard(client):
    url = reverse("community:programme_dashboard")
    csv_url = reverse("community:programme_chart_csv", args=["signups"])
    assert client.get(url).status_code == 302
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    assert client.get(csv_url).status_code == 404
    client.force_login(UserFactory(is_staff=True))
    assert client.get(url).status_code == 404  # staff without the programme manager role
    staff_login(client, staff_user(PROGRAMME_MANAGER))
    response = client.get(url)
    assert response.status_code == 200
    content = response.content.decode()
    assert 'id="programme-charts" type="application/json"' in content
    assert "/static/vendor/chartjs/chart.umd.min.js" in content
    assert "<script>" not in content.split("programme-charts")[1]  # no inline script
    assert client.get(reverse("community:programme_chart_csv", args=["nope"])).status_code == 404


def test_each_chart_downloads_as_csv(client):
    staff_login(client, staff_user(PROGRAMME_MANAGER))
    MatchRequestFactory(status="accepted")
    for slug in CHARTS:
        response = client.get(reverse("community:programme_chart_csv", args=[slug]))
        assert response.status_code == 200
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert response["Content-Disposition"] == f'attachment; filename="programme-{slug}.csv"'
        rows = list(csv.reader(io.StringIO(response.content.decode())))
        assert rows[0][0] == "label"
        assert len(rows) > 1


def test_the_figures_are_right_on_a_small_programme():
    q_fast = QuestionFactory()
    AnswerFactory(question=q_fast)
    QuestionFactory()
    questions = programme_chart(slug="questions")
    assert sum(dict(questions.series)["Asked"]) == 2
    assert sum(dict(questions.series)["Answered within 24 h"]) == 1
    MatchRequestFactory(status="accepted")
    MatchRequestFactory(status="declined")
    MatchRequestFactory(status="withdrawn")
    acceptance = programme_chart(slug="acceptance")
    assert acceptance.series[0][1][-1] == 50.0
    assert dict(acceptance.extra)["Requests"][-1] == 2
    funnel = programme_chart(slug="funnel")
    assert dict(zip(funnel.labels, funnel.series[0][1], strict=True))["Had a request accepted"] == 1


def test_the_page_and_each_csv_run_a_constant_number_of_queries_on_50_and_5000_people(
    client, django_assert_num_queries
):
    staff_login(client, staff_user(PROGRAMME_MANAGER))
    urls = {"page": reverse("community:programme_dashboard")} | {
        slug: reverse("community:programme_chart_csv", args=[slug]) for slug in CHARTS
    }
    for url in urls.values():
        client.get(url)  # warm: session, site and configuration rows
    programme(50, seed=1)
    counts = {}
    for name, url in urls.items():
        cache.delete(CHARTS_CACHE_KEY)  # the page's figures read afresh, as once a minute
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        counts[name] = len(captured)
    # Session, user, suspension check, permissions, notifications seen (+ the
    # navigation's profile and unread count on the page), then one query per chart.
    assert counts["page"] <= 10 + len(CHARTS)
    assert len({counts[slug] for slug in CHARTS}) == 1 and counts["signups"] <= 8
    programme(4950, seed=2)
    assert User.objects.count() >= 5000
    for name, url in urls.items():
        cache.delete(CHARTS_CACHE_KEY)
        with django_assert_num_queries(counts[name]):
            assert client.get(url).status_code == 200


def test_the_page_reads_its_figures_at_most_once_a_minute_and_says_when(client, settings):
    staff_login(client, staff_user(PROGRAMME_MANAGER))
    url = reverse("community:programme_dashboard")
    first = client.get(url)
    signups = {c.slug: c for c in first.context["charts"]}["signups"]
    before = sum(signups.columns[0][1])
    assert "Figures as of" in first.content.decode()
    UserFactory.create_batch(3)
    with CaptureQueriesContext(connection) as captured:
        again = client.get(url)
    assert {c.slug: c for c in again.context["charts"]}["signups"].columns == signups.columns
    assert len(captured) < len(CHARTS)  # no chart read again
    # A CSV is read afresh; and once the minute is over, so is the page.
    rows = list(
        csv.reader(
            io.StringIO(
                client.get(
                    reverse("community:programme_chart_csv", args=["signups"])
                ).content.decode()
            )
        )
    )
    assert sum(int(r[1]) for r in rows[1:] if r[1]) == before + 3
    cache.delete(CHARTS_CACHE_KEY)
    fresh = {c.slug: c for c in client.get(url).context["charts"]}["signups"]
    assert sum(fresh.columns[0][1]) == before + 3


def test_sessions_ratings_reports_and_the_first_session_step():
    past = timezone.now() - datetime.timedelta(hours=3)
    window = {"starts_at": past, "ends_at": past + datetime.timedelta(hours=1)}
    held = MentoringSessionFactory(status="held", **window)
    MentoringSessionFactory(status="no_show", **window)
    MentoringSessionFactory(status="cancelled", cancelled_late=True, **window)
    MentoringSessionFactory(status="confirmed")  # still ahead: not counted
    sessions = programme_chart(slug="sessions")
    assert [dict(sessions.series)[k][-1] for k in ("Held", "No-shows", "Cancelled late")] == [
        1,
        1,
        1,
    ]
    assert dict(sessions.extra)["Of the held: flash sessions"][-1] == 1

    SessionFeedbackFactory(session=held, rating=4)  # the mentee rates the mentor
    SessionFeedbackFactory(session=held, author=held.mentor, rating=1)
    ratings = programme_chart(slug="ratings")
    assert dict(ratings.series)["Average rating (1–5)"][-1] == 2.5
    assert dict(ratings.series)["Mentors' average (by mentees)"][-1] == 4.0
    assert dict(ratings.series)["Average rating (1–5)"][0] is None  # no ratings: no point
    assert dict(ratings.extra)["Rated 1 or 2"][-1] == 1

    ReportFactory()
    ReportFactory(status="actioned")
    reports = programme_chart(slug="reports")
    assert dict(reports.series)["Filed"][-1] == 2
    assert dict(reports.series)["Action taken"][-1] == 1
    assert dict(reports.extra)["Still open"][-1] == 1

    mentorship = MentorshipFactory()
    funnel = programme_chart(slug="funnel")
    steps = dict(zip(funnel.labels, funnel.series[0][1], strict=True))
    assert steps["Held a first session"] == 0  # the flash session above is not a mentorship's
    MentoringSessionFactory(
        kind="long_term",
        mentorship=mentorship,
        mentor=mentorship.mentor,
        mentee=mentorship.mentee,
        status="held",
        **window,
    )
    funnel = programme_chart(slug="funnel")
    steps = dict(zip(funnel.labels, funnel.series[0][1], strict=True))
    assert steps["Held a first session"] == 1
