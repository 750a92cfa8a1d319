"""Seeded samples of the scenario's uncertain parameters.

The whole design (all N samples) is drawn at once from one `SeedSequence`, so sample i is the
same whatever the chunk size or number of workers: chunks only slice it. Steps:

1. unit-hypercube points from `scipy.stats.qmc` (Latin hypercube or scrambled Sobol), seeded
   by a `numpy.random.Generator` spawned from the seed;
2. optional rank correlations induced by Iman–Conover (1982): columns are re-ordered so their
   ranks follow correlated van der Waerden scores; each column's values (and so the Latin
   hypercube strata) are unchanged;
3. the inverse CDF of each parameter's distribution.
"""

from __future__ import annotations

import warnings
from typing import get_args

import numpy as np
from scipy import special, stats
from scipy.stats import qmc

from energysim.errors import InputError, Problem
from energysim.scenario.schema import (
    Choice,
    LogNormal,
    Normal,
    Triangular,
    UncertainParameter,
    Uncertainty,
    Uniform,
)

PARAMETERS: tuple[str, ...] = get_args(UncertainParameter)  # fixed order of the design columns


def parameter_names(uncertainty: Uncertainty) -> list[str]:
    """Declared parameters in the schema's fixed order (not the file's), so that reordering a
    YAML mapping does not change the samples."""
    return [p for p in PARAMETERS if p in uncertainty.parameters]


def draw_samples(uncertainty: Uncertainty, n: int, seed: int) -> dict[str, np.ndarray]:
    """`n` samples of every declared parameter, keyed by name (arrays of shape (n,))."""
    names = parameter_names(uncertainty)
    if not names:
        raise InputError(
            [Problem("scenario", 1, 1, "uncertainty.parameters", "no uncertain parameters")]
        )
    design_seed, shuffle_seed = np.random.SeedSequence(seed).spawn(2)
    unit = unit_design(uncertainty.sampler, n, len(names), np.random.default_rng(design_seed))
    if uncertainty.rank_correlations:
        target = correlation_matrix(uncertainty, names)
        unit = iman_conover(unit, target, np.random.default_rng(shuffle_seed))
    return {
        name: inverse_cdf(uncertainty.parameters[name], unit[:, j]) for j, name in enumerate(names)
    }


def unit_design(sampler: str, n: int, dimensions: int, rng: np.random.Generator) -> np.ndarray:
    """Points in [0, 1)^d, shape (n, d); strictly inside (0, 1) so every inverse CDF is finite."""
    if sampler == "sobol":
        engine = qmc.Sobol(dimensions, scramble=True, rng=rng)
        with warnings.catch_warnings():  # balance properties need n = 2^m; any n is still valid
            warnings.simplefilter("ignore", UserWarning)
            points = engine.random(n)
    else:
        points = qmc.LatinHypercube(dimensions, rng=rng).random(n)
    tiny = np.finfo(float).eps
    return np.clip(points, tiny, 1.0 - tiny)


def correlation_matrix(uncertainty: Uncertainty, names: list[str]) -> np.ndarray:
    matrix = np.eye(len(names))
    for corr in uncertainty.rank_correlations:
        i, j = names.index(corr.between[0]), names.index(corr.between[1])
        matrix[i, j] = matrix[j, i] = corr.rho
    return matrix


def iman_conover(unit: np.ndarray, target: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Re-order each column of `unit` so that its rank correlations approximate `target`."""
    n, d = unit.shape
    scores = special.ndtri(np.arange(1, n + 1) / (n + 1))
    columns = np.column_stack([rng.permutation(scores) for _ in range(d)])
    achieved = np.corrcoef(columns, rowvar=False) if d > 1 else np.ones((1, 1))
    p = np.linalg.cholesky(target)
    try:
        q = np.linalg.cholesky(achieved)
    except np.linalg.LinAlgError:  # fewer samples than parameters: scores cannot be decorrelated
        q = np.eye(d)
    correlated = columns @ np.linalg.inv(q).T @ p.T
    out = np.empty_like(unit)
    for j in range(d):  # a loop over parameters, not samples
        ranks = np.argsort(np.argsort(correlated[:, j], kind="stable"), kind="stable")
        out[:, j] = np.sort(unit[:, j])[ranks]
    return out


def inverse_cdf(distribution: object, u: np.ndarray) -> np.ndarray:
    """Values with the distribution's quantiles at the unit points `u`."""
    if isinstance(distribution, Normal):
        return distribution.mean + distribution.sd * special.ndtri(u)
    if isinstance(distribution, LogNormal):
        return distribution.median * np.exp(distribution.sigma * special.ndtri(u))
    if isinstance(distribution, Uniform):
        return distribution.low + u * (distribution.high - distribution.low)
    if isinstance(distribution, Triangular):
        low, mode, high = distribution.low, distribution.mode, distribution.high
        return stats.triang.ppf(u, (mode - low) / (high - low), loc=low, scale=high - low)
    if isinstance(distribution, Choice):
        values = np.asarray(distribution.values, dtype=float)
        weights = np.asarray(distribution.weights or [1.0] * len(values), dtype=float)
        edges = np.cumsum(weights) / weights.sum()
        return values[np.minimum(np.searchsorted(edges, u, side="right"), len(values) - 1)]
    raise TypeError(f"unknown distribution {distribution!r}")
