"""A solved model as an `xarray.Dataset`: units in every variable's attrs, provenance in the
global attrs, and the KPI variables of the results contract under their fixed names."""

from __future__ import annotations

import hashlib
import json
import platform
from collections.abc import Callable

import numpy as np
import pyomo.environ as pyo
import xarray as xr

import energysim
from energysim.model.capacity import alive_builds, existing_alive
from energysim.model.data import COST_SCALE, TWH_PER_MTCE, ModelData
from energysim.model.dispatch import fuel_use_mtce, station_use_share
from energysim.model.emissions import COMBUSTION_FUELS
from energysim.model.history import describe, members
from energysim.model.objective import OBJECTIVE, REVENUE_COMPONENTS
from energysim.model.policy import (
    DEFINITIONS,
    coke_shipped_out,
    electricity_factor,
    non_fossil_consumed,
)
from energysim.model.supply import coal_mtce_per_mt, fuel_burnt, gas_mtce_per_bcm
from energysim.results.history import add_history
from energysim.solve.highs import SolveResult

TARGET_UNITS = {
    "coal_output_min": "Mt",
    "coal_output_max": "Mt",
    "cbm_output_min": "bcm",
    "export_capacity_min": "GW",
    "export_capacity_max": "GW",
    "electricity_share_min": "share",
    "non_fossil_share_min": "share",
    "co2_peak": "Mt CO2",
    "co2_cap": "Mt CO2",
    "co2_budget": "Mt CO2",
    "wind_solar_capacity_min": "GW",
    "clean_capacity_share_min": "share",
}


CO2_SCOPE = (
    "co2_emissions = territorial scope-1 CO2 as CEADs (S19): IN: fuel combustion in power and "
    "heat by fuel (co2_power_heat), in final sectors by sector and fuel (co2_final), in coke "
    "ovens (co2_coking, combustion, A86), and industrial process CO2 by kind: cement "
    "(co2_process, A87). REPORTED BESIDE, not in the total: CO2 embodied in exported "
    "electricity (co2_embodied_in_exports, power CO2 x exported/generated; exports are counted "
    "in Shanxi as in CEADs), carbon of coal-to-chemicals feedstock as an upper bound of its "
    "process CO2 (co2_chemicals_feedstock_max). OUT: coal-mine methane (CH4; no sourced "
    "emission factor in the inputs, not estimated), coal-to-chemicals process CO2 as such "
    "(no source for the share of feedstock carbon vented), land use and forestry."
)


def scenario_hash(d: ModelData) -> str:
    """SHA-256 of the resolved scenario (machine-specific inputs path left out)."""
    return hashlib.sha256(_scenario_json(d).encode()).hexdigest()


def _scenario_json(d: ModelData) -> str:
    data = d.scenario.model_dump(mode="json", exclude={"inputs"})
    return json.dumps(data, sort_keys=True, ensure_ascii=False)


