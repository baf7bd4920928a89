"""Learning score weights from what people accepted and declined."""

from __future__ import annotations

import numpy as np
from django.utils import timezone

from matching.engine import (
    COMPONENTS,
    learn_weights,
)
from matching.errors import LearningRefused
from matching.models import (
    MatchingConfig,
    MatchRequest,
    Suggestion,
)

from .population import RANDOM_STATE


def learning_outcomes() -> tuple[np.ndarray, np.ndarray]:
    """(components (n, 6), accepted (n,)) from what people did with suggestions.

    Accepted request -> 1; request declined by the mentor -> 0; suggestion
    declined by the mentee ("not for me") -> 0. Each suggestion counts once
    (a request's answer wins); pending, withdrawn and expired requests say
    nothing about the match and are left out.
    """
    outcome: dict[int, int] = {}
    components: dict[int, dict] = {}
    for sid, comp in Suggestion.objects.filter(status=Suggestion.Status.DECLINED).values_list(
        "id", "components"
    ):
        outcome[sid], components[sid] = 0, comp
    answered = MatchRequest.objects.filter(
        suggestion__isnull=False,
        status__in=[MatchRequest.Status.ACCEPTED, MatchRequest.Status.DECLINED],
    ).order_by("responded_at")
    for sid, status, comp in answered.values_list(
        "suggestion_id", "status", "suggestion__components"
    ):
        outcome[sid] = 1 if status == MatchRequest.Status.ACCEPTED else 0
        components[sid] = comp
    X, y = [], []
    for sid, label in outcome.items():
        comp = components[sid] or {}
        if all(name in comp for name in COMPONENTS):
            X.append([float(comp[name]) for name in COMPONENTS])
            y.append(label)
    return np.array(X, dtype=np.float64).reshape(-1, len(COMPONENTS)), np.array(y, dtype=int)


def matching_learn_weights():
    """Fit weights from outcomes and store them with held-out AUCs on the config.

    The admin then chooses (``MatchingConfig.use_learned_weights``). Raises
    :class:`LearningRefused` (nothing stored) when there are too few outcomes.
    Returns the engine's ``WeightLearningResult``.
    """
    config = MatchingConfig.load()
    X, y = learning_outcomes()
    minimum = max(int(config.min_outcomes_to_learn), 2)
    result = learn_weights(
        X,
        y,
        config.configured_weights,
        random_state=RANDOM_STATE,
        min_outcomes=minimum,
        min_per_class=max(2, min(15, minimum // 4)),
    )
    if not result.ok:
        raise LearningRefused(f"Weights not learned: {result.reason}.")
    MatchingConfig.objects.filter(pk=config.pk).update(
        learned_weights=result.weights,
        learned_auc=result.auc_learned,
        configured_auc=result.auc_configured,
        learned_outcomes=result.n_outcomes,
        learned_at=timezone.now(),
    )
    return result
