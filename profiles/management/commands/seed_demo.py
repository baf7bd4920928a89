from django.core.management.base import BaseCommand, CommandError

from profiles.demo import DEMO_PASSWORD
from profiles.demo_community import DEMO_DOMAIN, demo_community_seed
from profiles.hooks import demo_fill


class Command(BaseCommand):
    help = (
        "Create a deterministic, realistic demo community from O*NET occupations and tools "
        f"(emails mentor0001@{DEMO_DOMAIN}, mentee0001@{DEMO_DOMAIN}, ...). People that "
        "already exist are skipped, so running it again changes nothing. Sends no email "
        "and schedules no matching work: start a scoring run afterwards."
    )

    def add_arguments(self, parser):
        parser.add_argument("--mentors", type=int, default=150, help="How many mentors.")
        parser.add_argument("--mentees", type=int, default=400, help="How many mentees.")
        parser.add_argument("--seed", type=int, default=7, help="Same seed, same people.")
        parser.add_argument(
            "--no-password",
            action="store_true",
            help=f"Unusable passwords (default: every demo person logs in with {DEMO_PASSWORD!r}).",
        )

    def handle(self, *args, mentors, mentees, seed, no_password, **options):
        if mentors < 0 or mentees < 0:
            raise CommandError("--mentors and --mentees must be zero or more.")
        if mentors > 9999 or mentees > 99999:
            raise CommandError("At most 9999 mentors and 99999 mentees.")
        summary = demo_community_seed(
            mentors=mentors,
            mentees=mentees,
            seed=seed,
            password=None if no_password else DEMO_PASSWORD,
        )
        write = self.stdout.write
        write(
            self.style.SUCCESS(
                f"Demo community (seed {seed}): created {summary.created_mentors} mentors and "
                f"{summary.created_mentees} mentees, skipped {summary.skipped} that already "
                f"existed, in {summary.seconds:.1f} s."
            )
        )
        if summary.created:
            both = summary.roles.get("both", 0)
            write(f"  mentors who are also mentees: {both}")
            write(f"  profile skills: {summary.profile_skills}")
            write(f"  languages: {summary.languages}")
            write(f"  availability slots: {summary.slots}")
            write(f"  goals: {summary.goals} (milestones: {summary.milestones})")
            if summary.missing_skills:
                write(f"  skills not in the taxonomy (skipped): {summary.missing_skills}")
        # Apps above profiles (sessions, community) add their demo rows through profiles.hooks.
        for label, count in demo_fill(seed=seed).items():
            write(f"  {label}" if count is None else f"  {label}: {count}")
        if not no_password and summary.created:
            write(f"  every demo person logs in with the password {DEMO_PASSWORD!r}")