def to_dataset(m: pyo.ConcreteModel, d: ModelData, result: SolveResult) -> xr.Dataset:
    """Every result variable of a solved model, with units, plus provenance."""
    years, techs = d.years, list(m.technologies)
    ds = xr.Dataset(
        coords={
            "year": years,
            "technology": techs,
            "slice": d.slices,
            "corridor": d.corridors,
            "sector": d.sectors,
            "carrier": d.carriers,
            "method": ["calorific", "coal_equivalent"],
        }
    )

    def grid(function: Callable[..., float], *axes: list) -> np.ndarray:
        shape = [len(a) for a in axes]
        out = np.empty(shape)
        for index in np.ndindex(*shape):
            out[index] = function(*(axis[i] for axis, i in zip(axes, index, strict=True)))
        return out

    def add(name: str, dims: tuple[str, ...], values: object, units: str, doc: str = "") -> None:
        ds[name] = (dims, np.asarray(values, dtype=float), {"units": units, "long_name": doc})

    v = pyo.value
    weight = np.asarray(d.inputs["slice_weight"].values, dtype=float)

    def twh(var: pyo.Var, *index: object) -> float:
        return float(sum(weight[i] * v(var[(*index, s)]) for i, s in enumerate(d.slices)) / 1000)

    # Power
    add(
        "capacity",
        ("technology", "year"),
        grid(lambda t, y: v(m.capacity[t, y]), techs, years),
        "GW",
        "standing capacity (pays fixed O&M; installed less early retirement)",
    )
    add(
        "new_capacity",
        ("technology", "year"),
        grid(lambda t, y: v(m.new_capacity[t, y]), techs, years),
        "GW",
        "built in the period",
    )
    installed = grid(
        lambda t, y: (
            existing_alive(d, t, y) + sum(v(m.new_capacity[t, b]) for b in alive_builds(d, t, y))
        ),
        techs,
        years,
    )
    retired = np.zeros_like(installed)
    retired[:, 1:] = installed[:, :-1] + ds["new_capacity"].values[:, 1:] - installed[:, 1:]
    early = np.maximum(installed - ds["capacity"].values, 0.0)
    add(
        "early_retirement",
        ("technology", "year"),
        early,
        "GW",
        "installed capacity within its lifetime but retired early (one way)",
    )
    fom = grid(lambda t, y: d.tech("fom", t, y, 0.0), techs, years)
    add(
        "early_retirement_saving",
        ("technology", "year"),
        early * fom * 1e6,
        "CNY/yr",
        "fixed O&M no longer paid on capacity retired early (capital of model-built capacity "
        "retired early stays in the investment cost: stranded)",
    )
    add(
        "retired_capacity",
        ("technology", "year"),
        np.maximum(retired, 0.0),
        "GW",
        "capacity reaching the end of its life since the previous model year",
    )
    generators = list(m.generators)
    add(
        "generation",
        ("technology", "year"),
        grid(
            lambda t, y: twh(m.generation, t, y) if t in generators else twh(m.discharge, t, y),
            techs,
            years,
        ),
        "TWh",
        "annual generation (storage: discharge)",
    )
    add(
        "dispatch",
        ("technology", "year", "slice"),
        grid(
            lambda t, y, s: (
                v(m.generation[t, y, s])
                if t in generators
                else v(m.discharge[t, y, s]) - v(m.charge[t, y, s])
            ),
            techs,
            years,
            d.slices,
        ),
        "GW",
        "average output in the slice (storage: net discharge)",
    )
    add(
        "curtailment",
        ("year",),
        [sum(twh(m.curtailment, t, y) for t in m.variable_generators) for y in years],
        "TWh",
    )
    add(
        "storage_charge",
        ("year",),
        [sum(twh(m.charge, t, y) for t in m.storage) for y in years],
        "TWh",
    )
    add("unserved_energy", ("year",), [twh(m.unserved, y) for y in years], "TWh")
    add("chp_heat", ("year",), [twh(m.chp_heat, y) for y in years], "TWh_th")
    add("boiler_heat", ("year",), [twh(m.boiler_heat, y) for y in years], "TWh_th")
    _add_heat_supply(ds, m, d, twh)
    # Trade
    add(
        "corridor_capacity",
        ("corridor", "year"),
        grid(lambda c, y: v(m.corridor_capacity[c, y]), d.corridors, years),
        "GW",
    )
    add(
        "corridor_flow",
        ("corridor", "year"),
        grid(lambda c, y: twh(m.export_flow, c, y), d.corridors, years),
        "TWh",
    )
    # Balances
    coal_flows: dict[str, Callable[[int], float]] = {
        "power_heat": lambda y: v(fuel_burnt(m, d, "coal", y)) / coal_mtce_per_mt(d, y),
        "final": lambda y: v(m.final_carrier_total["coal", y]) / coal_mtce_per_mt(d, y),
        "coal_to_coking": lambda y: d.series("coal_to_coking", y, default=0.0),
        "coal_to_chemicals": lambda y: d.series("coal_to_chemicals", y, default=0.0),
        "coal_shipped_out": lambda y: v(m.coal_shipped_out[y]),
    }
    gas_flows: dict[str, Callable[[int], float]] = {
        "power": lambda y: v(fuel_burnt(m, d, "gas", y)) / gas_mtce_per_bcm(d, y),
        "final": lambda y: v(m.final_carrier_total["gas", y]) / gas_mtce_per_bcm(d, y),
        "gas_shipped_out": lambda y: v(m.gas_shipped_out[y]),
    }
    for name, dim, flows, unit in (
        ("coal_use", "coal_flow", coal_flows, "Mt"),
        ("gas_use", "gas_flow", gas_flows, "bcm"),
    ):
        ds.coords[dim] = list(flows)  # a dim named like its variable would lose these labels
        add(
            name,
            (dim, "year"),
            grid(lambda u, y, f=flows: f[u](y), list(flows), years),
            unit,
            f"{name.split('_')[0]} by use",
        )
    add("gas_import", ("year",), [v(m.gas_import[y]) for y in years], "bcm")
    add(
        "electricity_consumption",
        ("year",),
        [v(m.electricity_consumption[y]) for y in years],
        "TWh",
        "全社会用电量: final electricity plus own use and losses",
    )
    add(
        "final_energy",
        ("sector", "carrier", "year"),
        grid(lambda s, c, y: v(m.final_use[s, c, y]), d.sectors, d.carriers, years),
        "Mtce",
        "final energy, calorific method",
    )
    add(
        "primary_energy",
        ("year",),
        [v(m.primary_energy[y]) for y in years],
        "Mtce",
        "能源消费总量 total energy consumption, NBS definition (electricity coal-equivalent)",
    )
    add(
        "energy_consumption",
        ("method", "year"),
        grid(lambda k, y: v(m.energy_consumption[k, y]), list(ds.method.values), years),
        "Mtce",
        "能源消费总量 with primary electricity and electricity outflow valued by `method`",
    )
    add(
        "coke_shipped_out",
        ("year",),
        [coke_shipped_out(d, y) for y in years],
        "Mtce",
        "coke leaving the province (an outflow, not consumption)",
    )
    add(
        "non_fossil_consumption",
        ("year",),
        [non_fossil_consumed(m, d, y) for y in years],
        "Mtce",
        "non-fossil primary energy consumed in the province (coal-equivalent; exports are "
        "thermal first)",
    )
    # Emissions
    ds.coords["fuel"] = list(COMBUSTION_FUELS)
    add(
        "co2_power_heat",
        ("fuel", "year"),
        grid(lambda f, y: v(m.co2_power[f, y]), list(COMBUSTION_FUELS), years),
        "Mt CO2",
        "combustion in power plants, CHP and heat-only boilers",
    )
    add(
        "co2_final",
        ("sector", "fuel", "year"),
        grid(lambda s, f, y: v(m.co2_final[s, f, y]), d.sectors, list(COMBUSTION_FUELS), years),
        "Mt CO2",
        "combustion in final sectors",
    )
    add(
        "co2_coking",
        ("year",),
        [v(m.co2_coking[y]) for y in years],
        "Mt CO2",
        "combustion in coke ovens (heated with coke-oven gas)",
    )
    add(
        "co2_process",
        ("year",),
        [v(m.co2_process[y]) for y in years],
        "Mt CO2",
        "industrial process CO2 by kind: cement calcination (the only kind modelled)",
    )
    add(
        "co2_chemicals_feedstock_max",
        ("year",),
        [
            d.series("coal_to_chemicals", y, default=0.0)
            * coal_mtce_per_mt(d, y)
            * d.series("fuel_emission_factor", y, 0.0, fuel_type="coal")
            for y in years
        ],
        "Mt CO2",
        "NOT in co2_emissions: carbon of the coal-to-chemicals feedstock as CO2, an upper bound "
        "of that process CO2 (part of the carbon stays in methanol, urea, ...)",
    )
    # Costs
    ds.coords["cost_component"] = list(m.cost_components)
    ds.coords["cost_kind"] = (
        "cost_component",
        ["revenue" if k in REVENUE_COMPONENTS else "cost" for k in m.cost_components],
    )
    add(
        "cost",
        ("cost_component", "year"),
        grid(lambda k, y: v(m.annual_cost[k, y]) * 1e6, list(m.cost_components), years),
        "CNY/yr",
        "undiscounted annual cost by component; revenue components (cost_kind = revenue) are "
        "negative, as in the objective",
    )
    discounted = ds["cost"] * xr.DataArray(
        [d.discount_factor[y] for y in years], coords={"year": years}
    )
    is_revenue = ds["cost_kind"] == "revenue"
    total = float(discounted.where(~is_revenue, 0.0).sum())
    revenue = -float(discounted.where(is_revenue, 0.0).sum())
    for name, value, doc in (
        ("total_cost", total, "discounted system cost: sum of the cost components"),
        ("revenue", revenue, "discounted revenue: exports, coal and gas sales (positive)"),
        ("net_cost", total - revenue, "total_cost - revenue, what the objective minimises"),
    ):
        ds[name] = ((), value, {"units": "CNY (discounted)", "long_name": doc})
    penalty = float(v(m.stress_penalty)) if hasattr(m, "stress_penalty") else 0.0
    ds["stress_penalty"] = (
        (),
        penalty / COST_SCALE * 1e6,
        {"units": "CNY (discounted)", "long_name": "objective = net_cost + stress_penalty"},
    )
    _add_kpis(ds, m, d)
    _add_conversion(ds, m, d)
    _add_duals(ds, m, d, result)
    _add_provenance(ds, d, result)
    if "history" in d.inputs:
        fixed = [(f.statistic, f.year) for f in d.history_fixed]
        ds = add_history(ds, d.inputs, fixed)
    ds.attrs["history_fixed"] = describe(d.history_fixed) or "none"
    return ds


