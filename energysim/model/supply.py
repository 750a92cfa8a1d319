"""Primary supply: raw coal (Mt, rising cost by tranche, mine capacity) and coalbed methane and
other unconventional gas (bcm, in cost grades, with growth and decline limits, sold out of the
province or bought at the pipeline price), with their balances."""

from __future__ import annotations

import math

import pyomo.environ as pyo

from energysim.model.data import ModelData
from energysim.model.dispatch import fuel_use_mtce
from energysim.model.uncertain import multiplier, scaled

TRANCHES = (1, 2, 3)
GAS_GRADES = (1, 2, 3)
BASE_YEAR_TOLERANCE = 0.02  # pinned base-year statistics hold within +/- 2 %


def has_coal_supply(d: ModelData) -> bool:
    return "coal_mine_capacity" in d.inputs


def has_gas_supply(d: ModelData) -> bool:
    return "gas_cost" in d.inputs or "gas_grade1_max" in d.inputs


def coal_mtce_per_mt(d: ModelData, y: int) -> float:
    return d.series("tce_factor_coal", y, default=0.7143)


def gas_mtce_per_bcm(d: ModelData, y: int) -> float:
    return d.series("tce_factor_gas", y, default=1.2143)


def fuel_burnt(m: pyo.ConcreteModel, d: ModelData, fuel: str, y: int) -> pyo.Expression:
    """Fuel (Mtce) burnt by power plants, CHP and heat-only boilers using `fuel`."""
    total = sum(fuel_use_mtce(m, d, t, y) for t in d.technologies if d.fuel[t] == fuel)
    if fuel == "coal":
        total += m.boiler_fuel[y]
    return total


def define_supply_variables(m: pyo.ConcreteModel, d: ModelData) -> None:
    m.coal_tranche = pyo.Var(TRANCHES, m.years, domain=pyo.NonNegativeReals, doc="Mt raw coal")
    m.coal_output = pyo.Expression(
        m.years, rule=lambda m, y: sum(m.coal_tranche[k, y] for k in TRANCHES), doc="Mt"
    )
    m.coal_shipped_out = pyo.Var(
        m.years, domain=pyo.NonNegativeReals, doc="raw coal sold out of the province, Mt"
    )
    m.coal_shipped_extra = pyo.Var(
        m.years,
        domain=pyo.NonNegativeReals,
        doc="coal sold beyond the other provinces' reference demand, at a discount, Mt",
    )
    extra = d.series("coal_export_extra_share", d.years[0], default=0.0)
    for y in d.years:
        demand = scaled(
            d.series("coal_shipped_out", y, default=0.0), multiplier(m, d, "coal_shipped_out", y)
        )
        m.coal_shipped_out[y].setub((1.0 + extra) * demand)
        m.coal_shipped_extra[y].setub(extra * demand)
        if d.scenario.model.pin_base_year and y == d.years[0]:
            m.coal_shipped_out[y].fix(d.series("coal_shipped_out", y, default=0.0))
    m.gas_output = pyo.Var(m.years, domain=pyo.NonNegativeReals, doc="bcm")
    m.gas_grade = pyo.Var(
        GAS_GRADES, m.years, domain=pyo.NonNegativeReals, doc="bcm of gas output by cost grade"
    )
    m.gas_import = pyo.Var(m.years, domain=pyo.NonNegativeReals, doc="bcm, pipeline gas bought")
    m.gas_shipped_out = pyo.Var(
        m.years, domain=pyo.NonNegativeReals, doc="gas sold out of the province, bcm"
    )
    for y in d.years:
        floor = d.series("gas_shipped_out", y, default=0.0)  # contracted sales (exogenous)
        m.gas_shipped_out[y].setlb(floor)
        if d.scenario.model.pin_base_year and y == d.years[0]:
            m.gas_shipped_out[y].fix(floor)
    if not has_coal_supply(d):
        m.coal_tranche.fix(0.0)
    if not has_gas_supply(d):
        m.gas_output.fix(0.0)
        m.gas_grade.fix(0.0)


