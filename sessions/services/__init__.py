"""Writes of the workspace. The booking functions checks call live in ``booking``."""

from .booking import (
    session_cancel,
    session_confirm,
    session_decline,
    session_propose,
    session_propose_another,
)
from .calendar_feed import calendar_feed_get_or_create, calendar_feed_revoke
from .details import mentor_settings_update, session_update_details, workspace_mentorship_end
from .reminders import message_digests_send, nudges_send, reminders_send
from .workspace import (
    feedback_leave,
    message_send,
    messages_mark_read,
    note_add,
    note_delete,
    session_report_no_show,
    staff_flag_resolve,
    workspace_goal_status,
    workspace_milestone_add,
    workspace_milestone_toggle,
)

__all__ = [
    "calendar_feed_get_or_create",
    "calendar_feed_revoke",
    "feedback_leave",
    "mentor_settings_update",
    "message_digests_send",
    "message_send",
    "messages_mark_read",
    "note_add",
    "note_delete",
    "nudges_send",
    "reminders_send",
    "session_cancel",
    "session_confirm",
    "session_decline",
    "session_propose",
    "session_propose_another",
    "session_report_no_show",
    "session_update_details",
    "staff_flag_resolve",
    "workspace_goal_status",
    "workspace_mentorship_end",
    "workspace_milestone_add",
    "workspace_milestone_toggle",
]
