""" "Your data" pages: what is held, download it as JSON, delete the account.

Deletion asks for the password again (people who have none, say those who
only sign in with LinkedIn, go through allauth's reauthentication instead)
plus the account's email address typed in full, so a left-open session or a
slip of the mouse cannot delete an account. Password attempts share allauth's
``reauthenticate`` rate limit.
"""

import json

from allauth.account.adapter import get_adapter
from allauth.account.decorators import reauthentication_required
from allauth.core import ratelimit
from django import forms
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.html import format_html
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from mentorship.forms import Form as BaseForm
from mentorship.views_helpers import refusals_shown

from ..account_data import (
    personal_rows,
    user_account_delete,
    user_data_export,
)
from ..signals import account_deleted, personal_data_exported


class AccountDeleteForm(BaseForm):
    password = forms.CharField(
        label="Your password",
        strip=False,
        max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    confirm = forms.CharField(
        label="Type your email address to confirm",
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["confirm"].help_text = format_html(
            "Type <strong>{}</strong> exactly.", user.email
        )
        if not user.has_usable_password():
            # Reauthentication (allauth) stands in for the password.
            del self.fields["password"]

    def clean_password(self):
        password = self.cleaned_data["password"]
        # Through allauth, so the sign-in "login_failed" limit counts these
        # attempts too (the sixth wrong password is refused on every path).
        if not get_adapter().reauthenticate(self.user, password):
            raise forms.ValidationError("That is not your password.", code="wrong_password")
        return password

    def clean_confirm(self):
        typed = self.cleaned_data["confirm"].strip()
        if typed.lower() != self.user.email.lower():
            raise forms.ValidationError(
                "Type your email address exactly as shown to confirm.", code="confirm_mismatch"
            )
        return typed


def _held_summary(user) -> list[dict]:
    summary = []
    for model, rows in personal_rows(user=user).items():
        meta = model._meta
        summary.append(
            {
                "app": meta.app_config.verbose_name,
                "label": str(meta.verbose_name if len(rows) == 1 else meta.verbose_name_plural),
                "count": len(rows),
            }
        )
    return sorted(summary, key=lambda item: (item["app"], item["label"]))


def _render_overview(request, form, status=200):
    return render(
        request,
        "profiles/data/overview.html",
        {"form": form, "held": _held_summary(request.user)},
        status=status,
    )


@never_cache
@login_required
@require_GET
def data_overview(request):
    return _render_overview(request, AccountDeleteForm(user=request.user))


@never_cache
@login_required
@require_GET
def data_download(request):
    payload = json.dumps(user_data_export(user=request.user), cls=DjangoJSONEncoder, indent=2)
    response = HttpResponse(payload, content_type="application/json; charset=utf-8")
    stamp = timezone.now().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="my-mentorship-data-{stamp}.json"'
    personal_data_exported.send(sender=None, user_id=request.user.pk, request=request)
    return response


@never_cache
@login_required
@require_POST
@reauthentication_required(enabled=lambda request: not request.user.has_usable_password())
def data_delete(request):
    form = AccountDeleteForm(request.POST, user=request.user)
    if "password" in form.fields and not ratelimit.consume(
        request, action="reauthenticate", user=request.user
    ):
        form.is_valid()
        form.add_error(None, "Too many attempts. Wait a minute and try again.")
        return _render_overview(request, form, status=429)
    if not form.is_valid():
        return _render_overview(request, form, status=400)
    user_id = request.user.pk
    with refusals_shown(request, form=form) as outcome:
        user_account_delete(user=request.user)
    if outcome.refused:
        return _render_overview(request, form, status=409)
    logout(request)
    account_deleted.send(sender=None, user_id=user_id, request=request)
    return redirect("profiles:data_deleted")


@require_GET
def data_deleted(request):
    return render(request, "profiles/data/deleted.html")
