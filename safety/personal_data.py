"""What of safety's rows a person's export may hold.

* A report is the reporter's: the person reported never sees it (it would
  say who reported them); staff who handled it are not named.
* A block is the blocker's: the blocked person is never told.
* Warnings, suspensions and mentor reviews are about the person and were
  told to them, without the staff member's id.
"""

from __future__ import annotations

from profiles.account_data import register_export_policy

from .models import Block, MentorReview, Report, Suspension, Warning

STAFF_FIELDS = {"handled_by", "created_by", "lifted_by", "decided_by"}


def _without_staff(fields: dict) -> dict:
    return {k: v for k, v in fields.items() if k not in STAFF_FIELDS}


def _report(*, row: Report, user, fields: dict) -> dict | None:
    if row.reporter_id != user.pk:
        return None
    return {k: v for k, v in _without_staff(fields).items() if k != "target_user"}


def _block(*, row: Block, user, fields: dict) -> dict | None:
    return fields if row.blocker_id == user.pk else None


def _about_them(*, row, user, fields: dict) -> dict | None:
    return _without_staff(fields) if getattr(row, "user_id", None) == user.pk else None


def register() -> None:
    register_export_policy(Report, _report)
    register_export_policy(Block, _block)
    for model in (Warning, Suspension, MentorReview):
        register_export_policy(model, _about_them)
