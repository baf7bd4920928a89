"""Goals and their milestones: what a mentee works towards.

Goals are part of what matching reads, so changing one notifies like any
other profile change; milestones are progress only and do not.
"""

import datetime

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from ..models import Goal, Milestone, Profile, User
from ..timezones import zone_or_utc
from .editing import profile_changed_notify

GOAL_FIELDS = frozenset({"title", "description", "target_date", "status"})


@transaction.atomic
def goal_create(
    *,
    owner: User,
    title: str,
    description: str = "",
    target_date: datetime.date | None = None,
    status: str = Goal.Status.OPEN,
) -> Goal:
    goal = Goal(
        owner=owner,
        title=title.strip(),
        description=description,
        target_date=target_date,
        status=status,
    )
    goal.full_clean()
    goal.save()
    profile_changed_notify(user_ids=[owner.pk])
    return goal


@transaction.atomic
def goal_update(*, goal: Goal, **fields) -> Goal:
    unknown = set(fields) - GOAL_FIELDS
    if unknown:
        raise TypeError(f"goal_update() got unknown fields: {', '.join(sorted(unknown))}")
    for name, value in fields.items():
        setattr(goal, name, value.strip() if name == "title" else value)
    goal.full_clean()
    goal.save()
    profile_changed_notify(user_ids=[goal.owner_id])
    return goal


@transaction.atomic
def goal_delete(*, goal: Goal) -> None:
    owner_id = goal.owner_id
    goal.delete()
    profile_changed_notify(user_ids=[owner_id])


def _today_for(user_id: int) -> datetime.date:
    tz_name = Profile.objects.filter(user_id=user_id).values_list("timezone", flat=True).first()
    return timezone.localdate(timezone=zone_or_utc(tz_name))


@transaction.atomic
def milestone_add(*, goal: Goal, title: str, due_date: datetime.date | None = None) -> Milestone:
    position = (goal.milestones.aggregate(top=Max("position"))["top"] or 0) + 1
    milestone = Milestone(goal=goal, title=title.strip(), due_date=due_date, position=position)
    milestone.full_clean()
    milestone.save()
    return milestone


@transaction.atomic
def milestone_toggle(*, milestone: Milestone, done: bool | None = None) -> Milestone:
    """Mark a milestone done today (in the owner's time zone) or not done.

    ``done=None`` flips the current state.
    """
    milestone = Milestone.objects.select_for_update().select_related("goal").get(pk=milestone.pk)
    make_done = milestone.done_at is None if done is None else done
    milestone.done_at = _today_for(milestone.goal.owner_id) if make_done else None
    milestone.full_clean()
    milestone.save(update_fields=["done_at"])
    return milestone


@transaction.atomic
def milestone_delete(*, milestone: Milestone) -> None:
    milestone.delete()
