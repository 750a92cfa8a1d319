"""Discounted total system cost, with each cost component kept as an expression for results."""

from __future__ import annotations

import numpy as np
import pyomo.environ as pyo

from energysim.model.capacity import alive_builds
from energysim.model.data import COST_SCALE, ModelData, capital_recovery_factor
from energysim.model.dispatch import energy_twh
from energysim.model.grid import grid_connection_cost, grid_integration_cost
from energysim.model.heat import heat_fixed_om, heat_investment
from energysim.model.supply import (
    GAS_GRADES,
    TRANCHES,
    fuel_burnt,
    gas_grade_cost,
    has_coal_supply,
)
from energysim.model.uncertain import CAPEX_PARAMETER, PRICE_PARAMETER, multiplier, scaled

COMPONENTS = (
    "investment",
    "fixed_om",
    "variable_om",
    "coal_mining",
    "gas_production",
    "fuel_purchase",
    "end_use",
    "corridor_investment",
    "unserved",
    "carbon_price",
    "export_revenue",
    "coal_sales",
    "gas_sales",
    "heat_investment",
    "heat_fixed_om",
    "grid_connection",
    "grid_integration",
)
# Components that are revenue (negative in the objective): the province's sales of
# electricity, coal and gas to other provinces. Everything else is system cost (>= 0).
REVENUE_COMPONENTS = ("export_revenue", "coal_sales", "gas_sales")
OBJECTIVE = (
    "minimise net_cost = total_cost - revenue (bn CNY, discounted at the scenario's rate), "
    "plus the stress penalty in stress mode; total_cost = investment + O&M + coal mining + gas "
    "production + fuel purchase + end-use + corridors + heat capacity and network + grid "
    "connection and balancing of wind and solar + unserved energy + carbon price; "
    "revenue = electricity exports + coal sales + gas sales to other provinces"
)


