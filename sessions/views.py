"""Session pages: one session, its answers, notes, feedback, calendar; flash booking; settings.

Every view needs a signed-in user and finds sessions only among those the
user attends (a stranger gets 404). The calendar feed is the one page
without a login: its secret token is the key, and a revoked token is a 404.
State changes are POST and go through one service; a refusal is shown with
``refusals_shown``.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from mentorship.views_helpers import refusals_shown
from profiles.models import Profile
from profiles.selectors import profile_of
from safety.access import staff_permission_required
from sessions import calendar as ical
from sessions import selectors, services
from sessions.forms import (
    BookingForm,
    DetailsForm,
    FeedbackForm,
    MentorSettingsForm,
    MessageForm,
    NoteForm,
    ReasonForm,
)
from sessions.models import MentoringSession, StaffFlag
from sessions.services.booking import mentor_settings, name_of, zone_of


def _session_or_404(request: HttpRequest, pk: int) -> MentoringSession:
    session = selectors.session_for_party(user=request.user, pk=pk)
    if session is None:
        raise Http404("No such session")
    return session


# --- one session ---------------------------------------------------------------------


def _session_page(request, session, *, forms=None, status=200):
    forms = forms or {}
    other = session.other(request.user)
    if session.mentorship_id is None:
        services.messages_mark_read(user=request.user, session=session)
    return render(
        request,
        "sessions/session_detail.html",
        {
            "session": session,
            "other": other,
            "other_profile": profile_of(other),
            "state": selectors.session_state_for(session, request.user),
            "notes": selectors.notes_visible(session=session, user=request.user),
            "my_feedback": selectors.feedback_by(session=session, user=request.user),
            "viewer_zone": zone_of(request.user),
            "other_zone": zone_of(other),
            "thread": selectors.thread(session=session) if session.mentorship_id is None else None,
            "message_form": forms.get("message") or MessageForm(),
            "note_form": forms.get("note") or NoteForm(),
            "feedback_form": forms.get("feedback") or FeedbackForm(),
            "cancel_form": forms.get("cancel") or ReasonForm(),
            "decline_form": forms.get("decline") or ReasonForm(),
            "details_form": forms.get("details")
            or DetailsForm(
                initial={"agenda": session.agenda, "meeting_link": session.meeting_link}
            ),
        },
        status=status,
    )


@login_required
def session_detail(request: HttpRequest, pk: int):
    return _session_page(request, _session_or_404(request, pk))


@login_required
def session_list(request: HttpRequest):
    now = timezone.now()
    return render(
        request,
        "sessions/session_list.html",
        {
            "upcoming": selectors.sessions_upcoming(user=request.user, now=now),
            "past": selectors.sessions_past(user=request.user, now=now)[:50],
            "viewer_zone": zone_of(request.user),
        },
    )


def _action(request, pk, form_class, key, call, success: str):
    session = _session_or_404(request, pk)
    form = form_class(request.POST) if form_class else None
    if form is not None and not form.is_valid():
        return _session_page(request, session, forms={key: form}, status=400)
    with refusals_shown(request, form=form) as outcome:
        call(session, form.cleaned_data if form is not None else {})
    if outcome.ok:
        messages.success(request, success)
        return redirect(reverse("sessions:session_detail", args=[pk]))
    if form is not None:
        return _session_page(request, session, forms={key: form}, status=400)
    return redirect(reverse("sessions:session_detail", args=[pk]))


@login_required
@require_POST
def session_confirm(request: HttpRequest, pk: int):
    return _action(
        request,
        pk,
        None,
        "",
        lambda s, d: services.session_confirm(session=s, by=request.user),
        "Session confirmed. It is in both your calendars now.",
    )


@login_required
@require_POST
def session_decline(request: HttpRequest, pk: int):
    return _action(
        request,
        pk,
        ReasonForm,
        "decline",
        lambda s, d: services.session_decline(session=s, by=request.user, reason=d["reason"]),
        "Declined. You can propose another time whenever you like.",
    )


@login_required
@require_POST
def session_cancel(request: HttpRequest, pk: int):
    return _action(
        request,
        pk,
        ReasonForm,
        "cancel",
        lambda s, d: services.session_cancel(session=s, by=request.user, reason=d["reason"]),
        "Session cancelled. We told the other person.",
    )


@login_required
@require_POST
def session_details(request: HttpRequest, pk: int):
    return _action(
        request,
        pk,
        DetailsForm,
        "details",
        lambda s, d: services.session_update_details(
            session=s, by=request.user, agenda=d["agenda"], meeting_link=d["meeting_link"]
        ),
        "Agenda and meeting link saved.",
    )


@login_required
@require_POST
def note_add(request: HttpRequest, pk: int):
    session = _session_or_404(request, pk)
    form = NoteForm(request.POST)
    if form.is_valid():
        with refusals_shown(request, form=form) as outcome:
            services.note_add(
                session=session,
                by=request.user,
                body=form.cleaned_data["body"],
                private=form.cleaned_data["private"],
            )
        if outcome.ok:
            messages.success(
                request, "Private note saved." if form.cleaned_data["private"] else "Note added."
            )
            return redirect(reverse("sessions:session_detail", args=[pk]) + "#notes")
    return _session_page(request, session, forms={"note": form}, status=400)


@login_required
@require_POST
def note_delete(request: HttpRequest, pk: int, note_pk: int):
    session = _session_or_404(request, pk)
    note = selectors.note_for_author(user=request.user, pk=note_pk)
    if note is None or note.session_id != session.pk:
        raise Http404("No such note")
    with refusals_shown(request) as outcome:
        services.note_delete(note=note, by=request.user)
    if outcome.ok:
        messages.success(request, "Note deleted.")
    return redirect(reverse("sessions:session_detail", args=[pk]) + "#notes")


@login_required
@require_POST
def feedback_leave(request: HttpRequest, pk: int):
    return _action(
        request,
        pk,
        FeedbackForm,
        "feedback",
        lambda s, d: services.feedback_leave(
            session=s, by=request.user, rating=d["rating"], comment=d["comment"]
        ),
        "Thank you for your feedback.",
    )


@login_required
@require_POST
def report_no_show(request: HttpRequest, pk: int):
    return _action(
        request,
        pk,
        None,
        "",
        lambda s, d: services.session_report_no_show(session=s, by=request.user),
        "Thanks for telling us. The programme team will look into it.",
    )


@login_required
@require_POST
def session_message(request: HttpRequest, pk: int):
    """A message in a flash session's thread (mentorship threads live in the workspace)."""
    session = _session_or_404(request, pk)
    if session.mentorship_id:
        raise Http404("This session's messages are in the mentorship")
    form = MessageForm(request.POST)
    if form.is_valid():
        with refusals_shown(request, form=form) as outcome:
            services.message_send(by=request.user, body=form.cleaned_data["body"], session=session)
        if outcome.ok:
            return redirect(reverse("sessions:session_detail", args=[pk]) + "#messages")
    return _session_page(request, session, forms={"message": form}, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def session_propose_another(request: HttpRequest, pk: int):
    session = _session_or_404(request, pk)
    other = session.other(request.user)
    return booking_page(
        request,
        mentor=session.mentor,
        counterpart=other,
        replaces=session,
        mentorship=session.mentorship,
    )


# --- booking (shared by the workspace and flash sessions) -------------------------------


def booking_page(request, *, mentor, counterpart, mentorship=None, replaces=None):
    """Choose a slot of the mentor's availability or a time of your own, then propose it."""
    flash = mentorship is None
    try:
        minutes = int(request.POST.get("minutes") or request.GET.get("minutes") or 60)
    except ValueError:
        minutes = 60
    if flash and replaces is None:
        minutes = 60  # flash sessions are one hour
    minutes = minutes if minutes in (30, 45, 60, 90, 120) else 60
    viewer_zone = zone_of(request.user)
    slots = selectors.free_slots(
        mentor=mentor,
        viewer=request.user if request.user != mentor else counterpart,
        minutes=minutes,
    )
    form = BookingForm(
        request.POST or None,
        slots=slots,
        zone=viewer_zone,
        flash=flash and replaces is None,
        # A question answered in the community travels as the topic (``?topic=``).
        initial={"minutes": minutes, "topic": request.GET.get("topic", "")[:200]},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with refusals_shown(request, form=form) as outcome:
            if replaces is not None:
                session = services.session_propose_another(
                    session=replaces,
                    by=request.user,
                    starts_at=data["starts_at"],
                    ends_at=data["ends_at"],
                    agenda=data["agenda"] or None,
                )
            else:
                session = services.session_propose(
                    by=request.user,
                    counterpart=counterpart,
                    starts_at=data["starts_at"],
                    ends_at=data["ends_at"],
                    mentorship=mentorship,
                    agenda=data["agenda"],
                    topic=data.get("topic", ""),
                )
        if outcome.ok:
            messages.success(
                request,
                f"Proposed. {name_of(counterpart)} will confirm, decline or propose another time; "
                "we will tell you.",
            )
            return redirect(reverse("sessions:session_detail", args=[session.pk]))
    return render(
        request,
        "sessions/book.html",
        {
            "form": form,
            "mentor": mentor,
            "counterpart": counterpart,
            "counterpart_profile": profile_of(counterpart),
            "mentorship": mentorship,
            "replaces": replaces,
            "flash": flash,
            "minutes": minutes,
            "days": selectors.slots_by_day(
                slots, viewer_zone=viewer_zone, owner_zone=zone_of(mentor)
            ),
            "viewer_zone": viewer_zone,
            "mentor_zone": zone_of(mentor),
            "flash_state": selectors.flash_booking_state(mentor=mentor) if flash else None,
            "length_choices": [30, 45, 60, 90, 120],
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def flash_book(request: HttpRequest, public_id):
    """Book a one-hour flash session with a mentor, straight from their profile.

    The mentor is named by their profile's random ``public_id``, like every URL
    that names a person (no guessable sequence)."""
    profile = get_object_or_404(
        Profile.objects.select_related("user"), public_id=public_id, user__is_active=True
    )
    mentor = profile.user
    if (
        mentor.pk == request.user.pk
        or profile is None
        or not profile.is_mentor
        or not profile.format_flash
    ):
        raise Http404("This mentor does not offer flash sessions")
    from profiles.directory_selectors import profile_visible_to

    if not profile_visible_to(viewer=request.user, profile=profile):
        raise Http404("No such profile")
    return booking_page(request, mentor=mentor, counterpart=mentor)


# --- calendar ----------------------------------------------------------------------------


def _ics_response(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def session_ics(request: HttpRequest, pk: int):
    session = _session_or_404(request, pk)
    body = ical.calendar_for([session], viewer=request.user, name="Mentoring session")
    return _ics_response(body, f"session-{session.pk}.ics")


def calendar_feed(request: HttpRequest, token: str):
    """The private feed calendar apps subscribe to (no login: the token is the key)."""
    feed = selectors.feed_for_token(token=token)
    if feed is None:
        raise Http404("No such calendar")
    body = ical.feed_calendar(feed.user, selectors.feed_sessions(user=feed.user))
    return _ics_response(body, "mentoring-sessions.ics")


@login_required
@require_POST
def calendar_feed_manage(request: HttpRequest):
    action = request.POST.get("action")
    if action == "create":
        services.calendar_feed_get_or_create(user=request.user)
        messages.success(request, "Your calendar link is ready. Add it to your calendar app.")
    elif action == "revoke":
        services.calendar_feed_revoke(user=request.user, renew=request.POST.get("renew") == "1")
        messages.success(request, "The old calendar link no longer works.")
    return redirect(reverse("profiles:profile") + "#calendar")


@login_required
@require_http_methods(["GET", "POST"])
def mentor_settings_edit(request: HttpRequest):
    current = mentor_settings(request.user)
    form = MentorSettingsForm(
        request.POST or None,
        initial={
            "meeting_link": current.meeting_link,
            "flash_monthly_limit": current.flash_monthly_limit,
        },
    )
    if request.method == "POST" and form.is_valid():
        with refusals_shown(request, form=form) as outcome:
            services.mentor_settings_update(mentor=request.user, **form.cleaned_data)
        if outcome.ok:
            messages.success(request, "Session settings saved.")
            return redirect(reverse("profiles:profile") + "#sessions-settings")
    return render(
        request, "sessions/mentor_settings.html", {"form": form}, status=400 if form.errors else 200
    )


# --- staff -----------------------------------------------------------------------------


# Low ratings and no-shows are the moderators' to follow up (safety's roles):
# the permission and a second factor in this session, like every staff page.
@staff_permission_required("safety.moderate")
def staff_flags(request: HttpRequest):
    show_all = request.GET.get("show") == "all"
    return render(
        request,
        "sessions/staff_flags.html",
        {"flags": selectors.staff_flags(open_only=not show_all)[:200], "show_all": show_all},
    )


@staff_permission_required("safety.moderate")
@require_POST
def staff_flag_resolve(request: HttpRequest, pk: int):
    flag = get_object_or_404(StaffFlag, pk=pk)
    with refusals_shown(request) as outcome:
        services.staff_flag_resolve(flag=flag, by=request.user)
    if outcome.ok:
        messages.success(request, "Marked as resolved.")
    return redirect("sessions:staff_flags")
