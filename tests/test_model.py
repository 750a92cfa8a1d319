"""The optimisation model: an analytic oracle, base-year calibration, balances, cost scaling."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import numpy as np
import pyomo.environ as pyo
import pytest

from energysim.scenario import Scenario
from energysim.solve.highs import Status
from tests.helpers import ROOT, max_residual, solve_scenario

SCREENING = ROOT / "tests" / "fixtures" / "screening"


def screening_scenario(folder: Path = SCREENING, lost_load: float = 1012.0) -> Scenario:
    return Scenario(
        name="screening",
        inputs=folder,
        years=[2020],
        economics={"discount_rate": 0.0},
        model={"pin_base_year": False, "value_of_lost_load": lost_load},
    )


def test_screening_curve_matches_pypsa_example() -> None:
    """PyPSA's screening-curve case: capacities 500 / 490 / 10, objective 14,720,900/1,001.

    Capital costs are scaled by 8.76 in the fixture (slices of 8760/1001 h, MWh per GWh), so
    the objective in bn CNY is 8.76e6 * 14,720,900/1,001 / 1e9.
    """
    model, _, result, ds = solve_scenario(screening_scenario())
    assert result.status is Status.OPTIMAL
    expected = 8.76e6 * 14_720_900 / 1_001 / 1e9
    assert result.objective == pytest.approx(expected, rel=1e-6)
    assert ds["capacity"].sel(technology="coal", year=2020) == pytest.approx(500, rel=1e-6)
    assert ds["capacity"].sel(technology="gas", year=2020) == pytest.approx(490, rel=1e-6)
    shed = max(pyo.value(model.unserved[2020, s]) for s in model.slices)
    assert shed == pytest.approx(10, rel=1e-6)


def test_scaling_all_costs_scales_objective_not_capacities(tmp_path: Path) -> None:
    folder = tmp_path / "screening"
    shutil.copytree(SCREENING, folder)
    path = folder / "technology_parameters.csv"
    rows = list(csv.DictReader(path.open()))
    for row in rows:
        if row["parameter"] in ("capex", "vom"):
            row["value"] = str(float(row["value"]) * 7.0)
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    _, _, base, base_ds = solve_scenario(screening_scenario())
    _, _, scaled, scaled_ds = solve_scenario(screening_scenario(folder, lost_load=7 * 1012.0))
    assert scaled.objective == pytest.approx(7 * base.objective, rel=1e-9)
    np.testing.assert_allclose(scaled_ds["capacity"], base_ds["capacity"], rtol=1e-7)


@pytest.fixture(scope="module")
def shanxi_base():
    return solve_scenario(
        ROOT / "scenarios" / "base.yaml", ("years=[2020, 2025, 2030, 2040, 2060]",)
    )


def test_base_year_reproduces_2020_statistics(shanxi_base) -> None:
    _, _, result, ds = shanxi_base
    assert result.status is Status.OPTIMAL
    y = {"year": 2020}
    thermal = ds["generation"].sel(
        technology=[
            t for t in ds.technology.values if t.startswith("coal") or t in ("gas_cmm", "biomass")
        ]
    )
    checks = {
        "raw coal output": (float(ds["coal_output"].sel(y)), 1063.0),
        "thermal generation": (float(thermal.sel(y).sum()), 301.91),
        "electricity consumption": (float(ds["electricity_consumption"].sel(y)), 234.2),
        "exports": (float(ds["electricity_exported"].sel(y)), 105.36),
        "installed capacity": (float(ds["capacity"].sel(y).sum()), 103.8),
    }
    for name, (model_value, statistic) in checks.items():
        assert model_value == pytest.approx(statistic, rel=0.03), name
    co2 = float(ds["co2_emissions"].sel(y))
    assert 564.9 * 0.97 <= co2 <= 581.9 * 1.03  # CEADs 2019 .. closure estimate (SOURCES.md)


def test_balances_close(shanxi_base) -> None:
    model, _, _, ds = shanxi_base
    assert max_residual(model) < 1e-6
    coal = ds["coal_use"].sum("coal_flow")
    np.testing.assert_allclose(coal, ds["coal_output"], rtol=1e-7)
    assert float(ds["unserved_energy"].sum()) < 1e-6


def test_results_have_units_and_contract_names(shanxi_base) -> None:
    _, _, _, ds = shanxi_base
    contract = {
        "coal_output": "Mt",
        "cbm_output": "bcm",
        "export_capacity": "GW",
        "electricity_exported": "TWh",
        "generation_total": "TWh",
        "electricity_share_final": "fraction",
        "non_fossil_share": "fraction",
        "co2_emissions": "Mt CO2",
        "total_cost": "CNY (discounted)",
    }
    for name, unit in contract.items():
        assert ds[name].attrs["units"] == unit, name
    assert set(ds["electricity_share_final"].coords["method"].values) == {
        "calorific",
        "coal_equivalent",
    }
    assert "co2_peak_year" in ds.attrs and len(ds.attrs["scenario_hash"]) == 64
    for name, var in ds.data_vars.items():
        if var.dtype.kind == "f":
            assert "units" in var.attrs, name
    assert ds["target_unit"].attrs["units"] == "1"  # a table of unit symbols had none
