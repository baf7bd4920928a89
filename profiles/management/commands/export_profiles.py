"""``manage.py export_profiles FILE.csv``: every profile in the import format."""

import sys

from django.core.management.base import BaseCommand, CommandError

from profiles.exporting import profiles_export_csv


class Command(BaseCommand):
    help = "Write every profile to a CSV that import_profiles reads back unchanged."

    def add_arguments(self, parser):
        parser.add_argument("file", help="output CSV file ('-' writes to stdout)")

    def handle(self, *args, **options):
        path = options["file"]
        if path == "-":
            count = profiles_export_csv(out=sys.stdout)
            self.stderr.write(f"Exported {count} profile(s).")
            return
        try:
            with open(path, "w", encoding="utf-8", newline="") as out:
                count = profiles_export_csv(out=out)
        except OSError as exc:
            raise CommandError(f"cannot write {path}: {exc.strerror}")
        self.stdout.write(self.style.SUCCESS(f"Exported {count} profile(s) to {path}."))
