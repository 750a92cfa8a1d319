"""Storage across days: no energy out of nothing over a year; with representative days, storage
long enough to carry energy across days (dispatch.INTERDAY_MIN_HOURS) is linked chronologically
so that it cannot carry energy between days impossibly, and shorter storage is daily-cyclic."""

from __future__ import annotations

import math

import numpy as np
import pyomo.environ as pyo
import pytest

from energysim.inputs import load_inputs
from energysim.model import dispatch
from energysim.model.build import build_model
from energysim.scenario import load_scenario
from energysim.solve.highs import Status, solve
from tests.helpers import ROOT, solve_scenario

BASE = ROOT / "scenarios" / "base.yaml"
SHORT = ("years=[2020, 2030]",)
REPRESENTATIVE = ("time.resolution=representative_days", "time.days=8")
SEGMENTED = (*REPRESENTATIVE, "time.segments=5")  # storage steps of several hours


def annual_storage_energy(model, data, t: str, y: int) -> tuple[float, float]:
    """Energy put into and taken out of the store over the year (GWh, at the store)."""
    eta = math.sqrt(data.tech("round_trip_efficiency", t, y))
    weighted = [(data.slice_value("slice_weight", s), s) for s in data.slices]
    stored = sum(w * pyo.value(model.charge[t, y, s]) for w, s in weighted)
    taken = sum(w * pyo.value(model.discharge[t, y, s]) for w, s in weighted)
    return eta * stored, taken / eta


@pytest.mark.parametrize(
    "time", [(), REPRESENTATIVE, SEGMENTED], ids=["seasonal_hours", "rep_days", "segments"]
)
def test_storage_never_ends_a_year_with_more_than_it_started_plus_charging(time) -> None:
    # 2045 with a carbon price: enough wind and solar that price spreads pay for storage
    dispatched = ("years=[2020, 2030, 2045]", "carbon_policy.price={2030: 300}")
    model, data, result, _ = solve_scenario(BASE, (*dispatched, *time))
    assert result.status is Status.OPTIMAL
    used = 0.0
    for t in model.storage:
        for y in model.years:
            into, out_of = annual_storage_energy(model, data, t, y)
            assert out_of <= into + 1e-6  # taken out <= put in (start = end level)
            assert out_of == pytest.approx(into, abs=1e-6)  # cyclic: the year ends where it began
            used += out_of
    assert used > 1.0  # storage is dispatched, so the check is not vacuous


def storage_model(interday_hours: float) -> tuple:
    """A representative-day model reduced to its storage constraints, with 1 GW of pumped
    hydro in 2030 (6 GWh) and no battery: each test fixes the charging pattern. Storage of
    `interday_hours` or more energy-to-power is linked across days."""
    scenario = load_scenario(BASE, [*SHORT, *REPRESENTATIVE])
    inputs = load_inputs(scenario.inputs, scenario.years, "representative_days", 8)
    default, dispatch.INTERDAY_MIN_HOURS = dispatch.INTERDAY_MIN_HOURS, interday_hours
    try:
        model, data = build_model(scenario, inputs)
    finally:
        dispatch.INTERDAY_MIN_HOURS = default
    for con in model.component_objects(pyo.Constraint, active=True):
        if not con.name.startswith("storage"):
            con.deactivate()
    model.total_cost.expr = 0.0  # a feasibility problem
    model.capacity["pumped_hydro", 2030].fix(1.0)
    model.capacity["battery", 2030].fix(0.0)
    return scenario, model, data


@pytest.fixture(scope="module")
def storage_only():
    """Pumped hydro (6 h) linked across days, as if it were long-duration storage."""
    scenario, model, data = storage_model(interday_hours=6.0)
    assert list(model.storage_linked) == ["pumped_hydro"]  # 2 h batteries stay daily
    return scenario, model, data


@pytest.fixture(scope="module")
def storage_daily():
    """The default: pumped hydro (6 h) and batteries (2 h) cycle within each representative
    day."""
    scenario, model, data = storage_model(interday_hours=dispatch.INTERDAY_MIN_HOURS)
    assert list(model.storage_linked) == [] and not hasattr(model, "soc_start")
    return scenario, model, data


