"""Structural realism of heat, gas and demand (issue 13, items 2, 5 and 6) on the Shanxi model:
cogenerated heat saves fuel, heat capacity and network cost money, gas output declines no faster
than mature fields and does not collapse, coal does not return to buildings, and the calibrated
demand reproduces 2021-2024 electricity consumption."""

from __future__ import annotations

from functools import cache
from itertools import pairwise

import pyomo.environ as pyo
import pytest

from energysim.inputs import load_inputs, scenario_inputs
from energysim.inputs.timeslices import read_hourly
from energysim.model.build import build_model
from energysim.model.data import HOURS_PER_YEAR, TWH_PER_MTCE
from energysim.scenario import load_scenario
from energysim.solve.highs import Status, solve
from tests.helpers import ROOT, solve_scenario

SHANXI = ROOT / "inputs" / "shanxi"
STATISTICS = {2021: 260.80, 2022: 272.10, 2023: 288.50, 2024: 297.17}  # TWh, history.csv (S06)


@cache
def two_periods() -> tuple:
    """Base case 2020-2030 on seasonal hours (build + solve a few seconds)."""
    scenario = load_scenario(ROOT / "scenarios" / "base.yaml", ["years=[2020,2025,2030,2035]"])
    model, data, result, ds = solve_scenario(scenario)
    assert ds is not None, result.status
    return model, data, ds


def test_chp_heat_needs_far_less_fuel_than_a_heat_only_boiler() -> None:
    """Power-loss method: an extraction unit gives up c_v = 0.15 MWh_el per MWh_th (DEA via
    PyPSA-China-PIK), so its heat costs c_v x heat_rate of fuel, well under half of a boiler's
    (the old 144.4 gce/kWh_th equalled the boiler's 144.6)."""
    ds = load_inputs(SHANXI, [2020, 2030])
    chp = float(ds["heat_fuel_rate"].sel(technology="coal_chp", year=2030))
    electric = float(ds["heat_rate"].sel(technology="coal_chp", year=2030))
    boiler = float(ds["heat_rate"].sel(technology="heat_boiler", year=2030))
    assert chp == pytest.approx(0.15 * electric, rel=1e-4)
    assert chp < 0.5 * boiler
    assert float(ds["cop"].sel(technology="heat_pump", year=2030)) > 1.0


def test_heat_capacity_and_network_cost_money_and_retire_by_age() -> None:
    model, data, _ = two_periods()
    for y in (2025, 2030):
        assert pyo.value(model.annual_cost["heat_fixed_om", y]) > 1000.0  # MCNY/yr
    network = [pyo.value(model.heat_network[y]) for y in data.years]
    assert all(b >= a - 1e-6 for a, b in pairwise(network))  # one-way
    if network[-1] > network[0] + 1e-3:
        assert pyo.value(model.annual_cost["heat_investment", data.years[-1]]) > 0
    # the 2010 cohort of heat-only boilers (25-year life) is gone by 2035
    standing = [pyo.value(model.heat_capacity["heat_boiler", y]) for y in data.years]
    built = sum(pyo.value(model.new_heat_capacity["heat_boiler", y]) for y in data.years)
    assert standing[-1] <= standing[0] - 20.7 + built + 1e-6


def test_heat_network_and_heat_supply_cover_the_hourly_peak() -> None:
    """Averaged slices flatten the heat peak; the network and the CHP + heat-only capacity are
    sized on the hourly peak of heat_pu (as A153 derives the boilers standing in 2020, and as
    the reserve margin sizes firm power on the hourly peak load). Sized on the slices' peak,
    the aggregated model grew district heat on capacity missing at the peak (hourly-2030 at
    24 days x 8 segments: 34.2 Mtce of district heat against 26.7 hourly)."""
    model, data, _ = two_periods()
    hourly_peak = float(read_hourly(SHANXI / "hourly_profiles.csv")["heat_pu"].max())
    assert float(data.inputs["heat_pu"].max()) < hourly_peak - 0.1  # the slices flatten it
    for y in data.years:
        heat = pyo.value(model.final_carrier_total["heat", y])
        peak = heat * TWH_PER_MTCE * 1000.0 / HOURS_PER_YEAR * hourly_peak
        chp = sum(
            data.tech("heat_to_power", t, y)
            * data.tech("availability", t, y)
            * pyo.value(model.capacity[t, y])
            for t in data.techs_of("chp")
        )
        heat_only = sum(
            data.tech("availability", b, y, default=1.0) * pyo.value(model.heat_capacity[b, y])
            for b in data.boilers
        )
        assert pyo.value(model.heat_network[y]) >= peak - 1e-6
        assert chp + heat_only >= peak - 1e-6


def test_gas_output_declines_no_faster_than_mature_fields_and_costs_straddle_parity() -> None:
    model, data, _ = two_periods()
    output = {y: pyo.value(model.gas_output[y]) for y in data.years}
    for prev, y in pairwise(data.years):
        assert output[y] >= output[prev] * (1 - 0.1) ** (y - prev) - 1e-6
    assert output[2030] > 10.0  # the old model fell from 20 bcm (2025) to 3.4 bcm (2030)
    inputs = load_inputs(SHANXI, [2030])
    parity = float(inputs["fuel_price"].sel(fuel_type="gas", year=2030)) * 1.2143
    grade = {k: float(inputs[f"gas_grade{k}_cost"].sel(year=2030)) for k in (1, 2, 3)}
    assert grade[1] < grade[2] < parity < grade[3]
    shipped = [pyo.value(model.gas_shipped_out[y]) for y in data.years]
    assert max(shipped) > 0  # Shanxi sells gas out of the province (a net exporter by 2025)


def test_decline_limit_binds_when_gas_stops_paying() -> None:
    """Worthless gas (no sale value, grades at 10x cost): output still falls no faster than
    10 %/yr from its 2025 level instead of dropping to zero at once."""
    scenario = load_scenario(ROOT / "scenarios" / "base.yaml", ["years=[2020,2025,2030]"])
    inputs = scenario_inputs(scenario)
    inputs["gas_sale_price"] = inputs["gas_sale_price"] * 0.0
    for k in (1, 2, 3):
        inputs[f"gas_grade{k}_cost"] = inputs[f"gas_grade{k}_cost"] * 10.0
    model, _ = build_model(scenario, inputs)
    assert solve(model, scenario.solver).status is Status.OPTIMAL
    before, after = pyo.value(model.gas_output[2025]), pyo.value(model.gas_output[2030])
    assert before > 0
    assert after == pytest.approx(before * 0.9**5, rel=1e-6)  # the limit binds


def test_coal_never_returns_to_buildings() -> None:
    _, _, ds = two_periods()
    useful = ds["final_energy"].sel(sector="buildings")
    share = (useful.sel(carrier="coal") * 0.55) / sum(
        useful.sel(carrier=c) * e
        for c, e in (("coal", 0.55), ("gas", 0.9), ("oil", 0.8), ("electricity", 1), ("heat", 0.9))
    )
    values = share.values
    assert all(b <= a + 1e-6 for a, b in pairwise(values))


def test_calibrated_demand_reproduces_2021_2024_consumption() -> None:
    """Demand indices (A160) were tuned on this annual run; the old ones gave 239-253 TWh."""
    _, _, result, ds = solve_scenario(ROOT / "scenarios" / "calibration-2020-2025.yaml")
    assert ds is not None, result.status
    for year, statistic in STATISTICS.items():
        model = float(ds["electricity_consumption"].sel(year=year))
        assert model == pytest.approx(statistic, rel=0.02), year
