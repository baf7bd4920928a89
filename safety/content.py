"""The content safety itself knows: a person (their profile) can be reported and blocked.

Higher apps register their own content the same way (matching: request
messages, see ``matching/safety_hooks.py``).
"""

from __future__ import annotations

from profiles.models import Profile

from .registry import ReportableContent, register_content


def _profile_snapshot(profile: Profile) -> dict:
    return {
        "text": profile.bio,
        "name": profile.name,
        "headline": profile.headline,
        "job_title": profile.job_title,
        "organisation": profile.organisation,
        "location": profile.location,
        "strengths": profile.strengths,
        "growth_areas": profile.growth_areas,
        "linkedin_url": profile.linkedin_url,
        "website_url": profile.website_url,
    }


def _profile_visible_to(profile: Profile, user) -> bool:
    from profiles.directory_selectors import profile_for_viewer

    return profile_for_viewer(viewer=user, pk=profile.pk) is not None


PROFILE = ReportableContent(
    model=Profile,
    kind="profile",
    author=lambda profile: profile.user,
    snapshot=_profile_snapshot,
    context=lambda profile: [],
    visible_to=_profile_visible_to,
    block_source="profile",
    lookup_field="public_id",
)


def register() -> None:
    register_content(PROFILE)