def day_plans(stored: float, eta: float, n0: int) -> tuple[dict, dict]:
    """Hour -> (charge, discharge) GW on cluster-0 days and on the other days. A cluster-0 day
    gains eta * stored, peaking at 6 times that within the day; each other day loses its share
    of what those gained, dipping to 20 times its loss within the day, so the year balances and
    the bounds within the days matter as much as the energy carried between days."""
    lost = eta * stored * n0 / (365 - n0)  # GWh each other day loses from the store
    zero = {h: (stored, 0.0) for h in range(6)} | {h: (0.0, eta**2 * stored) for h in range(12, 17)}
    other = {0: (0.0, 20 * lost * eta), 12: (19 * lost / eta, 0.0)}
    return zero, other


def carry(storage_only, stored: float) -> Status:
    """Solve the storage constraints alone with the pumped-hydro dispatch of `day_plans`."""
    scenario, model, data = storage_only
    t, y = "pumped_hydro", 2030
    eta = math.sqrt(data.tech("round_trip_efficiency", t, y))
    days = data.inputs["day_cluster"].values
    zero, other = day_plans(stored, eta, int((days == 0).sum()))
    for s in data.slices:
        plan = zero if data.slice_value("slice_day", s) == 0 else other
        charge, discharge = plan.get(int(data.slice_value("slice_hour", s)), (0.0, 0.0))
        model.charge[t, y, s].fix(charge)
        model.discharge[t, y, s].fix(discharge)
    return solve(model, scenario.solver).status


def needed_energy(days: np.ndarray, eta: float, stored: float) -> float:
    """GWh a store needs for the dispatch of `carry` over the chronological year: the range of
    its state of charge over all 8,760 hours (the starting level is free)."""
    trajectories = []
    for plan in day_plans(stored, eta, int((days == 0).sum())):
        step = np.zeros(24)
        for hour, (charge, discharge) in plan.items():
            step[hour] = eta * charge - discharge / eta
        trajectories.append(np.cumsum(step))
    within = np.array([trajectories[0] if c == 0 else trajectories[1] for c in days])
    start = np.concatenate([[0.0], np.cumsum(within[:, -1])[:-1]])  # at the start of each day
    states = np.concatenate([start, (start[:, None] + within).ravel()])
    return float(states.max() - states.min())


def test_linking_limits_energy_carried_across_days(storage_only) -> None:
    """Energy moves only forward in time, day by day, and the store must hold what builds up
    over runs of consecutive charging days, at every hour; the threshold is computed here
    independently of the model, from the chronological days."""
    _, _, data = storage_only
    days = data.inputs["day_cluster"].values
    n0 = int((days == 0).sum())
    assert 1 < n0 < 365
    eta = math.sqrt(data.tech("round_trip_efficiency", "pumped_hydro", 2030))
    per_gw = needed_energy(days, eta, 1.0)  # GWh needed per GW charged
    # runs of charging days build up more than one day's swing
    assert per_gw > 2 * 6 * eta
    largest = 6.0 / per_gw  # GW of charging that exactly fills the 6 GWh store
    assert carry(storage_only, 0.99 * largest) is Status.OPTIMAL
    assert carry(storage_only, 1.01 * largest) is Status.INFEASIBLE
    # the calendar matters: with the days in cluster order the threshold would differ
    assert abs(needed_energy(np.sort(days), eta, 1.0) - per_gw) > 0.05 * per_gw


def test_short_storage_cycles_within_each_representative_day(storage_daily) -> None:
    """Below INTERDAY_MIN_HOURS a store ends every representative day where it began: a plan
    that gains energy on cluster-0 days and spends it on the others is infeasible however
    small, while the same gains spent within the same day hold up to the store's size."""
    _, _, data = storage_daily
    assert carry(storage_daily, 1e-3) is Status.INFEASIBLE  # carries energy across days
    scenario, model, _ = storage_daily
    t, y = "pumped_hydro", 2030
    eta = math.sqrt(data.tech("round_trip_efficiency", t, y))
    full = 6.0 / (8 * eta)  # GW charged for 8 h that fill the 6 GWh store (<= 1 GW)
    for share, expected in ((0.99, Status.OPTIMAL), (1.01, Status.INFEASIBLE)):
        # charge share * full GW for 8 h, then take all of it out within the same day
        for s in data.slices:
            hour = int(data.slice_value("slice_hour", s))
            model.charge[t, y, s].fix(share * full if hour < 8 else 0.0)
            model.discharge[t, y, s].fix(eta**2 * share * full if 12 <= hour < 20 else 0.0)
        assert solve(model, scenario.solver).status is expected
