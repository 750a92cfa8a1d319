"""Export corridors: capacity with expansion, flows per slice, utilisation-hour band."""

from __future__ import annotations

import pyomo.environ as pyo

from energysim.model.data import ModelData
from energysim.model.dispatch import energy_twh
from energysim.model.rows import by_slice, row, term
from energysim.model.uncertain import multiplier, scaled


def corridor_existing(d: ModelData, c: str, y: int) -> float:
    return d.series("corridor_capacity", y, default=0.0, corridor=c)


def define_trade_variables(m: pyo.ConcreteModel, d: ModelData) -> None:
    m.corridor_expansion = pyo.Var(
        m.corridors,
        m.years,
        domain=pyo.NonNegativeReals,
        doc="corridor capacity added in the period, GW",
    )
    m.export_flow = pyo.Var(
        m.corridors,
        m.years,
        m.slices,
        domain=pyo.NonNegativeReals,
        doc="electricity exported in the slice, GW",
    )
    for c in d.corridors:
        if d.scenario.model.pin_base_year:
            m.corridor_expansion[c, d.years[0]].fix(0.0)

    # A column of its own rather than an expression: the flow limit of every slice then holds
    # one capacity term instead of all expansions up to y (dense columns slow HiGHS).
    m.corridor_capacity = pyo.Var(
        m.corridors, m.years, domain=pyo.NonNegativeReals, doc="corridor capacity, GW"
    )
    m.electricity_exported = pyo.Expression(
        m.years,
        rule=lambda m, y: sum(energy_twh(m, d, m.export_flow, c, y) for c in m.corridors),
        doc="TWh",
    )


def define_trade_constraints(m: pyo.ConcreteModel, d: ModelData) -> None:
    """Corridor stock and limits.

    corridor_capacity[c,y] = existing[c,y] + sum_{b<=y} corridor_expansion[c,b]        (stock)
    corridor_capacity[c,y] <= max_capacity[c,y]                                   (expansion)
    export_flow[c,y,s] <= corridor_capacity[c,y]                                  (flow)
    min_hours[c,y] * capacity[c,y] / 1000 <= sum_s w[s] * export_flow[c,y,s] / 1000
        <= max_hours[c,y] * capacity[c,y] / 1000                         (utilisation hours)
    sum_c exported energy[y] <= export_demand[y]       (what receiving provinces take)
    base year (pinned): sum_c exported energy = electricity_exported statistic
    """

    def stock_rule(m: pyo.ConcreteModel, c: str, y: int) -> pyo.Expression:
        expansions = sum(m.corridor_expansion[c, b] for b in d.years if b <= y)
        return m.corridor_capacity[c, y] == corridor_existing(d, c, y) + expansions

    m.corridor_capacity_stock = pyo.Constraint(m.corridors, m.years, rule=stock_rule)

    def max_rule(m: pyo.ConcreteModel, c: str, y: int) -> pyo.Expression:
        limit = d.series("corridor_max_capacity", y, corridor=c)
        if limit != limit or (d.scenario.model.pin_base_year and y == d.years[0]):
            return pyo.Constraint.Skip
        return m.corridor_capacity[c, y] <= max(limit, corridor_existing(d, c, y))

    m.corridor_capacity_max = pyo.Constraint(m.corridors, m.years, rule=max_rule)

    export_flow = by_slice(m.export_flow)
    flow_limits: dict = {}
    for c in m.corridors:
        for y in m.years:
            capacity = term(-1, m.corridor_capacity[c, y])
            for s, flow in zip(d.slices, export_flow[c, y], strict=True):
                row(flow_limits, (c, y, s), [flow, capacity], None, 0.0)
    m.export_flow_limit = pyo.Constraint(
        m.corridors, m.years, m.slices, rule=lambda m, *i: flow_limits.pop(i)
    )

    def hours_rule(bound: str) -> object:
        def rule(m: pyo.ConcreteModel, c: str, y: int) -> pyo.Expression:
            hours = d.series(f"corridor_{bound}_hours", y, corridor=c)
            if hours != hours:
                return pyo.Constraint.Skip
            energy = energy_twh(m, d, m.export_flow, c, y)
            limit = hours * m.corridor_capacity[c, y] / 1000.0
            return energy >= limit if bound == "min" else energy <= limit

        return rule

    m.export_hours_min = pyo.Constraint(m.corridors, m.years, rule=hours_rule("min"))
    m.export_hours_max = pyo.Constraint(m.corridors, m.years, rule=hours_rule("max"))

    def demand_rule(m: pyo.ConcreteModel, y: int) -> pyo.Expression:
        demand = d.series("electricity_export_demand", y)
        if demand != demand:
            return pyo.Constraint.Skip
        return m.electricity_exported[y] <= scaled(demand, multiplier(m, d, "export_demand", y))

    m.export_demand = pyo.Constraint(m.years, rule=demand_rule)

    exported = d.base("electricity_exported")
    if d.scenario.model.pin_base_year and exported == exported and d.corridors:
        m.base_year_exports = pyo.Constraint(expr=m.electricity_exported[d.years[0]] == exported)
