"""The compiled sweep kernel (Numba): the rules of `kernel.dispatch`, one pass over the slices
per sample and year, samples in parallel. `kernel.dispatch` stays the reference path; the
two are tested equal (tests/test_sweep_compiled.py).

Per sample and year, slice by slice and nothing of size (samples x slices) kept: the residual
(demand - renewables - must-run), the storage cycle rule, curtailment and the merit order.
Without sorting: with T_k the cumulative free capacity of the flexible technologies up to
rank k (per sample, from its merit costs; smaller in slices with heat, where CHP already
runs its must-run part), technology k serves

    sum_h w[h] * (min(r[h], T_k) - min(r[h], T_{k-1})),      r = max(residual, 0)

and unserved energy is sum_h w[h] * (r[h] - min(r[h], T_K)): O(H x K) with K the handful of
flexible technologies, cheaper than the O(H log H) sort of the load-duration curve here.

Precision: float64 throughout (the per-sample buffers of H values stay in cache, so float32
would save no memory traffic). Each sample is computed by one thread and every sum runs in
slice order, so results do not depend on the number of threads.

Numba is optional at import: `available()` says whether this engine can run.
"""

from __future__ import annotations

import math

import numpy as np

from energysim.sweep.kernel import (
    Dispatch,
    attribute_must_run,
    attribute_renewables,
    empty_dispatch,
    multipliers,
    record_year,
    year_conditions,
)
from energysim.sweep.plan import System

try:
    import numba
except ImportError:  # the NumPy kernel remains
    numba = None

# columns of the per-sample, per-year scalar results
SURPLUS, CURTAILED, CHARGED, DISCHARGED, UNSERVED = range(5)
PARALLEL_CHUNK = 8  # samples a thread takes at a time


def available() -> bool:
    """Whether Numba is importable (the compiled engine can run)."""
    return numba is not None


def dispatch_compiled(system: System, params: dict[str, np.ndarray], n: int) -> Dispatch:
    """Annual dispatch of n samples, as `kernel.dispatch` (float64), compiled."""
    if numba is None:
        raise RuntimeError("the compiled sweep engine needs numba (pip install numba)")
    if len(system.weight) % system.storage_window:  # the NumPy kernel could not reshape either
        raise ValueError("the storage window does not divide the slices into whole cycles")
    m = multipliers(params, n)
    years, techs = len(system.years), len(system.technologies)
    out = empty_dispatch(n, years, techs)
    profiled = np.flatnonzero(system.profiled)
    flexible = np.flatnonzero(~system.profiled)
    conditions = [year_conditions(system, m, y) for y in range(years)]

    load_mean = np.stack([c.load_mean for c in conditions], axis=1)
    export_flow = np.stack([c.export_flow for c in conditions], axis=1)
    yields = np.stack([c.yield_multiplier[:, profiled] for c in conditions], axis=1)
    order = np.stack(
        [np.argsort(c.merit_cost[:, flexible], axis=1, kind="stable") for c in conditions], axis=1
    )  # (S, Y, Kf) flexible technologies by rank
    steps = np.stack(  # (Y, 2, Kf) free capacity without and with heat demand
        [system.available[flexible].T, system.available[flexible].T - system.must_run[flexible].T],
        axis=1,
    )
    years_index = np.arange(years)[None, :, None, None]
    thresholds = np.cumsum(
        np.maximum(steps, 0.0)[years_index, np.arange(2)[None, None, :, None], order[:, :, None]],
        axis=3,
    )  # (S, Y, 2, Kf) ascending by rank
    storage = np.stack(
        [system.storage_power, system.storage_energy, system.storage_efficiency], axis=1
    )
    storage[(system.storage_power <= 0) | (system.storage_energy <= 0), 0] = 0.0  # off

    scalars = np.zeros((n, years, 5))
    available_energy = np.zeros((n, years, len(profiled)))
    ranked_energy = np.zeros((n, years, len(flexible)))
    with numba.parallel_chunksize(PARALLEL_CHUNK):  # dynamic: a busy core slows only its share
        _KERNEL(
            np.ascontiguousarray(system.load_pu, dtype=np.float64),
            np.ascontiguousarray(system.weight, dtype=np.float64),
            np.ascontiguousarray(system.heat_pu > 0),
            np.ascontiguousarray(system.profile[profiled], dtype=np.float64),
            np.array([system.yield_parameter[k] is not None for k in profiled], dtype=np.bool_),
            np.ascontiguousarray(system.available[profiled].T, dtype=np.float64),
            system.must_run.sum(axis=0),
            1.0 / system.net_share,
            load_mean,
            export_flow,
            np.ascontiguousarray(yields),
            np.ascontiguousarray(thresholds),
            storage,
            int(system.storage_window),
            scalars,
            available_energy,
            ranked_energy,
        )
    energy = np.empty_like(ranked_energy)
    np.put_along_axis(energy, order, ranked_energy, axis=2)
    for y, c in enumerate(conditions):
        record_year(out, system, c, y)
        out.storage_charge[:, y] = scalars[:, y, CHARGED]
        out.storage_discharge[:, y] = scalars[:, y, DISCHARGED]
        curtailed = scalars[:, y, CURTAILED]
        out.curtailment[:, y] = curtailed
        attribute_renewables(out, system, y, available_energy[:, y], curtailed)
        attribute_must_run(out, system, y, scalars[:, y, SURPLUS] - curtailed)
        out.generation[:, y, flexible] += energy[:, y]
        out.unserved[:, y] = scalars[:, y, UNSERVED] * system.net_share
    return out


