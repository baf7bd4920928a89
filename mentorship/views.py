"""Site-wide pages: home, about, the signed-in dashboard and /healthz."""

import logging

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .dashboard import dashboard_panels

logger = logging.getLogger(__name__)


def home(request: HttpRequest):
    return render(request, "home.html")


def about(request: HttpRequest):
    return render(request, "about.html")


@login_required
def dashboard(request: HttpRequest):
    return render(request, "dashboard.html", {"panels": dashboard_panels(request)})


def _check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _check_cache() -> None:
    cache.set("healthz", "ok", timeout=10)
    if cache.get("healthz") != "ok":
        raise RuntimeError("cache did not return the value just written")


def _check_broker() -> None:
    from mentorship.celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, interval_start=0, timeout=2)


HEALTH_CHECKS = {"database": _check_database, "cache": _check_cache, "broker": _check_broker}


@never_cache
@require_GET
def healthz(request: HttpRequest):
    """JSON status of each backing service; 200 only when all of them answer."""
    status: dict[str, str] = {}
    for name, check in HEALTH_CHECKS.items():
        try:
            check()
        except Exception as exc:  # noqa: BLE001 - any failure means "down"
            logger.warning("healthz: %s failed: %s", name, exc)
            status[name] = f"error: {type(exc).__name__}"
        else:
            status[name] = "ok"
    healthy = all(value == "ok" for value in status.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", "checks": status},
        status=200 if healthy else 503,
    )


def page_not_found(request: HttpRequest, exception):
    """The site's 404 page, except under /api/: the API's error body (JSON, not HTML)."""
    from django.views import defaults

    if request.path.startswith("/api/"):
        return JsonResponse({"code": "not_found", "message": "Not found."}, status=404)
    return defaults.page_not_found(request, exception)
