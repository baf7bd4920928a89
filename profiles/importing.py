"""Cohort import: parse, validate and apply a CSV of people (all-or-nothing).

The format (also written by ``exporting.py``, so export → import round-trips)::

    email,name,role,headline,bio,job_title,industry,years_experience,timezone,
    languages,skills_offered,skills_wanted,goals,capacity,formats

Decisions (see ``docs/import.md`` for the admin-facing version):

* The file must be UTF-8 (a BOM, as Excel writes it, is fine). Line numbers are
  the CSV lines as a spreadsheet shows them: the header is line 1.
* Required columns: ``email``, ``name``, ``role``, ``timezone``. Any other column
  may be left out of the header altogether; a left-out column leaves that field
  of an existing person untouched (and the default for a new one). A present
  but empty cell means "empty" (no languages, no skills, neither format, 0).
  Unknown columns are an error (they are usually typos of real ones).
* List cells are separated by ``;``; a literal ``;`` inside an item is written
  ``\\;`` (and a backslash ``\\\\``).
* ``languages``: ISO 639-1 codes or English names, any case (``en;Spanish``).
* ``skills_offered`` / ``skills_wanted``: ``Name`` or ``Name:level`` (default
  3). Offered levels are a proficiency 1–5, wanted levels a priority 1–3
  (``services.LEVEL_RANGE``). Names match the taxonomy by name, then alias,
  any case (``js`` is JavaScript); unknown names become pending member tags
  for an admin to review. The cell is the complete list for that direction:
  skills not listed are removed.
* ``goals``: titles. Goals are added, never removed or changed: a person's
  existing goals carry milestones and progress the import must not lose. A
  title already present (any case) is left alone.
* ``formats``: ``flash`` and/or ``long_term`` (``long-term`` is accepted).
* ``role`` is ``mentee``, ``mentor`` or ``both``; a mentor (or both) needs a
  capacity of at least 1 (from the file, or already stored when the column is
  left out).
* ``capacity`` 0–50, ``years_experience`` 0–70, whole numbers.
* Cells that a spreadsheet would run as a formula are exported with a leading
  ``'``; the import removes that one quote again (CSV injection guard).

Everything is validated before anything is written, and every problem of
every row is reported. Applying runs in one transaction. New people get an
unusable password, a verified primary email address (the admin vouches for
it) and, after the commit, one invitation email with a link to allauth's
"set a new password" page. Re-importing never invites anyone again: only
people created by this run are invited (resend from the user admin).
"""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress
from allauth.account.utils import user_pk_to_url_str
from allauth.utils import build_absolute_uri
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.validators import validate_email
from django.db import transaction
from django.db.models.functions import Lower
from django.template.loader import render_to_string
from django.urls import reverse

from mentorship.context_processors import site as site_context
from mentorship.text import header_text

from . import hooks, selectors, services
from .models import Goal, Language, Profile, ProfileSkill, User
from .timezones import timezone_names

COLUMNS: tuple[str, ...] = (
    "email",
    "name",
    "role",
    "headline",
    "bio",
    "job_title",
    "industry",
    "years_experience",
    "timezone",
    "languages",
    "skills_offered",
    "skills_wanted",
    "goals",
    "capacity",
    "formats",
)
REQUIRED_COLUMNS: tuple[str, ...] = ("email", "name", "role", "timezone")
FORMATS = ("flash", "long_term")
FORMAT_ALIASES = {
    "flash": "flash",
    "long_term": "long_term",
    "long-term": "long_term",
    "long term": "long_term",
    "longterm": "long_term",
}
ROLES = tuple(Profile.Role.values)
DEFAULT_LEVEL = 3
MAX_CAPACITY = services.MAX_CAPACITY
MAX_YEARS = services.MAX_YEARS_EXPERIENCE
MAX_BIO = services.BIO_MAX_LENGTH
TEXT_LIMITS = {
    "name": User._meta.get_field("name").max_length,
    "headline": Profile._meta.get_field("headline").max_length,
    "job_title": Profile._meta.get_field("job_title").max_length,
    "industry": Profile._meta.get_field("industry").max_length,
    "bio": MAX_BIO,
}
GOAL_TITLE_MAX = Goal._meta.get_field("title").max_length
EMAIL_MAX = User._meta.get_field("email").max_length
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
SKILL_DIRECTIONS = {
    "skills_offered": ProfileSkill.Direction.OFFERS,
    "skills_wanted": ProfileSkill.Direction.WANTS,
}
_LEVEL_SUFFIX = re.compile(r"^(?P<name>.*\S)\s*:\s*(?P<level>[+-]?\d+)$")


