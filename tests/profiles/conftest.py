"""Fixtures shared by the profiles tests."""

import pytest

from profiles.signals import profile_changed
from tests.factories import staff_login


@pytest.fixture
def staff_client(client, admin_user):
    """A client logged in as a superuser who passed a second factor, for the admin pages."""
    staff_login(client, admin_user)
    return client


@pytest.fixture
def signals():
    """The user ids ``profile_changed`` is sent for while the test runs, in order."""
    received = []

    def receiver(sender, user_id, **kwargs):
        received.append(user_id)

    profile_changed.connect(receiver)
    yield received
    profile_changed.disconnect(receiver)
