from django.urls import path

from .views import directory

urlpatterns = [
    path("mentors/", directory.mentor_directory, name="directory"),
    path("mentors/skills/", directory.skill_options, name="directory_skill_options"),
    path("people/<uuid:public_id>/", directory.profile_detail, name="profile_detail"),
]
