"""seed_demo fills the workspace through the profiles hook: sessions, notes, messages, ratings."""

import pytest
from django.core.management import call_command

from matching.models import Mentorship
from profiles.demo import demo_logins_ensure
from sessions.models import MentoringSession, Message, SessionAttendee, SessionFeedback, SessionNote

pytestmark = pytest.mark.django_db


def test_seed_demo_adds_a_living_programme_once(capsys):
    demo_logins_ensure()
    call_command("seed_demo", mentors=30, mentees=60, seed=3)
    out = capsys.readouterr().out
    assert "sessions:" in out and "ratings:" in out
    counts = {
        "sessions": MentoringSession.objects.count(),
        "past": MentoringSession.objects.filter(status="held").count(),
        "upcoming": MentoringSession.objects.filter(status__in=["confirmed", "proposed"]).count(),
        "flash": MentoringSession.objects.filter(kind="flash").count(),
        "notes": SessionNote.objects.count(),
        "ratings": SessionFeedback.objects.count(),
        "messages": Message.objects.count(),
    }
    assert all(counts.values()), counts
    # The demo logins have a workspace of their own, with a confirmed session ahead and a rating shown.
    demo = Mentorship.objects.get(
        mentor__email="mentor@demo.mentorship.local", mentee__email="mentee@demo.mentorship.local"
    )
    assert demo.sessions.filter(status="confirmed").exists()
    assert demo.messages.count() == 6
    from sessions.selectors import mentor_rating

    assert mentor_rating(mentor=demo.mentor).count >= 3
    # Blocking sessions carry their attendee rows (the exclusion constraint held on PostgreSQL).
    blocking = MentoringSession.objects.filter(
        status__in=MentoringSession.BLOCKING_STATUSES
    ).count()
    assert SessionAttendee.objects.count() == 2 * blocking
    call_command("seed_demo", mentors=30, mentees=60, seed=3)
    assert MentoringSession.objects.count() == counts["sessions"]
