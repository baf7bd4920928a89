from django.urls import path

from . import views, views_admin, views_webhooks

app_name = "matching"

urlpatterns = [
    path("matches/suggestions/", views.suggestion_list, name="suggestions"),
    path(
        "matches/suggestions/<int:pk>/request/",
        views.suggestion_request,
        name="suggestion_request",
    ),
    path(
        "matches/suggestions/<int:pk>/decline/",
        views.suggestion_decline,
        name="suggestion_decline",
    ),
    path(
        "matches/declined/<int:mentor_id>/undo/",
        views.suggestion_decline_undo,
        name="suggestion_decline_undo",
    ),
    path("matches/mentors/<uuid:public_id>/request/", views.mentor_request, name="mentor_request"),
    path("matches/requests/", views.request_inbox, name="request_inbox"),
    path("matches/requests/sent/", views.requests_sent, name="requests_sent"),
    path("matches/requests/<int:pk>/", views.request_detail, name="request_detail"),
    path("matches/requests/<int:pk>/accept/", views.request_accept, name="request_accept"),
    path("matches/requests/<int:pk>/decline/", views.request_decline, name="request_decline"),
    path(
        "matches/requests/<int:pk>/ask/",
        views.request_message,
        {"side": "mentor"},
        name="request_ask",
    ),
    path(
        "matches/requests/<int:pk>/reply/",
        views.request_message,
        {"side": "mentee"},
        name="request_reply",
    ),
    path("matches/requests/<int:pk>/withdraw/", views.request_withdraw, name="request_withdraw"),
    path("matches/mentorships/", views.mentorship_list, name="mentorships"),
    path("matches/mentorships/<int:pk>/", views.mentorship_detail, name="mentorship_detail"),
    path("matches/mentorships/<int:pk>/end/", views.mentorship_end, name="mentorship_end"),
    path("matches/mentorships/<int:pk>/renew/", views.mentorship_renew, name="mentorship_renew"),
    # Staff pages (the Django admin edits the rows; these run the programme).
    path("matches/staff/", views_admin.overview, name="staff_overview"),
    path("staff/webhooks/", views_webhooks.endpoint_list, name="webhooks"),
    path("staff/webhooks/<int:pk>/", views_webhooks.endpoint_detail, name="webhook_detail"),
    path(
        "staff/webhooks/<int:pk>/<str:action>/",
        views_webhooks.endpoint_action,
        name="webhook_action",
    ),
    path("matches/staff/runs/", views_admin.run_list, name="staff_runs"),
    path("matches/staff/runs/start/", views_admin.run_start, name="staff_run_start"),
    path(
        "matches/staff/runs/<int:pk>/progress/", views_admin.run_progress, name="staff_run_progress"
    ),
    path("matches/staff/cohort/", views_admin.cohort_preview, name="staff_cohort"),
    path("matches/staff/cohort/<int:pk>/", views_admin.cohort_detail, name="staff_cohort_detail"),
    path(
        "matches/staff/cohort/<int:pk>/publish/",
        views_admin.cohort_publish,
        name="staff_cohort_publish",
    ),
    path(
        "matches/staff/cohort/<int:pk>/discard/",
        views_admin.cohort_discard,
        name="staff_cohort_discard",
    ),
    path("matches/staff/manual-match/", views_admin.manual_match, name="staff_manual_match"),
    path("matches/staff/people/", views_admin.people_options, name="staff_people_options"),
    path("matches/staff/exclusions/", views_admin.exclusions, name="staff_exclusions"),
]
