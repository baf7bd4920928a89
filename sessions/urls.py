from django.urls import path

from . import views, views_workspace

app_name = "sessions"

urlpatterns = [
    path("sessions/", views.session_list, name="session_list"),
    path("sessions/settings/", views.mentor_settings_edit, name="mentor_settings"),
    path("sessions/<int:pk>/", views.session_detail, name="session_detail"),
    path("sessions/<int:pk>/confirm/", views.session_confirm, name="session_confirm"),
    path("sessions/<int:pk>/decline/", views.session_decline, name="session_decline"),
    path(
        "sessions/<int:pk>/another-time/",
        views.session_propose_another,
        name="session_propose_another",
    ),
    path("sessions/<int:pk>/cancel/", views.session_cancel, name="session_cancel"),
    path("sessions/<int:pk>/details/", views.session_details, name="session_details"),
    path("sessions/<int:pk>/notes/", views.note_add, name="note_add"),
    path("sessions/<int:pk>/notes/<int:note_pk>/delete/", views.note_delete, name="note_delete"),
    path("sessions/<int:pk>/feedback/", views.feedback_leave, name="feedback_leave"),
    path("sessions/<int:pk>/no-show/", views.report_no_show, name="report_no_show"),
    path("sessions/<int:pk>/messages/", views.session_message, name="session_message"),
    path("sessions/<int:pk>/calendar.ics", views.session_ics, name="session_ics"),
    path("sessions/staff/flags/", views.staff_flags, name="staff_flags"),
    path(
        "sessions/staff/flags/<int:pk>/resolve/",
        views.staff_flag_resolve,
        name="staff_flag_resolve",
    ),
    path("people/<uuid:public_id>/flash/", views.flash_book, name="flash_book"),
    path("calendar/", views.calendar_feed_manage, name="calendar_feed_manage"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
    path(
        "matches/mentorships/<int:pk>/book/", views_workspace.workspace_book, name="workspace_book"
    ),
    path(
        "matches/mentorships/<int:pk>/messages/",
        views_workspace.workspace_message,
        name="workspace_message",
    ),
    path(
        "matches/mentorships/<int:pk>/finish/", views_workspace.workspace_end, name="workspace_end"
    ),
    path(
        "matches/mentorships/<int:pk>/goals/<int:goal_pk>/milestones/",
        views_workspace.workspace_milestone_add,
        name="workspace_milestone_add",
    ),
    path(
        "matches/mentorships/<int:pk>/goals/<int:goal_pk>/milestones/<int:milestone_pk>/toggle/",
        views_workspace.workspace_milestone_toggle,
        name="workspace_milestone_toggle",
    ),
    path(
        "matches/mentorships/<int:pk>/goals/<int:goal_pk>/status/",
        views_workspace.workspace_goal_status,
        name="workspace_goal_status",
    ),
]
