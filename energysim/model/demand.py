"""Final energy: useful-energy demand per sector met by carriers with end-use efficiencies,
limits on how fast a sector switches carriers, and the electricity it asks of the grid."""

from __future__ import annotations

import pyomo.environ as pyo

from energysim.model.data import ModelData
from energysim.model.uncertain import grown, is_sampled, multiplier

ELECTRICITY = "electricity"


def has_final_energy(d: ModelData) -> bool:
    return "final_energy_base" in d.inputs


def efficiency(d: ModelData, sector: str, carrier: str, y: int) -> float:
    """End-use efficiency (useful / final); NaN means the carrier cannot serve the sector."""
    return d.series("final_efficiency", y, sector=sector, carrier=carrier)


def useful_demand(d: ModelData, sector: str, y: int, growth: object = 1.0) -> object:
    """Useful energy (Mtce) = base-year final use x base efficiency x demand index, the index's
    growth since the base year times `growth` (a sample multiplier, see `uncertain`)."""
    y0 = d.years[0]
    base = sum(
        d.series("final_energy_base", y0, sector=sector, carrier=c)  # cached, unlike .sel
        * efficiency(d, sector, c, y0)
        for c in d.carriers
        if efficiency(d, sector, c, y0) == efficiency(d, sector, c, y0)
    )
    return grown(base, d.series("final_demand_index", y, default=1.0, sector=sector), growth)


def electricity_loss_share(d: ModelData) -> float:
    """Share of consumption (全社会用电量) that is not final energy: own use and grid losses.

    Derived from the base year: 1 - final electricity (TWh) / electricity consumption (TWh).
    """
    consumption = d.base("electricity_consumption")
    if not has_final_energy(d) or consumption != consumption:
        return 0.0
    final_mtce = float(d.inputs["final_energy_base"].sel(carrier=ELECTRICITY).sum())
    final_twh = final_mtce / d.series("tce_factor_electricity_calorific", d.years[0])
    return max(0.0, 1.0 - final_twh / consumption)


def define_demand_variables(m: pyo.ConcreteModel, d: ModelData) -> None:
    m.final_use = pyo.Var(
        m.sectors,
        m.carriers,
        m.years,
        domain=pyo.NonNegativeReals,
        doc="final energy by sector and carrier, Mtce (calorific)",
    )
    m.final_carrier_total = pyo.Expression(
        m.carriers,
        m.years,
        rule=lambda m, c, y: sum(m.final_use[s, c, y] for s in m.sectors),
        doc="Mtce",
    )
    for s in d.sectors:
        for c in d.carriers:
            for y in d.years:
                if efficiency(d, s, c, y) != efficiency(d, s, c, y) or c == "hydrogen":
                    # no end-use option, or no hydrogen supply chain in the model yet
                    m.final_use[s, c, y].fix(0.0)
    if d.scenario.model.pin_base_year and has_final_energy(d):
        for s in d.sectors:
            for c in d.carriers:
                base = float(d.inputs["final_energy_base"].sel(sector=s, carrier=c))
                m.final_use[s, c, d.years[0]].fix(base)

    if has_final_energy(d):
        factor = {y: d.series("tce_factor_electricity_calorific", y) for y in d.years}
        loss = electricity_loss_share(d)
        m.electricity_consumption = pyo.Expression(
            m.years,
            rule=lambda m, y: m.final_carrier_total[ELECTRICITY, y] / factor[y] / (1.0 - loss),
            doc="TWh, final electricity plus own use and losses",
        )
    else:
        base = d.series("electricity_consumption", d.years[0], default=0.0)

        def exogenous(m: pyo.ConcreteModel, y: int) -> object:
            consumption = d.series("electricity_consumption", y, default=0.0)
            growth = multiplier(m, d, "demand_growth", y)
            if not is_sampled(growth):
                return consumption
            return consumption + (growth - 1.0) * (consumption - base)

        m.electricity_consumption = pyo.Expression(m.years, rule=exogenous, doc="TWh, exogenous")


def define_demand_constraints(m: pyo.ConcreteModel, d: ModelData) -> None:
    """Useful energy balance, carrier switching speed and optional share bounds.

    sum_c final_use[s,c,y] * eff[s,c,y] = useful[s,y]
    |final_use[s,c,y]*eff[s,c,y] - final_use[s,c,y-1]*eff[s,c,y-1]*useful[s,y]/useful[s,y-1]|
        <= max_switch[s] * period_length[y-1] * useful[s,y]
    with the upward bound tightened to max_rise[s,c] and the downward one to max_fall[s,c]
    where given (max_rise = 0: the carrier's share of the sector never rises again, e.g. coal
    in buildings once clean heating has replaced it; max_fall = 0: it never falls again, e.g.
    electricity once end uses are electrified).
    """
    if not has_final_energy(d):
        return

    def useful_of(s: str, y: int) -> object:
        return useful_demand(d, s, y, multiplier(m, d, "demand_growth", y))

    def useful_rule(m: pyo.ConcreteModel, s: str, y: int) -> pyo.Expression:
        served = sum(
            m.final_use[s, c, y] * efficiency(d, s, c, y)
            for c in d.carriers
            if efficiency(d, s, c, y) == efficiency(d, s, c, y)
        )
        if isinstance(served, int | float):
            return pyo.Constraint.Skip
        return served == useful_of(s, y)

    m.final_useful_balance = pyo.Constraint(m.sectors, m.years, rule=useful_rule)

    def switch_rule(direction: int) -> object:
        def rule(m: pyo.ConcreteModel, s: str, c: str, y: int) -> pyo.Expression:
            prev = d.previous_year(y)
            rate = d.series("final_max_switch", y, sector=s)
            # one-way floors and ceilings tighten the switching speed in one direction
            bound = d.series(
                f"final_max_{'rise' if direction > 0 else 'fall'}", y, sector=s, carrier=c
            )
            if bound == bound:
                rate = min(rate, bound) if rate == rate else bound
            eff, eff_prev = efficiency(d, s, c, y), efficiency(d, s, c, prev) if prev else 0
            if prev is None or rate != rate or eff != eff or eff_prev != eff_prev:
                return pyo.Constraint.Skip
            if m.final_use[s, c, y].fixed and m.final_use[s, c, prev].fixed:
                return pyo.Constraint.Skip
            before = useful_of(s, prev)
            growth = useful_of(s, y) / (before if is_sampled(before) else max(before, 1e-9))
            change = m.final_use[s, c, y] * eff - m.final_use[s, c, prev] * eff_prev * growth
            return direction * change <= rate * d.period_length[prev] * useful_of(s, y)

        return rule

    m.final_switch_up = pyo.Constraint(m.sectors, m.carriers, m.years, rule=switch_rule(+1))
    m.final_switch_down = pyo.Constraint(m.sectors, m.carriers, m.years, rule=switch_rule(-1))

    def share_rule(bound: str) -> object:
        def rule(m: pyo.ConcreteModel, s: str, c: str, y: int) -> pyo.Expression:
            share = d.series(f"final_{bound}_share", y, sector=s, carrier=c)
            eff = efficiency(d, s, c, y)
            if share != share or eff != eff or m.final_use[s, c, y].fixed:
                return pyo.Constraint.Skip
            useful = m.final_use[s, c, y] * eff
            limit = share * useful_of(s, y)
            return useful >= limit if bound == "min" else useful <= limit

        return rule

    m.final_min_share = pyo.Constraint(m.sectors, m.carriers, m.years, rule=share_rule("min"))
    m.final_max_share = pyo.Constraint(m.sectors, m.carriers, m.years, rule=share_rule("max"))
