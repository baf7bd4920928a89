"""The sign-in backends: Django's and allauth's, loading the signed-in person in one query.

Every page asks the same things about its viewer: the user row, their
profile, whether a suspension is in force, how many notifications are unread.
``get_user`` (run once per request by ``AuthenticationMiddleware``) brings
them together through :func:`safety.selectors.signed_in_user`, and a staff
member's permissions are read in one query instead of two. They sit in
``safety`` because that app knows suspensions and sits above ``profiles``
and ``mentorship``.
"""

from __future__ import annotations

from allauth.account.auth_backends import AuthenticationBackend
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.db.models import Q

from .selectors import signed_in_user

#: Sessions signed in before these backends existed name the stock ones;
#: ``SignInBackendRenamedMiddleware`` moves them over instead of signing people out.
RENAMED = {
    "django.contrib.auth.backends.ModelBackend": "safety.auth_backends.ModelBackendOneQuery",
    "allauth.account.auth_backends.AuthenticationBackend": (
        "safety.auth_backends.AccountBackendOneQuery"
    ),
}


class _OneQueryViewer:
    def get_user(self, user_id):
        user = signed_in_user(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None

    def get_all_permissions(self, user_obj, obj=None):
        """The person's own and their groups' permissions, in one query (Django reads two)."""
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            perms = Permission.objects.all()
            if not user_obj.is_superuser:
                perms = perms.filter(Q(user=user_obj) | Q(group__user=user_obj))
            rows = perms.values_list("content_type__app_label", "codename").order_by()
            user_obj._perm_cache = {f"{app}.{codename}" for app, codename in rows.distinct()}
        return user_obj._perm_cache


class ModelBackendOneQuery(_OneQueryViewer, ModelBackend):
    pass


class AccountBackendOneQuery(_OneQueryViewer, AuthenticationBackend):
    pass
