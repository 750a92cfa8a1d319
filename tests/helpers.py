"""Shared test helpers: solve a scenario file end to end, and check result invariants."""

from __future__ import annotations

from pathlib import Path

import pyomo.environ as pyo
import xarray as xr

from energysim.inputs import scenario_inputs
from energysim.model.build import build_model
from energysim.model.data import ModelData
from energysim.results.extract import to_dataset
from energysim.scenario import Scenario, load_scenario
from energysim.solve.highs import SolveResult, Status, solve

ROOT = Path(__file__).resolve().parent.parent


def solve_scenario(
    scenario: Scenario | Path | str, overrides: tuple[str, ...] = ()
) -> tuple[pyo.ConcreteModel, ModelData, SolveResult, xr.Dataset | None]:
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario, list(overrides))
    inputs = scenario_inputs(scenario)
    model, data = build_model(scenario, inputs)
    result = solve(model, scenario.solver)
    ds = to_dataset(model, data, result) if result.status is Status.OPTIMAL else None
    return model, data, result, ds


def max_residual(model: pyo.ConcreteModel) -> float:
    """Largest violation of any active constraint at the loaded solution."""
    worst = 0.0
    for con in model.component_data_objects(pyo.Constraint, active=True):
        body = pyo.value(con.body)
        if con.has_lb():
            worst = max(worst, pyo.value(con.lower) - body)
        if con.has_ub():
            worst = max(worst, body - pyo.value(con.upper))
    return worst


def coarse_inputs(folder: Path) -> Path:
    """A copy of inputs/shanxi with 16 explicit slices (4 seasons x 4 six-hour blocks, hourly
    profiles averaged): the same system on a small LP, for tests that solve many times."""
    import csv
    import shutil

    import numpy as np

    from energysim.inputs.timeslices import PROFILES, SEASON_OF_MONTH, SEASONS, read_hourly

    shutil.copytree(ROOT / "inputs" / "shanxi", folder, dirs_exist_ok=True)
    hourly = read_hourly(folder / "hourly_profiles.csv")
    season = np.array([SEASONS.index(SEASON_OF_MONTH[int(m)]) for m in hourly["month"]])
    group = season * 4 + hourly["hour_of_day"].astype(int) // 6
    weight = np.bincount(group, minlength=16).astype(float)
    with (folder / "time_slices.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["slice", "weight", *PROFILES])
        for g in range(16):
            means = [np.bincount(group, hourly[p], minlength=16)[g] / weight[g] for p in PROFILES]
            writer.writerow([g, weight[g], *means])
    return folder
