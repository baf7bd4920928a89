"""``render_markdown_worst``: the Markdown helper on pathological input.

Every text of ``benchmarks.markdown_worst`` at the renderer's length limit
(``profiles.sanitize.MAX_MARKDOWN_LENGTH``) goes through
``profiles.sanitize.render_markdown`` several times; ``max_ms`` is the worst
text's median time, which must stay under 50 ms (docs/security.md
"Bad input"); ``worst`` names it. ``seconds`` is the median time of the whole
corpus.
"""

from __future__ import annotations

import statistics
import time

from .registry import bench

RUNS = {"full": 7, "small": 3}


@bench("render_markdown_worst")
def render_markdown_worst(scale: str) -> dict:
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentorship.settings.base")
    django.setup()
    from profiles.sanitize import MAX_MARKDOWN_LENGTH, render_markdown

    from .markdown_worst import worst_case_corpus

    corpus = worst_case_corpus(MAX_MARKDOWN_LENGTH)
    runs = RUNS[scale]
    per_text: dict[str, list[float]] = {name: [] for name in corpus}
    totals = []
    for _ in range(runs):
        total = 0.0
        for name, text in corpus.items():
            t0 = time.perf_counter()
            render_markdown(text)
            elapsed = time.perf_counter() - t0
            per_text[name].append(elapsed)
            total += elapsed
        totals.append(total)
    medians = {name: statistics.median(times) * 1000 for name, times in per_text.items()}
    worst = max(medians, key=medians.get)
    return {
        "params": {"texts": len(corpus), "length": MAX_MARKDOWN_LENGTH},
        "seconds": round(statistics.median(totals), 4),
        "runs": runs,
        "max_ms": round(medians[worst], 2),
        "worst": worst,
        "p50_ms": round(statistics.median(medians.values()), 2),
        "target_ms": 50,
    }