# --- The list-cell format (shared with exporting.py) ---------------------------


def split_list(cell: str) -> list[str]:
    """Split a ``;``-separated cell; ``\\;`` is a literal semicolon. Empty items are dropped."""
    items, current, chars = [], [], iter(cell)
    for char in chars:
        if char == "\\":
            current.append(next(chars, "\\"))
        elif char == ";":
            items.append("".join(current))
            current = []
        else:
            current.append(char)
    items.append("".join(current))
    return [" ".join(item.split()) for item in items if item.strip()]


def join_list(items: Iterable[str]) -> str:
    return ";".join(item.replace("\\", "\\\\").replace(";", "\\;") for item in items)


def guard_formula(value: str) -> str:
    """Prefix cells a spreadsheet would evaluate (``=cmd|...``) with a quote."""
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def unguard_formula(value: str) -> str:
    if value.startswith("'") and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value


def normalise_goal_title(title: str) -> str:
    return " ".join(title.replace(";", ",").split()).casefold()


# --- Results -------------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass
class RowPlan:
    """What the import does (or did) with one person."""

    line: int
    email: str
    name: str
    role: str
    action: str  # "create" | "update" | "unchanged"
    changes: list[str] = field(default_factory=list)


@dataclass
class ImportReport:
    errors: list[RowError] = field(default_factory=list)
    rows: list[RowPlan] = field(default_factory=list)
    new_skills: list[str] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    applied: bool = False
    invited: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)

    @property
    def counts(self) -> dict[str, int]:
        return {
            "created": self.count("create"),
            "updated": self.count("update"),
            "unchanged": self.count("unchanged"),
        }

    @property
    def error_lines(self) -> list[int]:
        return sorted({error.line for error in self.errors})

    def summary(self) -> str:
        counts = self.counts
        return (
            f"{counts['created']} created, {counts['updated']} updated, "
            f"{counts['unchanged']} unchanged"
        )


# --- Parsing -------------------------------------------------------------------


@dataclass
class _Row:
    """One valid-looking data row: the columns present in the file, parsed."""

    line: int
    email: str
    values: dict = field(default_factory=dict)
    # skills_offered / skills_wanted: {lower name: (typed name, level)}


def _decode(data: bytes) -> tuple[str | None, RowError | None]:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None, RowError(
            1, "the file is UTF-16; save it as “CSV UTF-8 (comma delimited)” and upload again"
        )
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return None, RowError(
            line,
            f"the file is not UTF-8 (byte 0x{data[exc.start]:02x}); "
            "save it as “CSV UTF-8 (comma delimited)” and upload again",
        )


