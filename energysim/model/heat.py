"""District heat supply beyond CHP: heat-only sources with capacity (coal boilers, electric
boilers, heat pumps), the heat network, and what both cost.

Heat-only sources are the `boiler` technologies of the inputs. Their capacity (GW_th) is the
existing fleet still within its lifetime plus new builds, and it stands (and pays fixed O&M)
until it retires by age. Fuel-fired sources burn their fuel at `heat_rate` (gce/kWh_th);
sources without fuel (`fuel = none`) draw electricity at 1/`cop` per unit of heat. The heat
network is sized on the peak district-heat demand and is irreversible: a larger network costs
investment, and the network it has costs fixed O&M.
"""

from __future__ import annotations

import math

import pyomo.environ as pyo

from energysim.model.capacity import alive_builds, existing_alive
from energysim.model.data import HOURS_PER_YEAR, TWH_PER_MTCE, ModelData, capital_recovery_factor
from energysim.model.rows import by_slice, row, term


def is_electric(d: ModelData, b: str) -> bool:
    """A heat-only source without fuel: it draws electricity (electric boiler, heat pump)."""
    return d.fuel[b] == "none"


def electric_cop(d: ModelData) -> dict[int, dict[str, float]]:
    """Coefficient of performance of each year's electric heat sources (1 for a resistive
    boiler): heat_electricity[y,s] = sum_b heat_output[b,y,s] / cop[y][b]."""
    electric = [b for b in d.boilers if is_electric(d, b)]
    return {y: {b: d.tech("cop", b, y, default=1.0) for b in electric} for y in d.years}


def peak_heat_pu(d: ModelData) -> float:
    """Peak district heat demand per unit of the mean: the hourly profile's peak, which
    averaged slices understate (0 without district heat or its profile)."""
    if "heat" not in d.carriers or "peak_heat_pu" not in d.inputs:
        return 0.0
    return float(d.inputs["peak_heat_pu"])


def base_heat_network(d: ModelData) -> float:
    """Network standing in the base year, GW_th: the base year's district heat at its peak."""
    if "final_energy_base" not in d.inputs:
        return 0.0
    heat = float(d.inputs["final_energy_base"].sel(carrier="heat").sum())
    return heat * TWH_PER_MTCE * 1000.0 / HOURS_PER_YEAR * peak_heat_pu(d)


def define_heat_supply(m: pyo.ConcreteModel, d: ModelData) -> None:
    """Heat-only capacity, output and electricity, and the heat network.

    heat_capacity[b,y] = existing_alive[b,y] + sum_{v alive in y} new_heat_capacity[b,v]
    heat_output[b,y,s] <= heat_capacity[b,y] * availability[b]
    new_heat_capacity[b,y] <= max_build_rate[b] * (y - y_previous)
    boiler_heat[y,s] = sum_b heat_output[b,y,s]
    heat_electricity[y,s] = sum_{b without fuel} heat_output[b,y,s] / cop[b,y]     (GW_el)
    heat_network[y] = heat_network[y-1] + new_heat_network[y]  (base year: standing network)
    heat_network[y] >= final_heat[y] * 8.141 * 1000 / 8760 * peak_heat_pu    (hourly peak)
    CHP and heat-only capacity cover the same peak (`_define_heat_peak_supply`).
    New capacity is not built in the pinned base year nor where capex is absent.
    """
    m.heat_sources = pyo.Set(initialize=d.boilers, ordered=True)
    m.new_heat_capacity = pyo.Var(
        m.heat_sources, m.years, domain=pyo.NonNegativeReals, doc="heat-only capacity built, GW_th"
    )
    for b in d.boilers:
        for y in d.years:
            pinned = d.scenario.model.pin_base_year and y == d.years[0]
            first = d.tech("first_year", b, y, default=d.years[0])
            if pinned or y < first or d.tech("capex", b, y) != d.tech("capex", b, y):
                m.new_heat_capacity[b, y].fix(0.0)
    # A column of its own (as power capacity): each slice's output limit then holds one
    # capacity term instead of every vintage alive in y.
    m.heat_capacity = pyo.Var(
        m.heat_sources,
        m.years,
        domain=pyo.NonNegativeReals,
        doc="heat-only capacity standing, GW_th",
    )
    m.heat_capacity_stock = pyo.Constraint(
        m.heat_sources,
        m.years,
        rule=lambda m, b, y: (
            m.heat_capacity[b, y]
            == existing_alive(d, b, y)
            + sum(m.new_heat_capacity[b, v] for v in alive_builds(d, b, y))
        ),
    )
    m.heat_output = pyo.Var(
        m.heat_sources, m.years, m.slices, domain=pyo.NonNegativeReals, doc="GW_th"
    )

    heat_output = by_slice(m.heat_output)
    limits: dict = {}
    for b in m.heat_sources:
        for y in m.years:
            capacity = term(-d.tech("availability", b, y, default=1.0), m.heat_capacity[b, y])
            for s, output in zip(d.slices, heat_output[b, y], strict=True):
                row(limits, (b, y, s), [output, capacity], None, 0.0)

    m.heat_output_limit = pyo.Constraint(
        m.heat_sources, m.years, m.slices, rule=lambda m, *i: limits.pop(i)
    )

    def build_rule(m: pyo.ConcreteModel, b: str, y: int) -> pyo.Expression:
        rate = d.tech("max_build_rate", b, y)
        if rate != rate or m.new_heat_capacity[b, y].fixed:
            return pyo.Constraint.Skip
        return m.new_heat_capacity[b, y] <= rate * d.years_since_previous(y)

    m.heat_build_rate = pyo.Constraint(m.heat_sources, m.years, rule=build_rule)
    boiler_heat = by_slice(m.boiler_heat)
    totals: dict = {}
    for y in m.years:
        outputs = [heat_output[b, y] for b in m.heat_sources]
        for i, s in enumerate(d.slices):
            terms = [(1, boiler_heat[(y,)][i])] + [(-1, output[i]) for output in outputs]
            row(totals, (y, s), terms, 0, 0)
    m.boiler_total = pyo.Constraint(m.years, m.slices, rule=lambda m, *i: totals.pop(i))
    cop = electric_cop(d)
    m.heat_electricity = pyo.Expression(
        m.years,
        m.slices,
        rule=lambda m, y, s: sum(m.heat_output[b, y, s] / c for b, c in cop[y].items()),
        doc="electricity drawn by electric boilers and heat pumps, GW",
    )
    _define_heat_network(m, d)
    _define_heat_peak_supply(m, d)


