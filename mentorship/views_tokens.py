"""Settings › API tokens: create (shown once) and revoke personal access tokens."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from mentorship.forms import TokenCreateForm
from mentorship.selectors import api_token_for_owner, api_tokens_for_user
from mentorship.services.tokens import api_token_create, api_token_revoke
from mentorship.views_helpers import refusals_shown

JUST_CREATED_KEY = "api_token_just_created"


@login_required
@require_http_methods(["GET", "POST"])
def token_list(request: HttpRequest):
    form = TokenCreateForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        with refusals_shown(request, form=form) as outcome:
            _, raw = api_token_create(
                user=request.user, name=form.cleaned_data["name"], scope=form.cleaned_data["scope"]
            )
        if outcome.ok:
            # Post/redirect/get, so a reload never makes a second token. The secret
            # waits in the server-side session for the one page that shows it.
            request.session[JUST_CREATED_KEY] = raw
            return redirect("api_tokens")
    new_token = request.session.pop(JUST_CREATED_KEY, None) if request.method == "GET" else None
    response = render(
        request,
        "settings/token_list.html",
        {"form": form, "tokens": api_tokens_for_user(user=request.user), "new_token": new_token},
        status=400 if form.errors else 200,
    )
    if new_token:
        response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int):
    token = api_token_for_owner(user=request.user, pk=pk)
    if token is None:
        raise Http404("Not your token")
    api_token_revoke(token=token)
    messages.success(request, f"Token “{token.name}” revoked. Scripts using it stop now.")
    return redirect("api_tokens")
