""" "Your data": everything held about a person (JSON export) and account deletion.

Both walk the schema generically with ``apps.get_models()``, so models other
apps add later are covered without touching this module:

* **Export** starts at the user row and follows every ForeignKey/OneToOne
  that points at it, then (for rows owned through ``CASCADE``) at those rows,
  and so on: profile → skills, goals → milestones, email addresses, MFA
  authenticators, rows of matching, sessions and community. Rows reached
  directly (they point at the person) are always included. Rows reached
  further down are included unless they point at *another* person and not at
  this one (say a mentor's private note on a shared session): they are that
  person's data. Apps refine this per model with ``register_export_policy``
  (another person's private notes and decline reasons, staff notes and other
  people's ids from suggestions and runs stay out). Secrets are never exported: password hashes, MFA secrets,
  tokens, keys, session data (``is_secret_field``).
* **Deletion** relies on each relation's ``on_delete``: rows a person owns go
  with them (``CASCADE``); rows shared with others are kept and anonymised
  (``SET_NULL``, or ``SET(deleted_user)`` to point at the "Deleted user"
  tombstone). ``PROTECT``, ``RESTRICT`` and ``DO_NOTHING`` relations are only
  allowed when the model registers a handler (``register_personal_data_handler``)
  that deals with its rows first; ``tests/profiles/test_account_data.py`` fails
  for any model that breaks this rule. After the delete, the person's email
  address is replaced by ``[deleted user]`` in every text column of every
  model (a rare, deliberate operation, so a full sweep is affordable), and
  registered handlers scrub other free-text copies (names in admin log
  entries, say). Uploaded files of deleted rows (the avatar) are removed from
  storage after the commit.
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.db import models, router, transaction
from django.db.models.deletion import Collector
from django.utils import timezone

from mentorship.errors import Refusal

from .models import Profile, User

logger = logging.getLogger(__name__)

EXPORT_FORMAT = "mentorship-personal-data/1"
SCRUBBED_EMAIL = "[deleted user]"
TOMBSTONE_EMAIL = "deleted-user@deleted.invalid"
TOMBSTONE_NAME = "Deleted user"
MAX_DEPTH = 6

# Field names that hold secrets, whatever the model (allauth, MFA, sessions, ...).
SECRET_NAME_PARTS = ("password", "secret", "token")
SECRET_NAMES = frozenset({"key", "session_key", "session_data", "code", "otp"})
SECRET_FIELDS: dict[str, frozenset[str]] = {
    "mfa.authenticator": frozenset({"data"}),  # TOTP secret and recovery-code seed
    "socialaccount.socialapp": frozenset({"secret", "key", "client_id"}),
}

PersonalDataHandler = Callable[..., None]
_handlers: dict[type[models.Model], list[PersonalDataHandler]] = defaultdict(list)


def register_personal_data_handler(model: type[models.Model], func: PersonalDataHandler) -> None:
    """Run ``func(user=user, email=..., name=...)`` before ``user`` is deleted.

    For an app whose model holds personal data the on_delete rules cannot
    reach: free-text copies of a name, a ``PROTECT`` relation whose rows must
    be reassigned first, an audit log that must keep its row but lose the
    name. Register from the app's ``AppConfig.ready()``. Registering the same
    function twice has no effect.
    """
    if func not in _handlers[model]:
        _handlers[model].append(func)


def personal_data_handlers() -> dict[type[models.Model], list[PersonalDataHandler]]:
    return {model: list(funcs) for model, funcs in _handlers.items() if funcs}


ExportPolicy = Callable[..., dict | None]
_export_policies: dict[type[models.Model], ExportPolicy] = {}


def register_export_policy(model: type[models.Model], policy: ExportPolicy) -> None:
    """Decide what of ``model``'s rows a person's export may hold.

    ``policy(row=row, user=user, fields=fields)`` gets the serialised fields
    (secrets already removed) and returns the fields to export, or ``None``
    to leave the row out. The schema walk finds every row that *points at*
    the person; a policy is how an app says which of those are another
    person's private text (a decline note, a report about them), a staff
    note, or other people's ids (a mentor's suggestion rows). Register from
    the app's ``AppConfig.ready()``; registering again replaces.
    """
    _export_policies[model] = policy


# --- The schema walk -----------------------------------------------------------


@dataclass(frozen=True)
class PersonalRelation:
    """A ForeignKey/OneToOne from ``model.field`` to the user or their profile."""

    model: type[models.Model]
    field: models.Field
    target: type[models.Model]

    @property
    def label(self) -> str:
        return f"{self.model._meta.label}.{self.field.name} → {self.target._meta.label}"

    @property
    def on_delete_name(self) -> str:
        return on_delete_name(self.field.remote_field.on_delete)


def on_delete_name(on_delete) -> str:
    return getattr(on_delete, "__name__", repr(on_delete))


def is_safe_on_delete(on_delete) -> bool:
    """CASCADE, SET_NULL, SET_DEFAULT and SET(...) never leave a row pointing at a gone user."""
    if on_delete in (models.CASCADE, models.SET_NULL, models.SET_DEFAULT):
        return True
    # models.SET(value) returns a function carrying a ``deconstruct`` for migrations.
    return on_delete not in (models.PROTECT, models.RESTRICT, models.DO_NOTHING) and hasattr(
        on_delete, "deconstruct"
    )


def relations_to(target: type[models.Model]) -> list[PersonalRelation]:
    found = []
    for model in apps.get_models(include_auto_created=True):
        for fld in model._meta.concrete_fields:
            is_link = fld.is_relation and (fld.many_to_one or fld.one_to_one)
            if is_link and fld.related_model is target:
                found.append(PersonalRelation(model=model, field=fld, target=target))
    return found


def personal_data_relations() -> list[PersonalRelation]:
    """Every relation to the user model or to Profile, across all installed apps."""
    return relations_to(get_user_model()) + relations_to(Profile)


def unsafe_relations() -> list[PersonalRelation]:
    """Relations deletion cannot handle on its own and no handler covers."""
    handled = set(_handlers)
    return [
        relation
        for relation in personal_data_relations()
        if not is_safe_on_delete(relation.field.remote_field.on_delete)
        and relation.model not in handled
    ]


def is_secret_field(model: type[models.Model], name: str) -> bool:
    lowered = name.lower()
    return (
        lowered in SECRET_NAMES
        or any(part in lowered for part in SECRET_NAME_PARTS)
        or lowered in SECRET_FIELDS.get(model._meta.label_lower, frozenset())
    )


def _user_columns(model: type[models.Model]) -> list[str]:
    user_model = get_user_model()
    return [
        fld.attname
        for fld in model._meta.concrete_fields
        if fld.is_relation and fld.related_model is user_model
    ]


def personal_rows(*, user: User) -> dict[type[models.Model], list[models.Model]]:
    """The rows held about ``user``, by model (see the module docstring for the rule)."""
    user_model = get_user_model()
    found: dict[type[models.Model], dict[object, models.Model]] = defaultdict(dict)
    found[user_model][user.pk] = user
    queue = deque([(user_model, {user.pk}, 0)])
    while queue:
        target, pks, depth = queue.popleft()
        if depth >= MAX_DEPTH:
            continue
        for relation in relations_to(target):
            model = relation.model
            if model._meta.auto_created:
                continue  # many-to-many tables: their ids are in the owning row already
            rows = model._default_manager.filter(**{f"{relation.field.name}__in": pks})
            new_pks = set()
            user_columns = _user_columns(model)
            for row in rows:
                if depth > 0 and user_columns:
                    # Reached through an owned row: skip rows that belong to someone else.
                    owners = {getattr(row, column) for column in user_columns} - {None}
                    if owners and user.pk not in owners:
                        continue
                if row.pk not in found[model]:
                    found[model][row.pk] = row
                    new_pks.add(row.pk)
            if new_pks and relation.field.remote_field.on_delete is models.CASCADE:
                queue.append((model, new_pks, depth + 1))
    return {model: list(rows.values()) for model, rows in found.items() if rows}


def user_data_export(*, user: User) -> dict:
    """Everything the platform holds about ``user``, as JSON-ready data, without secrets."""
    records: dict[str, list[dict]] = {}
    for model, rows in sorted(personal_rows(user=user).items(), key=lambda i: i[0]._meta.label):
        serialised = serializers.serialize("python", rows)
        policy = _export_policies.get(model)
        cleaned = []
        for row, item in zip(rows, serialised, strict=True):
            fields = {
                name: value
                for name, value in item["fields"].items()
                if not is_secret_field(model, name)
            }
            if policy is not None:
                fields = policy(row=row, user=user, fields=fields)
                if fields is None:
                    continue
            cleaned.append({"id": item["pk"], **fields})
        if cleaned:
            records[model._meta.label_lower] = cleaned
    return {
        "format": EXPORT_FORMAT,
        "generated_at": timezone.now(),
        "user": {"id": user.pk, "email": user.email, "name": user.name},
        "counts": {label: len(rows) for label, rows in records.items()},
        "records": records,
    }


# --- Deletion ------------------------------------------------------------------


class AccountDeletionBlocked(Refusal):
    """Rows refer to the person through a relation nobody knows how to clear.

    The message is for the person asking to delete their account (the team
    can do it for them); ``detail`` says what blocked it, for staff and logs.
    """

    default_code = "account_deletion_blocked"
    default_message = (
        "Your account cannot be deleted automatically right now. "
        "Please contact the programme team, who will delete it for you."
    )

    def __init__(self, detail: str, *, code: str | None = None):
        super().__init__(self.default_message, code=code)
        self.detail = detail


@dataclass
class DeletionReport:
    deleted: dict[str, int] = field(default_factory=dict)
    anonymised: dict[str, int] = field(default_factory=dict)
    scrubbed: dict[str, int] = field(default_factory=dict)

    @property
    def total_deleted(self) -> int:
        return sum(self.deleted.values())


def deleted_user() -> User:
    """The tombstone shared rows can point at instead of a deleted person.

    Use as ``on_delete=models.SET(deleted_user)`` where a row must keep an
    author (a message in a thread, a review the other person keeps). It is an
    inactive account with no usable password and no profile.
    """
    tombstone = User.objects.filter(email=TOMBSTONE_EMAIL).first()
    if tombstone is None:
        tombstone = User(email=TOMBSTONE_EMAIL, name=TOMBSTONE_NAME, is_active=False)
        tombstone.set_unusable_password()
        tombstone.save()
    return tombstone


# Other accounts' own addresses: if someone else holds this address, it is theirs.
SWEEP_SKIP_MODELS = frozenset({"account.emailaddress"})


def _text_fields(model: type[models.Model]) -> list[str]:
    return [
        fld.name
        for fld in model._meta.concrete_fields
        if isinstance(fld, models.CharField | models.TextField)
        and not isinstance(fld, models.SlugField)
        and not fld.choices
        and not fld.primary_key
        and not fld.unique  # a unique column cannot hold a copy of someone else's email
    ]


def _sweep_email(email: str) -> dict[str, int]:
    """Replace ``email`` with a placeholder in every text column of every model."""
    pattern = re.compile(re.escape(email), re.IGNORECASE)
    scrubbed: dict[str, int] = {}
    for model in apps.get_models():
        meta = model._meta
        if not meta.managed or meta.proxy or meta.label_lower in SWEEP_SKIP_MODELS:
            continue
        for name in _text_fields(model):
            rows = model._default_manager.filter(**{f"{name}__icontains": email})
            for pk, value in rows.values_list("pk", name):
                model._default_manager.filter(pk=pk).update(
                    **{name: pattern.sub(SCRUBBED_EMAIL, value)}
                )
                scrubbed[meta.label_lower] = scrubbed.get(meta.label_lower, 0) + 1
    return scrubbed


def _files_of(collector: Collector) -> list[tuple[object, str]]:
    files = []
    for model, instances in collector.data.items():
        file_fields = [f for f in model._meta.concrete_fields if isinstance(f, models.FileField)]
        for instance in instances:
            for fld in file_fields:
                value = getattr(instance, fld.attname)
                if value:
                    files.append((fld.storage, value.name if hasattr(value, "name") else value))
    return files


@transaction.atomic
def user_account_delete(*, user: User) -> DeletionReport:
    """Delete ``user`` and every row they own; anonymise rows shared with others.

    Raises ``AccountDeletionBlocked`` (and changes nothing) when a row refers
    to them through PROTECT/RESTRICT/DO_NOTHING without a registered handler.
    """
    if user.email == TOMBSTONE_EMAIL:
        raise AccountDeletionBlocked(
            "The “Deleted user” placeholder cannot be deleted.", code="placeholder"
        )
    email, name = user.email, user.name
    for funcs in personal_data_handlers().values():
        for func in funcs:
            func(user=user, email=email, name=name)
    blocking = []
    profile_ids = list(Profile.objects.filter(user=user).values_list("pk", flat=True))
    for relation in unsafe_relations():
        ids = [user.pk] if relation.target is not Profile else profile_ids
        if (
            ids
            and relation.model._default_manager.filter(
                **{f"{relation.field.name}__in": ids}
            ).exists()
        ):
            blocking.append(relation.label)
    if blocking:
        detail = "Rows still refer to this account through: " + ", ".join(sorted(blocking))
        logger.warning("account %s not deleted: %s", user.pk, detail)
        raise AccountDeletionBlocked(detail)

    report = DeletionReport()
    using = router.db_for_write(User, instance=user)
    collector = Collector(using=using, origin=user)
    collector.collect([user])
    for (fld, _value), querysets in collector.field_updates.items():
        label = fld.model._meta.label_lower
        report.anonymised[label] = report.anonymised.get(label, 0) + sum(
            len(qs) if isinstance(qs, list) else qs.count() for qs in querysets
        )
    files = _files_of(collector)
    _count, deleted = collector.delete()
    report.deleted = {label.lower(): count for label, count in deleted.items() if count}
    report.scrubbed = _sweep_email(email)

    def remove_files():
        for storage, file_name in files:
            storage.delete(file_name)

    transaction.on_commit(remove_files)
    return report


def _scrub_admin_log(*, user: User, email: str, name: str) -> None:
    """Admin log entries about this person keep the action but lose their name."""
    targets = [(User, user.pk)]
    profile_id = Profile.objects.filter(user=user).values_list("pk", flat=True).first()
    if profile_id is not None:
        targets.append((Profile, profile_id))
    for model, pk in targets:
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(model), object_id=str(pk)
        ).update(object_repr=TOMBSTONE_NAME)


register_personal_data_handler(LogEntry, _scrub_admin_log)
