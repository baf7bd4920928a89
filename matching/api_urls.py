from django.urls import path

from . import api

app_name = "matching_api"

urlpatterns = [
    path("suggestions/", api.SuggestionListView.as_view(), name="suggestions"),
    path(
        "suggestions/<int:pk>/request/",
        api.SuggestionRequestView.as_view(),
        name="suggestion_request",
    ),
    path(
        "suggestions/<int:pk>/decline/",
        api.SuggestionDeclineView.as_view(),
        name="suggestion_decline",
    ),
    path(
        "mentors/<uuid:public_id>/request/", api.MentorRequestView.as_view(), name="mentor_request"
    ),
    path("requests/sent/", api.RequestsSentView.as_view(), name="requests_sent"),
    path("requests/received/", api.RequestsReceivedView.as_view(), name="requests_received"),
    path("requests/<int:pk>/", api.RequestDetailView.as_view(), name="request"),
    path("requests/<int:pk>/accept/", api.RequestAcceptView.as_view(), name="request_accept"),
    path("requests/<int:pk>/decline/", api.RequestDeclineView.as_view(), name="request_decline"),
    path("requests/<int:pk>/withdraw/", api.RequestWithdrawView.as_view(), name="request_withdraw"),
    path("requests/<int:pk>/ask/", api.RequestAskView.as_view(), name="request_ask"),
    path("requests/<int:pk>/reply/", api.RequestReplyView.as_view(), name="request_reply"),
    path("mentorships/", api.MentorshipListView.as_view(), name="mentorships"),
    path("mentorships/<int:pk>/", api.MentorshipDetailView.as_view(), name="mentorship"),
    path("mentorships/<int:pk>/end/", api.MentorshipEndView.as_view(), name="mentorship_end"),
    path("mentorships/<int:pk>/renew/", api.MentorshipRenewView.as_view(), name="mentorship_renew"),
    path("runs/", api.RunListView.as_view(), name="runs"),
    path("runs/<int:pk>/", api.RunDetailView.as_view(), name="run"),
    path("cohorts/", api.CohortCreateView.as_view(), name="cohorts"),
    path("cohorts/<int:pk>/", api.CohortDetailView.as_view(), name="cohort"),
    path("cohorts/<int:pk>/publish/", api.CohortPublishView.as_view(), name="cohort_publish"),
]
