"""Hostile text through every user-written field, rendered in every page and email.

The fixture is the access matrix's cast (``cast.py``). Each round writes a
payload of ``hostile.PAYLOADS`` into every user-written field (rotating, so
that after ``len(PAYLOADS)`` rounds every payload went through every field),
renders the pages where those fields show, as the people who see them, and
the emails that carry them, and parses the HTML with html5lib: a page may
hold no script, event attribute, dangerous URL or embedding element that
the same page with harmless text does not hold (``html_check``).

Writes go straight to the rows: what the renderer must withstand is any
stored value, whatever wrote it (a form, the import, the API, the admin).
``test_url_fields_refuse_dangerous_schemes`` checks the other side, that the
forms refuse a ``javascript:`` link in the first place.
"""

from __future__ import annotations

import json
from collections import Counter

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from tests.conftest import ARTIFACTS
from tests.factories import UserFactory, staff_login

from .cast import MANAGER, MENTEE, MENTOR, MODERATOR_ACTOR, STRANGER, build_cast
from .hostile import PAYLOADS, URL_PAYLOADS
from .html_check import added, findings

pytestmark = pytest.mark.django_db

HARMLESS = "Plain words about mentoring"
HARMLESS_URL = "https://meet.example.org/room"


def test_corpus_is_large_and_distinct():
    assert len(PAYLOADS) >= 50
    assert len(set(PAYLOADS)) == len(PAYLOADS)


@pytest.mark.parametrize("url", URL_PAYLOADS)
def test_safe_url_keeps_only_http_links(url):
    from profiles.sanitize import safe_url

    assert safe_url(url) == "" or url.startswith("https://")
    assert safe_url("https://meet.example.org/r") == "https://meet.example.org/r"


@pytest.mark.parametrize("url", URL_PAYLOADS[:7])
def test_url_fields_refuse_dangerous_schemes(url):
    """The forms' link fields refuse what the renderer would drop anyway."""
    from django.core.exceptions import ValidationError

    from profiles.forms import ProfileForm
    from sessions.forms import DetailsForm, MentorSettingsForm

    fields = [
        ProfileForm.base_fields["linkedin_url"],
        ProfileForm.base_fields["website_url"],
        DetailsForm.base_fields["meeting_link"],
        MentorSettingsForm.base_fields["meeting_link"],
    ]
    for field in fields:
        with pytest.raises(ValidationError):
            field.clean(url)


def _fields(cast):
    """(row, field name) of every user-written text field of the fixture."""
    from profiles.models import Profile, Skill

    pending = Skill.objects.create(
        name="Pending skill", slug="t-pending-hostile", status=Skill.Status.PENDING
    )
    from tests.factories import ProfileSkillFactory

    ProfileSkillFactory(profile=cast.mentor.profile, skill=pending, direction="offers", level=3)
    rows = []
    for person in (cast.mentee, cast.mentor):
        rows.append((person, "name"))
        profile = Profile.objects.get(user=person)
        for name in (
            "display_name",
            "headline",
            "bio",
            "job_title",
            "organisation",
            "location",
            "strengths",
            "growth_areas",
            "industry",
        ):
            rows.append((profile, name))
    rows += [
        (cast.goal, "title"),
        (cast.goal, "description"),
        (cast.milestone, "title"),
        (cast.request, "message"),
        (cast.request, "decline_reason"),
        (cast.request_question, "body"),
        (cast.reported_message, "body"),
        (cast.mentorship, "end_reason"),
        (cast.session, "topic"),
        (cast.session, "agenda"),
        (cast.session, "decline_reason"),
        (cast.session, "cancel_reason"),
        (cast.past_session, "topic"),
        (cast.shared_note, "body"),
        (cast.private_note, "body"),
        (cast.mentor_private_note, "body"),
        (cast.message, "body"),
        (cast.feedback, "comment"),
        (cast.staff_flag, "detail"),
        (cast.report, "details"),
        (cast.suspension, "reason"),
        (cast.question, "title"),
        (cast.question, "body"),
        (cast.answer, "body"),
        (cast.notification, "title"),
        (cast.notification, "body"),
        (pending, "name"),
    ]
    return rows


def _url_fields(cast):
    from profiles.models import Profile

    return [
        (cast.session, "meeting_link"),
        (Profile.objects.get(user=cast.mentor), "linkedin_url"),
        (Profile.objects.get(user=cast.mentor), "website_url"),
    ]


def _write(row, name, value):
    field = row._meta.get_field(name)
    limit = getattr(field, "max_length", None)
    value = value[:limit] if limit else value
    type(row)._default_manager.filter(pk=row.pk).update(**{name: value})


def _write_json(cast, value):
    from matching.models import Suggestion
    from safety.models import Report

    Suggestion.objects.filter(pk=cast.suggestion.pk).update(
        reasons=[value], reasons_for_mentor=[value]
    )
    Report.objects.filter(pk=cast.report.pk).update(snapshot={"text": value})