def _read_records(text: str) -> Iterable[tuple[int, list[str] | None, str | None]]:
    """Yield ``(first line, cells, csv error)``; blank lines are skipped."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    while True:
        start = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield start, None, f"the CSV cannot be read here ({exc})"
            return
        if not cells or all(not cell.strip() for cell in cells):
            continue
        yield start, cells, None


class _Lookups:
    """Reference data the rows are checked against, loaded once per import."""

    def __init__(self):
        self.languages: dict[str, str] = {}
        for code, name in Language.objects.values_list("code", "name"):
            self.languages[code.lower()] = code
            self.languages[name.lower()] = code
        self.timezones = {name.lower(): name for name in timezone_names()}
        self._skills: dict[str, object] = {}

    def skill(self, name: str):
        """The existing Skill this name means (taxonomy rules of ``selectors``), or None."""
        key = name.casefold()
        if key not in self._skills:
            self._skills[key] = selectors.skill_find_by_name(name=name)
        return self._skills[key]


def _parse_int(raw: str, label: str, low: int, high: int, errors: list[str]) -> int | None:
    if raw == "":
        return 0
    try:
        value = int(raw)
    except ValueError:
        errors.append(f"{label} must be a whole number (got “{raw}”)")
        return None
    if value < low:
        errors.append(f"{label} cannot be negative (got {value})")
        return None
    if value > high:
        errors.append(f"{label} must be at most {high} (got {value})")
        return None
    return value


def _parse_skills(
    raw: str, column: str, lookups: _Lookups, errors: list[str]
) -> dict[str, tuple[str, int]]:
    direction = SKILL_DIRECTIONS[column]
    low, high = services.LEVEL_RANGE[direction]
    label = "offered skill" if column == "skills_offered" else "wanted skill"
    result: dict[str, tuple[str, int]] = {}
    for item in split_list(raw):
        name, level = item, DEFAULT_LEVEL
        match = _LEVEL_SUFFIX.match(item)
        if match:
            name, level = match["name"].strip(), int(match["level"])
            if not low <= level <= high:
                errors.append(
                    f"{label} “{name}”: level must be between {low} and {high} (got {level})"
                )
                continue
        existing = lookups.skill(name)
        if existing is None and len(name) > services.SKILL_NAME_MAX:
            errors.append(
                f"{label} “{name[:40]}…” is too long for a new skill "
                f"(at most {services.SKILL_NAME_MAX} characters)"
            )
            continue
        key = f"id:{existing.pk}" if existing is not None else f"new:{name.casefold()}"
        previous = result.get(key)
        if previous is None or previous[1] < level:
            result[key] = (name, level)
    if len(result) > services.MAX_SKILLS_PER_DIRECTION:
        errors.append(
            f"{column}: at most {services.MAX_SKILLS_PER_DIRECTION} skills (got {len(result)})"
        )
    return result


def _parse_row(line: int, record: dict[str, str], lookups: _Lookups) -> tuple[_Row, list[str]]:
    errors: list[str] = []
    email = record["email"].strip().lower()
    row = _Row(line=line, email=email)
    if not email:
        errors.append("email is empty")
    elif len(email) > EMAIL_MAX:
        errors.append(f"email is longer than {EMAIL_MAX} characters")
    else:
        try:
            validate_email(email)
        except ValidationError:
            errors.append(f"“{email}” is not a valid email address")

    values = row.values
    for column, raw in record.items():
        if column == "email":
            continue
        if column in TEXT_LIMITS:
            limit = TEXT_LIMITS[column]
            if len(raw) > limit:
                errors.append(f"{column} is too long ({len(raw)} characters, at most {limit})")
            else:
                values[column] = raw
        elif column == "role":
            role = raw.lower()
            if not role:
                errors.append("role is empty (mentee, mentor or both)")
            elif role not in ROLES:
                errors.append(f"unknown role “{raw}” (mentee, mentor or both)")
            else:
                values["role"] = role
        elif column == "timezone":
            name = lookups.timezones.get(raw.lower())
            if not raw:
                errors.append("timezone is empty (an IANA name such as Europe/Berlin)")
            elif name is None:
                errors.append(f"unknown time zone “{raw}” (an IANA name such as Europe/Berlin)")
            else:
                values["timezone"] = name
        elif column == "years_experience":
            years = _parse_int(raw, "years_experience", 0, MAX_YEARS, errors)
            if years is not None:
                values["years_experience"] = years
        elif column == "capacity":
            capacity = _parse_int(raw, "capacity", 0, MAX_CAPACITY, errors)
            if capacity is not None:
                values["capacity"] = capacity
        elif column == "languages":
            codes = set()
            for item in split_list(raw):
                code = lookups.languages.get(item.lower())
                if code is None:
                    errors.append(
                        f"unknown language “{item}” (an ISO 639-1 code such as “en” "
                        "or a name such as “English”)"
                    )
                else:
                    codes.add(code)
            values["languages"] = tuple(sorted(codes))
        elif column in SKILL_DIRECTIONS:
            values[column] = _parse_skills(raw, column, lookups, errors)
        elif column == "goals":
            titles: dict[str, str] = {}
            for title in split_list(raw):
                if len(title) > GOAL_TITLE_MAX:
                    errors.append(
                        f"goal “{title[:40]}…” is too long (at most {GOAL_TITLE_MAX} characters)"
                    )
                else:
                    titles.setdefault(normalise_goal_title(title), title)
            values["goals"] = titles
        elif column == "formats":
            chosen = set()
            for item in split_list(raw):
                fmt = FORMAT_ALIASES.get(item.lower())
                if fmt is None:
                    errors.append(f"unknown format “{item}” (flash or long_term)")
                else:
                    chosen.add(fmt)
            values["formats"] = frozenset(chosen)
    return row, errors


def _parse(data: bytes, report: ImportReport) -> list[_Row]:
    text, error = _decode(data)
    if error is not None:
        report.errors.append(error)
        return []
    if not text.strip():
        report.errors.append(RowError(1, "the file is empty (expected a header line)"))
        return []
    records = iter(_read_records(text))
    header_line, header, csv_error = next(records, (1, None, None))
    if csv_error or header is None:
        report.errors.append(RowError(header_line, csv_error or "the header line is missing"))
        return []
    columns = [" ".join(cell.split()).lower().replace(" ", "_") for cell in header]
    report.columns = columns
    problems = []
    duplicates = sorted({c for c in columns if columns.count(c) > 1})
    if duplicates:
        problems.append(f"duplicate column(s): {', '.join(duplicates)}")
    unknown = [c for c in columns if c not in COLUMNS]
    if unknown:
        problems.append(
            f"unknown column(s): {', '.join(c or '(empty)' for c in unknown)} "
            f"(expected: {', '.join(COLUMNS)})"
        )
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        problems.append(f"missing required column(s): {', '.join(missing)}")
    if problems:
        report.errors.extend(RowError(header_line, problem) for problem in problems)
        return []

    lookups = _Lookups()
    rows: list[_Row] = []
    first_line_of: dict[str, int] = {}
    for line, cells, csv_error in records:
        if csv_error:
            report.errors.append(RowError(line, csv_error))
            break
        if len(cells) != len(columns):
            report.errors.append(
                RowError(line, f"has {len(cells)} cells but the header has {len(columns)}")
            )
            continue
        record = {
            column: unguard_formula(cell.strip())
            for column, cell in zip(columns, cells, strict=True)
        }
        row, errors = _parse_row(line, record, lookups)
        if row.email and row.email in first_line_of:
            errors.insert(
                0, f"duplicate email {row.email} (already on line {first_line_of[row.email]})"
            )
        elif row.email:
            first_line_of[row.email] = line
        report.errors.extend(RowError(line, message) for message in errors)
        if not errors:
            rows.append(row)
    if not rows and not report.errors:
        report.errors.append(RowError(header_line, "the file has a header but no people"))
    return rows


# --- Comparing with what is stored ---------------------------------------------


@dataclass
class _Stored:
    user: User | None
    profile: Profile | None
    languages: tuple[str, ...] = ()
    skills: dict[str, dict[int, int]] = field(default_factory=dict)  # direction → {id: level}
    goals: set[str] = field(default_factory=set)


def _load_stored(emails: list[str]) -> dict[str, _Stored]:
    stored: dict[str, _Stored] = {}
    users: list[User] = []
    for start in range(0, len(emails), 500):
        users.extend(
            User.objects.annotate(email_lower=Lower("email")).filter(
                email_lower__in=emails[start : start + 500]
            )
        )
    user_ids = [user.pk for user in users]
    profiles = {
        profile.user_id: profile
        for profile in Profile.objects.filter(user_id__in=user_ids).prefetch_related("languages")
    }
    skills: dict[int, dict[str, dict[int, int]]] = defaultdict(lambda: defaultdict(dict))
    for profile_id, skill_id, direction, level in ProfileSkill.objects.filter(
        profile__user_id__in=user_ids
    ).values_list("profile_id", "skill_id", "direction", "level"):
        skills[profile_id][direction][skill_id] = level
    goals: dict[int, set[str]] = defaultdict(set)
    for owner_id, title in Goal.objects.filter(owner_id__in=user_ids).values_list(
        "owner_id", "title"
    ):
        goals[owner_id].add(normalise_goal_title(title))
    for user in users:
        profile = profiles.get(user.pk)
        stored[user.email.lower()] = _Stored(
            user=user,
            profile=profile,
            languages=tuple(sorted(lang.code for lang in profile.languages.all()))
            if profile
            else (),
            skills={k: dict(v) for k, v in skills[profile.pk].items()} if profile else {},
            goals=goals[user.pk],
        )
    return stored


def _addresses_of_other_accounts(emails: list[str]) -> dict[str, str]:
    """Emails (not a User.email) that an existing account holds as an allauth address."""
    taken = {}
    for start in range(0, len(emails), 500):
        for email, owner in (
            EmailAddress.objects.annotate(email_lower=Lower("email"))
            .filter(email_lower__in=emails[start : start + 500])
            .values_list("email_lower", "user__email")
        ):
            taken[email] = owner
    return taken


def _current_value(column: str, stored: _Stored):
    """The stored value of ``column`` in the parsed form (defaults for a new profile)."""
    profile = stored.profile or Profile()
    if column == "name":
        return stored.user.name if stored.user else ""
    if column == "languages":
        return stored.languages
    if column == "goals":
        return stored.goals
    if column in SKILL_DIRECTIONS:
        return stored.skills.get(SKILL_DIRECTIONS[column], {})
    if column == "formats":
        return frozenset(profile.formats)
    return getattr(profile, column)


def _changed_columns(row: _Row, stored: _Stored) -> list[str]:
    changes = []
    for column, value in row.values.items():
        current = _current_value(column, stored)
        if column in SKILL_DIRECTIONS:
            wanted = {}
            for key, (_name, level) in value.items():
                if key.startswith("new:"):
                    wanted = None
                    break
                wanted[int(key[3:])] = level
            if wanted != current:
                changes.append(column)
        elif column == "goals":
            if set(value) - stored.goals:
                changes.append(column)
        elif value != current:
            changes.append(column)
    if stored.profile is None and stored.user is not None and "profile" not in changes:
        changes.insert(0, "profile")
    return changes


def _plan(rows: list[_Row], report: ImportReport) -> dict[str, _Stored]:
    stored = _load_stored([row.email for row in rows])
    taken = _addresses_of_other_accounts([row.email for row in rows if row.email not in stored])
    new_skills: dict[str, str] = {}
    for row in rows:
        current = stored.get(row.email) or _Stored(user=None, profile=None)
        if row.email in taken:
            report.errors.append(
                RowError(
                    row.line,
                    f"{row.email} is already an address of another account "
                    f"({taken[row.email]}); use that account's login email",
                )
            )
            continue
        role = row.values.get("role", "")
        capacity = row.values.get("capacity", current.profile.capacity if current.profile else 0)
        if role in (Profile.Role.MENTOR, Profile.Role.BOTH) and capacity < 1:
            report.errors.append(
                RowError(row.line, f"a {role} needs a capacity of at least 1 (got {capacity})")
            )
            continue
        if current.user is None:
            action, changes = "create", []
        else:
            changes = _changed_columns(row, current)
            action = "update" if changes else "unchanged"
        for column in SKILL_DIRECTIONS:
            for key, (name, _level) in row.values.get(column, {}).items():
                if key.startswith("new:"):
                    new_skills.setdefault(key, name)
        report.rows.append(
            RowPlan(
                line=row.line,
                email=row.email,
                name=row.values.get("name", current.user.name if current.user else ""),
                role=role,
                action=action,
                changes=changes,
            )
        )
    report.errors.sort(key=lambda error: error.line)
    report.new_skills = sorted(new_skills.values(), key=str.casefold)
    return stored


def import_plan(*, data: bytes) -> ImportReport:
    """Validate the whole file and say what importing it would do. Writes nothing."""
    report = ImportReport()
    rows = _parse(data, report)
    if rows:
        _plan(rows, report)
    if report.errors:
        report.rows = []
        report.new_skills = []
    return report


# --- Applying ------------------------------------------------------------------


@hooks.bulk_changes()  # one batched re-score for the whole file, not one per person
def import_apply(*, data: bytes, dry_run: bool = False, invite: bool = True) -> ImportReport:
    """Validate the file again and, when every row is valid, apply it in one transaction.

    With ``dry_run`` (or any error) nothing is written and nobody is invited.
    Invitations go out after the commit, only to people this run created.
    """
    report = ImportReport()
    rows = _parse(data, report)
    with transaction.atomic():
        # Rows that parsed are still compared with the database (stored
        # capacity, addresses of other accounts) so every problem is reported.
        stored = _plan(rows, report) if rows else {}
        if report.errors:
            report.rows, report.new_skills = [], []
            return report
        if dry_run:
            return report
        created = _write(rows, report, stored)
        report.applied = True
        report.invited = [user.email for user in created] if invite else []
        if invite and created:
            user_ids = [user.pk for user in created]
            transaction.on_commit(lambda: invitations_send(user_ids=user_ids))
    return report


# Columns that are profile fields of the same name.
PROFILE_COLUMNS = (
    "role", "headline", "bio", "job_title", "industry", "years_experience", "timezone", "capacity",
)  # fmt: skip


def _profile_fields(values: dict, columns) -> dict:
    """The profile fields (``services.PROFILE_FIELDS``) for the parsed ``columns``."""
    fields = {column: values[column] for column in PROFILE_COLUMNS if column in columns}
    if "formats" in columns:
        fields["format_flash"] = "flash" in values["formats"]
        fields["format_long_term"] = "long_term" in values["formats"]
    if "languages" in columns:
        fields["languages"] = list(values["languages"])
    return fields


def _write(rows: list[_Row], report: ImportReport, stored: dict[str, _Stored]) -> list[User]:
    """Create the new people in bulk, then write every row in file order.

    A brand-new person has nothing to compare with, and a cohort has
    hundreds of them, so their user, address and profile rows are created
    together by ``services.people_create_bulk`` (the same rows, validation
    and ``profile_changed`` as one sign-up); existing people are updated
    through the services one field group at a time.
    """
    plans = {plan.email: plan for plan in report.rows}
    new_rows = [row for row in rows if plans[row.email].action == "create"]
    profiles = services.people_create_bulk(
        people=[
            services.NewPerson(
                email=row.email,
                name=row.values.get("name", ""),
                profile=_profile_fields(row.values, row.values),
            )
            for row in new_rows
        ]
    )
    new_people = {profile.user.email: profile for profile in profiles}
    skills: list[ProfileSkill] = []
    goals: list[Goal] = []
    for row in rows:
        plan = plans[row.email]
        if row.email in new_people:
            profile = new_people[row.email]
            skills += _new_person_skills(row, profile)
            goals += _new_person_goals(row, profile.user)
        elif plan.action != "unchanged":
            _write_person(row, stored[row.email], changes=set(plan.changes))
    ProfileSkill.objects.bulk_create(skills)
    Goal.objects.bulk_create(goals)
    return [profile.user for profile in profiles]


def _write_person(row: _Row, current: _Stored, *, changes: set[str]) -> None:
    user = current.user
    values = row.values
    if "name" in changes and user.name != values["name"]:
        user.name = values["name"]
        user.full_clean(exclude=["password"])
        user.save(update_fields=["name"])
    profile = current.profile or services.profile_get_or_create(user=user)
    fields = _profile_fields(values, changes & set(values))
    if fields:
        services.profile_update(profile=profile, **fields)
    for column, direction in SKILL_DIRECTIONS.items():
        if column in values and column in changes:
            items = [
                (int(key[3:]) if key.startswith("id:") else name, level)
                for key, (name, level) in values[column].items()
            ]
            _skills_set(profile=profile, direction=direction, items=items)
    if "goals" in values and "goals" in changes:
        for key, title in values["goals"].items():
            if key not in current.goals:
                services.goal_create(owner=user, title=title)
                current.goals.add(key)


def _new_person_skills(row: _Row, profile: Profile) -> list[ProfileSkill]:
    """A new person's skill rows; names the taxonomy lacks become their pending tags."""
    rows = []
    for column, direction in SKILL_DIRECTIONS.items():
        for key, (name, level) in row.values.get(column, {}).items():
            if key.startswith("id:"):
                skill_id = int(key[3:])
            else:
                skill_id = services.skill_get_or_create_pending(name=name, user=profile.user).pk
            rows.append(
                ProfileSkill(profile=profile, skill_id=skill_id, direction=direction, level=level)
            )
    return rows


