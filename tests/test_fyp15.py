"""Scenarios that start where Shanxi stands: the held years equal the statistics exactly, a 2026
target that contradicts the 2025 history is screened at its line, the plan meets its 2030
targets, and `compare` gives the memo table."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import xarray as xr
from typer.testing import CliRunner

from energysim.cli.app import app
from energysim.report.compare import memo_table
from energysim.report.targets import check_targets
from tests.helpers import ROOT, coarse_inputs, solve_scenario

SCENARIOS = ROOT / "scenarios"


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, xr.Dataset]:
    folder = coarse_inputs(tmp_path_factory.mktemp("coarse") / "shanxi")
    solved = {}
    for name in ("fyp15-current-trend", "fyp15-plan"):
        _, _, result, ds = solve_scenario(SCENARIOS / f"{name}.yaml", (f"inputs={folder}",))
        assert ds is not None, f"{name}: {result.status}"
        solved[name] = ds
    return solved


def test_held_years_equal_the_statistics(runs: dict[str, xr.Dataset]) -> None:
    ds = runs["fyp15-current-trend"]
    held = ds["history_fixed"].values
    assert held.sum() >= 10  # 2024 and 2025: coal, gas, exports, consumption, the fleet
    np.testing.assert_allclose(
        ds["history_model"].values[held], ds["history"].values[held], rtol=1e-7
    )
    assert float(ds["coal_output"].sel(year=2025)) == pytest.approx(1305, rel=1e-7)
    assert float(ds["cbm_output"].sel(year=2025)) == pytest.approx(18.23, rel=1e-7)
    fixed = ds.attrs["history_fixed"]
    assert "capacity_wind_solar: 2025: 77.7 GW (capacity_wind_solar, A137, estimate)" in fixed
    assert "electricity_consumption: 2024: 297.17 TWh" in fixed


def test_plan_meets_its_2030_targets(runs: dict[str, xr.Dataset]) -> None:
    checks = {c.name: c for c in check_targets(runs["fyp15-plan"])}
    for name in (
        "wind_solar_capacity_min[2030]",
        "clean_capacity_share_min[2030]",
        "non_fossil_share_min[2030]",
        "cbm_output_min[2030]",
        "coal_output_min[2026]",
    ):
        assert checks[name].met, name
    assert "target_shadow_price" in runs["fyp15-plan"]


def test_memo_table_costs_the_plan_against_current_trend(runs: dict[str, xr.Dataset]) -> None:
    table = memo_table(runs)
    assert list(table.index) == ["fyp15-current-trend", "fyp15-plan"]
    cost = table["cost vs the first run (bn CNY, discounted)"]
    assert cost["fyp15-current-trend"] == 0.0
    assert cost["fyp15-plan"] >= -1e-6  # targets never lower the least cost
    built = table["new wind + solar 2026-2030 (GW)"]
    assert built["fyp15-plan"] >= 100.0 - 1e-6
    zh = memo_table(runs, "zh")
    assert "碳达峰年份" in zh.columns


def test_a_2026_target_against_the_2025_history_is_screened(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app,
        [
            "validate",
            str(SCENARIOS / "fyp15-plan.yaml"),
            "--set",
            "targets.coal_output={2026: {max: 1000}}",
        ],
    )
    assert result.exit_code == 3, result.output
    assert "targets.coal_output.2026.max" in result.output
    assert "1305 Mt in 2025 (history.csv raw_coal_output S38, history.fix)" in result.output


def test_a_smaller_gas_resource_caps_gas_output_in_the_sweep(tmp_path: Path) -> None:
    """sweep-fyp15 samples the gas resource: below 1 the plan's gas output shrinks with it
    after the base year (the shortfall is bought in); at or above 1 it stays as planned."""
    out = tmp_path / "sweep.nc"
    result = CliRunner().invoke(
        app,
        [
            "sweep",
            str(SCENARIOS / "sweep-fyp15.yaml"),
            "--samples",
            "24",
            "--seed",
            "3",
            "--no-progress",
            "--set",
            "years=[2020, 2025, 2030]",
            "--set",
            "history.until=2025",
            "--set",
            "targets={cbm_output_min: {2030: 30}}",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    ds = xr.open_dataset(out, engine="h5netcdf")
    resource = ds["input_gas_resource"].values
    gas = ds["cbm_output"].sel(year=2030).values
    nominal = gas[resource >= 1.0]
    assert (resource < 1.0).any() and (resource >= 1.0).any()
    np.testing.assert_allclose(nominal, nominal[0], rtol=1e-9)
    shrunk = resource < 1.0
    np.testing.assert_allclose(gas[shrunk], nominal[0] * resource[shrunk], rtol=1e-6)
    assert float(ds["cbm_output"].sel(year=2020).std()) == pytest.approx(0.0, abs=1e-9)
