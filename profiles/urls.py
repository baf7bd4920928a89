"""Profile URLs, grouped by area; each area keeps its routes in its own module."""

from . import urls_data, urls_directory, urls_profile

app_name = "profiles"

urlpatterns = [
    *urls_profile.urlpatterns,
    *urls_directory.urlpatterns,
    *urls_data.urlpatterns,
]
