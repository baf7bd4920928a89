"""Workspace endpoints under /api/v1/ (docs/api.md)."""

from django.urls import path

from . import api

app_name = "sessions_api"

urlpatterns = [
    path("sessions/", api.SessionListView.as_view(), name="sessions"),
    path("sessions/<int:pk>/", api.SessionDetailView.as_view(), name="session"),
    path("sessions/<int:pk>/confirm/", api.SessionConfirmView.as_view(), name="session_confirm"),
    path("sessions/<int:pk>/decline/", api.SessionDeclineView.as_view(), name="session_decline"),
    path("sessions/<int:pk>/cancel/", api.SessionCancelView.as_view(), name="session_cancel"),
    path(
        "sessions/<int:pk>/reschedule/",
        api.SessionRescheduleView.as_view(),
        name="session_reschedule",
    ),
    path("sessions/<int:pk>/calendar.ics", api.SessionCalendarView.as_view(), name="session_ics"),
    path("sessions/<int:pk>/notes/", api.SessionNoteListView.as_view(), name="session_notes"),
    path(
        "sessions/<int:pk>/notes/<int:note_pk>/",
        api.SessionNoteDetailView.as_view(),
        name="session_note",
    ),
    path("sessions/<int:pk>/feedback/", api.SessionFeedbackView.as_view(), name="session_feedback"),
    path(
        "sessions/<int:pk>/messages/",
        api.SessionMessageListView.as_view(),
        name="session_messages",
    ),
    path(
        "mentorships/<int:pk>/messages/",
        api.MentorshipMessageListView.as_view(),
        name="mentorship_messages",
    ),
]
