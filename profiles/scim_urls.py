"""SCIM 2.0 routes (names as django-scim2 expects them); Users only, Groups answer 501."""

import json

from django.http import HttpResponse
from django.urls import re_path
from django.views.decorators.csrf import csrf_exempt
from django_scim import constants
from django_scim import exceptions as scim_errors
from django_scim import views as scim_views

from .models import User
from .scim import ScimPerson, schemas


def _attribute_names(value: str | list | None) -> set[str]:
    if not value:
        return set()
    items = value.split(",") if isinstance(value, str) else value
    return {
        str(item).strip().removeprefix(constants.SchemaURI.USER + ":").split(".")[0]
        for item in items
        if str(item).strip()
    }


ALWAYS_RETURNED = {"id", "schemas", "meta"}


def _project(resource: dict, attributes: set[str], excluded: set[str]) -> dict:
    """RFC 7644 §3.9: ``attributes`` keeps only those (and id), ``excludedAttributes`` drops."""
    if attributes:
        resource = {k: v for k, v in resource.items() if k in attributes | ALWAYS_RETURNED}
    if excluded:
        resource = {k: v for k, v in resource.items() if k not in excluded - ALWAYS_RETURNED}
    return resource


def _projected(response: HttpResponse, attributes: set[str], excluded: set[str]) -> HttpResponse:
    if response.status_code >= 300 or not (attributes or excluded):
        return response
    doc = json.loads(response.content)
    if "Resources" in doc:
        doc["Resources"] = [_project(r, attributes, excluded) for r in doc["Resources"]]
    else:
        doc = _project(doc, attributes, excluded)
    response.content = json.dumps(doc)
    return response


class UserSearchView(scim_views.UserSearchView):
    def post(self, request, *args, **kwargs):
        body = self.load_body(request.body)
        if body.get("filter"):
            response = super().post(request, *args, **kwargs)
        else:  # no filter: every user, paged (RFC 7644 §3.4.3)
            start, count = int(body.get("startIndex") or 1), int(body.get("count") or 50)
            if start < 1 or count < 0:
                raise scim_errors.BadRequestError("Invalid startIndex or count.")
            people = User.objects.filter(scim_removed_at__isnull=True).order_by("pk")
            response = self._build_response(request, people, start, count)
        return _projected(
            response,
            _attribute_names(body.get("attributes")),
            _attribute_names(body.get("excludedAttributes")),
        )


class UsersView(scim_views.UsersView):
    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        return _projected(
            response,
            _attribute_names(request.GET.get("attributes")),
            _attribute_names(request.GET.get("excludedAttributes")),
        )

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


def _listing(resources: list[dict]) -> HttpResponse:
    doc = {
        "schemas": [constants.SchemaURI.LIST_RESPONSE],
        "totalResults": len(resources),
        "itemsPerPage": len(resources),
        "startIndex": 1,
        "Resources": resources,
    }
    return HttpResponse(json.dumps(doc), content_type=constants.SCIM_CONTENT_TYPE)


def _one_or_404(doc: dict | None, uuid: str) -> HttpResponse:
    if doc is None:
        error = scim_errors.NotFoundError(uuid)
        return HttpResponse(
            json.dumps(error.to_dict()), content_type=constants.SCIM_CONTENT_TYPE, status=404
        )
    return HttpResponse(json.dumps(doc), content_type=constants.SCIM_CONTENT_TYPE)


def not_found(request, rest: str):
    """Any other path under /scim/v2/: a SCIM error body, not the site's HTML 404."""
    return _one_or_404(None, rest)


class ResourceTypesView(scim_views.ResourceTypesView):
    """Users only (no Groups), as a ListResponse with its counts (RFC 7644 §4)."""

    def get(self, request, uuid=None, *args, **kwargs):
        types = {"User": ScimPerson.resource_type_dict(request)}
        if uuid:
            return _one_or_404(types.get(uuid), uuid)
        return _listing(list(types.values()))


class SchemasView(scim_views.SchemasView):
    """The User schema trimmed to what a person here has, plus the discovery schemas."""

    schemas_by_uri = {s["id"]: s for s in schemas()}

    def get(self, request, uuid=None, *args, **kwargs):
        if uuid:
            return _one_or_404(self.schemas_by_uri.get(uuid), uuid)
        return _listing(sorted(self.schemas_by_uri.values(), key=lambda s: s["id"]))


app_name = "scim"
urlpatterns = [
    re_path(r"^$", scim_views.SCIMView.as_view(implemented=False), name="root"),
    # Server-wide search: Users are the only resource type here.
    re_path(r"^\.search$", UserSearchView.as_view(), name="search"),
    re_path(r"^Users/\.search$", UserSearchView.as_view(), name="users-search"),
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
    re_path(r"^(?P<rest>.+)$", not_found, name="not-found"),
]
# SCIM clients send no CSRF token; a session cookie is never accepted here
# (ScimBearerTokenMiddleware), so there is nothing for CSRF to protect.
for _pattern in urlpatterns:
    _pattern.callback = csrf_exempt(_pattern.callback)
