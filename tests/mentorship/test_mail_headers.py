"""A name with a line break does not stop the mail about its owner (docs/security.md "Bad input").

Names reach subjects ("Ann Lee asks you for a mentorship"). Django refuses a
header holding a newline, and the notification mail was lost (logged, not
sent); every subject now goes through ``mentorship.notifications.mail_subject``.
The name is written straight to the database, as an import or an old row could.
"""

import pytest
from django.core import mail

from matching import services
from matching.models import Format
from mentorship.digests import digests_send
from mentorship.email_preferences import Delivery
from mentorship.notifications import mail_subject, notify
from tests.factories import EmailPreferenceFactory, make_mentee, make_mentor

pytestmark = pytest.mark.django_db

HOSTILE_NAMES = [
    "Ann\nBcc: victim@example.org",
    "Ann\r\nSubject: hijacked",
    "Ann\u2028Lee\x1b[31m\x85",  # (no NUL: PostgreSQL cannot store one)
]


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_a_request_from_a_person_with_a_line_break_in_their_name_is_mailed(
    name, django_capture_on_commit_callbacks
):
    mentee = make_mentee(display_name=name, verified=True)
    mentor = make_mentor(verified=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.match_request_create(
            mentee=mentee, mentor=mentor, format=Format.LONG_TERM, message="Hello"
        )

    (message,) = mail.outbox
    assert message.to == [mentor.email]
    subject = message.message()["Subject"]
    assert "\n" not in subject and "\r" not in subject
    assert "Ann" in subject
    assert message.message()["Bcc"] is None
    assert not message.bcc


def test_the_digest_subject_is_one_line_too(django_capture_on_commit_callbacks):
    user = make_mentee(verified=True)
    EmailPreferenceFactory(user=user, kind="request_received", delivery=Delivery.DIGEST)
    with django_capture_on_commit_callbacks(execute=True):
        notify(user=user, kind="request_received", title="Ann\nBcc: x@example.org asks you")
    digests_send()
    assert len(mail.outbox) == 1
    assert "\n" not in mail.outbox[0].message()["Subject"]


def test_mail_subject_flattens_and_prefixes(settings):
    settings.ACCOUNT_EMAIL_SUBJECT_PREFIX = "[M] "
    assert mail_subject("Ann\nBcc: x@example.org accepted") == "[M] Ann Bcc: x@example.org accepted"
    assert len(mail_subject("x" * 1000)) == 250
