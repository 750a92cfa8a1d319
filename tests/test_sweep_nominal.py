"""The sweep's nominal sample against the LP plan it simulates (issue 16, item 3).

The kernel simplifies the LP, so at every multiplier 1 it misses the plan (on the 14th FYP plan
2025 CO2 +18.5 Mt, CBM -5.5 bcm) and called targets the plan meets exactly 0 % likely. The
sweep adds `plan - kernel(nominal)` to every sample; at nominal values the targets are then
judged exactly as the plan meets them, whatever the model's formulation.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pytest
import xarray as xr

from energysim.scenario import load_scenario
from energysim.sweep.kernel import SAMPLE_PARAMETERS
from energysim.sweep.nominal import PREFIX, nominal_offset
from energysim.sweep.plan import System, build_system
from energysim.sweep.runner import compute_chunk
from energysim.sweep.summary import summarise, target_outcomes
from tests.helpers import ROOT, solve_scenario

SWEEP = ROOT / "tests" / "fixtures" / "sweep.yaml"


@cache
def case() -> tuple[System, xr.Dataset, xr.Dataset]:
    """The plan of the sweep fixture, its System and the nominal offset (solved once)."""
    scenario = load_scenario(SWEEP)
    _, data, _, plan = solve_scenario(scenario)
    system = build_system(scenario, data.inputs, plan, "lp")
    return system, plan, nominal_offset(system, plan, compute_chunk, "float64")


def _nominal_sample(system: System) -> xr.Dataset:
    return compute_chunk(system, {p: np.ones(1) for p in SAMPLE_PARAMETERS}, 0, "float64")


def _at_plan_values(plan: xr.Dataset, year: int) -> list[str]:
    """Targets sitting exactly on the plan's own values in `year` (as a plan meets a binding
    target): coal output band, CBM minimum, CO2 cap, non-fossil share."""
    coal = float(plan["coal_output"].sel(year=year))
    return [
        f"targets.coal_output.{year}.min={coal!r}",
        f"targets.coal_output.{year}.max={coal!r}",
        f"targets.cbm_output_min.{year}={float(plan['cbm_output'].sel(year=year))!r}",
        f"targets.co2_cap.{year}={float(plan['co2_emissions'].sel(year=year))!r}",
        f"targets.non_fossil_share_min.{year}={float(plan['non_fossil_share'].sel(year=year))!r}",
    ]


def test_kernel_alone_misses_the_plan_so_the_offset_is_needed() -> None:
    system, plan, offset = case()
    nominal = _nominal_sample(system).isel(sample=0)
    gap = abs(float(offset[PREFIX + "co2_emissions"].sel(year=2030)))
    assert gap > 1e-3 * float(plan["co2_emissions"].sel(year=2030))
    for name in ("co2_emissions", "coal_output", "cbm_output", "non_fossil_share"):
        xr.testing.assert_allclose(
            (nominal[name] + offset[PREFIX + name]).drop_vars("sample", errors="ignore"),
            plan[name]
            .sel(year=nominal.year.values)
            .drop_vars([c for c in plan[name].coords if c != "year"]),
            rtol=1e-12,
        )


@pytest.mark.parametrize("year", [2030, 2040])
def test_targets_the_plan_meets_exactly_hold_at_nominal_values(year: int) -> None:
    system, plan, offset = case()
    scenario = load_scenario(SWEEP, _at_plan_values(plan, year))
    nominal = _nominal_sample(system)
    with_offset = target_outcomes(nominal, scenario, offset)
    assert all(bool(v[0]) for v in with_offset.values()), with_offset
    without = target_outcomes(nominal, scenario)
    assert not all(bool(v[0]) for v in without.values())  # what the sweep reported before
    summary = summarise(nominal, scenario, offset)
    assert set(summary["target_probability"].values) == {1.0}
    assert PREFIX + "co2_emissions" in summary


def test_targets_just_beyond_the_plan_fail_at_nominal_values() -> None:
    system, plan, offset = case()
    co2 = float(plan["co2_emissions"].sel(year=2030))
    scenario = load_scenario(SWEEP, [f"targets.co2_cap.2030={co2 * (1 - 1e-4)!r}"])
    met = target_outcomes(_nominal_sample(system), scenario, offset)
    assert not met[next(k for k in met if k.startswith("co2_emissions[2030]"))][0]
