"""SCIM filters (``filter=userName eq "…"``) as SQL on the user table, for django-scim2.

Separate from ``profiles.scim`` because django-scim2 loads the filter class
while its adapters module is still importing.
"""

from django_scim.filters import UserFilterQuery


class ScimPersonFilterQuery(UserFilterQuery):
    attr_map = {
        ("userName", None, None): "COALESCE(scim_user_name, email)",
        ("externalId", None, None): "scim_external_id",
        ("displayName", None, None): "name",
        ("name", "formatted", None): "name",
        ("emails", None, None): "email",
        ("emails", "value", None): "email",
        ("active", None, None): "is_active",
        ("id", None, None): "id",
    }

    @classmethod
    def get_extras(cls, q, request=None):
        return " AND scim_removed_at IS NULL", []
