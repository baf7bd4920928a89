"""Trust-and-safety endpoints under /api/v1/ (docs/api.md)."""

from django.urls import path

from . import api

app_name = "safety_api"

urlpatterns = [
    path("blocks/", api.BlockListView.as_view(), name="blocks"),
    path("blocks/<int:pk>/", api.BlockDetailView.as_view(), name="block"),
    path("reports/", api.ReportListView.as_view(), name="reports"),
    path("moderation/reports/", api.ModerationQueueView.as_view(), name="queue"),
    path("moderation/reports/<int:pk>/", api.ModerationReportView.as_view(), name="queue_report"),
    path("moderation/reports/<int:pk>/hide/", api.ModerationHideView.as_view(), name="queue_hide"),
    path(
        "moderation/reports/<int:pk>/restore/",
        api.ModerationRestoreView.as_view(),
        name="queue_restore",
    ),
    path(
        "moderation/reports/<int:pk>/dismiss/",
        api.ModerationDismissView.as_view(),
        name="queue_dismiss",
    ),
    path("moderation/reports/<int:pk>/warn/", api.ModerationWarnView.as_view(), name="queue_warn"),
    path(
        "moderation/reports/<int:pk>/suspend/",
        api.ModerationSuspendView.as_view(),
        name="queue_suspend",
    ),
]
