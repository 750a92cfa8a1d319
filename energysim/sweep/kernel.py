"""The vectorised sweep kernel: annual dispatch of every sample and year, no loop over samples
or hours.

Per sample, year and slice h (all power in GW, gross of station use):

    demand[h]   = (consumption * 1000 / 8760 * load_pu[h] + export flow) / net_share
    renewable[h] = sum over wind, solar, hydro of available * min(profile[h] * yield, 1)
    residual[h] = demand[h] - renewable[h] - must_run[h]          (CHP in slices with heat)

Storage (see `_storage`) moves surplus residual into the same cycle's deficits. What is left
negative is curtailed (first renewables, then CHP must-run); what is left positive is served
in merit order by the technologies with flat availability.

Merit order without storage does not depend on the order of the slices, so each year is a
load-duration problem: with the residual sorted, the energy of the technologies up to a
cumulative capacity T is F(T) = sum_h w[h] min(residual[h], T) = prefix(j) + T * rest(j),
j = number of slices below T (a vectorised binary search). A technology's energy is
F(T_k) - F(T_{k-1}); unserved energy is F(inf) - F(T_K). Cost O(H log H) per sample-year
for the sort, instead of O(H x K). CHP units have less free capacity in slices with heat
(the must-run part is already dispatched), so slices with and without heat demand are two
groups, each with its own capacity steps.

`compiled.py` is the same rules compiled with Numba (one pass over the slices per sample,
no sort), tested equal to this kernel, which stays the reference path.

Precision: `dtype` is that of the hourly arrays (float32 halves memory traffic); sorting and
thresholds work in it, every sum over slices accumulates in float64. float32 energies agree
with float64 to 1e-5 relative, and small differences of large sums (unserved energy) to 1e-7
of the year's demand (tested); use float64 when unserved energy itself is the question.
"""

from __future__ import annotations

import typing
from dataclasses import dataclass

import numpy as np

from energysim.inputs.load import CARRIERS
from energysim.model.data import HOURS_PER_YEAR, TWH_PER_MTCE
from energysim.scenario.schema import UncertainParameter
from energysim.sweep.plan import FUELS, System

SAMPLE_PARAMETERS: tuple[str, ...] = typing.get_args(UncertainParameter)


@dataclass
class Dispatch:
    """Annual energies of every sample and year, TWh (float64). Shapes (S, Y) unless noted."""

    generation: np.ndarray  # (S, Y, K)
    curtailment: np.ndarray  # renewables not used
    unserved: np.ndarray  # load not served (net of station use, as in the LP)
    storage_charge: np.ndarray
    storage_discharge: np.ndarray
    exported: np.ndarray
    consumption: np.ndarray
    chp_heat: np.ndarray  # TWh_th
    boiler_heat: np.ndarray  # TWh_th


def multipliers(params: dict[str, np.ndarray], n: int) -> dict[str, np.ndarray]:
    """Every uncertain multiplier as an (n,) array: 1 where not sampled, never negative."""
    return {
        name: np.maximum(np.asarray(params.get(name, np.ones(n)), dtype=float), 0.0)
        for name in SAMPLE_PARAMETERS
    }


@dataclass
class YearConditions:
    """What varies by sample in one year, (S,) or (S, K) arrays; computed once, shared by the
    vectorised and the reference kernels."""

    consumption: np.ndarray  # TWh
    load_mean: np.ndarray  # GW
    export_flow: np.ndarray  # GW, flat over the year
    yield_multiplier: np.ndarray  # (S, K) on the profile of profiled technologies
    merit_cost: np.ndarray  # (S, K) CNY/MWh


