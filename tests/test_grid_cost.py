"""Grid cost of wind and solar (issue 13, item 4): new plants pay for their grid connection as an
annuity on what is built, their output pays for balancing, both as cost components of their own;
and a dearer connection never buys more wind or solar."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import xarray as xr

from energysim.inputs import load_inputs
from energysim.model.build import build_model
from energysim.model.data import capital_recovery_factor
from energysim.results.extract import to_dataset
from energysim.scenario import load_scenario
from energysim.solve.highs import Status, solve
from tests.helpers import ROOT, coarse_inputs

YEARS = [2020, 2025, 2030]
# inputs/shanxi/technology_parameters.csv (A163, A164, A103)
CONNECTION = {"wind": 668.4, "solar": 384.3}  # CNY/kW
INTEGRATION = 19.68  # CNY/MWh
LIFETIME = 40.0


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return coarse_inputs(tmp_path_factory.mktemp("coarse") / "shanxi")


def _solve(folder: Path, connection_factor: float = 1.0) -> xr.Dataset:
    overrides = [f"inputs={folder}", f"years={YEARS}"]
    scenario = load_scenario(ROOT / "scenarios" / "base.yaml", overrides)
    inputs = load_inputs(scenario.inputs, scenario.years, scenario.time.resolution)
    inputs["grid_connection_capex"] = inputs["grid_connection_capex"] * connection_factor
    model, data = build_model(scenario, inputs)
    result = solve(model, scenario.solver)
    assert result.status is Status.OPTIMAL, result.status
    return to_dataset(model, data, result)


@pytest.fixture(scope="module")
def base(folder: Path) -> xr.Dataset:
    return _solve(folder)


def test_connection_cost_is_the_annuity_of_new_wind_and_solar(base: xr.Dataset) -> None:
    """grid_connection[y] = sum_{t, b <= y} new_capacity[t,b] x capex x CRF(6 %, 40 yr): the
    capacity built pays, the 2020 fleet (sunk) and other technologies do not."""
    crf = capital_recovery_factor(0.06, LIFETIME)
    built = base["new_capacity"]
    assert float(built.sel(technology=["wind", "solar"]).sum()) > 1.0  # something to pay for
    for y in YEARS:
        expected = sum(
            float(built.sel(technology=t, year=b)) * capex * crf
            for t, capex in CONNECTION.items()
            for b in YEARS
            if b <= y
        )
        cost = float(base["cost"].sel(cost_component="grid_connection", year=y)) / 1e6  # MCNY
        assert cost == pytest.approx(expected, rel=1e-9, abs=1e-9)
    assert base["cost"].attrs["units"] == "CNY/yr"
    assert base["cost_kind"].sel(cost_component="grid_connection") == "cost"


def test_balancing_cost_is_charged_on_wind_and_solar_generated(base: xr.Dataset) -> None:
    """grid_integration[y] = (wind + solar generated, TWh) x 19.68 CNY/MWh, curtailment free."""
    generated = base["generation"].sel(technology=["wind", "solar"]).sum("technology")
    cost = base["cost"].sel(cost_component="grid_integration") / 1e6
    np.testing.assert_allclose(cost.values, generated.values * INTEGRATION, rtol=1e-9)
    assert (cost.values > 0).all()


def test_both_grid_costs_are_in_the_objective(base: xr.Dataset) -> None:
    """The discounted sum of all components is the objective: the new components are in it."""
    rate, years = 0.06, np.array(YEARS)
    lengths = np.append(np.diff(years), np.diff(years)[-1])
    factor = np.array(
        [
            sum((1 + rate) ** -(y + k - YEARS[0]) for k in range(n))
            for y, n in zip(years, lengths, strict=True)
        ]
    )
    grid = (
        base["cost"]
        .sel(cost_component=["grid_connection", "grid_integration"])
        .sum("cost_component")
    )
    assert float((grid * factor).sum()) > 0
    kinds = base["cost_kind"].values
    total = float((base["cost"].values[kinds == "cost"] * factor).sum())
    assert total == pytest.approx(float(base["total_cost"]), rel=1e-9)


def test_dearer_connection_never_buys_more_wind_or_solar(folder: Path, base: xr.Dataset) -> None:
    """Comparative statics: ten times the connection cost lowers wind and solar building and
    never raises it in any year."""
    dear = _solve(folder, connection_factor=10.0)
    for t in CONNECTION:
        cheap_built = base["new_capacity"].sel(technology=t).values
        dear_built = dear["new_capacity"].sel(technology=t).values
        assert (dear_built <= cheap_built + 1e-6).all(), t
    techs = list(CONNECTION)
    assert (
        float(dear["new_capacity"].sel(technology=techs).sum())
        < float(base["new_capacity"].sel(technology=techs).sum()) - 1.0
    )


def test_batteries_are_built_without_a_co2_cap_once_they_pay(folder: Path) -> None:
    """Nothing but their cost keeps batteries out: at 2 % of their capex and FOM (and no CO2 cap
    or price) the model builds them on its own price spread and reserve margin, within the
    growth limit from the 0.5 GW/yr seed (A149). At the shipped costs (324 CNY/kW/yr in 2030)
    they earn 10-40 CNY/kW/yr here, so none are built."""
    overrides = [f"inputs={folder}", f"years={YEARS}"]
    scenario = load_scenario(ROOT / "scenarios" / "base.yaml", overrides)
    inputs = load_inputs(scenario.inputs, scenario.years, scenario.time.resolution)
    inputs["capex"].loc[{"technology": "battery"}] *= 0.02
    inputs["fom"].loc[{"technology": "battery"}] *= 0.02
    model, _ = build_model(scenario, inputs)
    result = solve(model, scenario.solver)
    assert result.status is Status.OPTIMAL, result.status
    built = [model.new_capacity["battery", y].value for y in YEARS[1:]]
    assert sum(built) > 0.1
    assert built[0] <= 5 * 0.5 + 1e-6  # 2021-2025 from the seed alone: 5 years x 0.5 GW/yr
