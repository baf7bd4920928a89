"""``manage.py score_matches [--wait] [--inline]``: start a full scoring run.

Without ``--inline`` the run is queued for the Celery workers (a worker must
be running: ``make run`` starts one). ``--wait`` then polls the ``MatchRun``
row until it ends and prints its figures. ``--inline`` scores every chunk in
this process instead, for an admin without a worker.
"""

import time

from django.core.management.base import BaseCommand, CommandError

from matching import services
from matching.models import MatchRun
from matching.tasks import run_full_scoring

FIGURES = (
    "load_seconds",
    "fit_seconds",
    "mentees_with_suggestions",
    "mentees_without_suggestions",
    "gini_before",
    "gini_after",
    "mean_score_before",
    "mean_score_after",
    "mean_score_cost",
    "worker_processes",
)


class Command(BaseCommand):
    help = "Start a full scoring run (only one runs at a time)."

    def add_arguments(self, parser):
        parser.add_argument("--wait", action="store_true", help="Block until the run ends.")
        parser.add_argument(
            "--inline",
            action="store_true",
            help="Score in this process instead of the workers (implies --wait).",
        )
        parser.add_argument("--chunk-size", type=int, default=None, help="Mentees per chunk task.")
        parser.add_argument(
            "--timeout", type=float, default=3600, help="Seconds --wait waits (default 3600)."
        )

    def handle(self, *args, **options):
        try:
            run = services.match_run_start(chunk_size=options["chunk_size"])
        except services.RunAlreadyActive as exc:
            raise CommandError(str(exc))
        if not options["inline"]:
            run_full_scoring.delay_on_commit(run.pk)
        self.stdout.write(
            f"Full scoring run #{run.pk} {'started' if options['inline'] else 'queued'}."
        )
        if options["inline"]:
            try:
                run = services.match_run_execute_inline(run=run)
            except Exception as exc:  # noqa: BLE001 - the run row records it; report and exit 1
                raise CommandError(f"Run #{run.pk} failed: {type(exc).__name__}: {exc}")
        elif options["wait"]:
            run = self._wait(run, options["timeout"])
        else:
            return
        self._report(run)
        if run.status != MatchRun.Status.SUCCEEDED:
            raise CommandError(f"Run #{run.pk} {run.status}: {run.error}")

    def _wait(self, run: MatchRun, timeout: float) -> MatchRun:
        deadline = time.monotonic() + timeout
        hinted = False
        shown = -1
        while True:
            run.refresh_from_db()
            if run.status not in (MatchRun.Status.QUEUED, MatchRun.Status.RUNNING):
                return run
            if run.chunks_done != shown and run.chunks_total:
                shown = run.chunks_done
                self.stdout.write(f"  {run.chunks_done}/{run.chunks_total} chunks")
            waited = timeout - (deadline - time.monotonic())
            if run.status == MatchRun.Status.QUEUED and waited > 30 and not hinted:
                hinted = True
                self.stderr.write(
                    "Still queued after 30 s: is a worker running? "
                    "Start one with `celery -A mentorship worker` (or `make run`), "
                    "or run this command with --inline."
                )
            if time.monotonic() > deadline:
                raise CommandError(
                    f"Run #{run.pk} is still {run.status} after {timeout:.0f} s "
                    f"({run.chunks_done}/{run.chunks_total} chunks)."
                )
            time.sleep(0.5)

    def _report(self, run: MatchRun) -> None:
        lines = [
            f"Run #{run.pk}: {run.status}",
            f"  seconds: {run.duration_seconds:.2f}" if run.duration_seconds is not None else "",
            f"  mentees: {run.mentees_count}",
            f"  mentors: {run.mentors_count}",
            f"  suggestions: {run.suggestions_count}",
            f"  chunks: {run.chunks_done}/{run.chunks_total}",
        ]
        lines += [f"  {k}: {run.figures[k]}" for k in FIGURES if k in run.figures]
        self.stdout.write("\n".join(line for line in lines if line))
