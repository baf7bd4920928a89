"""The site's public address, for links that leave the browser (emails).

Django's Sites row starts as ``example.com``; allauth and the notification
emails read it. ``site_sync`` sets it from ``SITE_URL`` / ``SITE_NAME`` after
every ``migrate`` (connected in ``MentorshipConfig.ready``), so a deployment
only sets environment variables.
"""

from urllib.parse import urlsplit

from django.conf import settings


def site_domain() -> str:
    """``host[:port]`` of ``SITE_URL``."""
    return urlsplit(settings.SITE_URL).netloc or settings.SITE_URL


def absolute_url(path: str) -> str:
    """``path`` on the public site (an absolute URL is returned unchanged)."""
    if not path or path.startswith(("http://", "https://")):
        return path
    return f"{settings.SITE_URL}{path if path.startswith('/') else '/' + path}"


def site_sync(**kwargs) -> None:
    from django.contrib.sites.models import Site

    Site.objects.update_or_create(
        pk=settings.SITE_ID,
        defaults={"domain": site_domain()[:100], "name": settings.SITE_NAME[:50]},
    )
    Site.objects.clear_cache()
