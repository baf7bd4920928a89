"""Your data: the JSON download and account deletion, checked over every app's models.

The generic tests walk ``apps.get_models()``: when another app adds a model
with a user foreign key, ``_fill_row`` tries to create a row for the person
in it (every text column mentioning their email), and the deletion test
proves no row refers to them afterwards and no text column still holds their
email. A relation with PROTECT/RESTRICT/DO_NOTHING and no registered handler
fails ``test_every_relation_to_a_person_can_be_cleared``.
"""

import datetime
import decimal
import json
import uuid

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.utils import timezone

from profiles.account_data import (
    SCRUBBED_EMAIL,
    deleted_user,
    is_safe_on_delete,
    personal_data_handlers,
    personal_data_relations,
    personal_rows,
    unsafe_relations,
    user_account_delete,
    user_data_export,
)
from profiles.models import Profile, Skill, User
from tests.factories import (
    PASSWORD,
    AvailabilitySlotFactory,
    GoalFactory,
    MentorProfileFactory,
    MilestoneFactory,
    ProfileSkillFactory,
    SkillFactory,
    UserFactory,
    verified_user,
)

pytestmark = pytest.mark.django_db

TOTP_SECRET = "JBSWY3DPEHPK3PXPSECRETXX"


def test_safe_on_delete_rules():
    assert is_safe_on_delete(models.CASCADE)
    assert is_safe_on_delete(models.SET_NULL)
    assert is_safe_on_delete(models.SET(deleted_user))
    assert not is_safe_on_delete(models.PROTECT)
    assert not is_safe_on_delete(models.RESTRICT)
    assert not is_safe_on_delete(models.DO_NOTHING)


def test_every_relation_to_a_person_can_be_cleared():
    relations = personal_data_relations()
    labels = {relation.label for relation in relations}
    assert "profiles.Profile.user → profiles.User" in labels
    assert "profiles.ProfileSkill.profile → profiles.Profile" in labels
    offenders = [f"{r.label} (on_delete={r.on_delete_name})" for r in unsafe_relations()]
    assert offenders == [], (
        "These relations would block or break account deletion: use CASCADE for rows the "
        "person owns, SET_NULL or SET(profiles.account_data.deleted_user) for rows shared "
        "with others, or register a handler with "
        "profiles.account_data.register_personal_data_handler: " + "; ".join(offenders)
    )


# --- A row in every model that can point at the person -----------------------


def _value_for(field, *, user, profile, email, depth, made):
    if field.is_relation:
        target = field.related_model
        if target is User:
            # The first user column is the person; others (mentor, recipient...) a counterpart.
            if made.setdefault("_user_columns", set()) and field.name not in made["_user_columns"]:
                return made.setdefault("_counterpart", UserFactory())
            made["_user_columns"].add(field.name)
            return user
        if target is Profile:
            return profile
        existing = made.get(target) or target._default_manager.first()
        if existing is not None or depth >= 3:
            return existing
        return _fill_row(
            target, user=user, profile=profile, email=email, depth=depth + 1, made=made
        )
    if field.choices:
        return field.choices[0][0]
    if isinstance(field, models.EmailField):
        return email
    if isinstance(field, models.SlugField):
        return f"slug-{uuid.uuid4().hex[:12]}"
    if isinstance(field, models.URLField):
        return "https://example.org/"
    if isinstance(field, models.UUIDField):
        return uuid.uuid4()
    if isinstance(field, models.FileField):
        return ""
    if isinstance(field, models.CharField | models.TextField):
        text = f"about {email}"
        return text[: field.max_length] if field.max_length else text
    if isinstance(field, models.BooleanField):
        return False
    if isinstance(field, models.DateTimeField):
        return timezone.now()
    if isinstance(field, models.DateField):
        return timezone.localdate()
    if isinstance(field, models.TimeField):
        return datetime.time(9, 0)
    if isinstance(field, models.DurationField):
        return datetime.timedelta(hours=1)
    if isinstance(field, models.DecimalField):
        return decimal.Decimal("1")
    if isinstance(field, models.FloatField):
        return 0.5
    if isinstance(field, models.IntegerField):
        return 1
    if isinstance(field, models.JSONField):
        return {}
    if isinstance(field, models.GenericIPAddressField):
        return "127.0.0.1"
    raise TypeError(f"no test value for {field!r}")


