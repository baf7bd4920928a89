"""SCIM 2.0 routes (names as django-scim2 expects them); Users only, Groups answer 501."""

from django.urls import re_path
from django_scim import exceptions as scim_errors
from django_scim import views as scim_views

from .models import User
from .scim import ScimPerson, schemas


class UsersView(scim_views.UsersView):
    def get_object(self):
        uuid = str(self.kwargs.get(self.lookup_url_kwarg) or "")
        user = (
            User.objects.filter(pk=int(uuid), scim_removed_at__isnull=True).first()
            if uuid.isdigit() and len(uuid) < 19
            else None
        )
        if user is None:
            raise scim_errors.NotFoundError(uuid)
        return user


class ResourceTypesView(scim_views.ResourceTypesView):
    def type_dict_by_type_id(self, request):
        body = ScimPerson.resource_type_dict(request)
        return {body["id"]: body}


class SchemasView(scim_views.SchemasView):
    schemas_by_uri = {s["id"]: s for s in schemas()}


app_name = "scim"
urlpatterns = [
    re_path(r"^$", scim_views.SCIMView.as_view(implemented=False), name="root"),
    re_path(r"^Users/\.search$", scim_views.UserSearchView.as_view(), name="users-search"),
    re_path(r"^Users(?:/(?P<uuid>[^/]+))?$", UsersView.as_view(), name="users"),
    re_path(
        r"^Groups(?:/(?P<uuid>[^/]+))?$",
        scim_views.SCIMView.as_view(implemented=False),
        name="groups",
    ),
    re_path(r"^Me$", scim_views.SCIMView.as_view(implemented=False), name="me"),
    re_path(
        r"^ServiceProviderConfig$",
        scim_views.ServiceProviderConfigView.as_view(),
        name="service-provider-config",
    ),
    re_path(
        r"^ResourceTypes(?:/(?P<uuid>[^/]+))?$", ResourceTypesView.as_view(), name="resource-types"
    ),
    re_path(r"^Schemas(?:/(?P<uuid>[^/]+))?$", SchemasView.as_view(), name="schemas"),
    re_path(r"^Bulk$", scim_views.SCIMView.as_view(implemented=False), name="bulk"),
]
