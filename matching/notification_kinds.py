"""The kinds of notification matching sends, named for the email preferences page."""

from mentorship.notifications import register_notification_kind

KINDS = [
    ("request_received", "A mentee asks you for mentoring"),
    ("request_withdrawn", "A mentee withdraws a request"),
    ("request_declined", "A mentor declines your request"),
    ("request_accepted", "A mentor accepts your request"),
    ("request_question", "A mentor asks about your request before deciding"),
    ("request_answer", "A mentee answers your question on their request"),
    ("request_expiring", "A request waiting for your answer is about to expire"),
    ("request_expired", "A request expired"),
    ("mentorship_completed", "A mentorship is completed"),
    ("mentorship_ended", "A mentorship ends"),
    ("mentorship_renewed", "A mentorship is renewed"),
    ("manual_match", "The programme matches you with someone"),
]


def register() -> None:
    for kind, label in KINDS:
        register_notification_kind(kind, label, group="Matching")
