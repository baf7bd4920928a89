"""Your data: the JSON download and account deletion, checked over every app's models.

The generic tests walk the app registry (``personal_data_relations()``):
for every ForeignKey/OneToOne from any model of any app to the user or their
profile, ``_person_rows`` builds a row with that model's factory from
``tests/factories.py``, the person in that column and their email in every
free-text column. The download must hold each of those rows, and deletion
must treat each as its ``on_delete`` says (``CASCADE``: gone; ``SET_NULL`` /
``SET(deleted_user)``: kept, pointing at nobody / the tombstone), leave no
row referring to the person and no text column holding their email. A model
without a factory, or whose factory cannot build the row, fails the walk
with its name: a new app adds a factory for each model it adds. A relation
with PROTECT/RESTRICT/DO_NOTHING and no registered handler fails
``test_every_relation_to_a_person_can_be_cleared``.
"""

import json

import pytest
from allauth.account.models import EmailAddress
from django.apps import apps
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.utils import timezone

from profiles import account_data
from profiles.account_data import (
    SCRUBBED_EMAIL,
    SWEEP_SKIP_MODELS,
    deleted_user,
    is_safe_on_delete,
    personal_data_handlers,
    personal_data_relations,
    personal_rows,
    unsafe_relations,
    user_account_delete,
    user_data_export,
)
from profiles.models import Skill, User
from safety.models import Suspension
from tests.factories import (
    PASSWORD,
    TOTP_SECRET,
    AuthenticatorFactory,
    GoalFactory,
    LogEntryFactory,
    MentorProfileFactory,
    MilestoneFactory,
    ProfileSkillFactory,
    SkillFactory,
    UserFactory,
    factory_for,
    verified_user,
)

pytestmark = pytest.mark.django_db


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


def _walked_relations():
    """Every relation from a model (any app) to the person; many-to-many tables excepted.

    Auto-created many-to-many tables (``Profile.languages``...) hold only ids
    of the owning row, which the walk covers.
    """
    return [r for r in personal_data_relations() if not r.model._meta.auto_created]


def _add_a_factory(relation) -> str:
    model = relation.model
    return (
        f"{model._meta.label} points at a person ({relation.label}) but tests/factories.py "
        f"has no factory for it, so the account-data walk cannot prove its rows are "
        f"exported and deleted or anonymised. Add a factory named {model.__name__}Factory "
        "to tests/factories.py (columns other than the person's should default to rows "
        "of their own)."
    )


def _mention_email(row, email: str) -> None:
    """Put ``email`` into every free-text column of ``row`` the deletion sweep must clear."""
    meta = row._meta
    if meta.label_lower in SWEEP_SKIP_MODELS:
        return
    text = f"about {email}"
    values = {
        fld.name: text
        for fld in meta.concrete_fields
        if isinstance(fld, models.CharField | models.TextField)
        and not isinstance(fld, models.SlugField | models.EmailField)
        and not (fld.choices or fld.primary_key or fld.unique)
        and (fld.max_length is None or fld.max_length >= len(text))
    }
    if values:
        type(row)._default_manager.filter(pk=row.pk).update(**values)


def _person_rows(*, user, profile, email, find_factory=factory_for):
    """One row per relation to the person, built by the model's factory; fails for any it cannot."""
    built = []
    for relation in _walked_relations():
        build = find_factory(relation.model)
        if build is None:
            pytest.fail(_add_a_factory(relation), pytrace=False)
        target = user if relation.target is User else profile
        existed = set(relation.model._default_manager.values_list("pk", flat=True))
        try:
            with transaction.atomic():
                row = build(**{relation.field.name: target})
        except Exception as exc:  # noqa: BLE001 - any failure fails the test, with the model
            pytest.fail(
                f"{relation.model._meta.label}: {build.__name__}({relation.field.name}=<the "
                f"person>) could not build a row ({type(exc).__name__}: {exc}). Fix the "
                "factory in tests/factories.py so it builds a valid row for any person.",
                pytrace=False,
            )
        if row.pk not in existed:  # the person's own profile is reused, not rewritten
            _mention_email(row, email)
        built.append((relation, row))
    return built


