"""Ask-the-network endpoints under /api/v1/ (docs/api.md)."""

from django.urls import path

from . import api

app_name = "community_api"

urlpatterns = [
    path("questions/", api.QuestionListView.as_view(), name="questions"),
    path("questions/<int:pk>/", api.QuestionDetailView.as_view(), name="question"),
    path("questions/<int:pk>/answers/", api.AnswerListView.as_view(), name="answers"),
    path("answers/<int:pk>/helpful/", api.AnswerHelpfulView.as_view(), name="answer_helpful"),
    path("answers/<int:pk>/accept/", api.AnswerAcceptView.as_view(), name="answer_accept"),
]