def _add_conversion(ds: xr.Dataset, m: pyo.ConcreteModel, d: ModelData) -> None:
    """Fuel burnt per technology and the conversion factors to standard coal: what an energy
    balance in tce needs beyond the physical flows."""
    v, years, techs = pyo.value, d.years, list(ds.technology.values)
    chp = d.techs_of("chp")
    weight = np.asarray(d.inputs["slice_weight"].values, dtype=float)
    chp_heat_twh = [
        float(sum(weight[i] * v(m.chp_heat[y, s]) for i, s in enumerate(d.slices)) / 1000)
        for y in years
    ]
    fuel_for_heat = np.array(
        [
            [
                chp_heat_twh[j] * d.tech("heat_fuel_rate", t, y, 0.0) / 1000 / max(len(chp), 1)
                if t in chp
                else 0.0
                for j, y in enumerate(years)
            ]
            for t in techs
        ]
    )
    fuel_total = np.array(
        [[v(fuel_use_mtce(m, d, t, y)) if t in m.generators else 0.0 for y in years] for t in techs]
    )
    attrs = {"units": "Mtce"}
    for name in ("slice_season", "slice_hour", "slice_duration", "slice_weight"):
        if name in d.inputs:
            ds.coords[name] = ("slice", d.inputs[name].values, dict(d.inputs[name].attrs))
    ds.coords["technology_fuel"] = ("technology", [d.fuel[t] for t in techs])
    ds.coords["technology_kind"] = ("technology", [d.kind[t] for t in techs])
    ds["station_use"] = (
        "year",
        station_use_share(d) * ds["generation_total"].values,
        {"units": "TWh", "long_name": "power plants' own use (share of gross generation)"},
    )
    ds["fuel_input"] = (
        ("technology", "year"),
        fuel_total,
        {**attrs, "long_name": "fuel burnt by power plants; CHP incl. fuel for heat"},
    )
    ds["fuel_input_heat"] = (
        ("technology", "year"),
        fuel_for_heat,
        {**attrs, "long_name": "part of fuel_input that CHP burns for district heat"},
    )
    ds["boiler_fuel"] = (
        "year",
        [v(m.boiler_fuel[y]) for y in years],
        {**attrs, "long_name": "coal for heat-only boilers"},
    )
    ds["tce_factor_coal"] = ("year", [coal_mtce_per_mt(d, y) for y in years], {"units": "Mtce/Mt"})
    ds["tce_factor_gas"] = ("year", [gas_mtce_per_bcm(d, y) for y in years], {"units": "Mtce/bcm"})
    ds["tce_factor_electricity"] = (
        ("method", "year"),
        [[electricity_factor(d, k, y) for y in years] for k in ds.method.values],
        {"units": "Mtce/TWh", "long_name": "calorific 电热当量法, coal-equivalent 发电煤耗法"},
    )
    ds["tce_factor_heat"] = (
        "year",
        [1.0 / TWH_PER_MTCE] * len(years),
        {"units": "Mtce/TWh_th", "long_name": "heat's calorific value, as in the heat balance"},
    )