def _pages(cast):
    """(actor, url) of every page where the fields above show."""
    mentor_id, mentee_id = cast.mentor.profile.public_id, cast.mentee.profile.public_id
    session, past = cast.session.pk, cast.past_session.pk
    return [
        *(
            (MENTEE, url)
            for url in (
                reverse("dashboard"),
                reverse("notifications"),
                reverse("profiles:profile"),
                reverse("profiles:profile_edit"),
                reverse("profiles:goal_list"),
                reverse("profiles:goal_detail", args=[cast.goal.pk]),
                reverse("profiles:goal_edit", args=[cast.goal.pk]),
                reverse("profiles:profile_detail", args=[mentor_id]),
                reverse("matching:suggestions"),
                reverse("matching:requests_sent"),
                reverse("matching:request_detail", args=[cast.request.pk]),
                reverse("matching:mentorships"),
                reverse("matching:mentorship_detail", args=[cast.mentorship.pk]),
                reverse("sessions:session_list"),
                reverse("sessions:session_detail", args=[session]),
                reverse("sessions:session_detail", args=[past]),
                reverse("community:question_list"),
                reverse("community:question_detail", args=[cast.question.pk]),
                reverse("safety:reports_mine"),
                reverse("profiles:data"),
            )
        ),
        *(
            (MENTOR, url)
            for url in (
                reverse("dashboard"),
                reverse("profiles:profile"),
                reverse("profiles:profile_skills"),
                reverse("profiles:profile_detail", args=[mentee_id]),
                reverse("matching:request_inbox"),
                reverse("matching:request_detail", args=[cast.request.pk]),
                reverse("matching:mentorship_detail", args=[cast.mentorship.pk]),
                reverse("sessions:session_detail", args=[session]),
                reverse("sessions:session_detail", args=[past]),
                reverse("sessions:mentor_settings"),
                reverse("safety:blocks"),
                reverse("community:question_detail", args=[cast.question.pk]),
            )
        ),
        *(
            (MODERATOR_ACTOR, url)
            for url in (
                reverse("safety:staff_queue"),
                reverse("safety:staff_case", args=[cast.mentor.pk]),
                reverse("safety:staff_case", args=[cast.mentee.pk]),
                reverse("safety:staff_suspensions"),
                reverse("safety:staff_audit"),
                reverse("sessions:staff_flags"),
            )
        ),
        *(
            (MANAGER, url)
            for url in (
                reverse("matching:staff_overview"),
                reverse("matching:staff_people_options") + "?q=Mina",
                reverse("matching:staff_exclusions"),
                reverse("community:programme_dashboard"),
            )
        ),
        *(
            (STRANGER, url)
            for url in (
                reverse("profiles:profile_detail", args=[mentor_id]),
                reverse("profiles:directory"),
                reverse("community:question_list"),
                reverse("community:question_detail", args=[cast.question.pk]),
            )
        ),
        *(
            ("superuser", reverse(f"admin:{label}_change", args=[pk]))
            for label, pk in (
                ("profiles_profile", cast.mentor.profile.pk),
                ("profiles_user", cast.mentee.pk),
                ("profiles_user", cast.mentor.pk),
                ("safety_report", cast.report.pk),
                ("matching_matchrequest", cast.request.pk),
                ("community_question", cast.question.pk),
                ("mentoring_sessions_mentoringsession", session),
            )
        ),
    ]


class Renderer:
    def __init__(self, cast):
        self.cast = cast
        self.clients = {}
        superuser = UserFactory(is_staff=True, is_superuser=True)
        self.users = {**cast.users, "superuser": superuser}

    def client(self, actor) -> Client:
        if actor not in self.clients:
            client = Client()
            user = self.users[actor]
            if user.is_staff:
                staff_login(client, user)
            else:
                client.force_login(user)
            self.clients[actor] = client
        return self.clients[actor]

    def page(self, actor, url) -> str:
        response = self.client(actor).get(url)
        assert response.status_code == 200, f"{url} as {actor}: {response.status_code}"
        return response.content.decode()

    def emails(self) -> list[str]:
        """Each notification's email, and the daily digest, as HTML."""
        from mentorship.models import Notification
        from mentorship.notifications import _send_email

        mail.outbox.clear()
        for pk in Notification.objects.filter(user=self.cast.mentee).values_list("pk", flat=True):
            _send_email(pk)
        return [
            content
            for message in mail.outbox
            for content, kind in getattr(message, "alternatives", [])
            if kind == "text/html"
        ]


def _harmless(index: int) -> str:
    return f"Plainword{index:02d}x"


def _round(cast, fields, url_fields, shift: int, *, harmless=False) -> None:
    for index, (row, name) in enumerate(fields):
        _write(
            row, name, _harmless(index) if harmless else PAYLOADS[(index + shift) % len(PAYLOADS)]
        )
    for index, (row, name) in enumerate(url_fields):
        value = HARMLESS_URL if harmless else URL_PAYLOADS[(index + shift) % len(URL_PAYLOADS)]
        _write(row, name, value)
    _write_json(cast, HARMLESS if harmless else PAYLOADS[shift % len(PAYLOADS)])


