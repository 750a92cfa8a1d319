"""From annual dispatch to fuel use, the coal and gas balances, CO2, costs and the KPIs of the
results contract (same names and units as `energysim.results.extract`), with a `sample`
dimension. O(samples x years x technologies): vectorised, not performance-critical.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from energysim.inputs.load import CARRIERS
from energysim.model.emissions import COMBUSTION_FUELS
from energysim.model.objective import COMPONENTS, REVENUE_COMPONENTS
from energysim.sweep.kernel import Dispatch, multipliers
from energysim.sweep.plan import FUELS, System

METHODS = ("calorific", "coal_equivalent")


def account(
    system: System, out: Dispatch, params: dict[str, np.ndarray], first_sample: int
) -> xr.Dataset:
    """Every sweep output of one chunk of samples as a Dataset (units in attrs).

    fuel_use[t]  = generation[t] * heat_rate[t] / 1000 (+ CHP heat * heat_fuel_rate / 1000,
                   shared equally among CHP technologies), Mtce; boilers burn coal
    co2_power[f] = (sum_t burns f fuel_use[t] * (1 - capture[t]) + boilers) * ef[f]
    final electricity scales with consumption; other final carriers are the plan's
    co2 = co2_power + final fossil carriers * ef + coke-oven combustion + process emissions
    primary, non-fossil share: as `energysim.model.policy.define_accounting`
    total_cost = discounted cost components, revenue = - discounted revenue components
    coal_output  = (coal burnt + final coal) / tce_per_t + coking + chemicals + shipped out;
                   mined by tranche, cheapest first
    gas_import   = gas needed (incl. the plan's sales out of the province) - the plan's own
                   output (output lowered if more than needed, or if the sampled gas
                   resource is below 1: output x min(gas_resource, 1) after the base year)
    costs as in `energysim.model.objective`, million CNY per year, reported in CNY/yr
    """
    n, years, _ = out.generation.shape
    m = multipliers(params, n)
    gen = out.generation  # (S, Y, K) TWh
    chp = system.heat_to_power.any(axis=1) | system.must_run.any(axis=1)
    chp_count = max(int(chp.sum()), 1)
    fuel_use = gen * system.heat_rate.T[None] / 1000.0
    fuel_use += (chp / chp_count)[None, None, :] * (
        out.chp_heat[:, :, None] * system.heat_fuel_rate.T[None] / 1000.0
    )
    boiler_fuel = out.boiler_heat * system.boiler_heat_rate[None] / 1000.0
    burnt = np.zeros((n, years, len(FUELS)))
    captured_burnt = np.zeros_like(burnt)
    for f in range(len(FUELS)):
        uses = system.fuel == f
        burnt[:, :, f] = fuel_use[:, :, uses].sum(axis=2)
        captured_burnt[:, :, f] = (
            fuel_use[:, :, uses] * (1 - system.capture.T[None, :, uses])
        ).sum(axis=2)
    coal, gas, oil, biomass = (FUELS.index(f) for f in ("coal", "gas", "oil", "biomass"))
    burnt[:, :, coal] += boiler_fuel
    captured_burnt[:, :, coal] += boiler_fuel
    co2_power = captured_burnt * system.emission_factor.T[None]  # (S, Y, F)

    final = np.broadcast_to(system.final.T[None], (n, years, len(CARRIERS))).copy()
    electricity = CARRIERS.index("electricity")
    ratio = np.where(system.consumption > 0, 1.0 / np.maximum(system.consumption, 1e-12), 0.0)
    final[:, :, electricity] *= out.consumption * ratio[None]
    final_fossil = {f: final[:, :, CARRIERS.index(f)] for f in ("coal", "gas", "oil")}
    co2_final = sum(
        final_fossil[f] * system.emission_factor[FUELS.index(f)][None] for f in final_fossil
    )
    co2 = co2_power.sum(axis=2) + co2_final + system.process_co2[None]

    shipped = system.coal_shipped_out[None] * m["coal_shipped_out"][:, None]
    coal_output = (
        (burnt[:, :, coal] + final_fossil["coal"]) / system.tce_coal[None]
        + system.coal_exogenous[None]
        + shipped
    )
    gas_need = (burnt[:, :, gas] + final_fossil["gas"]) / system.tce_gas[
        None
    ] + system.gas_shipped_out
    # a smaller gas resource than planned caps the plan's own output (after the base year);
    # a larger one leaves it as planned: the simulation does not re-plan drilling
    resource = np.minimum(m["gas_resource"][:, None], 1.0) * np.ones((1, years))
    resource[:, 0] = 1.0
    gas_output = np.minimum(system.gas_output[None] * resource, gas_need)
    gas_import = gas_need - gas_output

    coal_price = system.fuel_price[coal][None] * m["coal_price"][:, None]
    gas_price = system.fuel_price[gas][None] * m["gas_price"][:, None]
    cost = {k: np.zeros((n, years)) for k in COMPONENTS}
    for t, name in enumerate(system.investment_parameter):
        factor = m[name][:, None] if name else 1.0
        cost["investment"] += system.investment[t][None] * factor
    for k, value in system.fixed_costs.items():
        cost[k] += value[None]
    cost["variable_om"] = (
        (gen * system.vom.T[None]).sum(axis=2)
        + out.storage_discharge * system.storage_vom[None]
        + out.boiler_heat * system.boiler_vom[None]
    )
    if system.integration_cost is not None:  # balancing cost of what is generated (grid.py)
        cost["grid_integration"] = (gen * system.integration_cost.T[None]).sum(axis=2)
    if system.coal_supply:
        remaining = coal_output.copy()
        for k in range(system.tranche_capacity.shape[0]):
            last = k == system.tranche_capacity.shape[0] - 1
            mined = remaining if last else np.minimum(remaining, system.tranche_capacity[k][None])
            cost["coal_mining"] += mined * system.tranche_cost[k][None]
            remaining = remaining - mined
    cost["gas_production"] = gas_output * system.gas_cost[None]
    cost["fuel_purchase"] = (
        gas_import * system.tce_gas[None] * gas_price
        + burnt[:, :, biomass] * system.fuel_price[biomass][None]
        + final_fossil["oil"] * system.fuel_price[oil][None]
    )
    if not system.coal_supply:
        cost["fuel_purchase"] += (burnt[:, :, coal] + final_fossil["coal"]) * coal_price
    cost["unserved"] = out.unserved * system.value_of_lost_load
    cost["carbon_price"] = co2 * system.carbon_price[None]
    cost["export_revenue"] = -out.exported * system.export_price[None]
    cost["coal_sales"] = -shipped * system.tce_coal[None] * coal_price
    if system.gas_sale_price is not None:  # the plan's gas sales, at a price moving with gas's
        cost["gas_sales"] = -(
            system.gas_shipped_out[None] * system.gas_sale_price[None] * m["gas_price"][:, None]
        )
    annual = np.stack([np.broadcast_to(cost[k], (n, years)) for k in COMPONENTS], axis=1)
    annual = annual * 1e6  # (S, components, Y) CNY/yr
    revenue_rows = np.array([k in REVENUE_COMPONENTS for k in COMPONENTS])
    discounted = annual * system.discount_factor[None, None]
    total = discounted[:, ~revenue_rows].sum(axis=(1, 2))
    revenue = -discounted[:, revenue_rows].sum(axis=(1, 2))

    factors = system.electricity_factor  # (2, Y)
    final_twh = final[:, :, electricity] / factors[0][None]
    non_electric = final.sum(axis=2) - final[:, :, electricity]
    share = np.stack(
        [
            _ratio(final_twh * factors[i][None], non_electric + final_twh * factors[i][None])
            for i in range(2)
        ],
        axis=2,
    )
    non_fossil_twh = gen[:, :, ~system.fossil].sum(axis=2)
    fossil_twh = gen[:, :, system.fossil].sum(axis=2)
    consumed_twh = non_fossil_twh - np.maximum(0.0, out.exported - fossil_twh)  # A97
    non_fossil = consumed_twh * factors[1][None]
    primary = (
        burnt[:, :, coal]
        + burnt[:, :, gas]
        + sum(final_fossil.values())
        + system.coal_exogenous[None] * system.tce_coal[None]
        - system.coke_shipped_out[None]
        + (non_fossil_twh - out.exported) * factors[1][None]
    )
    peak = system.years[np.argmax(np.round(co2, 6), axis=1)]

    sample = np.arange(first_sample, first_sample + n)
    ds = xr.Dataset(
        coords={
            "sample": sample,
            "year": system.years,
            "technology": system.technologies,
            "fuel": list(COMBUSTION_FUELS),
            "method": list(METHODS),
            "cost_component": list(COMPONENTS),
        }
    )
    sy = ("sample", "year")

    def add(name: str, dims: tuple[str, ...], values: np.ndarray, units: str) -> None:
        ds[name] = (dims, np.asarray(values, dtype=float), {"units": units})

    add("generation", ("sample", "year", "technology"), gen, "TWh")
    add("generation_total", sy, gen.sum(axis=2), "TWh")
    add("curtailment", sy, out.curtailment, "TWh")
    add("unserved_energy", sy, out.unserved, "TWh")
    add("storage_charge", sy, out.storage_charge, "TWh")
    add("storage_discharge", sy, out.storage_discharge, "TWh")
    add("electricity_consumption", sy, out.consumption, "TWh")
    add("electricity_exported", sy, out.exported, "TWh")
    add("chp_heat", sy, out.chp_heat, "TWh_th")
    add("boiler_heat", sy, out.boiler_heat, "TWh_th")
    fuel_index = [FUELS.index(f) for f in COMBUSTION_FUELS]
    add("fuel_burnt", ("sample", "year", "fuel"), burnt[:, :, fuel_index], "Mtce")
    add("co2_power_heat", ("sample", "year", "fuel"), co2_power[:, :, fuel_index], "Mt CO2")
    add("co2_emissions", sy, co2, "Mt CO2")
    add("coal_output", sy, coal_output, "Mt")
    add("coal_shipped_out", sy, shipped, "Mt")
    add("cbm_output", sy, gas_output, "bcm")
    add("gas_import", sy, gas_import, "bcm")
    add("cost", ("sample", "cost_component", "year"), annual, "CNY/yr")
    add("total_cost", ("sample",), total, "CNY (discounted)")
    add("revenue", ("sample",), revenue, "CNY (discounted)")
    add("net_cost", ("sample",), total - revenue, "CNY (discounted)")
    add("electricity_share_final", ("sample", "year", "method"), share, "fraction")
    add("non_fossil_share", sy, _ratio(non_fossil, primary), "fraction")
    add("primary_energy", sy, primary, "Mtce")
    ds["co2_peak_year"] = ("sample", peak.astype(np.int64), {"units": "year"})
    add_sampled_inputs(ds, params)
    return ds


def add_sampled_inputs(ds: xr.Dataset, params: dict[str, np.ndarray]) -> None:
    """The sampled multipliers beside the results, `input_<name>` by sample."""
    for name, values in sorted(params.items()):
        ds[f"input_{name}"] = (
            "sample",
            np.asarray(values, dtype=float),
            {"units": "multiplier (1 = the scenario's input)", "long_name": f"sampled {name}"},
        )


def _ratio(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(b != 0, a / np.where(b != 0, b, 1.0), np.nan)
