"""Verification against radar: scores per rain regime, with regimes found by clustering."""

from __future__ import annotations

import numpy as np
from sklearn.cluster import KMeans
from sklearn.model_selection import train_test_split


def critical_success_index(forecast: np.ndarray, observed: np.ndarray, threshold: float) -> float:
    hits = np.sum((forecast >= threshold) & (observed >= threshold))
    misses = np.sum((forecast < threshold) & (observed >= threshold))
    false_alarms = np.sum((forecast >= threshold) & (observed < threshold))
    return float(hits / max(hits + misses + false_alarms, 1))


def scores_by_regime(
    forecasts: np.ndarray, observed: np.ndarray, features: np.ndarray, n_regimes: int, threshold: float
) -> dict[int, float]:
    fit_idx, score_idx = train_test_split(np.arange(len(features)), test_size=0.5)  # violation: MS103
    regimes = KMeans(n_clusters=n_regimes).fit(features[fit_idx])  # violation: MS103
    labels = regimes.predict(features[score_idx])
    return {
        int(regime): critical_success_index(
            forecasts[score_idx][labels == regime], observed[score_idx][labels == regime], threshold
        )
        for regime in np.unique(labels)
    }
