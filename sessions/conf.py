"""Settings of the workspace, each overridable in Django settings (``SESSIONS_*``).

Read through functions, not module constants, so tests can change them with
pytest-django's ``settings`` fixture.
"""

from django.conf import settings

DEFAULTS = {
    # Cancelling a confirmed session less than this many hours before it starts is "late".
    "SESSIONS_LATE_CANCEL_HOURS": 24,
    # Nudge both sides of a long-term mentorship after this many weeks without a session.
    "SESSIONS_NUDGE_WEEKS": 3,
    # Booking: the earliest a slot may start (hours from now) and how far ahead slots are offered.
    "SESSIONS_MIN_NOTICE_HOURS": 12,
    "SESSIONS_BOOKING_DAYS": 28,
    # Slots are offered every this many minutes inside an availability window.
    "SESSIONS_SLOT_STEP_MINUTES": 30,
    # Message mail: wait until a burst has been quiet this long, or the oldest unread waited this long.
    "SESSIONS_MESSAGE_QUIET_MINUTES": 5,
    "SESSIONS_MESSAGE_MAX_WAIT_MINUTES": 30,
    # At most one message mail per person in this many minutes.
    "SESSIONS_MESSAGE_MAIL_MINUTES": 60,
    # Ratings at or below this reach staff.
    "SESSIONS_LOW_RATING": 2,
    # A mentor's rating shows on their profile from this many ratings.
    "SESSIONS_MIN_RATINGS_SHOWN": 3,
    # Feedback and no-show reports are taken for this many days after a session ends.
    "SESSIONS_FEEDBACK_DAYS": 30,
}


def get(name: str):
    return getattr(settings, name, DEFAULTS[name])