def _new_person_goals(row: _Row, user: User) -> list[Goal]:
    goals = [Goal(owner=user, title=title) for title in row.values.get("goals", {}).values()]
    for goal in goals:
        goal.full_clean(exclude=["owner"])
    return goals


def _skills_set(*, profile: Profile, direction: str, items: list) -> None:
    """``services.profile_skills_set``, with ids of skills another person's pending tag.

    The service only lets a person pick approved skills or their own pending
    ones by id; an import row may name someone else's pending tag (or one an
    earlier row just created), so those go in by name, which the service
    resolves to the same tag without creating a duplicate.
    """
    from .models import Skill

    ids = [ref for ref, _level in items if isinstance(ref, int)]
    visible = set(
        selectors.skills_visible_to(user=profile.user)
        .filter(pk__in=ids)
        .values_list("pk", flat=True)
    )
    names = dict(Skill.objects.filter(pk__in=set(ids) - visible).values_list("pk", "name"))
    resolved = [(names.get(ref, ref), level) for ref, level in items]
    services.profile_skills_set(profile=profile, direction=direction, items=resolved)


# --- Invitations ---------------------------------------------------------------


def invitation_url(*, user: User) -> str:
    """A link to allauth's "set a new password" page, valid for PASSWORD_RESET_TIMEOUT."""
    path = reverse(
        "account_reset_password_from_key",
        kwargs={
            "uidb36": user_pk_to_url_str(user),
            "key": default_token_generator.make_token(user),
        },
    )
    return build_absolute_uri(None, path)


def invitations_send(*, user_ids: list[int]) -> int:
    """Email each person a link to set their password. Returns how many were sent."""
    users = list(User.objects.filter(pk__in=user_ids, is_active=True))
    if not users:
        return 0
    days = max(1, settings.PASSWORD_RESET_TIMEOUT // 86400)
    messages = []
    for user in users:
        context = {
            "user": user,
            "url": invitation_url(user=user),
            "valid_days": days,
            "SITE_NAME": site_context(None)["SITE_NAME"],
        }
        subject = render_to_string("profiles/data/email/invitation_subject.txt", context)
        body = render_to_string("profiles/data/email/invitation_message.txt", context)
        messages.append(
            EmailMultiAlternatives(
                subject=header_text(subject),
                body=body,
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=[user.email],
            )
        )
    # One connection for the whole cohort rather than one per message.
    with get_connection() as connection:
        return connection.send_messages(messages) or 0