def define_objective(m: pyo.ConcreteModel, d: ModelData) -> None:
    """Minimise discounted net cost (bn CNY): system cost minus export and sales revenue.

    annual_cost[k,y] in million CNY, with (units cancel to MCNY):
      investment   = sum_t sum_{b alive in y} new_capacity[t,b] * capex[t,b] * CRF(r, life)
      fixed_om     = sum_t capacity[t,y] * fom[t,y]   (standing capacity: paid until retired)
      variable_om  = sum_t generation_TWh[t,y] * vom[t,y]  (+ heat_output_TWh[b,y] * vom[b,y])
      coal_mining  = sum_k coal_tranche[k,y] * tranche_cost[k,y]
      gas_production = sum_k gas_grade[k,y] * grade_cost[k,y]
      fuel_purchase = gas_import * price + oil, biomass (and coal without a supply module)
      end_use      = sum_{s,c} final_use[s,c,y] * end_use_cost[s,c,y]
      corridor_investment = sum_c sum_{b<=y alive} corridor_expansion[c,b] * cost * CRF
      unserved     = unserved_TWh[y] * value_of_lost_load
      carbon_price = co2[y] * carbon_price[y]
      export_revenue = -exported_TWh[y] * export_price
      coal_sales   = -coal_shipped_out[y] * tce_per_t * coal_price[y]
                     + coal_shipped_extra[y] * extra_discount  (beyond the reference demand)
      gas_sales    = -gas_shipped_out[y] * gas_sale_price[y]
      heat_investment = sum_b sum_{v alive} new_heat_capacity[b,v] * capex[b,v] * CRF
                        + sum_{v alive} new_heat_network[v] * network_capex * CRF
      heat_fixed_om = sum_b heat_capacity[b,y] * fom[b,y] + heat_network[y] * network_fom
      grid_connection = sum_t sum_{b connection alive} new_capacity[t,b]
                        * grid_connection_capex[t,b] * CRF(r, grid_connection_lifetime)
      grid_integration = sum_t generation_TWh[t,y] * integration_cost[t,y]  (grid.py)
    total_cost = 1e-3 * sum_y df[y] * sum_{k not revenue} annual_cost[k,y]   (>= 0)
    revenue    = -1e-3 * sum_y df[y] * sum_{k revenue} annual_cost[k,y]      (>= 0)
    objective = 1e-3 * sum_y discount_factor[y] * sum_k annual_cost[k,y]  (+ stress_penalty)
    """
    rate = d.scenario.economics.discount_rate
    carbon_prices = d.scenario.carbon_policy.price

    def carbon_price(y: int) -> float:
        if not carbon_prices:
            return 0.0
        years = sorted(carbon_prices)
        return float(np.interp(y, years, [carbon_prices[k] for k in years]))

    def fuel_price(fuel: str, y: int) -> object:
        price = d.series("fuel_price", y, default=0.0, fuel_type=fuel)
        return scaled(price, multiplier(m, d, PRICE_PARAMETER.get(fuel), y))

    def capex(t: str, b: int) -> object:
        return scaled(d.tech("capex", t, b, 0.0), multiplier(m, d, CAPEX_PARAMETER.get(t), b))

    def component(m: pyo.ConcreteModel, k: str, y: int) -> pyo.Expression:
        if k == "investment":
            return sum(
                m.new_capacity[t, b]
                * capex(t, b)
                * capital_recovery_factor(rate, d.tech("lifetime", t, b, 1.0))
                for t in m.technologies
                for b in alive_builds(d, t, y)
            )
        if k == "fixed_om":
            return sum(m.capacity[t, y] * d.tech("fom", t, y, 0.0) for t in m.technologies)
        if k == "variable_om":
            return (
                sum(
                    energy_twh(m, d, m.generation, t, y) * d.tech("vom", t, y, 0.0)
                    for t in m.generators
                )
                + sum(
                    energy_twh(m, d, m.discharge, t, y) * d.tech("vom", t, y, 0.0)
                    for t in m.storage
                )
                + sum(
                    energy_twh(m, d, m.heat_output, b, y) * d.tech("vom", b, y, 0.0)
                    for b in d.boilers
                )
            )
        if k == "coal_mining":
            return sum(
                m.coal_tranche[i, y] * d.series(f"coal_tranche{i}_cost", y, 0.0) for i in TRANCHES
            )
        if k == "gas_production":
            return sum(m.gas_grade[k, y] * gas_grade_cost(d, k, y) for k in GAS_GRADES)
        if k == "fuel_purchase":
            bought = m.gas_import[y] * d.series("tce_factor_gas", y, 1.2143) * fuel_price(
                "gas", y
            ) + fuel_burnt(m, d, "biomass", y) * fuel_price("biomass", y)
            if "oil" in d.carriers:
                bought += m.final_carrier_total["oil", y] * fuel_price("oil", y)
            if not has_coal_supply(d):
                coal = fuel_burnt(m, d, "coal", y)
                if "coal" in d.carriers:
                    coal += m.final_carrier_total["coal", y]
                bought += coal * fuel_price("coal", y)
            return bought
        if k == "end_use":
            return sum(
                m.final_use[s, c, y] * d.series("final_cost", y, 0.0, sector=s, carrier=c)
                for s in m.sectors
                for c in m.carriers
            )
        if k == "corridor_investment":
            return sum(
                m.corridor_expansion[c, b]
                * d.series("corridor_expansion_cost", b, 0.0, corridor=c)
                * capital_recovery_factor(rate, d.series("corridor_lifetime", b, 40.0, corridor=c))
                for c in m.corridors
                for b in d.years
                if b <= y
            )
        if k == "unserved":
            return energy_twh(m, d, m.unserved, y) * d.scenario.model.value_of_lost_load
        if k == "carbon_price":
            return m.co2[y] * carbon_price(y)
        if k == "export_revenue":
            return -sum(
                energy_twh(m, d, m.export_flow, c, y)
                * d.series("corridor_export_price", y, 0.0, corridor=c)
                for c in m.corridors
            )
        if k == "coal_sales":
            discount = d.series("coal_export_extra_discount", y, default=0.0)
            return (
                -m.coal_shipped_out[y]
                * d.series("tce_factor_coal", y, 0.7143)
                * fuel_price("coal", y)
                + m.coal_shipped_extra[y] * discount
            )
        if k == "gas_sales":
            sale = d.series("gas_sale_price", y, default=0.0)  # moves with the gas price
            return -m.gas_shipped_out[y] * scaled(sale, multiplier(m, d, PRICE_PARAMETER["gas"], y))
        if k == "heat_investment":
            return heat_investment(m, d, y)
        if k == "heat_fixed_om":
            return heat_fixed_om(m, d, y)
        if k == "grid_connection":
            return grid_connection_cost(m, d, y)
        if k == "grid_integration":
            return grid_integration_cost(m, d, y)
        raise ValueError(k)

    m.cost_components = pyo.Set(initialize=COMPONENTS, ordered=True)
    m.annual_cost = pyo.Expression(
        m.cost_components, m.years, rule=component, doc="million CNY per year, undiscounted"
    )
    penalty = getattr(m, "stress_penalty", 0.0)  # soft targets in stress mode (policy.py)
    m.total_cost = pyo.Objective(
        expr=COST_SCALE
        * sum(d.discount_factor[y] * sum(m.annual_cost[k, y] for k in COMPONENTS) for y in d.years)
        + penalty,
        sense=pyo.minimize,
    )
