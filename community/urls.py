from django.urls import path

from . import views, views_dashboard

app_name = "community"

urlpatterns = [
    path("questions/", views.question_list, name="question_list"),
    path("questions/ask/", views.question_ask, name="question_ask"),
    path("questions/settings/", views.question_settings, name="question_settings"),
    path("questions/<int:pk>/", views.question_detail, name="question_detail"),
    path("questions/<int:pk>/answer/", views.answer_create, name="answer_create"),
    path("answers/<int:pk>/helpful/", views.answer_helpful, name="answer_helpful"),
    path("answers/<int:pk>/accept/", views.answer_accept, name="answer_accept"),
    path("programme/", views_dashboard.programme_dashboard, name="programme_dashboard"),
    path(
        "programme/<slug:chart>.csv",
        views_dashboard.programme_chart_csv,
        name="programme_chart_csv",
    ),
]
