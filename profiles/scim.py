"""SCIM 2.0 Users at /scim/v2/ (RFC 7643/7644) on django-scim2.

django-scim2 parses requests, filters and PATCH paths and renders the
discovery endpoints; this module maps a SCIM User onto a person and writes
through ``profiles.services.accounts`` (the same services programme managers use):

* ``userName`` is kept as sent (``scim_user_name``), the login address is
  the primary ``emails`` value, else ``userName`` when it is an address;
  ``externalId`` is ``scim_external_id``; ``name`` / ``displayName`` is the
  account name; ``active`` is ``is_active``.
* Idempotent by address: POSTing a person whose address already exists and
  who is not yet provisioned adopts that account (one person, not two);
  an address or ``externalId`` already provisioned is a 409 ``uniqueness``.
* Deprovisioning never deletes: ``active: false`` deactivates (no sign-in,
  no tokens); ``DELETE`` also hides the person from the client (404 after),
  and POSTing them again brings the same account back.
* Authentication: only a ``scim``-scope token of a programme manager
  (``mentorship.middleware.ScimBearerTokenMiddleware``).

Groups are not offered (cohorts are not a stored resource yet).
"""

from __future__ import annotations

import json

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django_scim import constants
from django_scim import exceptions as scim_errors
from django_scim.adapters import SCIMUser
from django_scim.models import SCIMServiceProviderConfig
from django_scim.schemas import ALL as LIBRARY_SCHEMAS

from mentorship.access import is_programme_manager
from mentorship.errors import Refusal

from .models import User
from .scim_filters import ScimPersonFilterQuery
from .services import accounts as people

SCHEMA_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Schema"
SUPPORTED_USER_ATTRIBUTES = {"userName", "name", "displayName", "active", "emails"}
SUPPORTED_NAME_PARTS = {"formatted", "givenName", "familyName"}
SUPPORTED_EMAIL_PARTS = {"value", "primary", "type"}


def is_scim_client(user) -> bool:
    return is_programme_manager(user)


def base_location(request=None, *args, **kwargs) -> str:
    if request is None:
        return ""
    return request.build_absolute_uri("/").rstrip("/")


def extra_exclude_kwargs_getter(model):
    def get_extra_exclude_kwargs(request, *args, **kwargs):
        return {"scim_removed_at__isnull": False} if model is User else {}

    return get_extra_exclude_kwargs


def _trimmed_user_schema(schema: dict) -> dict:
    schema = json.loads(json.dumps(schema))
    attributes = []
    for attribute in schema["attributes"]:
        if attribute["name"] not in SUPPORTED_USER_ATTRIBUTES:
            continue
        if attribute["name"] == "name":
            attribute["subAttributes"] = [
                a for a in attribute["subAttributes"] if a["name"] in SUPPORTED_NAME_PARTS
            ]
        if attribute["name"] in ("emails", "active"):
            # A person here always has a sign-in address and an active state.
            attribute["required"] = True
        if attribute["name"] == "emails":
            attribute["subAttributes"] = [
                {**a, "required": a["name"] == "value"}
                for a in attribute["subAttributes"]
                if a["name"] in SUPPORTED_EMAIL_PARTS
            ]
        attributes.append(attribute)
    schema["attributes"] = attributes
    return schema


def schemas() -> list[dict]:
    """The User schema trimmed to what a person here has; no Group, no Enterprise extension."""
    kept = []
    for schema in LIBRARY_SCHEMAS:
        if schema["id"] == constants.SchemaURI.USER:
            schema = _trimmed_user_schema(schema)
        elif schema["id"] in (constants.SchemaURI.GROUP, constants.SchemaURI.ENTERPRISE_USER):
            continue
        kept.append({"schemas": [SCHEMA_SCHEMA], **schema})
    return kept


class ServiceProviderConfig(SCIMServiceProviderConfig):
    def to_dict(self):
        config = super().to_dict()
        config["filter"] = {"supported": True, "maxResults": 200}
        config["changePassword"] = {"supported": False}
        config["documentationUri"] = None
        return config


def _split_name(name: str) -> tuple[str, str]:
    given, _, family = (name or "").partition(" ")
    return given, family


