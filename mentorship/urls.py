from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)

from . import views, views_notifications, views_tokens

urlpatterns = [
    path("", views.home, name="home"),
    path("about/", views.about, name="about"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("healthz", views.healthz, name="healthz"),
    path("notifications/", views_notifications.notification_list, name="notifications"),
    path(
        "notifications/<int:pk>/open/",
        views_notifications.notification_open,
        name="notification_open",
    ),
    path(
        "notifications/read-all/",
        views_notifications.notifications_read_all,
        name="notifications_read_all",
    ),
    path(
        "notifications/preferences/",
        views_notifications.notification_preferences,
        name="notification_preferences",
    ),
    path(
        "email/unsubscribe/<str:token>/",
        views_notifications.email_unsubscribe_view,
        name="email_unsubscribe",
    ),
    path("settings/tokens/", views_tokens.token_list, name="api_tokens"),
    path("settings/tokens/<int:pk>/revoke/", views_tokens.token_revoke, name="api_token_revoke"),
    # The REST API (docs/api.md): each app adds its endpoints under /api/v1/.
    path("api/schema/", SpectacularAPIView.as_view(), name="api_schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api_schema"), name="api_docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="api_schema"), name="api_redoc"),
    path("api/v1/", include("mentorship.api_urls")),
    path("api/v1/", include("profiles.api_urls")),
    path("api/v1/", include("safety.api_urls")),
    path("api/v1/", include("matching.api_urls")),
    path("api/v1/", include("sessions.api_urls")),
    path("api/v1/", include("community.api_urls")),
    path("scim/v2/", include("profiles.scim_urls", namespace="scim")),
    path("accounts/", include("allauth.urls")),
    # Never Django's password-only admin login: allauth's, with rate limits and MFA.
    path("", include("safety.urls_admin")),
    path("admin/", admin.site.urls),
    path("", include("profiles.urls")),
    path("", include("safety.urls")),
    path("", include("matching.urls")),
    path("", include("sessions.urls")),
    path("", include("community.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler404 = "mentorship.views.page_not_found"
