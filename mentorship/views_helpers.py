"""View helpers shared by every app.

:func:`refusals_shown` is the one place that turns a :class:`Refusal` from a
service into what a person sees: a form error when the view has a form, a
flash message otherwise::

    with refusals_shown(request, form=form) as outcome:
        services.match_request_accept(request=match_request, mentor=request.user)
    if outcome.refused:
        return redirect(...)
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages

from mentorship.errors import Refusal


@dataclass
class Outcome:
    """What happened inside a :func:`refusals_shown` block."""

    error: Refusal | None = None

    @property
    def refused(self) -> bool:
        return self.error is not None

    @property
    def ok(self) -> bool:
        return self.error is None


class refusals_shown:  # used like a function: ``with refusals_shown(...)``
    """Context manager: swallow a :class:`Refusal` and show it to the person.

    ``form``: the refusal's messages become errors on it (on the named field
    when the field exists, else on the form as a whole). Without a form they
    become ``messages.error``. Any other exception propagates.
    """

    def __init__(self, request, *, form=None):
        self.request = request
        self.form = form
        self.outcome = Outcome()

    def __enter__(self) -> Outcome:
        return self.outcome

    def __exit__(self, exc_type, exc, tb) -> bool:
        if exc is None or not isinstance(exc, Refusal):
            return False
        self.outcome.error = exc
        show_refusal(self.request, exc, form=self.form)
        return True


def show_refusal(request, exc: Refusal, *, form=None) -> None:
    """Put a refusal where the person will read it."""
    if form is None:
        messages.error(request, exc.message)
        return
    for field, field_messages in exc.messages_by_field().items():
        target = field if field in getattr(form, "fields", {}) else None
        for message in field_messages:
            form.add_error(target, message)