def _dispatch_samples(
    load_pu, weight, heat, profile, clip, available, must_run, inv_net_share,
    load_mean, export_flow, yields, thresholds, storage, window,
    scalars, available_energy, ranked_energy,
):  # fmt: skip
    """Every sample (in parallel) and year; writes scalars (S, Y, 5), the available energy of
    each profiled technology (S, Y, Kp) and each flexible technology's energy by rank
    (S, Y, Kf), TWh (unserved gross of station use)."""
    n, years = load_mean.shape
    hours = weight.shape[0]
    for s in numba.prange(n):
        residual = np.empty(hours)
        renewable = np.empty(hours)
        for y in range(years):
            _residual(
                load_pu, heat, profile, clip, available[y], must_run[y], inv_net_share,
                load_mean[s, y], export_flow[s, y], yields[s, y], weight,
                residual, renewable, available_energy[s, y],
            )  # fmt: skip
            if storage[y, 0] > 0:
                scalars[s, y, CHARGED], scalars[s, y, DISCHARGED] = _storage(
                    residual, weight, storage[y, 0], storage[y, 1], storage[y, 2], window
                )
            _serve(residual, renewable, weight, heat, thresholds[s, y], scalars[s, y],
                   ranked_energy[s, y])  # fmt: skip


def _residual(
    load_pu, heat, profile, clip, available, must_run, inv_net_share,
    load_mean, export_flow, yields, weight, residual, renewable, available_energy,
):  # fmt: skip
    """residual = (load + exports) / net share - renewables - must-run (in slices with heat),
    in the NumPy kernel's order of operations; renewables kept for curtailment."""
    hours = weight.shape[0]
    for h in range(hours):
        renewable[h] = 0.0
    for i in range(profile.shape[0]):
        total = 0.0
        for h in range(hours):
            factor = min(yields[i] * profile[i, h], 1.0) if clip[i] else profile[i, h]
            renewable[h] += factor * available[i]
            total += weight[h] * factor
        available_energy[i] = available[i] * total / 1000.0
    for h in range(hours):
        r = (load_mean * load_pu[h] + export_flow) * inv_net_share - renewable[h]
        residual[h] = r - must_run if heat[h] else r


def _storage(residual, weight, power, energy_limit, eta, window):
    """`kernel._storage` on one sample's residual, cycle by cycle, in place; charged and
    discharged TWh."""
    moved_total = 0.0
    reservoir = energy_limit / math.sqrt(eta)
    for start in range(0, residual.shape[0], window):
        charge_energy = 0.0
        deficit_energy = 0.0
        for h in range(start, start + window):
            r = residual[h]
            charge_energy += weight[h] * min(max(-r, 0.0), power)
            deficit_energy += weight[h] * min(max(r, 0.0), power)
        if charge_energy <= 0:
            continue  # no surplus: the NumPy kernel leaves the cycle alone
        moved = min(min(charge_energy, reservoir), deficit_energy / eta)
        a = moved / charge_energy
        b = eta * moved / deficit_energy if deficit_energy > 0 else 0.0
        for h in range(start, start + window):
            r = residual[h]
            residual[h] = r + min(max(-r, 0.0), power) * a - min(max(r, 0.0), power) * b
        moved_total += moved
    return moved_total / 1000.0, eta * moved_total / 1000.0


def _serve(residual, renewable, weight, heat, thresholds, scalars, ranked_energy):
    """Surplus and curtailment (renewables first), then the positive residual in merit order:
    technology of rank k serves min(r, T_k) - min(r, T_{k-1}) in each slice."""
    ranks = thresholds.shape[1]
    surplus = curtailed = unserved = 0.0
    for k in range(ranks):
        ranked_energy[k] = 0.0
    for h in range(weight.shape[0]):
        w = weight[h]
        r = residual[h]
        if r < 0:
            surplus += w * -r
            curtailed += w * min(-r, renewable[h])
            continue
        steps = thresholds[1] if heat[h] else thresholds[0]
        below = 0.0
        for k in range(ranks):
            served = min(r, steps[k])
            ranked_energy[k] += w * (served - below)
            below = served
        unserved += w * (r - below)
    for k in range(ranks):
        ranked_energy[k] /= 1000.0
    scalars[SURPLUS] = surplus / 1000.0
    scalars[CURTAILED] = curtailed / 1000.0
    scalars[UNSERVED] = unserved / 1000.0


if numba is not None:  # compiled at first call, cached on disk (__pycache__)
    _jit = numba.njit(cache=True, nogil=True)
    _residual = _jit(_residual)
    _storage = _jit(_storage)
    _serve = _jit(_serve)
    _KERNEL = numba.njit(parallel=True, cache=True, nogil=True)(_dispatch_samples)
