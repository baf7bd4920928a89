"""Fixtures shared by the profiles tests."""

import pytest

from profiles.signals import profile_changed


@pytest.fixture
def staff_client(client, admin_user):
    """A client logged in as a superuser, for the admin pages."""
    client.force_login(admin_user)
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
