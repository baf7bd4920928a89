"""Core endpoints under /api/v1/ (each app adds its own ``api_urls``)."""

from django.urls import path

from . import api

app_name = "core_api"

urlpatterns = [
    path("notifications/", api.NotificationListView.as_view(), name="notifications"),
    path(
        "notifications/<int:pk>/read/", api.NotificationReadView.as_view(), name="notification_read"
    ),
    path(
        "notifications/read-all/",
        api.NotificationReadAllView.as_view(),
        name="notifications_read_all",
    ),
]