def _fill_row(model, *, user, profile, email, depth=0, made=None):
    """Best effort: a row of ``model`` for this person, every text column mentioning ``email``."""
    made = {} if made is None else made
    made.pop("_user_columns", None)
    values = {}
    for field in model._meta.concrete_fields:
        if field.primary_key or isinstance(field, models.AutoField):
            continue
        is_person = field.is_relation and field.related_model in (User, Profile)
        if (
            not is_person
            and (field.has_default() or field.null)
            and not isinstance(field, models.CharField | models.TextField)
        ):
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            continue
        value = _value_for(field, user=user, profile=profile, email=email, depth=depth, made=made)
        if value is None and not field.null:
            raise ValueError(f"no row to point {field} at")
        values[field.name] = value
    row = model._default_manager.create(**values)
    made[model] = row
    return row


def _rich_person(email="dana@example.org"):
    """A person with a row in every model that can hold one (and the usual data)."""
    user = verified_user(email=email, name="Dana Quill")
    profile = MentorProfileFactory(user=user, bio=f"Write to {email}")
    ProfileSkillFactory(profile=profile, direction="offers", level=4)
    AvailabilitySlotFactory(profile=profile)
    MilestoneFactory(goal=GoalFactory(owner=user))
    SkillFactory(name="Dana's own tag", created_by=user, status=Skill.Status.PENDING)
    Authenticator.objects.create(
        user=user, type=Authenticator.Type.TOTP, data={"secret": TOTP_SECRET}
    )
    filled, skipped = [], []
    covered = {
        "profiles.profile",
        "profiles.profileskill",
        "profiles.availabilityslot",
        "profiles.goal",
        "profiles.milestone",
        "account.emailaddress",
    }
    for relation in personal_data_relations():
        model = relation.model
        label = model._meta.label_lower
        if model._meta.auto_created or label in covered or model in (LogEntry,):
            continue
        covered.add(label)
        try:
            with transaction.atomic():
                _fill_row(model, user=user, profile=profile, email=email)
            filled.append(label)
        except Exception as exc:  # noqa: BLE001 - a model we cannot fill is reported below
            skipped.append(f"{label}: {exc}")
    # The generic fill gave Dana a suspension row; keep it (it is her data) but
    # lifted, so she can still use the site in these tests.
    from safety.models import Suspension

    Suspension.objects.filter(user=user).update(lifted_at=timezone.now())
    return user, profile, filled, skipped


def test_download_holds_the_persons_rows_from_every_app_and_no_secrets():
    user, profile, filled, _skipped = _rich_person()
    stranger = MentorProfileFactory()
    GoalFactory(owner=stranger.user, title="A stranger's goal")

    data = json.loads(json.dumps(user_data_export(user=user), default=str))

    records = data["records"]
    for label in [
        "profiles.user",
        "profiles.profile",
        "profiles.profileskill",
        "profiles.availabilityslot",
        "profiles.goal",
        "profiles.milestone",
        "profiles.skill",
        "account.emailaddress",
        "mfa.authenticator",
        *filled,
    ]:
        assert records.get(label), f"{label} missing from the download"
    assert records["profiles.profile"][0]["bio"] == "Write to dana@example.org"
    assert data["user"]["email"] == "dana@example.org"
    payload = json.dumps(data)
    assert user.password not in payload
    assert '"password"' not in payload
    assert TOTP_SECRET not in payload
    assert '"data"' not in json.dumps(records["mfa.authenticator"])
    assert "A stranger's goal" not in payload
    assert stranger.user.email not in payload


def test_deletion_leaves_no_row_referring_to_the_person_nor_their_email(
    django_capture_on_commit_callbacks,
):
    user, profile, filled, skipped = _rich_person()
    other_admin = UserFactory(is_staff=True)
    LogEntry.objects.log_actions(
        user_id=other_admin.pk, queryset=[user], action_flag=CHANGE, change_message="edited"
    ) if hasattr(LogEntry.objects, "log_actions") else LogEntry.objects.create(
        user=other_admin,
        content_type=ContentType.objects.get_for_model(User),
        object_id=str(user.pk),
        object_repr=str(user),
        action_flag=CHANGE,
    )
    shared_skill = Skill.objects.get(name="Dana's own tag")
    keeper = MentorProfileFactory(bio="nothing to see")
    ProfileSkillFactory(profile=keeper, skill=shared_skill, direction="offers")
    user_id, profile_id, email = user.pk, profile.pk, user.email

    with django_capture_on_commit_callbacks(execute=True):
        report = user_account_delete(user=user)

    assert not User.objects.filter(pk=user_id).exists()
    assert report.deleted["profiles.profile"] == 1
    for relation in personal_data_relations():
        target_id = user_id if relation.target is User else profile_id
        remaining = relation.model._default_manager.filter(**{relation.field.attname: target_id})
        assert not remaining.exists(), f"{relation.label} still refers to the deleted person"
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, models.CharField | models.TextField):
                leak = model._default_manager.filter(**{f"{field.name}__icontains": email})
                assert not leak.exists(), f"{model._meta.label}.{field.name} still holds the email"
    shared_skill.refresh_from_db()
    assert shared_skill.created_by is None  # shared tag kept, anonymised
    assert keeper.skills.filter(skill=shared_skill).exists()  # nobody else lost anything
    entry = LogEntry.objects.get(object_id=str(user_id))
    assert entry.object_repr == "Deleted user"
    print(f"rows created generically in: {filled}; could not fill: {skipped}")


