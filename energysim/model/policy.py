"""Policy targets from the scenario, each a named constraint that traces back to its YAML key.

Names: coal_output_min[2025], export_capacity_max[2025], co2_peak[2035], co2_budget, ...
"""

from __future__ import annotations

import pyomo.environ as pyo

from energysim.model.data import ModelData
from energysim.model.demand import ELECTRICITY
from energysim.model.dispatch import energy_twh
from energysim.model.supply import coal_mtce_per_mt, fuel_burnt

FOSSIL_CARRIERS = ("coal", "gas", "oil")


def electricity_factor(d: ModelData, method: str, y: int) -> float:
    """kgce/kWh (= Mtce/TWh) of electricity under an accounting method."""
    return d.series(f"tce_factor_electricity_{method}", y)


def define_accounting(m: pyo.ConcreteModel, d: ModelData) -> None:
    """Final-energy and primary-energy aggregates used by the share targets (Mtce).

    final_electricity[method,y] = final electricity TWh * factor[method,y]
    final_total[method,y]       = sum of non-electric carriers + final_electricity[method,y]
    non_fossil_primary[y]       = non-fossil generation TWh * coal_equivalent factor
    primary_energy[y]           = fossil fuels used in the province (power, heat, final, coking,
                                  chemicals) + non_fossil_primary - exported TWh * coal_eq factor
    """
    methods = ("calorific", "coal_equivalent")
    m.methods = pyo.Set(initialize=methods, ordered=True)

    def electricity_rule(m: pyo.ConcreteModel, method: str, y: int) -> pyo.Expression:
        twh = m.final_carrier_total[ELECTRICITY, y] / electricity_factor(d, "calorific", y)
        return twh * electricity_factor(d, method, y)

    m.final_electricity = pyo.Expression(m.methods, m.years, rule=electricity_rule, doc="Mtce")
    m.final_total = pyo.Expression(
        m.methods,
        m.years,
        rule=lambda m, method, y: (
            sum(m.final_carrier_total[c, y] for c in d.carriers if c != ELECTRICITY)
            + m.final_electricity[method, y]
        ),
        doc="Mtce",
    )

    def non_fossil_rule(m: pyo.ConcreteModel, y: int) -> pyo.Expression:
        twh = sum(
            energy_twh(m, d, m.generation, t, y)
            for t in m.generators
            if not bool(d.inputs["fossil"].sel(technology=t))
        )
        return twh * electricity_factor(d, "coal_equivalent", y)

    m.non_fossil_primary = pyo.Expression(m.years, rule=non_fossil_rule, doc="Mtce")

    def primary_rule(m: pyo.ConcreteModel, y: int) -> pyo.Expression:
        coal_mt = sum(d.series(u, y, default=0.0) for u in ("coal_to_coking", "coal_to_chemicals"))
        fossil = (
            fuel_burnt(m, d, "coal", y)
            + fuel_burnt(m, d, "gas", y)
            + sum(m.final_carrier_total[c, y] for c in FOSSIL_CARRIERS if c in d.carriers)
            + coal_mt * coal_mtce_per_mt(d, y)
        )
        exported = m.electricity_exported[y] * electricity_factor(d, "coal_equivalent", y)
        return fossil + m.non_fossil_primary[y] - exported

    m.primary_energy = pyo.Expression(m.years, rule=primary_rule, doc="Mtce")


def define_policy_constraints(m: pyo.ConcreteModel, d: ModelData) -> None:
    """Every target of the scenario.

    coal_output_min/max[y]:     min <= coal_output[y] <= max                      (Mt)
    cbm_output_min[y]:          gas_output[y] >= min                              (bcm)
    export_capacity_min/max[y]: min <= sum_c corridor_capacity[c,y] <= max        (GW)
    electricity_share_min[y]:   final_electricity[method,y] >= share * final_total[method,y]
    non_fossil_share_min[y]:    non_fossil_primary[y] >= share * primary_energy[y]
    co2_peak[y]:                co2[y] <= co2[y-1]   for model years y-1 >= peak year
    co2_cap[y]:                 co2[y] <= cap                                     (Mt)
    co2_budget:                 sum_{start<=y<end} co2[y] * period_length[y] + co2[end] <= max
    """
    targets = d.scenario.targets

    def band(name: str, bands: dict, expression: object) -> None:
        lows = {y: b.min for y, b in bands.items() if b.min is not None}
        highs = {y: b.max for y, b in bands.items() if b.max is not None}
        setattr(
            m,
            f"{name}_min",
            pyo.Constraint(sorted(lows), rule=lambda m, y: expression(m, y) >= lows[y]),
        )
        setattr(
            m,
            f"{name}_max",
            pyo.Constraint(sorted(highs), rule=lambda m, y: expression(m, y) <= highs[y]),
        )

    band("coal_output", targets.coal_output, lambda m, y: m.coal_output[y])
    band(
        "export_capacity",
        targets.export_capacity,
        lambda m, y: sum(m.corridor_capacity[c, y] for c in m.corridors),
    )
    m.cbm_output_min = pyo.Constraint(
        sorted(targets.cbm_output_min),
        rule=lambda m, y: m.gas_output[y] >= targets.cbm_output_min[y],
    )

    share = targets.electricity_share_final
    shares = share.min if share else {}
    m.electricity_share_min = pyo.Constraint(
        sorted(shares),
        rule=lambda m, y: (
            m.final_electricity[share.method, y] - shares[y] * m.final_total[share.method, y] >= 0
        ),
    )
    m.non_fossil_share_min = pyo.Constraint(
        sorted(targets.non_fossil_share_min),
        rule=lambda m, y: (
            m.non_fossil_primary[y] - targets.non_fossil_share_min[y] * m.primary_energy[y] >= 0
        ),
    )

    peak = targets.co2_peak_year
    after_peak = [
        y
        for y in d.years
        if peak is not None
        and d.previous_year(y) is not None
        and d.previous_year(y) >= _first_model_year_from(d, peak)
    ]
    m.co2_peak = pyo.Constraint(after_peak, rule=lambda m, y: m.co2[y] <= m.co2[d.previous_year(y)])
    m.co2_cap = pyo.Constraint(
        sorted(targets.co2_cap), rule=lambda m, y: m.co2[y] <= targets.co2_cap[y]
    )

    budget = targets.co2_budget
    if budget is not None:
        inside = [y for y in d.years if budget.start <= y < budget.end]
        m.co2_budget = pyo.Constraint(
            expr=sum(m.co2[y] * d.period_length[y] for y in inside) + m.co2[budget.end]
            <= budget.max
        )


def _first_model_year_from(d: ModelData, year: int) -> int:
    return next((y for y in d.years if y >= year), d.years[-1])
