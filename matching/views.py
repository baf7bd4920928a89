"""Pages people see of matching: suggestions, requests, mentorships.

Every view needs a signed-in user and finds objects only among those the
user is a party to (a stranger gets 404). State changes are POST with CSRF
and go through one service in ``matching.services``; a refusal
(:class:`mentorship.errors.Refusal`) is shown by ``refusals_shown``, and a form keeps what the
person typed.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from matching import hooks, services
from matching.forms import (
    MatchRequestForm,
    MentorshipEndForm,
    MentorshipRenewForm,
    RequestAnswerForm,
    RequestDeclineForm,
    RequestQuestionForm,
    SuggestionDeclineForm,
    SuggestionFilterForm,
)
from matching.models import MatchRequest, MatchRun, Mentorship
from matching.selectors import (
    match_request_for_party,
    match_request_inbox_items,
    match_request_reasons,
    match_requests_received,
    match_requests_sent,
    mentee_active_goals,
    mentor_places,
    mentorship_for_party,
    mentorships_for_user,
    pending_cap,
    suggestion_for_mentee,
    suggestions_filtered,
    suggestions_visible_to,
)
from matching.selectors.declines import declined_by_mentee
from matching.services.declines import suggestion_decline_undo as decline_undo
from mentorship.pagination import OneQueryPaginator
from mentorship.views_helpers import refusals_shown
from profiles.directory_selectors import profile_for_viewer, profile_visible_to
from profiles.models import Profile
from profiles.selectors import profile_of


def _or_404(obj):
    if obj is None:
        raise Http404("Not found")
    return obj


# --- suggestions -----------------------------------------------------------------


def _decline_form(pk: int, data=None) -> SuggestionDeclineForm:
    return SuggestionDeclineForm(data, auto_id=f"decline-{pk}-%s")


@login_required
def suggestion_list(request: HttpRequest):
    filter_form = SuggestionFilterForm(request.GET or None)
    suggestions = suggestions_filtered(user=request.user, **filter_form.filters())
    page = OneQueryPaginator(suggestions, 10).get_page(request.GET.get("page"))
    profile = profile_of(request.user)
    return render(
        request,
        "matching/suggestion_list.html",
        {
            "page_obj": page,
            "suggestions": page.object_list,
            "filter_form": filter_form,
            "filtered": any(filter_form.filters().values()),
            "cap": pending_cap(mentee=request.user),
            "profile": profile,
            "declined": declined_by_mentee(user=request.user)[:50],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def suggestion_decline(request: HttpRequest, pk: int):
    """ "Not for me": htmx removes the card in place; without JS a small page does it."""
    suggestion = _or_404(suggestion_for_mentee(user=request.user, pk=pk))
    form = _decline_form(pk, request.POST or None)
    if request.method == "POST" and form.is_valid():
        with refusals_shown(request) as outcome:
            services.suggestion_decline(
                suggestion=suggestion, mentee=request.user, reason=form.reason_text()
            )
        if outcome.refused:
            return redirect("matching:suggestions")
        name = suggestion.mentor.profile.name if hasattr(suggestion.mentor, "profile") else ""
        if request.htmx:
            # The card gives way to a visible note with an undo, read out by screen readers.
            return render(
                request,
                "matching/includes/_suggestion_declined.html",
                {"suggestion": suggestion, "name": name or "this mentor"},
            )
        messages.success(
            request,
            f"Thanks: we will not suggest {name or 'this mentor'} again. "
            "Changed your mind? They are under “Mentors you said no to”.",
        )
        return redirect("matching:suggestions")
    if request.htmx and request.method == "GET" and request.htmx.target == f"decline-form-{pk}":
        # The card's "Not for me" box opened: its form, fetched then.
        suggestion.decline_form = form
        return render(
            request, "matching/includes/_suggestion_decline_form.html", {"suggestion": suggestion}
        )
    if request.htmx:
        # Invalid input: the card comes back with the form open and its errors.
        card = suggestions_visible_to(user=request.user).filter(pk=pk).first() or suggestion
        card.decline_form = form
        return render(
            request,
            "matching/includes/_suggestion_card.html",
            {"suggestion": card, "decline_open": True},
        )
    suggestion.decline_form = form
    return render(
        request,
        "matching/suggestion_decline.html",
        {"suggestion": suggestion},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def suggestion_decline_undo(request: HttpRequest, mentor_id: int):
    """ "Suggest again": takes back the mentee's own "not for me" of this mentor."""
    with refusals_shown(request) as outcome:
        decline_undo(mentee=request.user, mentor_id=mentor_id)
    name = Profile.objects.filter(user_id=mentor_id).first()
    if outcome.ok and request.htmx:
        card = suggestions_visible_to(user=request.user).filter(mentor_id=mentor_id).first()
        if card is not None:
            card.decline_form = _decline_form(card.pk)
            return render(request, "matching/includes/_suggestion_card.html", {"suggestion": card})
        return HttpResponse(
            '<div class="alert alert-success" role="status">'
            "Done: this mentor can be suggested to you again.</div>"
        )
    if outcome.ok:
        messages.success(
            request, f"{name.name if name else 'This mentor'} can be suggested to you again."
        )
    return redirect("matching:suggestions")


