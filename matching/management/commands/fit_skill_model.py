"""``manage.py fit_skill_model [--if-missing] [--components N] [--without-profiles]``.

Fits the skill-relatedness model (which skills relate, learned from the
O*NET occupations' tool lists shipped in ``profiles/data/`` and the members'
own skill lists) and stores it as a new version. Scoring runs started
afterwards use it; suggestions already shown change only at the next run.
The weekly beat entry does the same (``matching.tasks.fit_skill_model``).
"""

from django.core.management.base import BaseCommand, CommandError

from matching.services import skill_model


class Command(BaseCommand):
    help = "Fit the skill-relatedness model and store it as a new version."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-missing",
            action="store_true",
            help="Do nothing when a version is already stored (for first-time setup).",
        )
        parser.add_argument(
            "--components",
            type=int,
            default=skill_model.DEFAULT_COMPONENTS,
            help=f"Dimensions of the skill vectors (default {skill_model.DEFAULT_COMPONENTS}).",
        )
        parser.add_argument(
            "--without-profiles",
            action="store_true",
            help="Fit on the O*NET tool lists only, not the members' skill lists.",
        )

    def handle(self, *args, if_missing, components, without_profiles, **options):
        if if_missing:
            current = skill_model.skill_model_current_version()
            if current is not None:
                self.stdout.write(f"Skill model v{current} already stored; nothing to do.")
                return
        if not 2 <= components <= 1024:
            raise CommandError("--components must be between 2 and 1024.")
        row = skill_model.skill_model_fit(
            n_components=components, include_profiles=not without_profiles
        )
        f = row.figures
        self.stdout.write(
            self.style.SUCCESS(
                f"Skill model v{row.version}: {row.skills_count} skills x {row.dims} dims from "
                f"{f['occupations']} occupations and {f['profile_lists']} member skill lists "
                f"({f['bytes'] / 1e6:.1f} MB, {f['fit_seconds']:.1f} s). "
                "The next scoring run uses it."
            )
        )