def _define_heat_network(m: pyo.ConcreteModel, d: ModelData) -> None:
    m.heat_network = pyo.Var(m.years, domain=pyo.NonNegativeReals, doc="network, GW_th at peak")
    m.new_heat_network = pyo.Var(m.years, domain=pyo.NonNegativeReals, doc="GW_th added")
    if d.scenario.model.pin_base_year:
        m.new_heat_network[d.years[0]].fix(0.0)

    def stock_rule(m: pyo.ConcreteModel, y: int) -> pyo.Expression:
        prev = d.previous_year(y)
        before = base_heat_network(d) if prev is None else m.heat_network[prev]
        return m.heat_network[y] == before + m.new_heat_network[y]

    peak = peak_heat_pu(d)

    def peak_rule(m: pyo.ConcreteModel, y: int) -> pyo.Expression:
        if peak <= 0:
            return pyo.Constraint.Skip
        return m.heat_network[y] >= _peak_heat_demand(m, d, y, peak)

    m.heat_network_stock = pyo.Constraint(m.years, rule=stock_rule)
    m.heat_network_peak = pyo.Constraint(m.years, rule=peak_rule)


def _define_heat_peak_supply(m: pyo.ConcreteModel, d: ModelData) -> None:
    """District-heat supply capacity covers the hourly peak, as firm power covers peak load
    (reserve margin). An hourly model implies it through the heat balance of the peak hour;
    averaged slices would let heat demand grow on capacity that is missing at the peak.

    sum_chp heat_to_power[t] * availability[t] * capacity[t,y]
        + sum_b availability[b] * heat_capacity[b,y]
        >= final_heat[y] * 8.141 * 1000 / 8760 * peak_heat_pu
    """
    peak = peak_heat_pu(d)

    def rule(m: pyo.ConcreteModel, y: int) -> pyo.Expression:
        if peak <= 0:
            return pyo.Constraint.Skip
        chp = sum(
            d.tech("heat_to_power", t, y, 0.0)
            * d.tech("availability", t, y, default=1.0)
            * m.capacity[t, y]
            for t in d.techs_of("chp")
        )
        heat_only = sum(
            d.tech("availability", b, y, default=1.0) * m.heat_capacity[b, y] for b in d.boilers
        )
        return chp + heat_only >= _peak_heat_demand(m, d, y, peak)

    m.heat_peak_supply = pyo.Constraint(m.years, rule=rule)


def _peak_heat_demand(m: pyo.ConcreteModel, d: ModelData, y: int, peak: float) -> object:
    """District heat demand at the hourly peak, GW: heat_demand at peak_heat_pu (any slice;
    the per-unit value given replaces the slice's)."""
    from energysim.model.dispatch import heat_demand  # dispatch imports this module's users

    return heat_demand(m, d, y, d.slices[0], peak)


def _network(d: ModelData, parameter: str, y: int, default: float) -> float:
    value = d.series(f"system_heat_network_{parameter}", y)
    return default if math.isnan(value) else value


def heat_investment(m: pyo.ConcreteModel, d: ModelData, y: int) -> pyo.Expression:
    """Annuities of heat-only capacity and network built up to y and still standing, MCNY/yr:
    sum_b sum_{v alive} new_heat_capacity[b,v] * capex[b,v] * CRF(r, lifetime[b])
    + sum_{v alive} new_heat_network[v] * network_capex[v] * CRF(r, network_lifetime)."""
    rate = d.scenario.economics.discount_rate
    total = sum(
        m.new_heat_capacity[b, v]
        * d.tech("capex", b, v, 0.0)
        * capital_recovery_factor(rate, d.tech("lifetime", b, v, 1.0))
        for b in d.boilers
        for v in alive_builds(d, b, y)
    )
    for v in d.years:
        life = _network(d, "lifetime", v, 1e9)
        if v <= y and y - v < life:
            total += (
                m.new_heat_network[v]
                * _network(d, "capex", v, 0.0)
                * capital_recovery_factor(rate, min(life, 1e3))
            )
    return total


def heat_fixed_om(m: pyo.ConcreteModel, d: ModelData, y: int) -> pyo.Expression:
    """Fixed O&M of the heat-only capacity and the network standing in y, MCNY/yr:
    sum_b heat_capacity[b,y] * fom[b,y] + heat_network[y] * network_fom[y]."""
    return sum(
        m.heat_capacity[b, y] * d.tech("fom", b, y, 0.0) for b in d.boilers
    ) + m.heat_network[y] * _network(d, "fom", y, 0.0)