def year_conditions(system: System, m: dict[str, np.ndarray], y: int) -> YearConditions:
    """Demand, exports, yields and the merit-order cost of each sample in year index y.

    consumption = base + demand_growth * (plan - base)
    export flow = min(plan exports * export_demand / 8760 h, corridor capacity)
    merit cost  = vom + heat_rate / 1000 * (fuel price * multiplier + carbon price * ef * (1 -
                  capture))  (the fuel's opportunity cost: coal could be sold at its price)
    """
    base = system.consumption_base
    consumption = base + m["demand_growth"] * (system.consumption[y] - base)
    exports = np.minimum(
        system.exports[y] * m["export_demand"] * 1000.0 / HOURS_PER_YEAR, system.export_capacity[y]
    )
    n = consumption.shape[0]
    yields = np.ones((n, len(system.technologies)))
    for k, name in enumerate(system.yield_parameter):
        if name is not None:
            yields[:, k] = m[name]
    price_multiplier = {"coal": m["coal_price"], "gas": m["gas_price"]}
    cost = np.empty((n, len(system.technologies)))
    for k in range(len(system.technologies)):
        f = system.fuel[k]
        fuel_cost = 0.0
        if f >= 0:
            price = system.fuel_price[f, y] * price_multiplier.get(FUELS[f], 1.0)
            carbon = system.carbon_price[y] * system.emission_factor[f, y]
            fuel_cost = price + carbon * (1.0 - system.capture[k, y])
        cost[:, k] = system.vom[k, y] + system.heat_rate[k, y] / 1000.0 * fuel_cost
    return YearConditions(consumption, consumption * 1000.0 / HOURS_PER_YEAR, exports, yields, cost)


def heat_split(system: System, y: int) -> tuple[float, float]:
    """CHP and boiler heat (TWh_th) in year index y: CHP serves heat up to heat_to_power times
    its must-run output in each slice, boilers the rest."""
    heat_gw = (
        system.final[CARRIERS.index("heat"), y]
        * TWH_PER_MTCE
        * 1000.0
        / HOURS_PER_YEAR
        * system.heat_pu
    )
    chp_limit = (system.heat_to_power[:, y] * system.must_run[:, y]).sum() * (system.heat_pu > 0)
    chp = float((system.weight * np.minimum(heat_gw, chp_limit)).sum() / 1000.0)
    return chp, float((system.weight * heat_gw).sum() / 1000.0) - chp


def slice_groups(system: System) -> list[np.ndarray]:
    """Slice indices with and without CHP must-run (one group when that makes no difference)."""
    heat = system.heat_pu > 0
    if not system.must_run.any() or heat.all() or not heat.any():
        return [np.arange(len(system.weight))]
    return [np.flatnonzero(heat), np.flatnonzero(~heat)]


def dispatch(
    system: System, params: dict[str, np.ndarray], n: int, dtype: type = np.float64
) -> Dispatch:
    """Annual dispatch of n samples (params: sampled multipliers, (n,) arrays by name)."""
    m = multipliers(params, n)
    years, techs = len(system.years), len(system.technologies)
    out = empty_dispatch(n, years, techs)
    weight = system.weight
    uniform = bool(np.all(weight == weight[0]))
    groups = slice_groups(system)
    heat = system.heat_pu > 0
    flexible = np.flatnonzero(~system.profiled)
    for y in range(years):  # a loop over model years (a handful), not samples or hours
        c = year_conditions(system, m, y)
        record_year(out, system, c, y)
        must_run = system.must_run[:, y]

        renewable, available_energy = _renewables(system, c, y, dtype)
        residual = np.multiply.outer(c.load_mean.astype(dtype), system.load_pu.astype(dtype))
        residual += c.export_flow.astype(dtype)[:, None]
        residual *= dtype(1.0 / system.net_share)
        residual -= renewable
        residual -= (must_run.sum() * heat).astype(dtype)
        if system.storage_power[y] > 0 and system.storage_energy[y] > 0:
            charge, discharge = _storage(system, y, residual)
            out.storage_charge[:, y], out.storage_discharge[:, y] = charge, discharge

        # surplus only in some samples (often none): work on those rows alone
        surplus_energy, curtailed = np.zeros(n), np.zeros(n)
        rows = np.flatnonzero(residual.min(axis=1) < 0)
        if rows.size:
            surplus = np.maximum(-residual[rows], 0)
            surplus_energy[rows] = _energy(surplus, weight)
            np.minimum(surplus, renewable[rows], out=surplus)
            curtailed[rows] = _energy(surplus, weight)
        del renewable
        out.curtailment[:, y] = curtailed
        attribute_renewables(out, system, y, available_energy, curtailed)
        attribute_must_run(out, system, y, surplus_energy - curtailed)

        np.maximum(residual, 0, out=residual)
        unserved = np.zeros(n)
        for group in groups:
            in_heat = bool(heat[group[0]])
            steps = system.available[flexible, y] - (must_run[flexible] if in_heat else 0.0)
            energy, rest = _merit_order(
                residual[:, group] if len(groups) > 1 else residual,
                None if uniform else weight[group],
                float(weight[0]),
                c.merit_cost[:, flexible],
                steps,
            )
            out.generation[:, y, flexible] += energy
            unserved += rest
        out.unserved[:, y] = unserved * system.net_share
    return out


