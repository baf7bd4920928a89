"""The one error type for refusals a person can act on.

A service that refuses what somebody asked for raises :class:`Refusal` with a
sentence written for that person (what is wrong and what to do) and a stable
``code`` that API clients can branch on. Views turn it into a form error or a
flash message through :func:`mentorship.views_helpers.refusals_shown`; the
REST API's exception handler turns it into ``400 {"code", "message"}``.

Programming errors, integrity errors and the like are *not* refusals: they
must keep surfacing as 500s and in the logs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence


class Refusal(Exception):
    """A rule refused the action.

    Parameters
    ----------
    message:
        A sentence for the person who acted: why, and what they can do.
    code:
        A short stable identifier (``"capacity_full"``, ``"run_active"``) for
        API clients and tests. Defaults to the class's ``default_code``.
    field:
        The form field the refusal is about, or ``None`` for the whole form.
    errors:
        Several messages at once, keyed by field (``{field: [message, ...]}``),
        for refusals that validate more than one thing together.
    """

    default_code = "refused"

    def __init__(
        self,
        message: str = "",
        *,
        code: str | None = None,
        field: str | None = None,
        errors: Mapping[str | None, Sequence[str]] | None = None,
    ):
        self.errors: dict[str | None, list[str]] = {
            key: list(value) for key, value in (errors or {}).items()
        }
        if not message and self.errors:
            message = " ".join(m for msgs in self.errors.values() for m in msgs)
        self.message = message
        self.code = code or self.default_code
        self.field = field
        super().__init__(message)

    def messages_by_field(self) -> dict[str | None, list[str]]:
        """Every message keyed by field (``None``: the form as a whole)."""
        if self.errors:
            return self.errors
        return {self.field: [self.message]}

    def as_dict(self) -> dict:
        """The JSON body the API answers with."""
        body: dict = {"code": self.code, "message": self.message}
        if self.errors:
            body["errors"] = {key or "__all__": value for key, value in self.errors.items()}
        elif self.field:
            body["errors"] = {self.field: [self.message]}
        return body