class ScimPerson(SCIMUser):
    id_field = "pk"
    url_name = "scim:users"
    ATTR_MAP = ScimPersonFilterQuery.attr_map

    def __init__(self, obj, request=None):
        super().__init__(obj, request)
        self.changes: dict = {}

    @property
    def display_name(self) -> str:
        return self.obj.name or self.obj.email

    @property
    def meta(self) -> dict:
        return {
            "resourceType": self.resource_type,
            "created": self.obj.date_joined.isoformat(),
            "lastModified": self.obj.date_joined.isoformat(),
            "location": self.location,
        }

    def to_dict(self) -> dict:
        stored = self.obj.scim_attributes or {}
        name = {k: v for k, v in (stored.get("name") or {}).items() if v}
        if self.obj.name:
            name["formatted"] = self.obj.name
        elif not stored.get("name"):
            name = {}
        body = {
            "schemas": [constants.SchemaURI.USER],
            "id": str(self.obj.pk),
            "userName": self.obj.scim_user_name or self.obj.email,
            "emails": [
                {
                    "value": self.obj.email,
                    "primary": stored.get("email_primary", True),
                    "type": stored.get("email_type") or "work",
                }
            ],
            "active": self.obj.is_active,
            "meta": self.meta,
        }
        if name:
            body["name"] = name
        if self.obj.name:
            body["displayName"] = self.obj.name
        if self.obj.scim_external_id:
            body["externalId"] = self.obj.scim_external_id
        return body

    # --- input -------------------------------------------------------------

    def from_dict(self, d: dict) -> None:
        """Collect a full representation (POST, PUT); ``save()`` writes it."""
        user_name = (d.get("userName") or "").strip()
        if not user_name:
            raise scim_errors.BadRequestError("userName is required.", scim_type="invalidValue")
        email = self._email_from(d.get("emails"), user_name)
        name = d.get("name") or {}
        if not isinstance(name, dict):
            raise scim_errors.BadRequestError("name must be an object.", scim_type="invalidValue")
        full_name = (
            name.get("formatted")
            or " ".join(p for p in (name.get("givenName"), name.get("familyName")) if p)
            or d.get("displayName")
            or ""
        )
        active = d.get("active")
        if active is None:  # not sent: a new person is active, an existing one keeps their state
            active = self.obj.is_active if self.obj.pk else True
        if not isinstance(active, bool):
            raise scim_errors.BadRequestError(
                "active must be true or false.", scim_type="invalidValue"
            )
        parts = {
            key: str(name[key])[:150]
            for key in ("givenName", "familyName")
            if isinstance(name.get(key), str) and name[key]
        }
        self.changes = {
            "user_name": user_name[:254],
            "email": email,
            "attributes": {
                "name": parts,
                "email_type": self._email_type(d.get("emails")),
                "email_primary": self._email_primary(d.get("emails")),
            },
            "name": str(full_name)[:150],
            "external_id": (d.get("externalId") or "")[:254],
            "active": active,
        }

    @staticmethod
    def _email_primary(emails) -> bool:
        """Echo the flag as sent: with one address there is no other to be primary over."""
        if isinstance(emails, list) and len(emails) == 1 and isinstance(emails[0], dict):
            return bool(emails[0].get("primary", True))
        return True

    @staticmethod
    def _email_type(emails) -> str:
        if isinstance(emails, list):
            for item in emails:
                if isinstance(item, dict) and item.get("type"):
                    return str(item["type"])[:20]
        return "work"

    @staticmethod
    def _email_from(emails, user_name: str) -> str:
        candidates = []
        if isinstance(emails, list):
            candidates = [e for e in emails if isinstance(e, dict) and e.get("primary")] + [
                e for e in emails if isinstance(e, dict) and not e.get("primary")
            ]
        elif isinstance(emails, dict):
            candidates = [emails]
        values = [str(e.get("value") or "").strip() for e in candidates] + [user_name]
        for value in values:
            try:
                validate_email(value)
            except ValidationError:
                continue
            return value.lower()
        raise scim_errors.BadRequestError(
            "Give an email address (emails[].value, or userName as an address).",
            scim_type="invalidValue",
        )

    def _conflict(self, message: str):
        raise scim_errors.IntegrityError(message, scim_type="uniqueness")

    @transaction.atomic
    def save(self) -> None:
        c = self.changes
        external_id = c["external_id"] or None
        taken_external = (
            User.objects.filter(scim_external_id=external_id, scim_removed_at__isnull=True)
            .exclude(pk=self.obj.pk)
            .exists()
            if external_id
            else False
        )
        if taken_external:
            self._conflict(f"externalId {external_id} is already provisioned.")
        taken_user_name = (
            User.objects.filter(scim_removed_at__isnull=True)
            .filter(Q(scim_user_name=c["user_name"]) | Q(email__iexact=c["user_name"]))
            .exclude(pk=self.obj.pk)
            .exclude(email__iexact=c["email"])
            .exists()
        )
        if taken_user_name:
            self._conflict(f"userName {c['user_name']} is already taken.")
        try:
            if self.obj.pk is None:
                self.obj = self._create_or_adopt(c, external_id)
            else:
                self._update(self.obj, c, external_id)
        except Refusal as refusal:
            if refusal.code == "email_taken":
                self._conflict(refusal.message)
            raise scim_errors.BadRequestError(refusal.message, scim_type="invalidValue")
        self.obj.refresh_from_db()

    def _create_or_adopt(self, c: dict, external_id: str | None) -> User:
        existing = User.objects.filter(email__iexact=c["email"]).first()
        if existing is None:
            user = people.person_create(
                email=c["email"], name=c["name"], external_id=external_id, is_active=c["active"]
            )
        elif existing.scim_user_name and existing.scim_removed_at is None:
            self._conflict(f"{c['email']} is already provisioned.")
        else:
            # Adopt a person who signed up by themselves, or bring back one removed earlier.
            user = existing
            if user.scim_removed_at is not None:
                people.person_reactivate(user=user)
        self._update(user, c, external_id)
        return user

    def _update(self, user: User, c: dict, external_id: str | None) -> None:
        people.person_update(
            user=user, email=c["email"], name=c["name"], external_id=external_id or ""
        )
        if user.scim_user_name != c["user_name"] or user.scim_attributes != c["attributes"]:
            user.scim_user_name = c["user_name"]
            user.scim_attributes = c["attributes"]
            user.save(update_fields=["scim_user_name", "scim_attributes"])
        if c["active"] and not user.is_active:
            people.person_reactivate(user=user)
        elif not c["active"] and user.is_active:
            people.person_deactivate(user=user)

    def delete(self) -> None:
        people.person_remove_from_provisioning(user=self.obj)

    # --- PATCH (RFC 7644 3.5.2) ------------------------------------------------

    def handle_operations(self, operations) -> None:
        """Apply add/replace/remove to the current representation, then save it whole."""
        current = self.to_dict()
        for operation in operations:
            op = str(operation.get("op", "")).lower()
            if op not in constants.VALID_PATCH_OPS:
                raise scim_errors.BadRequestError(f"Unknown op {op!r}.", scim_type="invalidSyntax")
            path = operation.get("path")
            value = operation.get("value")
            if not path:
                if op == "remove" or not isinstance(value, dict):
                    raise scim_errors.BadRequestError(
                        "A remove needs a path; add/replace without path needs an object.",
                        scim_type="noTarget",
                    )
                for key, item in value.items():
                    self._apply(current, op, key, item)
            else:
                self._apply(current, op, path, value)
        self.from_dict(current)
        self.save()

    def _apply(self, current: dict, op: str, path: str, value) -> None:
        path = path.removeprefix(constants.SchemaURI.USER + ":")
        if path.startswith("emails"):
            if op == "remove":
                current["emails"] = []
            elif isinstance(value, list):
                current["emails"] = value
            elif isinstance(value, dict):
                current["emails"] = [value]
            else:
                current["emails"] = [{"value": value, "primary": True}]
            return
        head, _, sub = path.partition(".")
        if head not in {"userName", "name", "displayName", "active", "externalId"}:
            raise scim_errors.BadRequestError(
                f"{path} is not an attribute people have here.", scim_type="invalidPath"
            )
        if sub:
            container = current.setdefault(head, {})
            if op == "remove":
                container.pop(sub, None)
            else:
                container[sub] = value
            if head == "name" and sub != "formatted":
                container.pop("formatted", None)  # the parts make the name now
            return
        if op == "remove":
            current.pop(head, None)
            if head in ("name", "displayName"):  # one field here: the person's name
                current.pop("name", None)
                current.pop("displayName", None)
        elif head == "name" and isinstance(value, dict):
            current["name"] = value
        else:
            if head == "active" and isinstance(value, str):
                value = value.lower() == "true"  # Entra ID sends "False"
            current[head] = value
        if head == "displayName" and op != "remove":
            current["name"] = {"formatted": value}

    @classmethod
    def resource_type_dict(cls, request=None) -> dict:
        body = super().resource_type_dict(request)
        body["endpoint"] = "/Users"  # relative to the SCIM base URL (RFC 7643 §6)
        body["schemaExtensions"] = []
        return body