def _add_kpis(ds: xr.Dataset, m: pyo.ConcreteModel, d: ModelData) -> None:
    """The results contract: fixed names and units for scripts and CI."""
    v = pyo.value
    years = d.years
    ds["coal_output"] = ("year", [v(m.coal_output[y]) for y in years], {"units": "Mt"})
    ds["cbm_output"] = ("year", [v(m.gas_output[y]) for y in years], {"units": "bcm"})
    ds["export_capacity"] = (
        "year",
        ds["corridor_capacity"].sum("corridor").values,
        {"units": "GW"},
    )
    ds["electricity_exported"] = (
        "year",
        ds["corridor_flow"].sum("corridor").values,
        {"units": "TWh"},
    )
    generated = ds["generation"].sel(technology=list(m.generators)).sum("technology")
    ds["generation_total"] = ("year", generated.values, {"units": "TWh"})
    share = np.array(
        [
            [
                _ratio(v(m.final_electricity[k, y]), v(m.final_total[k, y]))
                for k in ("calorific", "coal_equivalent")
            ]
            for y in years
        ]
    )
    ds["electricity_share_final"] = (
        ("year", "method"),
        share,
        {"units": "fraction", "long_name": DEFINITIONS["electricity_share_final"]},
    )
    ds["non_fossil_share"] = (
        "year",
        [_ratio(non_fossil_consumed(m, d, y), v(m.primary_energy[y])) for y in years],
        {"units": "fraction", "long_name": DEFINITIONS["non_fossil_share"]},
    )
    co2 = np.array([v(m.co2[y]) for y in years])
    ds["co2_emissions"] = ("year", co2, {"units": "Mt CO2"})
    power_co2 = ds["co2_power_heat"].sum("fuel").values
    with np.errstate(divide="ignore", invalid="ignore"):
        embodied = np.where(
            generated.values > 0,
            power_co2 * ds["electricity_exported"].values / generated.values,
            0.0,
        )
    ds["co2_embodied_in_exports"] = (
        "year",
        embodied,
        {"units": "Mt CO2", "long_name": "power-sector CO2 x exported / generated electricity"},
    )
    ds.attrs["co2_peak_year"] = int(years[int(np.argmax(np.round(co2, 6)))])


