from mentorship.errors import Refusal


class CommunityError(Refusal):
    """A question, answer or mark the rules refuse."""

    default_code = "community_refused"
