"""Landing pages promise only what the product does today.

Booking, notes and asking the network are being built (issues 9 and 11); until
they exist, no landing page offers them. Blocking and reporting exist (safety).
"""

import pytest
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NOT_YET = (
    "ask the network",
    "quick answer",
    "quick question",
    "ask the community",
    "book ",
    "keep notes",
    "notes and feedback",
    "upcoming sessions",
)


@pytest.mark.parametrize(
    "url_name", ["home", "about", "account_login", "account_signup", "profiles:data"]
)
def test_landing_pages_do_not_promise_what_does_not_exist(client, url_name):
    if url_name == "profiles:data":
        client.force_login(UserFactory())
    html = client.get(reverse(url_name)).content.decode().lower()
    for phrase in NOT_YET:
        assert phrase not in html, phrase