def _ratio(a: float, b: float) -> float:
    return a / b if b else float("nan")


def _add_duals(ds: xr.Dataset, m: pyo.ConcreteModel, d: ModelData, result: SolveResult) -> None:
    """Marginal electricity price per slice and the shadow price of every target.

    price[y,s] = dual(power_balance[y,s]) * 1e9 / (discount_factor[y] * weight[s] * 1e3)  CNY/MWh
    target dual = dual * 1e9 CNY (discounted) per unit of the target's right-hand side;
    >= 0 for minimum targets, <= 0 for maximum targets and caps (cost of tightening).
    """
    duals = result.duals
    weight = np.asarray(d.inputs["slice_weight"].values, dtype=float)
    price = np.array(
        [
            [
                duals.get(m.power_balance[y, s], np.nan)
                * 1e9
                / (d.discount_factor[y] * weight[i] * 1e3)
                for i, s in enumerate(d.slices)
            ]
            for y in d.years
        ]
    )
    ds["marginal_electricity_price"] = (("year", "slice"), price, {"units": "CNY/MWh"})
    names, values, units, violations = [], [], [], []
    for family, unit in TARGET_UNITS.items():
        component = getattr(m, family, None)
        if component is None:
            continue
        for index in component:
            con = component[index]
            denominator = share_denominator(m, d, family, index)
            names.append(con.name)
            dual = duals.get(con, np.nan)
            if family == "non_fossil_share_min":  # its second row (exports above thermal)
                dual += duals.get(m.non_fossil_share_exports[index], 0.0)
            values.append(dual * 1e9 * denominator)
            units.append(unit)
            violations.append(_violation(m, d, family, index) / denominator)
    ds.coords["target"] = names
    ds["target_shadow_price"] = (
        "target",
        np.asarray(values, dtype=float),
        {"units": "CNY (discounted) per unit of the target (target_unit)"},
    )
    ds["target_unit"] = (
        "target",
        np.asarray(units, dtype=str),
        {"units": "1", "long_name": "unit of each target's quantity (a unit symbol, not a number)"},
    )
    ds["target_violation"] = (
        "target",
        np.asarray(violations, dtype=float),
        {
            "units": "target_unit",
            "long_name": "by how much the target is missed (stress mode; 0 when it holds)",
        },
    )


