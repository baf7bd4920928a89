"""The mentor directory (/mentors/) and the public profile page (/people/<pk>/).

Both are for signed-in members only. The directory answers htmx requests
(a filter changed) with just the results fragment; without JavaScript the
filter form is a plain GET form and the whole page renders.
"""

from zoneinfo import ZoneInfo

from django.contrib.auth.decorators import login_required
from django.core.cache import caches
from django.http import Http404
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_GET

from mentorship.pagination import OneQueryPaginator

from ..directory_selectors import (
    RESULTS_CACHE_SECONDS,
    availability_in_viewer_time,
    directory_mentors,
    directory_results_key,
    mentor_status,
    profile_contact_visible,
    profile_for_viewer,
    profile_goals,
    skill_suggestions,
    viewer_timezone,
    working_hours_overlap,
)
from ..filters import MentorDirectoryFilter
from ..hooks import profile_sections
from ..sanitize import safe_url
from ..timezones import zone_or_utc

MENTORS_PER_PAGE = 20
CARD_SKILLS = 5


def _card(profile, *, viewer_tz: str, today) -> dict:
    status, colour = mentor_status(profile, today=today)
    skills = profile.offered_skills
    return {
        "profile": profile,
        "skills": skills[:CARD_SKILLS],
        "more_skills": max(0, len(skills) - CARD_SKILLS),
        "languages": list(profile.languages.all()),
        "status": status,
        "status_colour": colour,
        "overlap": working_hours_overlap(viewer_tz, profile.timezone),
    }


@require_GET
@login_required
def mentor_directory(request):
    viewer_tz = viewer_timezone(request.user)
    filterset = MentorDirectoryFilter(
        request.GET or None,
        queryset=directory_mentors(viewer=request.user),
        request=request,
        viewer_timezone=viewer_tz,
    )
    context = {
        "filter": filterset,
        "viewer_tz": viewer_tz,
        "active_filters": sum(1 for name in filterset.filters if request.GET.get(name)),
    }
    # The cards are the same for everyone with the same query, hidden people and UTC
    # offset until a card changes (see directory_results_key): kept for a minute, as
    # the rendered (escaped, SafeString) fragment with its count, in this process's
    # bounded "fragments" cache (settings).
    key = directory_results_key(params=request.GET, viewer=request.user, viewer_tz=viewer_tz)
    fragments = caches["fragments"]
    cached = fragments.get(key)
    if cached is None:
        page = OneQueryPaginator(filterset.qs, MENTORS_PER_PAGE).get_page(request.GET.get("page"))
        today = timezone.localdate()
        cards = [_card(profile, viewer_tz=viewer_tz, today=today) for profile in page]
        body = render_to_string(
            "profiles/directory/_results_body.html",
            {**context, "page_obj": page, "cards": cards},
            request=request,
        )
        cached = (page.paginator.count, body)
        fragments.set(key, cached, RESULTS_CACHE_SECONDS)
    context["result_count"], context["results_body"] = cached
    if request.htmx and not request.htmx.boosted:
        return render(request, "profiles/directory/_results.html", context)
    return render(request, "profiles/directory/directory.html", context)


@require_GET
@login_required
def skill_options(request):
    """``<option>``s for the skill box's datalist (htmx), best known skills first."""
    skills = skill_suggestions(request.GET.get("skill", ""))
    return render(request, "profiles/directory/_skill_options.html", {"skills": skills})


@require_GET
@login_required
def profile_detail(request, public_id):
    profile = profile_for_viewer(viewer=request.user, public_id=public_id)
    if profile is None:
        raise Http404("No such profile.")
    viewer_tz = viewer_timezone(request.user)
    today = timezone.localdate()
    is_owner = profile.user_id == request.user.pk
    status, colour = mentor_status(profile, today=today)
    context = {
        "profile": profile,
        "is_owner": is_owner,
        "show_contact": profile_contact_visible(viewer=request.user, profile=profile),
        "links": _web_links(profile),
        "goals": profile_goals(profile=profile) if profile.is_mentee else [],
        "slots": availability_in_viewer_time(profile=profile, viewer_tz=viewer_tz),
        "viewer_tz": viewer_tz,
        "overlap": working_hours_overlap(viewer_tz, profile.timezone),
        "status": status,
        "status_colour": colour,
        "local_time": timezone.now().astimezone(_zone(profile.timezone)),
        "sections": profile_sections(request, profile, "detail"),
    }
    return render(request, "profiles/directory/profile_detail.html", context)


def _web_links(profile) -> list[tuple[str, str, str]]:
    """(label, icon, url) for the profile's links; only http(s) URLs become links."""
    links = [
        ("LinkedIn", "linkedin", profile.linkedin_url),
        ("Website", "globe", profile.website_url),
    ]
    return [(label, icon, safe_url(url)) for label, icon, url in links if safe_url(url)]


def _zone(name: str) -> ZoneInfo:
    return zone_or_utc(name)
