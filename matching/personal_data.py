"""What of matching's rows a person's "Your data" export may hold.

The export (``profiles.account_data``) finds every row that points at the
person; these policies keep out what is not theirs to take:

* **Suggestions** are the mentee's: a mentor's export holds none (they
  would list every mentee scored against them), and a mentee's names the
  mentor suggested, not internal ids of runs.
* **Runs** about the person keep only kind, status and times: parameters,
  figures and chunks hold other people's ids; who triggered it is staff.
* **Exclusions**: the note is kept only for its author (a mentee's "not
  for me" note is not shown to the mentor, a mentor's decline note is
  already in the request they answered); the admin's "do not match" note
  is staff-only and never exported; who created a row is kept only if it
  was the person.
"""

from __future__ import annotations

from profiles.account_data import register_export_policy

from .models import MatchRun, MatchRunChunk, PairExclusion, Suggestion


def _suggestion(*, row: Suggestion, user, fields: dict) -> dict | None:
    if row.mentee_id != user.pk:
        return None
    profile = getattr(row.mentor, "profile", None)
    fields = {k: v for k, v in fields.items() if k not in {"run", "mentor", "mentee"}}
    fields["mentor_name"] = profile.name if profile is not None else str(row.mentor)
    return fields


def _run(*, row: MatchRun, user, fields: dict) -> dict | None:
    if row.subject_id != user.pk:
        return None  # a run they triggered as staff is the programme's record, not theirs
    keep = {"kind", "status", "created_at", "started_at", "finished_at"}
    return {k: v for k, v in fields.items() if k in keep}


def _exclusion(*, row: PairExclusion, user, fields: dict) -> dict | None:
    fields = dict(fields)
    if row.reason == PairExclusion.Reason.ADMIN or row.created_by_id != user.pk:
        fields.pop("note", None)
    if row.created_by_id != user.pk:
        fields.pop("created_by", None)
    return fields


def register() -> None:
    register_export_policy(Suggestion, _suggestion)
    register_export_policy(MatchRun, _run)
    register_export_policy(MatchRunChunk, lambda **kwargs: None)
    register_export_policy(PairExclusion, _exclusion)