def _violation(m: pyo.ConcreteModel, d: ModelData, family: str, index: object) -> float:
    """Violation of a soft target row in the row's unit (0 outside stress mode)."""
    if not hasattr(m, "target_violation"):
        return 0.0
    year = d.scenario.targets.co2_budget.end if family == "co2_budget" else index
    return max(float(pyo.value(m.target_violation[family, year])), 0.0)


def share_denominator(m: pyo.ConcreteModel, d: ModelData, family: str, year: object) -> float:
    """A share row reads `numerator - share * denominator >= 0`: raising the share by one unit
    raises its right-hand side by the denominator, so the dual per unit share is scaled by it."""
    if family == "electricity_share_min":
        method = d.scenario.targets.electricity_share_final.method
        return float(pyo.value(m.final_total[method, year]))
    if family == "non_fossil_share_min":
        return float(pyo.value(m.primary_energy[year]))
    if family == "clean_capacity_share_min":
        plants = members("total", d.technologies, d.kind, d.fuel)
        return float(sum(pyo.value(m.capacity[t, year]) for t in plants))
    return 1.0


def _add_provenance(ds: xr.Dataset, d: ModelData, result: SolveResult) -> None:
    import pyomo.version

    ds.attrs.update(
        {
            "title": f"energysim results: {d.scenario.name}",
            "scenario_name": d.scenario.name,
            "scenario_hash": scenario_hash(d),
            "scenario_json": _scenario_json(d),
            "inputs_folder": d.inputs.attrs.get("inputs_folder", ""),
            "inputs_hash": d.inputs.attrs.get("inputs_hash", ""),
            "energysim_version": energysim.__version__,
            "python_version": platform.python_version(),
            "pyomo_version": pyomo.version.version,
            "highs_version": result.solver_version,
            "solver_options": json.dumps(result.options, sort_keys=True),
            "termination_status": str(result.status),
            "stress_mode": int(d.scenario.stress.enabled),
            "solve_seconds": float(result.solve_seconds),
            "objective": OBJECTIVE,
            "co2_scope": CO2_SCOPE,
            "definition_primary_energy": DEFINITIONS["primary_energy"],
            "definition_non_fossil_share": DEFINITIONS["non_fossil_share"],
            "definition_electricity_share_final": DEFINITIONS["electricity_share_final"],
            "electricity_share_target_method": (
                d.scenario.targets.electricity_share_final.method
                if d.scenario.targets.electricity_share_final
                else ""
            ),
        }
    )


def _add_heat_supply(ds: xr.Dataset, m: pyo.ConcreteModel, d: ModelData, twh: Callable) -> None:
    """Heat-only sources (capacity, output), the electricity they draw and the heat network."""
    sources = list(d.boilers)
    ds.coords["heat_source"] = sources
    value = pyo.value
    ds["heat_capacity"] = (
        ("heat_source", "year"),
        np.array([[value(m.heat_capacity[b, y]) for y in d.years] for b in sources]).reshape(
            len(sources), len(d.years)
        ),
        {"units": "GW_th", "long_name": "heat-only capacity standing"},
    )
    ds["heat_output"] = (
        ("heat_source", "year"),
        np.array([[twh(m.heat_output, b, y) for y in d.years] for b in sources]).reshape(
            len(sources), len(d.years)
        ),
        {"units": "TWh_th", "long_name": "heat from heat-only sources"},
    )
    weight = [d.slice_value("slice_weight", s) for s in d.slices]
    ds["heat_electricity"] = (
        ("year",),
        [
            sum(w * value(m.heat_electricity[y, s]) for w, s in zip(weight, d.slices, strict=True))
            / 1000.0
            for y in d.years
        ],
        {"units": "TWh", "long_name": "electricity drawn by electric boilers and heat pumps"},
    )
    ds["heat_network"] = (
        ("year",),
        [value(m.heat_network[y]) for y in d.years],
        {"units": "GW_th", "long_name": "district-heat network, peak capacity"},
    )
