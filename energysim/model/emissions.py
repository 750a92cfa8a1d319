"""Territorial CO2 from fuel combustion by fuel and sector, plus industrial process emissions.

Scope (results attrs `co2_scope`, README): IN = combustion in power and heat (by fuel), in final
sectors (by sector and fuel) and in coke ovens (heated with coke-oven gas), plus cement process
CO2; BESIDE (reported, not in the total) = CO2 embodied in exported electricity and the carbon
of coal-to-chemicals feedstock (upper bound); OUT = coal-mine methane (no sourced factor in the
inputs), coal-to-chemicals process CO2 (no source), land use."""

from __future__ import annotations

import pyomo.environ as pyo

from energysim.model.data import ModelData
from energysim.model.dispatch import fuel_use_mtce

COMBUSTION_FUELS = ("coal", "gas", "oil")
SECTOR_POWER = "power_heat"


def emission_factor(d: ModelData, fuel: str, y: int) -> float:
    """tCO2 per tce (= Mt CO2 per Mtce); zero for fuels without a factor (biomass)."""
    if fuel not in d.inputs.coords.get("fuel_type", []):
        return 0.0
    return d.series("fuel_emission_factor", y, default=0.0, fuel_type=fuel)


def define_emissions(m: pyo.ConcreteModel, d: ModelData) -> None:
    """CO2 by fuel and sector (Mt CO2) and the total.

    co2_power[f,y]   = sum_{t burns f} fuel_use[t,y] * ef[f,y] * (1 - capture_rate[t,y])
                       + boiler_fuel[y] * ef[coal,y]                       (f = coal)
    co2_final[s,f,y] = final_use[s,f,y] * ef[f,y]
    co2_coking[y]    = coal_to_coking[y] * coking_factor[y]      (combustion in coke ovens)
    co2_process[y]   = cement[y]                                  (process)
    co2[y]           = sum_f co2_power + sum_{s,f} co2_final + co2_coking + co2_process
    """

    def power_rule(m: pyo.ConcreteModel, f: str, y: int) -> pyo.Expression:
        total = sum(
            fuel_use_mtce(m, d, t, y) * (1 - d.tech("capture_rate", t, y, 0.0))
            for t in d.technologies
            if d.fuel[t] == f
        )
        if f == "coal":
            total += m.boiler_fuel[y]
        return total * emission_factor(d, f, y)

    m.co2_power = pyo.Expression(COMBUSTION_FUELS, m.years, rule=power_rule, doc="Mt CO2")
    m.co2_final = pyo.Expression(
        m.sectors,
        COMBUSTION_FUELS,
        m.years,
        rule=lambda m, s, f, y: (
            m.final_use[s, f, y] * emission_factor(d, f, y) if f in d.carriers else 0.0
        ),
        doc="Mt CO2",
    )
    m.co2_coking = pyo.Expression(
        m.years, rule=lambda m, y: coking_emissions(d, y), doc="Mt CO2, combustion in coke ovens"
    )
    m.co2_process = pyo.Expression(m.years, rule=lambda m, y: process_emissions(d, y), doc="Mt CO2")
    m.co2 = pyo.Var(m.years, domain=pyo.Reals, doc="territorial CO2, Mt")
    m.co2_definition = pyo.Constraint(
        m.years,
        rule=lambda m, y: (
            m.co2[y]
            == (
                sum(m.co2_power[f, y] for f in COMBUSTION_FUELS)
                + sum(m.co2_final[s, f, y] for s in m.sectors for f in COMBUSTION_FUELS)
                + m.co2_coking[y]
                + m.co2_process[y]
            )
        ),
    )


def coking_emissions(d: ModelData, y: int) -> float:
    """CO2 of the coke ovens' own fuel (coke-oven gas burnt to heat them), Mt: combustion in
    the coking sector (CEADs 'coking & refining'), t CO2 per t of coal_to_coking (A86)."""
    return d.series("coal_to_coking", y, default=0.0) * d.series("process_coking", y, 0.0)


def process_emissions(d: ModelData, y: int) -> float:
    """Industrial process CO2 (Mt): cement (calcination)."""
    return d.series("process_cement", y, default=0.0)


def fixed_emissions(d: ModelData, y: int) -> float:
    """CO2 that does not depend on the model's choices: coking combustion and process, Mt."""
    return coking_emissions(d, y) + process_emissions(d, y)
