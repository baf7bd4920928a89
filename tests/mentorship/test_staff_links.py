"""Staff reach the staff pages from the menu, the dashboard and the admin; others do not."""

import pytest
from django.urls import reverse

from tests.factories import PROGRAMME_MANAGER, UserFactory, staff_login, staff_user

pytestmark = pytest.mark.django_db


def test_staff_find_the_programme_pages_everywhere(client):
    staff_login(client, staff_user(PROGRAMME_MANAGER, is_superuser=True))
    staff_url = reverse("matching:staff_overview")
    dashboard = client.get(reverse("dashboard")).content.decode()
    assert f'href="{staff_url}"' in dashboard  # menu and panel
    assert 'data-testid="staff-panel"' in dashboard
    assert 'data-testid="completeness-panel"' not in dashboard
    admin = client.get(reverse("admin:index")).content.decode()
    assert f'href="{reverse("matching:staff_cohort")}"' in admin


def test_members_see_no_staff_links(client):
    client.force_login(UserFactory())
    dashboard = client.get(reverse("dashboard")).content.decode()
    assert reverse("matching:staff_overview") not in dashboard
    assert 'data-testid="staff-panel"' not in dashboard


def test_staff_log_in_to_the_dashboard_not_onboarding(client):
    from tests.factories import PASSWORD, verified_user

    staff = verified_user(is_staff=True)
    response = client.post(reverse("account_login"), {"login": staff.email, "password": PASSWORD})
    assert response["Location"] == reverse("dashboard")