def record_year(out: Dispatch, system: System, c: YearConditions, y: int) -> None:
    """What year y's conditions fix before dispatch: consumption, exports and heat."""
    out.consumption[:, y] = c.consumption
    out.exported[:, y] = c.export_flow * system.weight.sum() / 1000.0
    out.chp_heat[:, y], out.boiler_heat[:, y] = heat_split(system, y)


def empty_dispatch(n: int, years: int, techs: int) -> Dispatch:
    fields = [k for k in Dispatch.__dataclass_fields__ if k != "generation"]
    return Dispatch(
        generation=np.zeros((n, years, techs)), **{k: np.zeros((n, years)) for k in fields}
    )


def attribute_renewables(
    out: Dispatch, system: System, y: int, available_energy: np.ndarray, curtailed: np.ndarray
) -> None:
    """Renewable generation: available energy less curtailment, shared in proportion to each
    technology's available energy (zero cost: the LP is indifferent between them)."""
    profiled = np.flatnonzero(system.profiled)
    total = available_energy.sum(axis=1)
    used = np.where(total > 0, 1.0 - curtailed / np.where(total > 0, total, 1.0), 0.0)
    out.generation[:, y, profiled] = available_energy * used[:, None]


def attribute_must_run(out: Dispatch, system: System, y: int, cut: np.ndarray) -> None:
    """CHP must-run energy, less what had to be cut where it alone exceeded demand (in the LP
    that would be infeasible), shared in proportion to each unit's must-run."""
    must_run = system.must_run[:, y]
    total = must_run.sum()
    if total <= 0:
        return
    heat_hours = float(system.weight[system.heat_pu > 0].sum())
    out.generation[:, y, :] += (must_run * heat_hours / 1000.0)[None, :]
    out.generation[:, y, :] -= np.outer(cut, must_run / total)