#: Fields no page of the fixture shows in its current state (a pending request has no
#: decline reason yet...); they still get every payload, for the pages of other states.
NOT_SHOWN_IN_FIXTURE = {"matching.mentorship.end_reason"}


def _forbidden_everywhere(found: Counter) -> Counter:
    return Counter({k: v for k, v in found.items() if k.startswith(("url:", "style:"))})


def _write_figures(chunk: int, figures: dict) -> None:
    path = ARTIFACTS / "security-hostile-text.json"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        data = {}
    data[f"chunk-{chunk}"] = figures
    chunks = [v for k, v in data.items() if k.startswith("chunk-")]
    data["total"] = {
        **{k: figures[k] for k in ("payloads", "url_payloads", "fields", "fields_shown", "pages")},
        "chunks": len(chunks),
        "renders": sum(c["renders"] for c in chunks),
        "findings": sum(c["findings"] for c in chunks),
    }
    path.write_text(json.dumps(data, indent=2))


CHUNKS = 4  # rounds split over four tests, so that xdist can spread them


@pytest.mark.timeout(900)
@pytest.mark.parametrize("chunk", range(CHUNKS))
def test_hostile_text_never_runs(chunk):
    """Rounds ``chunk``, ``chunk + CHUNKS``...: together the chunks run every round."""
    cast = build_cast()
    renderer = Renderer(cast)
    fields, url_fields = _fields(cast), _url_fields(cast)
    pages = _pages(cast)

    _round(cast, fields, url_fields, 0, harmless=True)
    texts = {(a, u): renderer.page(a, u) for a, u in pages}
    baseline = {key: findings(text) for key, text in texts.items()}
    mails = renderer.emails()
    mail_baseline = sum((findings(html) for html in mails), Counter())
    everything = "\n".join([*texts.values(), *mails])
    unseen = sorted(
        f"{row._meta.label_lower}.{name}"
        for index, (row, name) in enumerate(fields)
        if _harmless(index) not in everything
    )
    problems = [
        f"baseline {a} {u}: {dict(_forbidden_everywhere(f))}"
        for (a, u), f in baseline.items()
        if _forbidden_everywhere(f)
    ]

    rendered = 0
    for shift in range(chunk, len(PAYLOADS), CHUNKS):
        _round(cast, fields, url_fields, shift)
        for actor, url in pages:
            extra = added(findings(renderer.page(actor, url)), baseline[(actor, url)])
            rendered += 1
            if extra:
                problems.append(f"round {shift} {actor} {url}: {dict(extra)}")
        extra = added(sum((findings(h) for h in renderer.emails()), Counter()), mail_baseline)
        if extra:
            problems.append(f"round {shift} emails: {dict(extra)}")

    figures = {
        "payloads": len(PAYLOADS),
        "url_payloads": len(URL_PAYLOADS),
        "fields": len(fields) + len(url_fields) + 3,
        "fields_shown": len(fields) - len(unseen),
        "pages": len(pages),
        "renders": rendered,
        "findings": len(problems),
    }
    _write_figures(chunk, {**figures, "unseen": unseen, "problems": problems[:200]})
    assert problems == []
    assert set(unseen) <= NOT_SHOWN_IN_FIXTURE, "a field the test writes shows on no page"


def _contexts(payload: str) -> list[str]:
    """A payload as markup, and inside a double- and a single-quoted attribute."""
    return [payload, f'<div title="{payload}">x</div>', f"<a href='{payload}'>x</a>"]


def test_the_checker_sees_raw_payloads_and_both_parsers_agree():
    """The check can fail: raw (unescaped) payloads hold what it looks for. Lexbor,
    which parses the pages, finds what html5lib finds (same counts, attribute names
    without their namespace prefix), on every payload in every context."""
    raw = [p for p in PAYLOADS if findings(p)]
    assert len(raw) >= 45, f"only {len(raw)} raw payloads hold a finding"
    assert all(findings(f'<a href="{u}">x</a>') for u in URL_PAYLOADS)

    def plain(found: Counter) -> Counter:
        return Counter({k.replace(":xlink:", ":"): v for k, v in found.items()})

    for payload in [*PAYLOADS, *URL_PAYLOADS, "<template><img src=x onerror=alert(1)></template>"]:
        for html in _contexts(payload):
            by_lexbor = plain(findings(html, parser="lexbor"))
            by_html5lib = plain(findings(html, parser="html5lib"))
            if "<template" in html.lower():
                assert findings(html) == findings(html, parser="html5lib")
                if html.startswith("<template"):
                    assert by_html5lib  # what is inside the template counts
            else:
                assert by_lexbor == by_html5lib, html
