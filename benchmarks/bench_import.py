"""Cohort CSV import: new people created in bulk, on SQLite in a temporary directory.

Every run imports the same file of new people into a database without them
(the previous run's people are deleted, untimed), so each run creates them
all: users, verified addresses, profiles, languages, skills (a few names the
taxonomy lacks become pending tags) and goals. No invitations are sent.
"""

from __future__ import annotations

import csv
import io
import statistics
import tempfile
import time

from .bench_seed import _django_on_temp_sqlite
from .registry import bench

SIZES = {"full": (1000, 3), "small": (200, 3)}
DOMAIN = "bench-import.example.org"


def _cohort_csv(people: int) -> bytes:
    from profiles.importing import COLUMNS

    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=COLUMNS)
    writer.writeheader()
    for n in range(people):
        mentor = n % 4 == 0
        writer.writerow(
            {
                "email": f"person{n:05d}@{DOMAIN}",
                "name": f"Person {n}",
                "role": "mentor" if mentor else "mentee",
                "headline": "Backend developer" if mentor else "Career changer",
                "bio": "I like *Python* and helping people.",
                "job_title": "Software Developers" if mentor else "Web Developers",
                "industry": "Technology",
                "years_experience": str(12 if mentor else 2),
                "timezone": "Europe/Berlin",
                "languages": "en;German",
                "skills_offered": "Python:5;Django:4;SQL:4" if mentor else "",
                "skills_wanted": "" if mentor else f"Python:3;js:2;Bench craft {n % 10}:1",
                "goals": "" if mentor else "Get promoted;Learn Kubernetes",
                "capacity": "2" if mentor else "0",
                "formats": "flash;long_term",
            }
        )
    return out.getvalue().encode("utf-8")


@bench("import_profiles")
def import_profiles(scale: str) -> dict:
    people, runs = SIZES[scale]
    with tempfile.TemporaryDirectory(prefix="bench-import-") as directory:
        _django_on_temp_sqlite(directory)
        from profiles.importing import import_apply
        from profiles.models import Skill, User

        data = _cohort_csv(people)

        def clear() -> None:
            User.objects.filter(email__endswith=f"@{DOMAIN}").delete()
            Skill.objects.filter(name__startswith="Bench craft").delete()

        times, report = [], None
        for _ in range(runs):
            clear()  # not timed
            started = time.perf_counter()
            report = import_apply(data=data, invite=False)
            times.append(time.perf_counter() - started)
        seconds = statistics.median(times)
        return {
            "params": {"people": people, "database": "sqlite"},
            "seconds": round(seconds, 3),
            "runs": runs,
            "people_per_second": round(people / seconds),
            "created": report.counts["created"],
        }
