"""Creating people: the one definition of the rows that make a new person.

A person is a ``User`` (email is the login, stored lower-case), a
``Profile`` and, when whoever creates them vouches for the address, a
verified primary allauth ``EmailAddress``. Every way people come into the
platform goes through here:

* sign-up (``profiles.adapters.AccountAdapter.save_user``): one person, no
  address row (allauth adds its own, unverified, and asks them to confirm);
* the demo logins (``demo.py``): one person at a time;
* the cohort import (``importing.py``) and the demo community
  (``demo_community.py``): hundreds at once with :func:`people_create_bulk`,
  a few bulk inserts instead of several queries per person.

Both paths build each person's rows with :func:`_person_rows`, so the
normalisation (email lower-case, name trimmed), the profile field rules
(``profile_fields_apply``: occupation from the job title, ...) and the
validation (``full_clean``) are the same however a person is created.
Skills, goals and availability are the caller's to add afterwards through
the usual services (or, in bulk, rows of their own).
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.db import transaction

from .. import selectors
from ..models import Language, Profile, User
from .editing import (
    EDITABLE_FIELDS,
    MATCHING_FIELDS,
    language_ids,
    profile_changed_notify,
    profile_fields_apply,
)

# Set when a person is created (a seeded, already onboarded person), never edited.
CREATION_ONLY_FIELDS = frozenset({"onboarded_at"})


@dataclass
class NewPerson:
    """Who to create. ``profile``: ``PROFILE_FIELDS`` values (languages as codes)."""

    email: str
    name: str = ""
    profile: dict = field(default_factory=dict)
    date_joined: datetime.datetime | None = None
    is_staff: bool = False
    is_superuser: bool = False


def normalise_email(email: str) -> str:
    """How every email address is stored: trimmed and lower-case (one account per address)."""
    return User.objects.normalize_email((email or "").strip()).lower()


def _person_rows(
    person: NewPerson, *, password_hash: str, validate_unique: bool, occupation_for
) -> tuple[User, Profile, list | None]:
    """A new person's unsaved User and Profile (validated), and their languages.

    ``validate_unique=False`` is for bulk callers, which check the emails of
    the whole batch against the database themselves (one query, not one each)
    and whose values were checked against the constraints already.
    """
    unknown = set(person.profile) - EDITABLE_FIELDS - CREATION_ONLY_FIELDS
    if unknown:
        raise TypeError(f"unknown profile fields: {', '.join(sorted(unknown))}")
    email = normalise_email(person.email)
    if not email:
        raise ValueError("An email address is required.")
    user = User(
        email=email,
        name=(person.name or "").strip(),
        password=password_hash,
        is_staff=person.is_staff,
        is_superuser=person.is_superuser,
    )
    if person.date_joined is not None:
        user.date_joined = person.date_joined
    user.full_clean(
        exclude=["password"], validate_unique=validate_unique, validate_constraints=validate_unique
    )
    editable = {k: v for k, v in person.profile.items() if k not in CREATION_ONLY_FIELDS}
    profile = Profile()
    languages = profile_fields_apply(
        profile=profile, fields=editable, occupation_for=occupation_for
    )
    for name in CREATION_ONLY_FIELDS & set(person.profile):
        setattr(profile, name, person.profile[name])
    # In bulk the database enforces the constraints (a query each to check
    # here would double an import's time); callers have checked the bounds.
    profile.full_clean(
        exclude=["user"], validate_unique=False, validate_constraints=validate_unique
    )
    return user, profile, languages


def _matters_for_matching(person: NewPerson) -> bool:
    return bool(MATCHING_FIELDS & set(person.profile))


@transaction.atomic
def person_create(
    *,
    email: str,
    name: str = "",
    password: str | None = None,
    password_hash: str | None = None,
    email_vouched: bool = True,
    profile: dict | None = None,
    is_staff: bool = False,
    is_superuser: bool = False,
    notify: bool = True,
) -> User:
    """Create one person: user, profile and (``email_vouched``) a verified address.

    ``password`` is hashed here; ``password_hash`` is for a caller that
    already has one (allauth's sign-up form); neither gives an unusable
    password. ``notify``: send ``profile_changed`` when the profile says
    something matching reads (a bare sign-up does not).
    """
    person = NewPerson(
        email=email,
        name=name,
        profile=dict(profile or {}),
        is_staff=is_staff,
        is_superuser=is_superuser,
    )
    user, profile_row, languages = _person_rows(
        person,
        password_hash=password_hash or make_password(password),
        validate_unique=True,
        occupation_for=selectors.occupation_for_title,
    )
    user.save()
    profile_row.user = user
    profile_row.save()
    if languages:
        profile_row.languages.set(language_ids(languages))
    if email_vouched:
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    if notify and _matters_for_matching(person):
        profile_changed_notify(user_ids=[user.pk])
    return user


@transaction.atomic
def people_create_bulk(
    *,
    people: Sequence[NewPerson],
    password: str | None = None,
    email_vouched: bool = True,
    notify: bool = True,
    batch_size: int = 1000,
) -> list[Profile]:
    """Create many people in a few bulk inserts; returns their profiles (``.user`` set).

    The emails must be new: callers check the batch against the database
    first (the import reports taken addresses, the demo skips them).
    ``password``: one password for everyone, hashed once (hashing per
    person takes minutes for a community); ``None`` gives each an unusable
    one. ``notify=False`` is for the demo community, whose people are
    scored by a full run started separately rather than one by one.
    """
    if not people:
        return []
    shared_hash = make_password(password) if password is not None else None
    occupations: dict[str, object] = {}

    def occupation_for(*, title: str):
        key = " ".join(title.split()).casefold()
        if key not in occupations:
            occupations[key] = selectors.occupation_for_title(title=title)
        return occupations[key]

    rows = [
        _person_rows(
            person,
            password_hash=shared_hash or make_password(None),
            validate_unique=False,
            occupation_for=occupation_for,
        )
        for person in people
    ]
    users = User.objects.bulk_create([user for user, _, _ in rows], batch_size=batch_size)
    if email_vouched:
        EmailAddress.objects.bulk_create(
            [EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users],
            batch_size=batch_size,
        )
    for user, (_, profile, _) in zip(users, rows, strict=True):
        profile.user = user
    profiles = Profile.objects.bulk_create([p for _, p, _ in rows], batch_size=batch_size)
    codes = dict(Language.objects.values_list("code", "pk"))
    through = Profile.languages.through
    through.objects.bulk_create(
        [
            through(profile_id=profile.pk, language_id=codes[code])
            for profile, (_, _, languages) in zip(profiles, rows, strict=True)
            for code in dict.fromkeys(languages or ())
            if code in codes
        ],
        batch_size=batch_size * 2,
    )
    if notify:
        profile_changed_notify(
            user_ids=[
                profile.user_id
                for profile, person in zip(profiles, people, strict=True)
                if _matters_for_matching(person)
            ]
        )
    return profiles
