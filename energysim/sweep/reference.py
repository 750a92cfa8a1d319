"""The plain-Python reference of the sweep kernel: the same rules as `kernel.dispatch`, one
sample, year and slice at a time, dispatching each slice chronologically in merit order
(no load-duration curve). Slow on purpose; kept for tests and benchmark baselines.

Shared with the vectorised kernel: the per-sample conditions of a year (`year_conditions`,
O(samples x technologies)) and the attribution of renewable and must-run energy.
"""

from __future__ import annotations

import math

import numpy as np

from energysim.sweep.kernel import (
    Dispatch,
    attribute_must_run,
    attribute_renewables,
    empty_dispatch,
    heat_split,
    multipliers,
    year_conditions,
)
from energysim.sweep.plan import System


def dispatch_reference(system: System, params: dict[str, np.ndarray], n: int) -> Dispatch:
    m = multipliers(params, n)
    years, techs = len(system.years), len(system.technologies)
    out = empty_dispatch(n, years, techs)
    weight = [float(w) for w in system.weight]
    hours = len(weight)
    heat = [float(h) > 0 for h in system.heat_pu]
    profiled = [k for k in range(techs) if system.profiled[k]]
    flexible = [k for k in range(techs) if not system.profiled[k]]
    for y in range(years):
        c = year_conditions(system, m, y)
        must_run = [float(x) for x in system.must_run[:, y]]
        for s in range(n):
            out.consumption[s, y] = c.consumption[s]
            out.exported[s, y] = c.export_flow[s] * sum(weight) / 1000.0
            out.chp_heat[s, y], out.boiler_heat[s, y] = heat_split(system, y)
            residual, renewable = [], []
            available_energy = [0.0] * len(profiled)
            for h in range(hours):
                demand = (c.load_mean[s] * system.load_pu[h] + c.export_flow[s]) / system.net_share
                power = 0.0
                for i, k in enumerate(profiled):
                    cf = system.profile[k, h]
                    if system.yield_parameter[k] is not None:
                        cf = min(c.yield_multiplier[s, k] * cf, 1.0)
                    p = system.available[k, y] * cf
                    available_energy[i] += weight[h] * p / 1000.0
                    power += p
                renewable.append(power)
                residual.append(demand - power - (sum(must_run) if heat[h] else 0.0))
            if system.storage_power[y] > 0 and system.storage_energy[y] > 0:
                charged, discharged = _storage(system, y, residual, weight)
                out.storage_charge[s, y], out.storage_discharge[s, y] = charged, discharged
            order = sorted(flexible, key=lambda k: c.merit_cost[s, k])
            curtailed = cut = unserved = 0.0
            for h in range(hours):
                surplus = max(-residual[h], 0.0)
                curtailed += weight[h] * min(surplus, renewable[h]) / 1000.0
                cut += weight[h] * (surplus - min(surplus, renewable[h])) / 1000.0
                left = max(residual[h], 0.0)
                for k in order:
                    step = system.available[k, y] - (must_run[k] if heat[h] else 0.0)
                    used = min(left, max(step, 0.0))
                    out.generation[s, y, k] += weight[h] * used / 1000.0
                    left -= used
                unserved += weight[h] * left / 1000.0
            out.curtailment[s, y] = curtailed
            out.unserved[s, y] = unserved * system.net_share
            row = np.array([available_energy])
            _attribute_one(out, system, y, s, row, curtailed, cut)
    return out


def _attribute_one(
    out: Dispatch,
    system: System,
    y: int,
    s: int,
    available_energy: np.ndarray,
    curtailed: float,
    cut: float,
) -> None:
    """The shared attribution rules applied to one sample."""
    one = empty_dispatch(1, out.generation.shape[1], out.generation.shape[2])
    one.generation[0, y] = out.generation[s, y]
    attribute_renewables(one, system, y, available_energy, np.array([curtailed]))
    attribute_must_run(one, system, y, np.array([cut]))
    out.generation[s, y] = one.generation[0, y]


def _storage(
    system: System, y: int, residual: list[float], weight: list[float]
) -> tuple[float, float]:
    """The kernel's cycle rule, slice by slice, in place on `residual`."""
    power = float(system.storage_power[y])
    eta = float(system.storage_efficiency[y])
    limit = float(system.storage_energy[y])
    window = system.storage_window
    charged = discharged = 0.0
    for start in range(0, len(residual), window):
        span = range(start, start + window)
        charge = {h: min(max(-residual[h], 0.0), power) for h in span}
        deficit = {h: min(max(residual[h], 0.0), power) for h in span}
        charge_energy = sum(weight[h] * charge[h] for h in span)
        deficit_energy = sum(weight[h] * deficit[h] for h in span)
        moved = min(charge_energy, limit / math.sqrt(eta), deficit_energy / eta)
        a = moved / charge_energy if charge_energy > 0 else 0.0
        b = eta * moved / deficit_energy if deficit_energy > 0 else 0.0
        for h in span:
            residual[h] += a * charge[h] - b * deficit[h]
        charged += moved / 1000.0
        discharged += eta * moved / 1000.0
    return charged, discharged
