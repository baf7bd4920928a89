"""``manage.py import_profiles FILE.csv [--dry-run]``: onboard a cohort from a CSV.

All-or-nothing: the whole file is validated first; any bad row aborts with
every problem on stderr (``line N: reason``) and exit code 1, and nothing is
written. The format is described in ``profiles/importing.py`` and
``docs/import.md``.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from profiles.importing import import_apply


class Command(BaseCommand):
    help = "Create or update people from a CSV file (all-or-nothing). See docs/import.md."

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV file (UTF-8, header on line 1); '-' reads stdin")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="validate and report what would happen without writing anything",
        )
        parser.add_argument(
            "--no-invite",
            action="store_true",
            help="do not email new people a link to set their password",
        )

    def handle(self, *args, **options):
        path = options["file"]
        if path == "-":
            import sys

            data = sys.stdin.buffer.read()
        else:
            try:
                data = Path(path).read_bytes()
            except OSError as exc:
                raise CommandError(f"cannot read {path}: {exc.strerror}")
        dry_run = options["dry_run"]
        report = import_apply(data=data, dry_run=dry_run, invite=not options["no_invite"])
        if not report.ok:
            for error in report.errors:
                self.stderr.write(f"{path}: {error}")
            raise CommandError(
                f"import aborted: {len(report.errors)} problem(s) on "
                f"{len(report.error_lines)} line(s); nothing was written."
            )
        verbosity = options["verbosity"]
        for row in report.rows:
            if verbosity >= 2 or (verbosity >= 1 and row.action != "unchanged"):
                detail = f" ({', '.join(row.changes)})" if row.changes else ""
                self.stdout.write(f"line {row.line}: {row.action} {row.email}{detail}")
        if report.new_skills:
            self.stdout.write(
                f"{len(report.new_skills)} new skill(s) pending review: "
                + ", ".join(report.new_skills)
            )
        if dry_run:
            self.stdout.write(f"Dry run: would have {report.summary()}. Nothing was written.")
        else:
            self.stdout.write(self.style.SUCCESS(f"Imported: {report.summary()}."))
            self.stdout.write(f"Invitations sent: {len(report.invited)}.")
