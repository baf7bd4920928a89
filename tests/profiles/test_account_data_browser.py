"""Your data and the admin cohort import in Chromium; screenshots in test-results/screenshots/."""

import pytest

from profiles.models import User
from tests.factories import (
    PASSWORD,
    MentorProfileFactory,
    ProfileSkillFactory,
    add_totp,
    totp_code,
    verified_user,
)
from tests.profiles.test_import import good_file, make_csv, person

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture(autouse=True)
def _reference_languages():
    """A transactional test elsewhere may have flushed the seeded languages."""
    from profiles.models import Language
    from profiles.reference_data import LANGUAGES

    for code, name in LANGUAGES:
        Language.objects.get_or_create(code=code, defaults={"name": name})


def log_in(page, live_server, email):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def test_your_data_page_download_and_delete(page, live_server, artifacts_dir):
    user = verified_user(email="ivy@example.org", name="Ivy Park")
    ProfileSkillFactory(profile=MentorProfileFactory(user=user), direction="offers")
    log_in(page, live_server, user.email)
    page.goto(f"{live_server.url}/account/data/")
    page.screenshot(path=artifacts_dir / "your-data.png", full_page=True)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download my data (JSON)").click()
    assert download.value.suggested_filename.startswith("my-mentorship-data-")

    page.get_by_label("Your password").fill("wrong")
    page.get_by_label("Type your email address to confirm").fill("ivy@example.org")
    page.get_by_role("button", name="Delete my account").click()
    page.get_by_text("That is not your password.").wait_for()
    page.screenshot(path=artifacts_dir / "your-data-delete-error.png", full_page=True)

    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_label("Type your email address to confirm").fill("ivy@example.org")
    page.get_by_role("button", name="Delete my account").click()
    page.get_by_role("heading", name="Your account has been deleted").wait_for()
    page.screenshot(path=artifacts_dir / "your-data-deleted.png", full_page=True)
    assert not User.objects.filter(email="ivy@example.org").exists()


def test_admin_cohort_import(page, live_server, artifacts_dir, tmp_path):
    add_totp(verified_user(email="root@example.org", is_staff=True, is_superuser=True))
    log_in(page, live_server, "root@example.org")
    # The admin needs a second factor in this session (safety.middleware).
    page.get_by_placeholder("Code").fill(totp_code())
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(lambda url: "/2fa/" not in url)
    page.goto(f"{live_server.url}/admin/profiles/profile/")
    page.get_by_role("link", name="Import CSV").click()
    page.screenshot(path=artifacts_dir / "admin-import-upload.png", full_page=True)

    bad = tmp_path / "bad.csv"
    bad.write_bytes(make_csv([person(role="guru"), person(email="b@example.org", timezone="Mars")]))
    page.set_input_files("input[type=file]", str(bad))
    page.get_by_role("button", name="Check the file").click()
    page.get_by_text("Nothing was imported").wait_for()
    page.screenshot(path=artifacts_dir / "admin-import-errors.png", full_page=True)

    page.goto(f"{live_server.url}/admin/profiles/profile/import/")
    good = tmp_path / "good.csv"
    good.write_bytes(good_file())
    page.set_input_files("input[type=file]", str(good))
    page.get_by_role("button", name="Check the file").click()
    page.get_by_role("button", name="Confirm and import").wait_for()
    page.screenshot(path=artifacts_dir / "admin-import-preview.png", full_page=True)
    page.get_by_role("button", name="Confirm and import").click()
    page.get_by_text("Imported: 2 created").wait_for()
    page.screenshot(path=artifacts_dir / "admin-import-result.png", full_page=True)
    assert User.objects.filter(email="bob@example.org").exists()
