"""``manage.py export_suggestions FILE.csv``: the current suggestions as CSV.

Columns: ``mentee_email, mentor_email, rank, score`` then one column per
score component (``skills, goals, seniority, context, availability,
responsiveness``). Current suggestions that the mentee declined are left
out; ``-`` writes to standard output.
"""

import csv
import sys

from django.core.management.base import BaseCommand

from matching.engine import COMPONENTS
from matching.models import Suggestion

HEADER = ["mentee_email", "mentor_email", "rank", "score", *COMPONENTS]


class Command(BaseCommand):
    help = "Export the current suggestions to a CSV file."

    def add_arguments(self, parser):
        parser.add_argument("file", help="Output path, or - for standard output.")

    def handle(self, *args, **options):
        rows = (
            Suggestion.objects.filter(is_current=True)
            .exclude(status=Suggestion.Status.DECLINED)
            .order_by("mentee__email", "rank")
            .values_list("mentee__email", "mentor__email", "rank", "score", "components")
        )
        out = sys.stdout if options["file"] == "-" else open(options["file"], "w", newline="")  # noqa: SIM115
        count = 0
        try:
            writer = csv.writer(out)
            writer.writerow(HEADER)
            for mentee, mentor, rank, score, components in rows.iterator(chunk_size=5000):
                writer.writerow(
                    [mentee, mentor, rank, f"{score:.4f}"]
                    + [components.get(name, "") for name in COMPONENTS]
                )
                count += 1
        finally:
            if out is not sys.stdout:
                out.close()
        if options["file"] != "-":
            self.stdout.write(f"Wrote {count} suggestions to {options['file']}.")
