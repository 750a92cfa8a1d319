"""Shared test helpers: solve a scenario file end to end, and check result invariants."""

from __future__ import annotations

from pathlib import Path

import pyomo.environ as pyo
import xarray as xr

from energysim.inputs import load_inputs
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
    inputs = load_inputs(
        scenario.inputs, scenario.years, scenario.time.resolution, scenario.time.days
    )
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
