"""Account events that end a person's other sessions (connected in ``ProfilesConfig.ready``)."""

from __future__ import annotations

from .services.account_sessions import account_session_record, account_sessions_end


def _current_key(request) -> str | None:
    session = getattr(request, "session", None) if request is not None else None
    return session.session_key if session is not None else None


def on_logged_in(sender, request, user, **kwargs) -> None:
    if request is not None:
        account_session_record(request=request, user=user)


def on_logged_out(sender, request, user, **kwargs) -> None:
    """Logging out signs the person out everywhere (their other devices too)."""
    if user is not None:
        account_sessions_end(user=user)


def on_password_changed(sender, request, user, **kwargs) -> None:
    """Keep the session that changed the password; end the rest."""
    account_sessions_end(user=user, keep_session_key=_current_key(request))


def on_authenticator_changed(sender, request, user, **kwargs) -> None:
    """A second factor added, removed or its recovery codes reset: end the other sessions."""
    account_sessions_end(user=user, keep_session_key=_current_key(request))
