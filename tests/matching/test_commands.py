"""score_matches, export_suggestions and match_cohort, with their CSV files parsed."""

import csv
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from matching import services
from matching.engine import COMPONENTS
from matching.models import MatchRun, Suggestion
from tests.factories import community

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _runs_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path


def run_command(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def read_csv(path):
    with open(path, newline="") as fh:
        return list(csv.DictReader(fh))


def test_score_matches_inline_prints_the_figures():
    community(mentors=4, mentees=6)
    out = run_command("score_matches", "--inline", "--chunk-size", "4")
    run = MatchRun.objects.get(kind="full")
    assert run.status == MatchRun.Status.SUCCEEDED
    assert f"Run #{run.pk}: succeeded" in out
    assert f"suggestions: {run.suggestions_count}" in out and "chunks: 2/2" in out
    assert "gini_after:" in out


def test_score_matches_refuses_while_a_run_is_active():
    active = services.match_run_start()
    with pytest.raises(CommandError, match=f"#{active.pk} is already queued"):
        run_command("score_matches", "--inline")


def test_score_matches_wait_reports_a_run_finished_by_a_worker(monkeypatch):
    community(mentors=2, mentees=3)
    from matching import tasks

    # Stand in for a worker: run the whole thing when the task is queued.
    def worker(run_id):
        services.match_run_execute_inline(run=MatchRun.objects.get(pk=run_id))

    monkeypatch.setattr(tasks.run_full_scoring, "delay", worker)
    # The test runs inside a transaction: commit callbacks would wait for its end.
    monkeypatch.setattr(transaction, "on_commit", lambda fn, **kwargs: fn())
    out = run_command("score_matches", "--wait", "--timeout", "30")
    assert "queued" in out and "succeeded" in out


def test_export_suggestions_writes_current_suggestions(tmp_path):
    community(mentors=4, mentees=5)
    run_command("score_matches", "--inline")
    declined = Suggestion.objects.filter(is_current=True).first()
    Suggestion.objects.filter(pk=declined.pk).update(status="declined")
    path = tmp_path / "suggestions.csv"

    out = run_command("export_suggestions", str(path))

    rows = read_csv(path)
    expected = Suggestion.objects.filter(is_current=True).exclude(status="declined")
    assert f"Wrote {len(rows)} suggestions" in out and len(rows) == expected.count()
    assert list(rows[0]) == ["mentee_email", "mentor_email", "rank", "score", *COMPONENTS]
    s = expected.select_related("mentee", "mentor").order_by("mentee__email", "rank").first()
    first = rows[0]
    assert (first["mentee_email"], first["mentor_email"], int(first["rank"])) == (
        s.mentee.email,
        s.mentor.email,
        s.rank,
    )
    assert float(first["score"]) == pytest.approx(s.score, abs=1e-4)
    assert float(first["skills"]) == pytest.approx(s.components["skills"])
    assert (declined.mentee.email, declined.mentor.email) not in {
        (r["mentee_email"], r["mentor_email"]) for r in rows
    }


@pytest.mark.parametrize("mode", ["stable", "optimal"])
def test_match_cohort_writes_a_preview(tmp_path, mode):
    community(mentors=3, mentees=7, capacity=(1, 2))
    path = tmp_path / "cohort.csv"

    out = run_command("match_cohort", "--mode", mode, "--out", str(path))

    run = MatchRun.objects.get(kind="cohort")
    rows = read_csv(path)
    assert list(rows[0]) == ["mentee_email", "mentor_email", "score", *COMPONENTS]
    assert len(rows) == run.figures["matched"] and len({r["mentee_email"] for r in rows}) == len(
        rows
    )
    assert f"{run.figures['unmatched']} unmatched" in out
    assert ("Blocking pairs: 0." in out) == (mode == "stable")
    assert "Not published" in out and not Suggestion.objects.filter(is_current=True).exists()


def test_match_cohort_publish(tmp_path):
    community(mentors=3, mentees=4)
    out = run_command(
        "match_cohort", "--mode", "optimal", "--out", str(tmp_path / "c.csv"), "--publish"
    )
    run = MatchRun.objects.get(kind="cohort")
    assert run.status == MatchRun.Status.PUBLISHED and "Published:" in out
    rows = read_csv(tmp_path / "c.csv")
    firsts = {
        (s.mentee.email, s.mentor.email)
        for s in Suggestion.objects.filter(is_current=True, rank=1).select_related(
            "mentee", "mentor"
        )
    }
    assert {(r["mentee_email"], r["mentor_email"]) for r in rows} == firsts