def define_coal_constraints(m: pyo.ConcreteModel, d: ModelData) -> None:
    """Coal output by cost tranche within mine capacity; the raw-coal balance.

    coal_tranche[k,y] <= tranche_share[k,y] * mine_capacity[y]
    |coal_output[y] - coal_output[y-1]| <= max_change * period_length * mine_capacity[y-1]
    coal_output[y] = (power + heat + final coal, Mtce) / tce_per_t
                     + coal_to_coking + coal_to_chemicals + coal_shipped_out[y]     (balance)
    coal_shipped_out[y] <= reference[y] + coal_shipped_extra[y]                (demand curve)
    0 <= coal_shipped_extra[y] <= extra_share * reference[y]
    The other provinces take their reference demand at the coal price and up to `extra_share`
    more at `extra_discount` less (objective.py coal_sales): coal that can leave is never
    forced into the province's furnaces by a hard cap.
    """
    if not has_coal_supply(d):
        return

    def tranche_rule(m: pyo.ConcreteModel, k: int, y: int) -> pyo.Expression:
        share = d.series(f"coal_tranche{k}_share", y, default=1.0 if k == 1 else 0.0)
        return m.coal_tranche[k, y] <= share * d.series("coal_mine_capacity", y)

    m.coal_mine_capacity = pyo.Constraint(TRANCHES, m.years, rule=tranche_rule)

    def change_rule(direction: int) -> object:
        def rule(m: pyo.ConcreteModel, y: int) -> pyo.Expression:
            prev = d.previous_year(y)
            rate = d.series("coal_max_change", y)
            if prev is None or rate != rate:
                return pyo.Constraint.Skip
            step = rate * d.period_length[prev] * d.series("coal_mine_capacity", prev)
            return direction * (m.coal_output[y] - m.coal_output[prev]) <= step

        return rule

    m.coal_output_ramp_up = pyo.Constraint(m.years, rule=change_rule(+1))
    m.coal_output_ramp_down = pyo.Constraint(m.years, rule=change_rule(-1))

    def balance_rule(m: pyo.ConcreteModel, y: int) -> pyo.Expression:
        in_province = fuel_burnt(m, d, "coal", y) + m.final_carrier_total["coal", y]
        exogenous = sum(
            d.series(use, y, default=0.0) for use in ("coal_to_coking", "coal_to_chemicals")
        )
        return (
            m.coal_output[y]
            == in_province / coal_mtce_per_mt(d, y) + exogenous + m.coal_shipped_out[y]
        )

    m.coal_balance = pyo.Constraint(m.years, rule=balance_rule)

    def demand_curve_rule(m: pyo.ConcreteModel, y: int) -> pyo.Expression:
        if m.coal_shipped_out[y].fixed:
            return pyo.Constraint.Skip
        reference = scaled(
            d.series("coal_shipped_out", y, default=0.0), multiplier(m, d, "coal_shipped_out", y)
        )
        return m.coal_shipped_out[y] <= reference + m.coal_shipped_extra[y]

    m.coal_export_demand = pyo.Constraint(m.years, rule=demand_curve_rule)

    statistic = d.base("raw_coal_output")
    if d.scenario.model.pin_base_year and statistic == statistic:
        y0 = d.years[0]
        m.base_year_coal_output = pyo.Constraint(
            expr=pyo.inequality(
                (1 - BASE_YEAR_TOLERANCE) * statistic,
                m.coal_output[y0],
                (1 + BASE_YEAR_TOLERANCE) * statistic,
            )
        )


def gas_grade_limit(d: ModelData, k: int, y: int) -> float:
    """Annual output limit of gas cost grade k (bcm/yr). Tables without grades have one
    grade, unlimited here (NaN) and bounded by the resource limit."""
    if "gas_grade1_max" not in d.inputs:
        return math.nan if k == 1 else 0.0
    return d.series(f"gas_grade{k}_max", y, default=0.0)


def gas_grade_cost(d: ModelData, k: int, y: int) -> float:
    """Cost of gas grade k, CNY/1000 m3 (the single `gas_cost` without grades)."""
    return d.series(f"gas_grade{k}_cost", y, default=d.series("gas_cost", y, default=0.0))


