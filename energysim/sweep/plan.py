"""The fleet and the fixed decisions a sweep simulates: a `System` of plain NumPy arrays.

A plan is a results file of `energysim run` (capacities, corridors, final energy, gas output
and coal shipped out per year) or a fresh solve of the scenario. Everything the kernels need is
read once into a picklable `System`, so that dask workers receive a few hundred kB and no
xarray or Pyomo objects.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import xarray as xr

from energysim.errors import InputError, Problem
from energysim.inputs.load import CARRIERS
from energysim.model.capacity import alive_builds
from energysim.model.data import ModelData, capital_recovery_factor, prepare
from energysim.model.dispatch import PROFILE_OF, station_use_share
from energysim.model.emissions import fixed_emissions
from energysim.model.policy import coke_shipped_out
from energysim.model.supply import TRANCHES, has_coal_supply
from energysim.results.netcdf import read_netcdf
from energysim.scenario.schema import Scenario

FUELS = ("coal", "gas", "oil", "biomass")  # priced fuels; a technology with fuel "none" is free
YIELD_PARAMETER = {"wind": "wind_yield", "solar": "solar_yield"}
CAPEX_PARAMETER = {"wind": "capex_wind", "solar": "capex_solar", "battery": "capex_battery"}
PLAN_VARIABLES = ("capacity", "new_capacity", "corridor_flow", "final_energy", "cost")


@dataclass
class System:
    """Inputs of the sweep kernels. Shapes: Y years, H slices, K generating technologies
    (storage and heat-only boilers apart), F = len(FUELS), C = len(CARRIERS)."""

    years: np.ndarray  # (Y,)
    discount_factor: np.ndarray  # (Y,) sum of discount factors of the years a period stands for
    weight: np.ndarray  # (H,) hours per slice
    storage_window: int  # slices per storage cycle (a day of 24 hours, or all slices)
    load_pu: np.ndarray  # (H,) per unit of mean load
    heat_pu: np.ndarray  # (H,) per unit of mean heat demand
    technologies: list[str]  # (K,)
    profile: np.ndarray  # (K, H) availability profile; 1 for flat-availability technologies
    profiled: np.ndarray  # (K,) bool: zero-cost technologies following a profile (wind, ...)
    yield_parameter: list[str | None]  # (K,) uncertain multiplier of the profile, if any
    available: np.ndarray  # (K, Y) GW available: capacity x availability (x yield scale)
    vom: np.ndarray  # (K, Y) CNY/MWh
    heat_rate: np.ndarray  # (K, Y) gce/kWh
    capture: np.ndarray  # (K, Y) fraction of CO2 captured
    fuel: np.ndarray  # (K,) index into FUELS, -1 for none
    fossil: np.ndarray  # (K,) bool
    must_run: np.ndarray  # (K, Y) GW a CHP unit must generate in slices with heat demand
    heat_to_power: np.ndarray  # (K, Y)
    heat_fuel_rate: np.ndarray  # (K, Y) gce/kWh_th, CHP only
    storage_power: np.ndarray  # (Y,) GW
    storage_energy: np.ndarray  # (Y,) GWh
    storage_efficiency: np.ndarray  # (Y,) round trip
    storage_vom: np.ndarray  # (Y,) CNY/MWh discharged
    net_share: float  # 1 - station use: share of gross generation that reaches load
    consumption_base: float  # TWh in the base year
    consumption: np.ndarray  # (Y,) TWh, the plan's
    exports: np.ndarray  # (Y,) TWh, the plan's
    export_capacity: np.ndarray  # (Y,) GW
    export_price: np.ndarray  # (Y,) CNY/MWh, flow-weighted over corridors
    final: np.ndarray  # (C, Y) Mtce final energy by carrier, the plan's
    fuel_price: np.ndarray  # (F, Y) CNY/tce
    emission_factor: np.ndarray  # (F, Y) t CO2/tce
    tce_coal: np.ndarray  # (Y,) tce/t
    tce_gas: np.ndarray  # (Y,) tce/1000 m3
    electricity_factor: np.ndarray  # (2, Y) kgce/kWh: calorific, coal equivalent
    carbon_price: np.ndarray  # (Y,) CNY/t CO2
    value_of_lost_load: float  # CNY/MWh
    coal_exogenous: np.ndarray  # (Y,) Mt raw coal to coking and chemicals
    coal_shipped_out: np.ndarray  # (Y,) Mt, the plan's
    coal_supply: bool
    tranche_capacity: np.ndarray  # (3, Y) Mt
    tranche_cost: np.ndarray  # (3, Y) CNY/t
    gas_output: np.ndarray  # (Y,) bcm, the plan's
    gas_cost: np.ndarray  # (Y,) CNY/1000 m3
    gas_shipped_out: np.ndarray  # (Y,) bcm
    process_co2: np.ndarray  # (Y,) Mt CO2, coke-oven combustion + cement process
    coke_shipped_out: np.ndarray  # (Y,) Mtce of coke leaving the province
    boiler_heat_rate: np.ndarray  # (Y,) gce/kWh_th
    boiler_vom: np.ndarray  # (Y,) CNY/MWh_th
    investment: np.ndarray  # (T, Y) MCNY/yr annuities of the plan's builds, all technologies
    investment_parameter: list[str | None]  # (T,) uncertain capex multiplier, if any
    fixed_costs: dict[str, np.ndarray]  # MCNY/yr per component the sweep does not change
    gas_sale_price: np.ndarray | None = None  # (Y,) CNY/1000 m3 of gas sold out of the province
    integration_cost: np.ndarray | None = None  # (K, Y) CNY/MWh balancing cost of generation

    @property
    def chp(self) -> np.ndarray:
        return self.must_run.any(axis=1)


def load_plan(path: Path) -> xr.Dataset:
    """A results file of `energysim run`, checked to hold what a sweep needs."""
    if not Path(path).is_file():
        raise InputError([Problem(str(path), 1, 1, "--plan", "plan results file not found")])
    try:
        plan = read_netcdf(path)
    except (OSError, ValueError) as err:
        raise InputError(
            [Problem(str(path), 1, 1, "--plan", f"not a results file ({err})")]
        ) from None
    missing = [v for v in PLAN_VARIABLES if v not in plan]
    if missing:
        raise InputError(
            [Problem(str(path), 1, 1, "--plan", f"not a results file: no {', '.join(missing)}")]
        )
    return plan


def check_plan(plan: xr.Dataset, d: ModelData, source: str) -> None:
    problems = []
    years = [int(y) for y in plan.year.values]
    if missing := [y for y in d.years if y not in years]:
        problems.append(Problem(source, 1, 1, "year", f"plan has no year {missing}"))
    techs = [str(t) for t in plan.technology.values]
    if missing := [t for t in d.technologies if t not in techs]:
        problems.append(Problem(source, 1, 1, "technology", f"plan has no {missing}"))
    if problems:
        raise InputError(problems)


def build_system(scenario: Scenario, inputs: xr.Dataset, plan: xr.Dataset, source: str) -> System:
    """The `System` of a scenario's inputs and a plan on the scenario's years."""
    d = prepare(scenario, inputs)
    check_plan(plan, d, source)
    plan = plan.sel(year=d.years)
    years = d.years
    generators = [t for t in d.technologies if d.kind[t] != "storage"]
    storage = d.techs_of("storage")

    def tech_grid(parameter: str, techs: list[str], default: float) -> np.ndarray:
        values = [[d.tech(parameter, t, y, default) for y in years] for t in techs]
        return np.array(values, dtype=float).reshape(len(techs), len(years))

    capacity = plan["capacity"].sel(technology=d.technologies)
    cap = capacity.sel(technology=generators).values.astype(float)
    profiled = np.array([PROFILE_OF.get(t, "") in d.inputs for t in generators])
    flat = np.ones(len(d.slices))
    profile = np.array(
        [
            d._profiles[PROFILE_OF[t]] if p else flat
            for t, p in zip(generators, profiled, strict=True)
        ]
    )
    scale = np.ones((len(generators), len(years)))
    for k, t in enumerate(generators):
        if profiled[k]:
            scale[k, 0] = d.base(f"{t}_yield_scale", 1.0)
    availability = np.where(profiled[:, None], scale, tech_grid("availability", generators, 1.0))
    heat_in_slice = d._profiles.get("heat_pu", np.zeros(len(d.slices))) > 0
    is_chp = np.array([d.kind[t] == "chp" for t in generators])
    min_load = tech_grid("min_load", generators, 0.0) * is_chp[:, None]
    must_run = min_load * availability * cap if heat_in_slice.any() else 0 * cap

    storage_cap = (
        capacity.sel(technology=storage).values.astype(float).reshape(len(storage), len(years))
    )
    energy = storage_cap * tech_grid("energy_to_power", storage, 0.0)
    efficiency = tech_grid("round_trip_efficiency", storage, 1.0)
    total_power = storage_cap.sum(axis=0)
    safe_power = np.where(total_power > 0, total_power, 1.0)

    flows = plan["corridor_flow"].values.reshape(len(d.corridors), len(years))
    prices = np.array(
        [
            [d.series("corridor_export_price", y, 0.0, corridor=c) for y in years]
            for c in d.corridors
        ]
    ).reshape(len(d.corridors), len(years))
    exported = flows.sum(axis=0)
    export_price = np.where(
        exported > 0, (flows * prices).sum(axis=0) / np.maximum(exported, 1e-12), 0.0
    )

    final = np.zeros((len(CARRIERS), len(years)))
    if "carrier" in plan["final_energy"].dims and plan["final_energy"].size:
        by_carrier = plan["final_energy"].sum("sector")
        for i, c in enumerate(CARRIERS):
            if c in by_carrier.carrier.values:
                final[i] = by_carrier.sel(carrier=c).values
    consumption = plan["electricity_consumption"].values.astype(float)
    base_consumption = d.base("electricity_consumption")
    if math.isnan(base_consumption):
        base_consumption = float(consumption[0])

    rate = scenario.economics.discount_rate
    new = plan["new_capacity"].sel(technology=d.technologies)
    investment = np.array(
        [
            [
                sum(
                    float(new.sel(technology=t, year=b))
                    * d.tech("capex", t, b, 0.0)
                    * capital_recovery_factor(rate, d.tech("lifetime", t, b, 1.0))
                    for b in alive_builds(d, t, y)
                )
                for y in years
            ]
            for t in d.technologies
        ]
    ).reshape(len(d.technologies), len(years))
    plan_cost = plan["cost"].sel(year=years) / 1e6  # CNY -> MCNY
    fixed = {
        k: plan_cost.sel(cost_component=k).values.astype(float)
        for k in (
            "fixed_om",
            "end_use",
            "corridor_investment",
            "heat_investment",
            "heat_fixed_om",
            "grid_connection",  # annuities of the plan's builds
        )
        if k in plan_cost.cost_component.values
    }

    coal_boilers = [b for b in d.boilers if d.fuel[b] == "coal"]

    def series(name: str, default: float = 0.0) -> np.ndarray:
        return np.array([d.series(name, y, default) for y in years])

    def coal_shipped_out() -> np.ndarray:
        if "coal_use" not in plan:
            return np.zeros(len(years))
        return plan["coal_use"].sel(coal_flow="coal_shipped_out", year=years).values.astype(float)

    carbon = scenario.carbon_policy.price
    carbon_years = sorted(carbon)
    return System(
        years=np.array(years),
        discount_factor=np.array([d.discount_factor[y] for y in years]),
        weight=np.asarray(d._profiles["slice_weight"], dtype=float),
        storage_window=storage_window(d),
        load_pu=np.asarray(d._profiles["load_pu"], dtype=float),
        heat_pu=np.asarray(d._profiles.get("heat_pu", np.zeros(len(d.slices))), dtype=float),
        technologies=generators,
        profile=profile,
        profiled=profiled,
        yield_parameter=[
            YIELD_PARAMETER.get(t) if p else None for t, p in zip(generators, profiled, strict=True)
        ],
        available=cap * availability,
        vom=tech_grid("vom", generators, 0.0),
        integration_cost=tech_grid("integration_cost", generators, 0.0),
        heat_rate=tech_grid("heat_rate", generators, 0.0),
        capture=tech_grid("capture_rate", generators, 0.0),
        fuel=np.array([FUELS.index(d.fuel[t]) if d.fuel[t] in FUELS else -1 for t in generators]),
        fossil=np.array([bool(d.inputs["fossil"].sel(technology=t)) for t in generators]),
        must_run=must_run,
        heat_to_power=tech_grid("heat_to_power", generators, 0.0) * is_chp[:, None],
        heat_fuel_rate=tech_grid("heat_fuel_rate", generators, 0.0) * is_chp[:, None],
        storage_power=total_power,
        storage_energy=energy.sum(axis=0),
        storage_efficiency=np.where(
            total_power > 0, (storage_cap * efficiency).sum(axis=0) / safe_power, 1.0
        ),
        storage_vom=np.where(
            total_power > 0,
            (storage_cap * tech_grid("vom", storage, 0.0)).sum(axis=0) / safe_power,
            0.0,
        ),
        net_share=1.0 - station_use_share(d),
        consumption_base=float(base_consumption),
        consumption=consumption,
        exports=exported,
        export_capacity=plan["corridor_capacity"].sum("corridor").values.astype(float)
        if "corridor_capacity" in plan
        else np.zeros(len(years)),
        export_price=export_price,
        final=final,
        fuel_price=np.array(
            [[d.series("fuel_price", y, 0.0, fuel_type=f) for y in years] for f in FUELS]
        ),
        emission_factor=np.array(
            [[d.series("fuel_emission_factor", y, 0.0, fuel_type=f) for y in years] for f in FUELS]
        ),
        tce_coal=series("tce_factor_coal", 0.7143),
        tce_gas=series("tce_factor_gas", 1.2143),
        electricity_factor=np.array(
            [
                series("tce_factor_electricity_calorific"),
                series("tce_factor_electricity_coal_equivalent"),
            ]
        ),
        carbon_price=np.interp(years, carbon_years, [carbon[y] for y in carbon_years])
        if carbon
        else np.zeros(len(years)),
        value_of_lost_load=scenario.model.value_of_lost_load,
        coal_exogenous=series("coal_to_coking") + series("coal_to_chemicals"),
        coal_shipped_out=coal_shipped_out(),
        coal_supply=has_coal_supply(d),
        tranche_capacity=np.array(
            [
                series(f"coal_tranche{k}_share", 1.0 if k == 1 else 0.0)
                * series("coal_mine_capacity")
                for k in TRANCHES
            ]
        ),
        tranche_cost=np.array([series(f"coal_tranche{k}_cost") for k in TRANCHES]),
        gas_output=plan["cbm_output"].values.astype(float)
        if "cbm_output" in plan
        else np.zeros(len(years)),
        gas_cost=plan_gas_cost(plan, years, series("gas_cost")),
        gas_shipped_out=plan["gas_use"]
        .sel(gas_flow="gas_shipped_out", year=years)
        .values.astype(float)
        if "gas_use" in plan and "gas_shipped_out" in plan["gas_use"].gas_flow.values
        else series("gas_shipped_out"),
        gas_sale_price=series("gas_sale_price"),
        process_co2=np.array([fixed_emissions(d, y) for y in years]),
        coke_shipped_out=np.array([coke_shipped_out(d, y) for y in years]),
        # the sweep's heat-only heat is the coal boilers' (electric heat is not re-dispatched)
        boiler_heat_rate=np.array(
            [sum(d.tech("heat_rate", b, y, 0.0) for b in coal_boilers) for y in years]
        ),
        boiler_vom=np.array([sum(d.tech("vom", b, y, 0.0) for b in coal_boilers) for y in years]),
        investment=investment,
        investment_parameter=[CAPEX_PARAMETER.get(t) for t in d.technologies],
        fixed_costs=fixed,
    )


def storage_window(d: ModelData) -> int:
    """Slices of one storage cycle: a representative day's slices (hours or segments), a day
    of 24 slices (seasonal hours), or all slices."""
    if "slice_day" in d._profiles:
        return int(np.count_nonzero(d._profiles["slice_day"] == d._profiles["slice_day"][0]))
    return 24 if len(d.slices) % 24 == 0 else len(d.slices)


def plan_gas_cost(plan: xr.Dataset, years: list[int], table: np.ndarray) -> np.ndarray:
    """Average production cost of the plan's gas (CNY/1000 m3): its gas_production cost over
    its output when the plan has them (gas in cost grades), else the table's single cost."""
    if "cbm_output" not in plan or "cost" not in plan:
        return table
    output = plan["cbm_output"].sel(year=years).values.astype(float)
    cost = plan["cost"].sel(cost_component="gas_production", year=years).values / 1e6  # MCNY
    return np.where(output > 1e-9, cost / np.maximum(output, 1e-9), table)