def _energy(power: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """TWh of an (S, H) GW array, accumulated in float64."""
    return np.einsum("sh,h->s", power, weight, dtype=np.float64) / 1000.0


def _renewables(
    system: System, c: YearConditions, y: int, dtype: type
) -> tuple[np.ndarray, np.ndarray]:
    """Available renewable power (S, H) and each profiled technology's energy (S, Kp) TWh."""
    n, hours = c.consumption.shape[0], len(system.weight)
    total = np.zeros((n, hours), dtype=dtype)
    profiled = np.flatnonzero(system.profiled)
    energy = np.zeros((n, len(profiled)))
    for i, k in enumerate(profiled):
        profile = system.profile[k].astype(dtype)
        if system.yield_parameter[k] is None:
            power = (system.available[k, y] * profile)[None, :]
            energy[:, i] = float(system.weight @ power[0].astype(float)) / 1000.0
            total += power
            continue
        multiplier = c.yield_multiplier[:, k]
        power = np.multiply.outer(multiplier.astype(dtype), profile)
        if multiplier.max() * profile.max() > 1:  # clip at full output only when it can bind
            np.minimum(power, 1, out=power)
            energy[:, i] = system.available[k, y] * _energy(power, system.weight)
        else:
            energy[:, i] = system.available[k, y] * multiplier * (system.weight @ system.profile[k])
            energy[:, i] /= 1000.0
        power *= dtype(system.available[k, y])
        total += power
    return total, energy


def _storage(system: System, y: int, residual: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Storage by a cycle rule, in place on `residual`; returns charged and discharged TWh.

    Within each cycle (a day of 24 slices, or all slices): charge from surplus, at most the
    power P per slice; discharge into the deficits, at most P per slice, in proportion to
    each slice's (capped) deficit. The energy moved is as much as the smallest of: the
    surplus charged, E / sqrt(eta) (the reservoir) and the deficit / eta, so that

        sqrt(eta) * charged = discharged / sqrt(eta) <= E.

    A path whose total charge is at most E can be ordered within the cycle (any order of
    charging and discharging keeps the state of charge within a range of E), so the rule is
    feasible for the LP's cyclic storage with the same P, E and eta.
    """
    power = system.storage_power[y]
    energy_limit = system.storage_energy[y]
    eta = system.storage_efficiency[y]
    n, hours = residual.shape
    window = system.storage_window
    cycles = residual.reshape(n, hours // window, window)
    # only cycles with a surplus charge anything: work on those alone
    sample, cycle = np.nonzero(cycles.min(axis=2) < 0)
    active = cycles[sample, cycle]  # (m, window) copy
    w = system.weight.reshape(hours // window, window)[cycle].astype(residual.dtype)
    charge = np.minimum(np.maximum(-active, 0), power)
    deficit = np.minimum(np.maximum(active, 0), power)
    charge_energy = np.einsum("mw,mw->m", charge, w, dtype=np.float64)
    deficit_energy = np.einsum("mw,mw->m", deficit, w, dtype=np.float64)
    moved = np.minimum(np.minimum(charge_energy, energy_limit / np.sqrt(eta)), deficit_energy / eta)
    a = np.where(charge_energy > 0, moved / np.where(charge_energy > 0, charge_energy, 1), 0)
    b = eta * moved / np.where(deficit_energy > 0, deficit_energy, 1)
    active += charge * a[:, None].astype(residual.dtype)
    active -= deficit * b[:, None].astype(residual.dtype)
    cycles[sample, cycle] = active
    moved_by_sample = np.bincount(sample, moved, minlength=n)
    return moved_by_sample / 1000.0, eta * moved_by_sample / 1000.0


def _merit_order(
    residual: np.ndarray,
    weight: np.ndarray | None,
    uniform_weight: float,
    cost: np.ndarray,
    steps: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Energy (S, K) TWh of each technology and unserved energy (S,) TWh (gross) serving the
    non-negative `residual` (S, H) in merit order, through the load-duration curve.

    weight None: every slice has `uniform_weight` hours.
    """
    hours = residual.shape[1]
    order = np.argsort(cost, axis=1, kind="stable")
    thresholds = np.cumsum(np.maximum(steps, 0)[order], axis=1)  # (S, K) ascending
    if weight is None:
        ranked = np.sort(residual, axis=1)
        below = _count_below(ranked, thresholds)
        prefix = _prefix_at(ranked, below)
        served = uniform_weight * (prefix + thresholds * (hours - below))
        total = uniform_weight * ranked.sum(axis=1, dtype=np.float64)
    else:
        permutation = np.argsort(residual, axis=1)
        ranked = np.take_along_axis(residual, permutation, axis=1)
        w = weight[permutation]
        below = _count_below(ranked, thresholds)
        prefix = _prefix_at(ranked * w, below)
        w_prefix = _prefix_at(w, below)
        served = prefix + thresholds * (w.sum(axis=1)[:, None] - w_prefix)
        total = (ranked * w).sum(axis=1, dtype=np.float64)
    energy_ranked = np.diff(served, axis=1, prepend=0.0) / 1000.0
    energy = np.empty_like(energy_ranked)
    np.put_along_axis(energy, order, energy_ranked, axis=1)
    return energy, (total - served[:, -1]) / 1000.0


def _count_below(ranked: np.ndarray, thresholds: np.ndarray) -> np.ndarray:
    """Per row, how many entries of the sorted `ranked` are below each threshold: a binary
    search vectorised over rows and thresholds."""
    n, hours = ranked.shape
    rows = np.arange(n)[:, None]
    low = np.zeros(thresholds.shape, dtype=np.intp)
    high = np.full(thresholds.shape, hours, dtype=np.intp)
    for _ in range(int(hours).bit_length() + 1):
        middle = (low + high) // 2
        value = ranked[rows, np.minimum(middle, hours - 1)]
        right = (low < high) & (value < thresholds)
        high = np.where((low < high) & ~right, middle, high)
        low = np.where(right, middle + 1, low)
    return low


def _prefix_at(values: np.ndarray, below: np.ndarray) -> np.ndarray:
    """Sum of each row's first `below` entries, in float64, without a full cumulative sum:
    block sums (one pass), their cumulative sum, plus the part of one block per threshold."""
    n, hours = values.shape
    block = max(b for b in range(1, min(hours, 128) + 1) if hours % b == 0)
    sums = values.reshape(n, hours // block, block).sum(axis=2, dtype=np.float64)
    starts = np.zeros((n, hours // block + 1))
    np.cumsum(sums, axis=1, out=starts[:, 1:])
    whole, rest = np.divmod(below, block)
    offsets = np.arange(block)
    index = np.minimum(whole[..., None] * block + offsets, hours - 1).reshape(n, -1)
    part = np.take_along_axis(values, index, axis=1).reshape(*below.shape, block)
    part = np.where(offsets < rest[..., None], part, 0).sum(axis=2, dtype=np.float64)
    return np.take_along_axis(starts, whole, axis=1) + part