def define_gas_constraints(m: pyo.ConcreteModel, d: ModelData) -> None:
    """Unconventional gas output by cost grade within growth, decline and resource limits; gas
    sold out of the province; the gas balance.

    gas_output[y] = sum_k gas_grade[k,y],   gas_grade[k,y] <= grade_max[k,y]      (cost grades)
    gas_output[y] <= resource_max[y]
    gas_output[y] <= gas_output[y-1] * (1 + max_growth)^period_length              (growth)
    gas_output[y] >= gas_output[y-1] * (1 - max_decline)^period_length   (mature-field decline)
    gas_output[y] + gas_import[y] = (power + final gas, Mtce) / tce_per_bcm + gas_shipped_out[y]
    contracted sales[y] <= gas_shipped_out[y] <= gas_output[y]   (a decision: the province sells
                                                  its own gas, at the gas sale price)

    Grades are resource steps: the producing wells' cash cost, new wells in the best blocks
    below import parity, and the rest of the resource above it (inputs/shanxi/SOURCES.md).
    """
    if has_gas_supply(d):

        def grade_rule(m: pyo.ConcreteModel, k: int, y: int) -> pyo.Expression:
            limit = gas_grade_limit(d, k, y)
            if limit != limit:
                return pyo.Constraint.Skip
            if k > 1:  # new wells: how much the resource yields is uncertain (sweeps)
                limit = scaled(limit, multiplier(m, d, "gas_resource", y))
            return m.gas_grade[k, y] <= limit

        m.gas_grade_limit = pyo.Constraint(GAS_GRADES, m.years, rule=grade_rule)
        m.gas_grade_sum = pyo.Constraint(
            m.years,
            rule=lambda m, y: m.gas_output[y] == sum(m.gas_grade[k, y] for k in GAS_GRADES),
        )

        def resource_rule(m: pyo.ConcreteModel, y: int) -> pyo.Expression:
            limit = d.series("gas_resource_max", y)
            return pyo.Constraint.Skip if limit != limit else m.gas_output[y] <= limit

        m.gas_resource = pyo.Constraint(m.years, rule=resource_rule)

        def change_rule(parameter: str, direction: int) -> object:
            def rule(m: pyo.ConcreteModel, y: int) -> pyo.Expression:
                prev = d.previous_year(y)
                rate = d.series(parameter, y)
                if prev is None or rate != rate:
                    return pyo.Constraint.Skip
                factor = (1 + direction * rate) ** d.period_length[prev]
                if direction > 0:
                    return m.gas_output[y] <= m.gas_output[prev] * factor
                return m.gas_output[y] >= m.gas_output[prev] * factor

            return rule

        m.gas_growth = pyo.Constraint(m.years, rule=change_rule("gas_max_growth", +1))
        m.gas_decline = pyo.Constraint(m.years, rule=change_rule("gas_max_decline", -1))

        statistic = d.base("unconventional_gas_output")
        if d.scenario.model.pin_base_year and statistic == statistic:
            m.gas_output[d.years[0]].fix(statistic)

        def own_rule(m: pyo.ConcreteModel, y: int) -> pyo.Expression:
            if m.gas_shipped_out[y].fixed:
                return pyo.Constraint.Skip
            return m.gas_shipped_out[y] <= m.gas_output[y]

        m.gas_sales_own = pyo.Constraint(m.years, rule=own_rule)
    else:
        for y in d.years:
            if not m.gas_shipped_out[y].fixed:
                m.gas_shipped_out[y].setub(m.gas_shipped_out[y].lb)  # no own gas to sell

    def balance_rule(m: pyo.ConcreteModel, y: int) -> pyo.Expression:
        use = fuel_burnt(m, d, "gas", y) + m.final_carrier_total["gas", y]
        return (
            m.gas_output[y] + m.gas_import[y] == use / gas_mtce_per_bcm(d, y) + m.gas_shipped_out[y]
        )

    m.gas_balance = pyo.Constraint(m.years, rule=balance_rule)
