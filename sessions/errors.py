from mentorship.errors import Refusal


class SessionRefusal(Refusal):
    """A booking, note, message or feedback rule refused what somebody asked."""

    default_code = "session_refused"