def _withheld_by_policy(row, user) -> bool:
    """Whether the row's app registered an export policy that leaves this row out."""
    policy = account_data._export_policies.get(type(row))
    if policy is None:
        return False
    (item,) = serializers.serialize("python", [row])
    return policy(row=row, user=user, fields=dict(item["fields"])) is None


def _rich_person(email="dana@example.org"):
    """A person with a row through every relation that can point at them, and a few more.

    The walk gives them one skill, one availability slot, one goal...; the
    milestone (reached through the goal) and the shared tag are added here.
    """
    user = verified_user(email=email, name="Dana Quill")
    profile = MentorProfileFactory(user=user, bio=f"Write to {email}")
    MilestoneFactory(goal=GoalFactory(owner=user))
    SkillFactory(name="Dana's own tag", created_by=user, status=Skill.Status.PENDING)
    built = _person_rows(user=user, profile=profile, email=email)
    # The walk gave Dana a suspension row; keep it (it is her data) but lifted,
    # so she can still use the site in these tests.
    Suspension.objects.filter(user=user).update(lifted_at=timezone.now())
    return user, profile, built


def test_every_model_pointing_at_a_person_has_a_factory():
    missing = [_add_a_factory(r) for r in _walked_relations() if factory_for(r.model) is None]
    assert missing == [], "\n".join(missing)


def test_the_walk_covers_every_app_that_holds_personal_data():
    walked = {r.label for r in _walked_relations()}
    for label in [
        "profiles.Profile.user → profiles.User",
        "profiles.ProfileSkill.profile → profiles.Profile",
        "account.EmailAddress.user → profiles.User",
        "mfa.Authenticator.user → profiles.User",
        "admin.LogEntry.user → profiles.User",
        "mentorship.Notification.user → profiles.User",
        "matching.Suggestion.mentor → profiles.User",
        "matching.MatchRequest.mentee → profiles.User",
        "matching.Mentorship.mentor → profiles.User",
        "matching.RequestMessage.author → profiles.User",
        "matching.PairExclusion.created_by → profiles.User",
        "matching.MatchRun.triggered_by → profiles.User",
    ]:
        assert label in walked


def test_a_model_without_a_factory_fails_the_walk_with_its_name():
    user = UserFactory()
    profile = MentorProfileFactory(user=user)

    def no_notification_factory(model):
        return None if model._meta.label == "mentorship.Notification" else factory_for(model)

    with pytest.raises(pytest.fail.Exception) as failure:
        _person_rows(
            user=user, profile=profile, email=user.email, find_factory=no_notification_factory
        )
    message = str(failure.value)
    assert "mentorship.Notification points at a person" in message
    assert "Add a factory named NotificationFactory to tests/factories.py" in message


def test_a_factory_that_cannot_build_the_row_fails_the_walk_with_its_name():
    user = UserFactory()
    profile = MentorProfileFactory(user=user)

    def broken_factory(**kwargs):
        raise ValueError("no such column")

    def broken_for_goals(model):
        return broken_factory if model._meta.label == "profiles.Goal" else factory_for(model)

    with pytest.raises(pytest.fail.Exception) as failure:
        _person_rows(user=user, profile=profile, email=user.email, find_factory=broken_for_goals)
    assert str(failure.value).startswith(
        "profiles.Goal: broken_factory(owner=<the person>) could not build a row "
        "(ValueError: no such column)."
    )


def test_download_holds_the_persons_rows_from_every_app_and_no_secrets():
    user, profile, built = _rich_person()
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
    ]:
        assert records.get(label), f"{label} missing from the download"
    for relation, row in built:
        label = row._meta.label_lower
        exported = {item["id"] for item in records.get(label, [])}
        if _withheld_by_policy(row, user):
            # An app's export policy keeps another person's private text or ids
            # out (safety's tests check each one against marker texts).
            assert row.pk not in exported, f"{relation.label}: row {row.pk} should be withheld"
        else:
            assert row.pk in exported, f"{relation.label}: row {row.pk} missing from the download"
    assert records["profiles.profile"][0]["bio"] == "Write to dana@example.org"
    assert data["user"]["email"] == "dana@example.org"
    payload = json.dumps(data)
    assert user.password not in payload
    assert '"password"' not in payload
    assert TOTP_SECRET not in payload
    assert '"data"' not in json.dumps(records["mfa.authenticator"])
    assert "A stranger's goal" not in payload
    assert stranger.user.email not in payload


