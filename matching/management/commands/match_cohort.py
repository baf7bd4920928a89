"""``manage.py match_cohort --mode stable|optimal --out FILE.csv [--publish]``.

Computes a whole-cohort assignment (each mentee at most one mentor, within
capacities) in this process, writes the pairs to the CSV (``mentee_email,
mentor_email, score`` and the components) and prints a summary: matched and
unmatched mentees, mentors used and, for ``stable``, the blocking pairs
(0 for a stable assignment). ``--publish`` then makes each assigned mentor
the mentee's first suggestion; without it the preview can still be
published or discarded from the admin.
"""

import csv

from django.core.management.base import BaseCommand, CommandError

from matching import services
from matching.engine import COMPONENTS
from matching.models import Suggestion

HEADER = ["mentee_email", "mentor_email", "score", *COMPONENTS]


class Command(BaseCommand):
    help = "Preview (and optionally publish) a whole-cohort assignment."

    def add_arguments(self, parser):
        parser.add_argument("--mode", choices=services.COHORT_MODES, required=True)
        parser.add_argument("--out", required=True, help="CSV file for the pairs.")
        parser.add_argument("--publish", action="store_true", help="Publish the assignment.")

    def handle(self, *args, **options):
        try:
            run = services.match_cohort_preview(mode=options["mode"])
        except services.MatchingRunError as exc:
            raise CommandError(str(exc))
        pairs = (
            Suggestion.objects.filter(run=run)
            .order_by("mentee__email")
            .values_list("mentee__email", "mentor__email", "score", "components")
        )
        with open(options["out"], "w", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(HEADER)
            for mentee, mentor, score, components in pairs.iterator(chunk_size=5000):
                writer.writerow(
                    [mentee, mentor, f"{score:.4f}"]
                    + [components.get(name, "") for name in COMPONENTS]
                )
        f = run.figures
        lines = [
            f"Cohort run #{run.pk} ({run.mode}): {f['matched']} of {run.mentees_count} mentees matched, "
            f"{f['unmatched']} unmatched; {f['mentors_used']} of {run.mentors_count} mentors used "
            f"({f['free_places']} free places).",
            f"Total score {f['total_score']}, mean {f['mean_score']}.",
        ]
        if f.get("blocking_pairs") is not None:
            lines.append(f"Blocking pairs: {f['blocking_pairs']}.")
        lines.append(f"Pairs written to {options['out']}.")
        if options["publish"]:
            run = services.match_cohort_publish(run=run)
            lines.append(
                f"Published: {run.figures['published']} pairs are now first suggestions"
                + (
                    f" ({run.figures['skipped']} skipped: excluded since)."
                    if run.figures["skipped"]
                    else "."
                )
            )
        else:
            lines.append("Not published (use --publish, or publish the preview in the admin).")
        self.stdout.write("\n".join(lines))
