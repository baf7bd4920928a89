from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from . import views, views_notifications

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
