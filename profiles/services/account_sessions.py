"""The person -> sessions map (allauth.usersessions), and ending sessions.

allauth.usersessions records a row per signed-in session. Logging out,
changing one's password, adding or removing a second factor and a
suspension end the person's *other* sessions through
:func:`account_sessions_end` (``profiles.receivers`` and
``safety.services.moderation.suspension_create``), so a stolen session
cookie stops working as soon as the owner acts.
"""

from __future__ import annotations

from allauth.usersessions.models import UserSession


def account_session_record(*, request, user) -> None:
    """Record the session of ``request`` (``user`` just signed in with it).

    allauth records its own sign-ins; this also covers every other
    ``django.contrib.auth.login`` (the test client's ``force_login``, whose
    request carries no ``user``; any future way in).
    """
    session = getattr(request, "session", None)
    if session is None:
        return
    if not session.session_key:
        session.save()
    if getattr(request, "user", None) is not None and request.user.is_authenticated:
        UserSession.objects.create_from_request(request)
        return
    UserSession.objects.update_or_create(
        session_key=session.session_key,
        defaults={
            "user": user,
            "ip": request.META.get("REMOTE_ADDR") or "127.0.0.1",
            "user_agent": request.META.get("HTTP_USER_AGENT", "")[:200],
        },
    )


def account_sessions_end(*, user, keep_session_key: str | None = None) -> int:
    """End every session of ``user`` except ``keep_session_key``; return how many.

    The session rows are deleted from the session store, so the cookie that
    named them signs nobody in any more.
    """
    ended = 0
    for user_session in UserSession.objects.filter(user_id=user.pk).exclude(
        session_key=keep_session_key or ""
    ):
        user_session.end()
        ended += 1
    return ended
