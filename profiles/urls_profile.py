"""Own profile, skills, availability, goals and onboarding (``profiles`` namespace)."""

from django.urls import path

from .views import profile as views

urlpatterns = [
    path("profile/", views.profile_overview, name="profile"),
    path("profile/edit/", views.profile_edit, name="profile_edit"),
    path("profile/skills/", views.profile_skills, name="profile_skills"),
    path("profile/skills/search/", views.skill_search, name="skill_search"),
    path("profile/skills/row/", views.skill_row, name="skill_row"),
    path("profile/availability/", views.profile_availability, name="profile_availability"),
    path("profile/occupations/", views.occupation_search, name="occupation_search"),
    path("goals/", views.goal_list, name="goal_list"),
    path("goals/<int:pk>/", views.goal_detail, name="goal_detail"),
    path("goals/<int:pk>/edit/", views.goal_edit, name="goal_edit"),
    path("goals/<int:pk>/delete/", views.goal_delete, name="goal_delete"),
    path("goals/<int:pk>/milestones/", views.milestone_add, name="milestone_add"),
    path(
        "goals/<int:goal_pk>/milestones/<int:pk>/toggle/",
        views.milestone_toggle,
        name="milestone_toggle",
    ),
    path(
        "goals/<int:goal_pk>/milestones/<int:pk>/delete/",
        views.milestone_delete,
        name="milestone_delete",
    ),
    path("onboarding/", views.onboarding, name="onboarding"),
    path("onboarding/<slug:step>/", views.onboarding_step, name="onboarding_step"),
]
