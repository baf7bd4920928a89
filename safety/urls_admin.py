"""``/admin/login/`` before the admin's own URLs (included first by the root URLconf).

Never Django's password-only admin form: allauth's sign-in, with its rate
limits and the second factor (see :func:`safety.views.admin_login`).
"""

from django.urls import path

from . import views

urlpatterns = [path("admin/login/", views.admin_login, name="admin_login_redirect")]