# --- requests (mentee side) --------------------------------------------------------


def _request_form_page(request: HttpRequest, mentor, suggestion=None):
    mentor_profile = profile_of(mentor)
    if mentor_profile is None or not mentor_profile.is_mentor:
        raise Http404("Not a mentor")
    paired_by_programme = suggestion is not None and suggestion.run.kind == MatchRun.Kind.COHORT
    if not (paired_by_programme or profile_visible_to(viewer=request.user, profile=mentor_profile)):
        raise Http404("Not found")
    mentee_profile = profile_of(request.user)
    formats = [
        value
        for value in mentor_profile.formats
        if mentee_profile is None or value in mentee_profile.formats
    ]
    form = MatchRequestForm(request.POST or None, mentee=request.user, formats=formats)
    if request.method == "POST" and form.is_valid():
        with refusals_shown(request, form=form) as outcome:
            match_request = services.match_request_create(
                mentee=request.user,
                mentor=mentor,
                format=form.cleaned_data["format"],
                message=form.cleaned_data["message"],
                goal=form.cleaned_data["goal"],
                suggestion=suggestion,
            )
        if outcome.ok:
            messages.success(
                request,
                f"Your request is on its way to {mentor_profile.name}. "
                "We will tell you when they answer.",
            )
            return redirect("matching:request_detail", pk=match_request.pk)
    return render(
        request,
        "matching/request_form.html",
        {
            "form": form,
            "mentor": mentor,
            "mentor_profile": mentor_profile,
            "suggestion": suggestion,
            "cap": pending_cap(mentee=request.user),
            "places": mentor_places(mentor=mentor),
            "has_goals": mentee_active_goals(mentee=request.user).exists(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def suggestion_request(request: HttpRequest, pk: int):
    suggestion = _or_404(suggestion_for_mentee(user=request.user, pk=pk))
    return _request_form_page(request, suggestion.mentor, suggestion)


@login_required
@require_http_methods(["GET", "POST"])
def mentor_request(request: HttpRequest, public_id):
    """Request a mentor found elsewhere (directory, profile page), not through a suggestion.

    The mentor is named by the profile's random public id, and only a
    profile the viewer may see (visibility, blocks, suspension) is found.
    """
    profile = profile_for_viewer(viewer=request.user, public_id=public_id)
    if profile is None or profile.user_id == request.user.pk or not profile.user.is_active:
        raise Http404("Not found")
    return _request_form_page(request, profile.user)


@login_required
def requests_sent(request: HttpRequest):
    page = OneQueryPaginator(match_requests_sent(user=request.user), 20).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "matching/requests_sent.html",
        {"page_obj": page, "requests": page.object_list, "cap": pending_cap(mentee=request.user)},
    )


@login_required
@require_POST
def request_withdraw(request: HttpRequest, pk: int):
    match_request = _mentee_request_or_404(request, pk)
    with refusals_shown(request) as outcome:
        services.match_request_withdraw(request=match_request, mentee=request.user)
    if outcome.ok:
        messages.success(request, "Request withdrawn.")
    return redirect("matching:requests_sent")


@login_required
@require_POST
def request_message(request: HttpRequest, pk: int, side: str):
    """A message on a pending request: the mentor's question (``side="mentor"``) or the
    mentee's answer (``side="mentee"``); the other party gets a 404 on the other URL."""
    if side == "mentor":
        match_request = _mentor_request_or_404(request, pk)
        form = RequestQuestionForm(request.POST)
    else:
        match_request = _mentee_request_or_404(request, pk)
        form = RequestAnswerForm(request.POST)
    if form.is_valid():
        with refusals_shown(request) as outcome:
            services.match_request_message_add(
                request=match_request, author=request.user, body=form.cleaned_data["body"]
            )
        if outcome.ok:
            sent = (
                "Question sent. The request stays open while you talk."
                if side == "mentor"
                else "Answer sent."
            )
            messages.success(request, sent)
            return redirect("matching:request_detail", pk=pk)
    return _request_detail_page(request, match_request, message_form=form)


# --- requests (mentor side) ------------------------------------------------------


@login_required
def request_inbox(request: HttpRequest):
    show = request.GET.get("show", "pending")
    status = MatchRequest.Status.PENDING if show == "pending" else ""
    requests = match_requests_received(user=request.user, status=status)
    page = OneQueryPaginator(requests, 20).get_page(request.GET.get("page"))
    items = match_request_inbox_items(requests=page.object_list, for_mentor=True)
    return render(
        request,
        "matching/request_inbox.html",
        {
            "page_obj": page,
            "items": items,
            "show": show,
            "places": mentor_places(mentor=request.user),
            "pending_count": match_requests_received(
                user=request.user, status=MatchRequest.Status.PENDING
            ).count(),
        },
    )


def _request_detail_page(
    request: HttpRequest, match_request, *, message_form=None, decline_form=None
):
    is_mentor = match_request.mentor_id == request.user.pk
    status = (
        400
        if (message_form and message_form.errors) or (decline_form and decline_form.errors)
        else 200
    )
    return render(
        request,
        "matching/request_detail.html",
        {
            "match_request": match_request,
            "is_mentor": is_mentor,
            "reasons": match_request_reasons(request=match_request, for_mentor=is_mentor),
            "goals": mentee_active_goals(mentee=match_request.mentee),
            "places": mentor_places(mentor=match_request.mentor),
            "message_form": message_form
            or (RequestQuestionForm() if is_mentor else RequestAnswerForm()),
            "decline_form": decline_form or RequestDeclineForm(),
            "mentorship": Mentorship.objects.filter(request=match_request).first(),
        },
        status=status,
    )


@login_required
def request_detail(request: HttpRequest, pk: int):
    match_request = _or_404(match_request_for_party(user=request.user, pk=pk))
    return _request_detail_page(request, match_request)


def _mentee_request_or_404(request: HttpRequest, pk: int) -> MatchRequest:
    match_request = _or_404(match_request_for_party(user=request.user, pk=pk))
    if match_request.mentee_id != request.user.pk:
        raise Http404("Not your request")
    return match_request


def _mentor_request_or_404(request: HttpRequest, pk: int) -> MatchRequest:
    match_request = _or_404(match_request_for_party(user=request.user, pk=pk))
    if match_request.mentor_id != request.user.pk:
        raise Http404("Not a request to you")
    return match_request


@login_required
@require_POST
def request_accept(request: HttpRequest, pk: int):
    match_request = _mentor_request_or_404(request, pk)
    with refusals_shown(request) as outcome:
        mentorship = services.match_request_accept(request=match_request, mentor=request.user)
    if outcome.refused:
        return redirect("matching:request_detail", pk=pk)
    messages.success(
        request, f"You accepted. {match_request.mentee} is now your mentee; say hello!"
    )
    return redirect("matching:mentorship_detail", pk=mentorship.pk)


@login_required
@require_http_methods(["GET", "POST"])
def request_decline(request: HttpRequest, pk: int):
    match_request = _mentor_request_or_404(request, pk)
    form = RequestDeclineForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with refusals_shown(request) as outcome:
            services.match_request_decline(
                request=match_request, mentor=request.user, reason=form.cleaned_data["reason"]
            )
        if outcome.ok:
            messages.success(request, "Request declined. Thank you for answering.")
        return redirect("matching:request_inbox")
    return _request_detail_page(request, match_request, decline_form=form)


# --- mentorships -------------------------------------------------------------------


@login_required
def mentorship_list(request: HttpRequest):
    mentorships = list(mentorships_for_user(user=request.user))
    return render(
        request,
        "matching/mentorship_list.html",
        {
            "as_mentee": [m for m in mentorships if m.mentee_id == request.user.pk],
            "as_mentor": [m for m in mentorships if m.mentor_id == request.user.pk],
            "places": mentor_places(mentor=request.user),
        },
    )


def _mentorship_page(request, mentorship, *, end_form=None, renew_form=None, status=200):
    if (workspace := hooks.mentorship_page()) is not None:  # the sessions app's workspace
        return workspace(
            request, mentorship, end_form=end_form, renew_form=renew_form, status=status
        )
    is_mentor = mentorship.mentor_id == request.user.pk
    partner = mentorship.mentee if is_mentor else mentorship.mentor
    return render(
        request,
        "matching/mentorship_detail.html",
        {
            "mentorship": mentorship,
            "is_mentor": is_mentor,
            "partner": partner,
            "partner_profile": profile_of(partner),
            "end_form": end_form or MentorshipEndForm(),
            "renew_form": renew_form or MentorshipRenewForm(),
            "history": Mentorship.objects.filter(
                mentee_id=mentorship.mentee_id, mentor_id=mentorship.mentor_id
            ).exclude(pk=mentorship.pk),
        },
        status=status,
    )


@login_required
def mentorship_detail(request: HttpRequest, pk: int):
    mentorship = _or_404(mentorship_for_party(user=request.user, pk=pk))
    return _mentorship_page(request, mentorship)


@login_required
@require_POST
def mentorship_end(request: HttpRequest, pk: int):
    mentorship = _or_404(mentorship_for_party(user=request.user, pk=pk))
    form = MentorshipEndForm(request.POST)
    if not form.is_valid():
        return _mentorship_page(request, mentorship, end_form=form, status=400)
    completed = form.cleaned_data["outcome"] == "completed"
    with refusals_shown(request) as outcome:
        services.mentorship_end(
            mentorship=mentorship,
            by=request.user,
            reason=form.cleaned_data["reason"],
            completed=completed,
        )
    if outcome.ok:
        messages.success(
            request, "Mentorship completed. Well done!" if completed else "Mentorship ended."
        )
    return redirect("matching:mentorship_detail", pk=pk)


@login_required
@require_POST
def mentorship_renew(request: HttpRequest, pk: int):
    mentorship = _or_404(mentorship_for_party(user=request.user, pk=pk))
    form = MentorshipRenewForm(request.POST)
    if not form.is_valid():
        return _mentorship_page(request, mentorship, renew_form=form, status=400)
    with refusals_shown(request) as outcome:
        renewed = services.mentorship_renew(
            mentorship=mentorship, by=request.user, ends_on=form.cleaned_data["ends_on"]
        )
    if outcome.refused:
        return redirect("matching:mentorship_detail", pk=pk)
    messages.success(request, "Mentorship renewed.")
    return redirect(reverse("matching:mentorship_detail", args=[renewed.pk]))
