"""The carbon-peak and neutrality scenarios shipped in scenarios/ solve and meet their targets
(on 16 time slices, so that the three solves stay within a few seconds), and uneven model-year
steps (2025, 2027, 2030) give each period its real length."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import pyomo.environ as pyo
import pytest
import xarray as xr

from energysim.inputs import load_inputs
from energysim.model.build import build_model
from energysim.report.targets import check_targets
from energysim.scenario import load_scenario
from tests.helpers import ROOT, coarse_inputs, solve_scenario

SCENARIOS = ROOT / "scenarios"


@pytest.fixture(scope="module")
def inputs_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return coarse_inputs(tmp_path_factory.mktemp("coarse") / "shanxi")


HORIZONS = {  # the years that decide each scenario's character; neutrality needs all caps
    "early-peak-2027": ("years=[2020, 2025, 2027, 2030, 2035]",),
    "late-peak-2030": ("years=[2020, 2025, 2030, 2035]",),
    "neutrality-2060": (),
}
_SOLVED: dict[str, xr.Dataset] = {}


def _solve(name: str, inputs_folder: Path) -> xr.Dataset:
    """Solved once per session; every target of the scenario is met."""
    if name not in _SOLVED:
        overrides = (f"inputs={inputs_folder}", *HORIZONS[name])
        _, _, result, ds = solve_scenario(SCENARIOS / f"{name}.yaml", overrides)
        assert ds is not None, f"{name}: {result.status}"
        missed = [c.name for c in check_targets(ds) if not c.met]
        assert not missed, f"{name} misses {missed}"
        _SOLVED[name] = ds
    return _SOLVED[name]


def test_early_peak_models_2027_and_co2_does_not_rise_after_it(inputs_folder: Path) -> None:
    ds = _solve("early-peak-2027", inputs_folder)
    assert [int(y) for y in ds.year.values] == [2020, 2025, 2027, 2030, 2035]
    co2 = ds["co2_emissions"]
    assert float(co2.sel(year=2030)) <= float(co2.sel(year=2027)) + 1e-6
    assert float(co2.sel(year=2035)) <= float(co2.sel(year=2030)) + 1e-6
    assert 1290 <= float(ds["coal_output"].sel(year=2027)) <= 1320
    assert "co2_peak" in {c.name for c in check_targets(ds)}


def test_late_peak_holds_coal_and_peaks_in_2030(inputs_folder: Path) -> None:
    ds = _solve("late-peak-2030", inputs_folder)
    assert float(ds["coal_output"].sel(year=2030)) >= 1300 - 1e-6
    # the target: CO2 does not rise from 2030 on (2025, with consumption at its statistic, may
    # be higher: the peak is no longer manufactured by coal that cannot leave the province)
    co2 = ds["co2_emissions"].sel(year=[y for y in ds.year.values if y >= 2030]).values
    assert all(b <= a + 1e-6 for a, b in pairwise(co2))
    assert int(ds.attrs["co2_peak_year"]) <= 2030
    early = _solve("early-peak-2027", inputs_folder)
    # Coal that can leave (issue 13) no longer has to be burnt in the province, so holding coal
    # output at 1.3 bn t adds little CO2 in 2030: the late peak is within 1 % of the early one.
    late_2030 = float(ds["co2_emissions"].sel(year=2030))
    assert late_2030 >= 0.99 * float(early["co2_emissions"].sel(year=2030))


def test_neutrality_leaves_near_zero_energy_co2_in_2060(inputs_folder: Path) -> None:
    """Full horizon: the caps of every year hold; what is left in 2060 is the fixed process CO2
    plus a few Mt of energy CO2."""
    ds = _solve("neutrality-2060", inputs_folder)
    caps = load_scenario(SCENARIOS / "neutrality-2060.yaml").targets.co2_cap
    assert sorted(caps) == [2035, 2040, 2045, 2050, 2055, 2060]
    for year, cap in caps.items():
        assert float(ds["co2_emissions"].sel(year=year)) <= cap + 1e-6
    energy = ds["co2_emissions"] - ds["co2_process"] - ds["co2_coking"]
    assert float(energy.sel(year=2060)) < 5.0
    assert float(energy.sel(year=2020)) > 500.0


def test_uneven_steps_give_builds_the_years_since_the_previous_model_year() -> None:
    """With 2027 added, builds counted in 2025 still have the five years since 2020 and those
    of 2027 and 2030 two and three: the build limits add up as on the 5-yearly grid."""
    scenario = load_scenario(SCENARIOS / "early-peak-2027.yaml", ["years=[2020, 2025, 2027, 2030]"])
    inputs = load_inputs(scenario.inputs, scenario.years, "seasonal_hours")
    model, data = build_model(scenario, inputs)
    assert data.period_length == {2020: 5.0, 2025: 2.0, 2027: 3.0, 2030: 3.0}
    rate = data.tech("max_build_rate", "battery", 2025)
    limits = {y: pyo.value(model.build_rate["battery", y].upper) for y in (2025, 2027, 2030)}
    assert limits == pytest.approx({2025: 5 * rate, 2027: 2 * rate, 2030: 3 * rate})


@pytest.mark.parametrize("name", sorted(HORIZONS))
def test_shares_within_unit_interval_and_cost_positive(name: str, inputs_folder: Path) -> None:
    """Issue 14: on the NBS definitions no share leaves [0, 1] in any year (neutrality's 2060
    exports above thermal generation are the case the old numerator got wrong: 101.8 %)."""
    from tests.test_accounting import check_shares

    ds = _solve(name, inputs_folder)
    check_shares(ds, name)
    assert float(ds["total_cost"]) > 0
