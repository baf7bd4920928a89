"""Site-wide pages through real endpoints: who may see what, and what they see."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.urls import reverse

pytestmark = pytest.mark.django_db

ONET_ATTRIBUTION = (
    "This product includes information from the O*NET Database by the U.S. Department "
    "of Labor, Employment and Training Administration (USDOL/ETA). Used under the "
    "CC BY 4.0 license. O*NET® is a trademark of USDOL/ETA."
)

# Every public page, the heading a visitor sees on it.
PUBLIC_PAGES = [
    ("home", 'Learn from <span class="highlight">many mentors</span>'),
    ("about", "A place to learn from many mentors"),
    ("account_login", "Welcome back"),
    ("account_signup", "Create your account"),
    ("account_reset_password", "Password Reset"),
]


@pytest.fixture
def member(db):
    user = get_user_model().objects.create_user(
        email="ada@example.com", password="correct-horse-battery", name="Ada Lovelace"
    )
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


@pytest.mark.parametrize(("url_name", "heading"), PUBLIC_PAGES)
def test_public_page_renders_for_anonymous(client, url_name, heading):
    response = client.get(reverse(url_name))

    assert response.status_code == 200
    html = response.content.decode()
    assert heading in html
    assert 'id="main"' in html
    assert "Skip to main content" in html
    assert f'href="{reverse("account_login")}"' in html
    assert f'href="{reverse("account_signup")}"' in html


def test_dashboard_redirects_anonymous_to_login(client):
    response = client.get(reverse("dashboard"))

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={reverse('dashboard')}"


def test_signed_in_member_gets_dashboard_with_account_menu(client, member):
    client.force_login(member)

    response = client.get(reverse("dashboard"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Welcome, Ada" in html
    assert 'data-testid="completeness-panel"' in html  # the profiles app's panel
    for url_name in ("account_email", "account_change_password", "mfa_index"):
        assert f'href="{reverse(url_name)}"' in html
    # Logging out is a POST form, never a GET link.
    assert f'<form method="post" action="{reverse("account_logout")}"' in html
    assert 'href="/admin/"' not in html
    assert reverse("account_signup") not in html


def test_staff_see_the_admin_link(client, member):
    member.is_staff = True
    member.save()
    client.force_login(member)

    html = client.get(reverse("dashboard")).content.decode()

    assert f'href="{reverse("admin:index")}"' in html


def test_dashboard_renders_registered_panels(client, member, monkeypatch):
    from mentorship import dashboard

    def panel(request):
        return {"template": "includes/_empty_state.html", "context": {}, "order": 1}

    monkeypatch.setattr(dashboard, "_PANELS", [panel])
    client.force_login(member)

    html = client.get(reverse("dashboard")).content.decode()

    assert "dashboard-grid" in html
    assert "Your dashboard is getting ready" not in html


def test_home_links_signed_in_member_to_dashboard(client, member):
    client.force_login(member)

    html = client.get(reverse("home")).content.decode()

    assert "Go to your dashboard" in html
    assert "Get started" not in html


def test_about_explains_matching_and_carries_onet_attribution(client):
    html = client.get(reverse("about")).content.decode()

    for factor in (
        "Skills",
        "Goals",
        "Seniority",
        "Time-zone overlap",
        "Formats",
        "Responsiveness",
    ):
        assert factor in html
    assert "Every suggestion comes with its reasons" in html
    assert 'id="privacy"' in html
    assert ONET_ATTRIBUTION in html


def test_every_page_footer_carries_onet_attribution(client):
    html = client.get(reverse("home")).content.decode()

    assert ONET_ATTRIBUTION in html
    assert f'href="{reverse("about")}"' in html


def test_messages_render_as_dismissible_alerts_with_bootstrap_levels(client, member):
    client.force_login(member)
    # Logging out through the POST form leaves allauth's "signed out" success message.
    response = client.post(reverse("account_logout"), follow=True)

    html = response.content.decode()
    assert "alert alert-success alert-dismissible" in html
    assert "You have signed out." in html


def test_error_message_tag_maps_to_danger(rf):
    from django.contrib.messages import constants
    from django.contrib.messages.storage.base import Message

    html = render_to_string(
        "includes/_messages.html", {"messages": [Message(constants.ERROR, "Broken")]}
    )

    assert "alert alert-danger" in html
    assert "Broken" in html


def test_unknown_url_renders_branded_404(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert "find that page" in response.content.decode()


def test_500_page_renders_without_a_request_context():
    html = render_to_string("500.html")

    assert "Something went wrong on our side" in html
    assert "/static/css/app.css" in html


@pytest.mark.parametrize("url_name", ["home", "about", "account_login", "dashboard"])
def test_static_assets_referenced_exist_and_no_cdn(client, member, url_name):
    if url_name == "dashboard":
        client.force_login(member)
    html = client.get(reverse(url_name)).content.decode()

    assets = re.findall(r'(?:src|href)="/static/([^"?#]+)"', html)
    assert {"css/app.css", "js/app.js", "vendor/bootstrap/bootstrap.min.css"} <= set(assets)
    for asset in assets:
        assert finders.find(asset), f"missing static file {asset}"
    external = re.findall(r'<(?:script|link)[^>]+(?:src|href)="(https?:)?//', html)
    assert external == []


def test_htmx_requests_carry_the_csrf_token(client):
    html = client.get(reverse("home")).content.decode()

    assert re.search(r"hx-headers='\{\"X-CSRFToken\": \"[^\"]+\"\}'", html)


def test_allauth_rate_limit_renders_our_429_page(rf):
    from allauth.core.internal.ratelimit import respond_429
    from django.contrib.auth.models import AnonymousUser

    request = rf.get(reverse("account_login"))
    request.user = AnonymousUser()

    response = respond_429(request)

    assert response.status_code == 429
    html = response.content.decode()
    assert "Too many attempts" in html
    assert "Please wait a few minutes and try again." in html