def test_free_text_copies_of_the_email_elsewhere_are_scrubbed():
    user = UserFactory(email="eve@example.org")
    other = MentorProfileFactory(bio="Ask EVE@example.org about Rust")
    user_account_delete(user=user)
    other.refresh_from_db()
    assert other.bio == f"Ask {SCRUBBED_EMAIL} about Rust"


def test_avatar_file_is_removed_after_commit(
    django_capture_on_commit_callbacks, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    profile = MentorProfileFactory()
    profile.avatar.save("face.png", ContentFile(b"not really a png"), save=True)
    path = tmp_path / profile.avatar.name
    assert path.exists()
    with django_capture_on_commit_callbacks(execute=True):
        user_account_delete(user=profile.user)
    assert not path.exists()


def test_tombstone_is_an_inactive_account_and_cannot_be_deleted():
    tombstone = deleted_user()
    assert deleted_user() == tombstone
    assert not tombstone.is_active and not tombstone.has_usable_password()
    from profiles.account_data import AccountDeletionBlocked

    with pytest.raises(AccountDeletionBlocked):
        user_account_delete(user=tombstone)


def test_admin_log_handler_is_registered():
    assert LogEntry in personal_data_handlers()


def test_personal_rows_skip_rows_that_belong_to_someone_else():
    user = UserFactory()
    rows = personal_rows(user=user)
    assert list(rows) == [User]
    assert EmailAddress.objects.count() == 0


# --- Views ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/account/data/"),
        ("get", "/account/data/download/"),
        ("post", "/account/data/delete/"),
    ],
)
def test_anonymous_is_sent_to_login(client, method, url):
    response = getattr(client, method)(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_overview_lists_what_is_held(client):
    user, *_ = _rich_person()
    client.force_login(user)
    response = client.get("/account/data/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "What we hold about you" in body
    assert "Download my data (JSON)" in body
    assert "Delete my account" in body
    assert "<td>Profile skill</td>" in body


def test_download_is_the_logged_in_persons_json(client):
    user, *_ = _rich_person()
    other = verified_user()
    client.force_login(other)
    response = client.get("/account/data/download/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment; filename=")
    data = json.loads(response.content)
    assert data["user"]["email"] == other.email
    assert user.email not in response.content.decode()


def test_delete_needs_the_password_and_the_typed_email(client):
    user = verified_user(email="fay@example.org")
    client.force_login(user)
    response = client.post(
        "/account/data/delete/", {"password": "wrong", "confirm": "fay@example.org"}
    )
    assert response.status_code == 400
    assert "That is not your password." in response.content.decode()
    response = client.post("/account/data/delete/", {"password": PASSWORD, "confirm": "fay"})
    assert response.status_code == 400
    assert "Type your email address exactly as shown" in response.content.decode()
    assert User.objects.filter(pk=user.pk).exists()
    assert client.get("/account/data/delete/").status_code == 405


def test_delete_removes_the_account_and_logs_out(client):
    user = verified_user(email="gus@example.org")
    MentorProfileFactory(user=user)
    client.force_login(user)
    response = client.post(
        "/account/data/delete/", {"password": PASSWORD, "confirm": "GUS@example.org"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/account/data/deleted/"
    assert not User.objects.filter(email="gus@example.org").exists()
    assert "_auth_user_id" not in client.session
    page = client.get("/account/data/deleted/")
    assert "Your account has been deleted" in page.content.decode()
    assert client.get("/account/data/").status_code == 302


def test_delete_without_a_password_goes_through_allauth_reauthentication(client):
    """No password to ask for: allauth reauthenticates (here with the person's TOTP)."""
    user = verified_user(email="hal@example.org")
    user.set_unusable_password()
    user.save()
    Authenticator.objects.create(
        user=user, type=Authenticator.Type.TOTP, data={"secret": TOTP_SECRET}
    )
    client.force_login(user)
    page = client.get("/account/data/")
    assert 'name="password"' not in page.content.decode()
    response = client.post("/account/data/delete/", {"confirm": "hal@example.org"})
    assert response.status_code == 302
    assert "reauthenticate" in response["Location"]
    assert User.objects.filter(pk=user.pk).exists()