def _what_deletion_did(relation, row) -> str:
    """What happened to ``row`` when its person was deleted, as its relation's on_delete says."""
    model = relation.model
    kept = model._default_manager.filter(pk=row.pk).values_list(relation.field.attname, flat=True)
    if not kept:
        return "deleted"
    value = kept[0]
    if value is None:
        return "set to null"
    if value == deleted_user().pk:
        return "pointed at the deleted-user tombstone"
    return f"still pointing at {value}"


def _expected_on_delete(relation) -> str:
    on_delete = relation.field.remote_field.on_delete
    if on_delete is models.CASCADE:
        return "deleted"
    if on_delete is models.SET_NULL:
        return "set to null"
    if is_safe_on_delete(on_delete) and on_delete is not models.SET_DEFAULT:
        # SET(...): the only callable the rules allow is the tombstone.
        return "pointed at the deleted-user tombstone"
    # A registered handler deals with the row; it must at least stop pointing at the person.
    return "handled"


def test_deletion_leaves_no_row_referring_to_the_person_nor_their_email(
    django_capture_on_commit_callbacks,
):
    user, profile, built = _rich_person()
    other_admin = UserFactory(is_staff=True)
    LogEntryFactory(  # an admin's entry about the person: kept, name scrubbed
        user=other_admin,
        content_type=ContentType.objects.get_for_model(User),
        object_id=str(user.pk),
        object_repr=str(user),
    )
    shared_skill = Skill.objects.get(name="Dana's own tag")
    keeper = MentorProfileFactory(bio="nothing to see")
    ProfileSkillFactory(profile=keeper, skill=shared_skill, direction="offers")
    user_id, profile_id, email = user.pk, profile.pk, user.email

    with django_capture_on_commit_callbacks(execute=True):
        report = user_account_delete(user=user)

    assert not User.objects.filter(pk=user_id).exists()
    assert report.deleted["profiles.profile"] == 1
    for relation, row in built:
        expected, done = _expected_on_delete(relation), _what_deletion_did(relation, row)
        if expected == "handled":
            assert not done.startswith("still pointing"), f"{relation.label}: row {done}"
        else:
            assert done == expected, f"{relation.label}: row {done}, expected {expected}"
        counted = report.deleted if done == "deleted" else report.anonymised
        if expected != "handled":
            assert counted.get(row._meta.label_lower), f"{relation.label}: not in the report"
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
    AuthenticatorFactory(user=user)
    client.force_login(user)
    page = client.get("/account/data/")
    assert 'name="password"' not in page.content.decode()
    response = client.post("/account/data/delete/", {"confirm": "hal@example.org"})
    assert response.status_code == 302
    assert "reauthenticate" in response["Location"]
    assert User.objects.filter(pk=user.pk).exists()


def test_blocked_deletion_is_a_refusal_for_the_person_with_the_detail_for_staff():
    from mentorship.errors import Refusal
    from profiles.account_data import AccountDeletionBlocked

    with pytest.raises(AccountDeletionBlocked) as info:
        user_account_delete(user=deleted_user())
    assert isinstance(info.value, Refusal)
    assert info.value.code == "placeholder"
    assert info.value.detail == "The “Deleted user” placeholder cannot be deleted."
    assert info.value.message == (
        "Your account cannot be deleted automatically right now. "
        "Please contact the programme team, who will delete it for you."
    )


def test_delete_page_shows_a_blocked_deletion_and_keeps_the_account(client, monkeypatch):
    from profiles.account_data import AccountDeletionBlocked
    from profiles.views import data

    def blocked(*, user):
        raise AccountDeletionBlocked("Rows still refer to this account through: x.y")

    monkeypatch.setattr(data, "user_account_delete", blocked)
    user = verified_user(email="ida@example.org")
    client.force_login(user)
    response = client.post(
        "/account/data/delete/", {"password": PASSWORD, "confirm": "ida@example.org"}
    )
    assert response.status_code == 409
    body = response.content.decode()
    assert "Please contact the programme team, who will delete it for you." in body
    assert "x.y" not in body
    assert User.objects.filter(pk=user.pk).exists()
    assert client.get("/account/data/").status_code == 200  # still logged in
