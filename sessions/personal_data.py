"""What of the workspace's rows a person's "Your data" export may hold.

The export (``profiles.account_data``) finds every row that points at the
person, including rows *about* them that someone else wrote:

* **Feedback** is its author's: the person rated sees their average on
  their profile, never who rated them nor the comment (the session page
  shows a comment only to its author), so their export holds neither.
* **Staff flags** (a low rating, a no-show) are a record for staff: the
  person who raised one keeps it without the staff member who resolved it;
  the person it is about never sees who flagged them or the detail.
* **Notes**: a private note is its author's alone (the schema walk already
  skips other authors' notes reached through a session; this also covers
  a direct relation added later).
"""

from __future__ import annotations

from profiles.account_data import register_export_policy

from .models import SessionFeedback, SessionNote, StaffFlag


def _feedback(*, row: SessionFeedback, user, fields: dict) -> dict | None:
    return fields if row.author_id == user.pk else None


def _staff_flag(*, row: StaffFlag, user, fields: dict) -> dict | None:
    if row.reported_by_id != user.pk:
        return None
    return {k: v for k, v in fields.items() if k != "resolved_by"}


def _note(*, row: SessionNote, user, fields: dict) -> dict | None:
    if row.is_private and row.author_id != user.pk:
        return None
    return fields


def register() -> None:
    register_export_policy(SessionFeedback, _feedback)
    register_export_policy(StaffFlag, _staff_flag)
    register_export_policy(SessionNote, _note)
