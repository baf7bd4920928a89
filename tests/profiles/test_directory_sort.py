"""The directory can be ordered other than by name, and finds people without a name."""

import pytest
from django.urls import reverse
from django.utils import timezone

from profiles.models import Profile
from tests.factories import MentorProfileFactory, ProfileFactory, UserFactory

pytestmark = pytest.mark.django_db
URL = reverse("profiles:directory")


def mentor(name, email=None, **fields) -> Profile:
    fields.setdefault("onboarded_at", timezone.now())
    user = UserFactory(name=name, **({"email": email} if email else {}))
    return MentorProfileFactory(user=user, **fields)


def names(response) -> list[str]:
    return [card["profile"].name for card in response.context["cards"]]


@pytest.fixture
def viewer(client):
    profile = ProfileFactory(user=UserFactory(name="Vera Viewer"))
    client.force_login(profile.user)
    return profile


def test_sort_by_experience_places_or_newest(client, viewer):
    now = timezone.now()
    mentor("Ada", years_experience=30, capacity=1, onboarded_at=now - timezone.timedelta(days=9))
    mentor("Bo", years_experience=None, capacity=5, onboarded_at=now)
    mentor("Cy", years_experience=8, capacity=3, onboarded_at=now - timezone.timedelta(days=1))
    assert names(client.get(URL)) == ["Ada", "Bo", "Cy"]
    # Unknown years go last, not first.
    assert names(client.get(URL, {"sort": "experience"})) == ["Ada", "Cy", "Bo"]
    assert names(client.get(URL, {"sort": "places"})) == ["Bo", "Cy", "Ada"]
    assert names(client.get(URL, {"sort": "newest"})) == ["Bo", "Cy", "Ada"]
    bad = client.get(URL, {"sort": "random"})
    assert bad.status_code == 200 and names(bad) == ["Ada", "Bo", "Cy"]


def test_a_mentor_without_a_name_is_found_by_the_name_shown(client, viewer):
    nameless = mentor("", email="priya.k@example.org")
    assert nameless.name == "priya.k"
    assert names(client.get(URL, {"q": "priya"})) == ["priya.k"]
    assert names(client.get(URL, {"q": "example"})) == []  # not by the rest of the address
