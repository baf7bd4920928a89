from django.urls import path

from . import api

app_name = "profiles_api"

urlpatterns = [
    path("me/profile/", api.MyProfileView.as_view(), name="my_profile"),
    path("me/skills/", api.MySkillsView.as_view(), name="my_skills"),
    path("skills/", api.SkillListView.as_view(), name="skills"),
    path("me/goals/", api.GoalListView.as_view(), name="goals"),
    path("me/goals/<int:pk>/", api.GoalDetailView.as_view(), name="goal"),
    path("me/goals/<int:pk>/milestones/", api.MilestoneCreateView.as_view(), name="milestones"),
    path(
        "me/goals/<int:pk>/milestones/<int:milestone_pk>/",
        api.MilestoneDetailView.as_view(),
        name="milestone",
    ),
    path("people/", api.PersonListView.as_view(), name="people"),
    path("people/<uuid:public_id>/", api.PersonDetailView.as_view(), name="person"),
    path(
        "people/<uuid:public_id>/deactivate/",
        api.PersonDeactivateView.as_view(),
        name="person_deactivate",
    ),
    path(
        "people/<uuid:public_id>/reactivate/",
        api.PersonReactivateView.as_view(),
        name="person_reactivate",
    ),
]
