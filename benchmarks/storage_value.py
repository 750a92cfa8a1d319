"""Does a 2 h battery pay on the model's own prices? Its annual cost against what it would earn.

    python -m benchmarks.storage_value scenarios/base.yaml time.resolution=representative_days \
        time.days=24 "years=[2020,2030,2040,2050,2060]"

Per model year: the battery's annualised cost (capex x CRF(r, lifetime) + FOM, CNY/kW/yr); its
arbitrage value on the solved marginal prices (each representative day: discharge its 2 h of
energy in the two dearest slices, buy it back with the round-trip loss in the two cheapest,
weighted by the days the day stands for); its capacity value (the reserve-margin dual x the
battery's capacity credit, CNY/kW/yr). A battery pays when arbitrage + capacity >= cost.
"""

from __future__ import annotations

import sys
import time

import numpy as np

from energysim.inputs import load_inputs
from energysim.model.build import build_model
from energysim.model.data import capital_recovery_factor
from energysim.results.extract import to_dataset
from energysim.scenario import load_scenario
from energysim.solve.highs import solve

HOURS = 2  # energy_to_power of the Shanxi battery (technology_parameters.csv, S35)


def main(path: str, overrides: list[str]) -> None:
    scenario = load_scenario(path, overrides)
    start = time.time()
    inputs = load_inputs(
        scenario.inputs, scenario.years, scenario.time.resolution, scenario.time.days
    )
    model, d = build_model(scenario, inputs)
    result = solve(model, scenario.solver)
    ds = to_dataset(model, d, result)
    print(f"{path} {overrides}: {result.status.value}, {time.time() - start:.0f} s")
    weight = np.asarray(inputs["slice_weight"].values, dtype=float)
    day = np.asarray(inputs["slice_day"].values, dtype=int)
    rate = scenario.economics.discount_rate
    print(
        "year  built GW  standing GW  cost  arbitrage  capacity  (CNY/kW/yr)  "
        "daily spread CNY/MWh  mean price CNY/MWh  wind+solar share"
    )
    for y in scenario.years:
        price = ds["marginal_electricity_price"].sel(year=y).values
        eta = d.tech("round_trip_efficiency", "battery", y)
        capex = d.tech("capex", "battery", y)
        cost = capex * capital_recovery_factor(rate, d.tech("lifetime", "battery", y))
        cost += d.tech("fom", "battery", y)
        arbitrage, spreads, days = 0.0, [], []
        for k in sorted(set(day.tolist())):
            index = np.where(day == k)[0]
            ordered = np.sort(price[index])
            top, bottom = ordered[-HOURS:].mean(), ordered[:HOURS].mean()
            stands_for = weight[index].sum() / 24.0
            spreads.append(top - bottom / eta)
            days.append(stands_for)
            arbitrage += max(HOURS * (top - bottom / eta), 0.0) * stands_for / 1000.0
        rows = model.reserve_margin  # no row in the pinned base year
        dual = abs(result.duals.get(rows[y], np.nan)) if y in rows else np.nan
        capacity = dual * 1e9 / d.discount_factor[y] / 1e6
        capacity *= d.tech("capacity_credit", "battery", y)
        generation = ds["generation"].sel(year=y)
        share = float(generation.sel(technology=["wind", "solar"]).sum() / generation.sum())
        print(
            f"{y}  {float(ds['new_capacity'].sel(technology='battery', year=y)):8.2f}"
            f"  {float(ds['capacity'].sel(technology='battery', year=y)):11.2f}"
            f"  {cost:5.0f}  {arbitrage:9.1f}  {capacity:8.1f}"
            f"  {np.average(spreads, weights=days):33.1f}"
            f"  {float((price * weight).sum() / weight.sum()):18.1f}  {share:16.2f}"
        )


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
