from django.conf import settings


def site(request):
    """Values every template may use."""
    return {
        "SITE_NAME": settings.SITE_NAME,
        "LINKEDIN_ENABLED": bool(settings.SOCIALACCOUNT_PROVIDERS.get("openid_connect")),
    }
