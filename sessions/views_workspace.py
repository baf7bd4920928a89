"""The workspace: the page behind ``matching:mentorship_detail``, and its forms.

Matching owns the URL (``matching:mentorship_detail``) and the end/renew
actions; it renders this page through ``matching.hooks.mentorship_page``,
which this app fills in ``SessionsConfig.ready()`` (sessions sits above
matching, so matching never imports it). Booking, messages and the mentee's
goals post to URLs of this app under ``mentorships/<pk>/…``.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from matching.forms import MentorshipEndForm, MentorshipRenewForm
from matching.models import Mentorship
from matching.selectors import mentorship_for_party
from mentorship.views_helpers import refusals_shown
from profiles.selectors import profile_of
from sessions import selectors, services
from sessions.forms import GoalStatusForm, MessageForm, MilestoneForm, NoteForm
from sessions.services.booking import zone_of

from .views import booking_page


def _mentorship_or_404(request: HttpRequest, pk: int) -> Mentorship:
    mentorship = mentorship_for_party(user=request.user, pk=pk)
    if mentorship is None:
        raise Http404("No such mentorship")
    return mentorship


def _workspace_url(mentorship, anchor: str = "") -> str:
    return reverse("matching:mentorship_detail", args=[mentorship.pk]) + (
        f"#{anchor}" if anchor else ""
    )


def workspace_page(
    request,
    mentorship,
    *,
    end_form=None,
    renew_form=None,
    message_form=None,
    milestone_form=None,
    status=200,
):
    is_mentor = mentorship.mentor_id == request.user.pk
    partner = mentorship.mentee if is_mentor else mentorship.mentor
    services.messages_mark_read(user=request.user, mentorship=mentorship)
    sessions = selectors.workspace_sessions(mentorship=mentorship, user=request.user)
    return render(
        request,
        "sessions/workspace.html",
        {
            "mentorship": mentorship,
            "is_mentor": is_mentor,
            "partner": partner,
            "partner_profile": profile_of(partner),
            "viewer_zone": zone_of(request.user),
            "partner_zone": zone_of(partner),
            **sessions,
            "goals": selectors.mentee_goals(mentorship=mentorship),
            "thread": selectors.thread(mentorship=mentorship),
            "message_form": message_form or MessageForm(),
            "milestone_form": milestone_form,
            "note_form": NoteForm(),
            "goal_status_choices": GoalStatusForm().fields["status"].choices,
            "end_form": end_form or MentorshipEndForm(),
            "renew_form": renew_form or MentorshipRenewForm(),
            "history": Mentorship.objects.filter(
                mentee_id=mentorship.mentee_id, mentor_id=mentorship.mentor_id
            ).exclude(pk=mentorship.pk),
            "is_active": mentorship.status == Mentorship.Status.ACTIVE,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def workspace_book(request: HttpRequest, pk: int):
    mentorship = _mentorship_or_404(request, pk)
    if mentorship.status != Mentorship.Status.ACTIVE:
        messages.error(
            request, "This mentorship has ended, so no new sessions can be booked in it."
        )
        return redirect(_workspace_url(mentorship))
    partner = mentorship.mentee if mentorship.mentor_id == request.user.pk else mentorship.mentor
    return booking_page(
        request, mentor=mentorship.mentor, counterpart=partner, mentorship=mentorship
    )


@login_required
@require_POST
def workspace_message(request: HttpRequest, pk: int):
    mentorship = _mentorship_or_404(request, pk)
    form = MessageForm(request.POST)
    if form.is_valid():
        with refusals_shown(request, form=form) as outcome:
            services.message_send(
                by=request.user, body=form.cleaned_data["body"], mentorship=mentorship
            )
        if outcome.ok:
            return redirect(_workspace_url(mentorship, "messages"))
    return workspace_page(request, mentorship, message_form=form, status=400)


def _goal_or_404(mentorship, goal_pk):
    goal = selectors.goal_in_mentorship(mentorship=mentorship, pk=goal_pk)
    if goal is None:
        raise Http404("No such goal")
    return goal


@login_required
@require_POST
def workspace_milestone_add(request: HttpRequest, pk: int, goal_pk: int):
    mentorship = _mentorship_or_404(request, pk)
    goal = _goal_or_404(mentorship, goal_pk)
    form = MilestoneForm(request.POST, prefix=f"goal-{goal.pk}")
    if form.is_valid():
        with refusals_shown(request, form=form) as outcome:
            services.workspace_milestone_add(
                mentorship=mentorship, by=request.user, goal=goal, **form.cleaned_data
            )
        if outcome.ok:
            messages.success(request, "Milestone added.")
            return redirect(_workspace_url(mentorship, f"goal-{goal.pk}"))
    form.goal_pk = goal.pk
    return workspace_page(request, mentorship, milestone_form=form, status=400)


@login_required
@require_POST
def workspace_milestone_toggle(request: HttpRequest, pk: int, goal_pk: int, milestone_pk: int):
    mentorship = _mentorship_or_404(request, pk)
    milestone = selectors.milestone_in_mentorship(
        mentorship=mentorship, goal_pk=goal_pk, pk=milestone_pk
    )
    if milestone is None:
        raise Http404("No such milestone")
    with refusals_shown(request) as outcome:
        milestone = services.workspace_milestone_toggle(
            mentorship=mentorship, by=request.user, milestone=milestone
        )
    if outcome.ok and request.htmx:
        return render(
            request,
            "sessions/includes/_workspace_milestone.html",
            {
                "milestone": milestone,
                "goal": milestone.goal,
                "mentorship": mentorship,
                "is_active": True,
            },
        )
    return redirect(_workspace_url(mentorship, f"goal-{goal_pk}"))


@login_required
@require_POST
def workspace_goal_status(request: HttpRequest, pk: int, goal_pk: int):
    mentorship = _mentorship_or_404(request, pk)
    goal = _goal_or_404(mentorship, goal_pk)
    form = GoalStatusForm(request.POST)
    if form.is_valid():
        with refusals_shown(request) as outcome:
            services.workspace_goal_status(
                mentorship=mentorship,
                by=request.user,
                goal=goal,
                status=form.cleaned_data["status"],
            )
        if outcome.ok:
            messages.success(request, f"“{goal.title}” is now {goal.get_status_display().lower()}.")
    else:
        messages.error(request, "Choose one of the goal states offered.")
    return redirect(_workspace_url(mentorship, f"goal-{goal_pk}"))


@login_required
@require_POST
def workspace_end(request: HttpRequest, pk: int):
    """Finish the mentorship from the workspace: matching ends it, its upcoming sessions go too."""
    mentorship = _mentorship_or_404(request, pk)
    form = MentorshipEndForm(request.POST)
    if not form.is_valid():
        return workspace_page(request, mentorship, end_form=form, status=400)
    completed = form.cleaned_data["outcome"] == "completed"
    with refusals_shown(request) as outcome:
        services.workspace_mentorship_end(
            mentorship=mentorship,
            by=request.user,
            reason=form.cleaned_data["reason"],
            completed=completed,
        )
    if outcome.ok:
        messages.success(
            request, "Mentorship completed. Well done!" if completed else "Mentorship ended."
        )
    return redirect(_workspace_url(mentorship))
