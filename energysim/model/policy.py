"""Policy targets from the scenario, each a named constraint that traces back to its YAML key.

Names: coal_output_min[2025], export_capacity_max[2025], co2_peak[2035], co2_budget, ...
"""

from __future__ import annotations

import pyomo.environ as pyo

from energysim.model.data import COST_SCALE, ModelData
from energysim.model.demand import ELECTRICITY
from energysim.model.dispatch import energy_twh
from energysim.model.history import members
from energysim.model.supply import coal_mtce_per_mt, fuel_burnt

FOSSIL_CARRIERS = ("coal", "gas", "oil")
METHODS = ("calorific", "coal_equivalent")

# One line per indicator: what it means and where the definition comes from (results attrs,
# README). Kept here so that the model, the results and the report say the same thing.
DEFINITIONS = {
    "electricity_share_final": (
        "final electricity / final energy consumption (终端能源消费), calorific method "
        "(电热当量法, 0.1229 kgce/kWh, GB/T 2589) unless method=coal_equivalent (发电煤耗法, "
        "A64); final electricity is 全社会用电量 (NBS/CEC, S06), i.e. it INCLUDES power-plant own "
        "use and grid losses (no sourced Shanxi own-use/loss rate in the inputs; the base-year "
        "derived loss share is 0)"
    ),
    "primary_energy": (
        "total energy consumption (能源消费总量, NBS regional definition): production + inflows "
        "- outflows (no stock change in the model); primary electricity and electricity outflow "
        "at the coal-equivalent rate (发电煤耗法, A64); coal and coke shipped out of the province "
        "excluded (coke at its calorific value, A96)"
    ),
    "non_fossil_share": (
        "non-fossil primary consumption / primary_energy; non-fossil electricity consumed in the "
        "province = non-fossil generation minus the exports thermal generation cannot cover "
        "(exports are thermal first: 9.6 of 157.6 TWh exported in 2023 were new energy, A97)"
    ),
}


def electricity_factor(d: ModelData, method: str, y: int) -> float:
    """kgce/kWh (= Mtce/TWh) of electricity under an accounting method."""
    return d.series(f"tce_factor_electricity_{method}", y)


def coke_shipped_out(d: ModelData, y: int) -> float:
    """Coke leaving the province, Mtce (calorific): coal_to_coking (Mt standard raw coal) x
    tce/t x coke_shipped_out_share (coke shipped out per tce of coal_to_coking, A96)."""
    share = d.series("coke_shipped_out_share", y, default=0.0)
    return d.series("coal_to_coking", y, default=0.0) * coal_mtce_per_mt(d, y) * share


def is_fossil(d: ModelData, t: str) -> bool:
    return bool(d.inputs["fossil"].sel(technology=t))


def define_accounting(m: pyo.ConcreteModel, d: ModelData) -> None:
    """Final-energy and total-energy aggregates used by the share targets (Mtce).

    final_electricity[method,y] = final electricity TWh * factor[method,y]   (全社会用电量 basis)
    final_total[method,y]       = sum of non-electric carriers + final_electricity[method,y]
    non_fossil_generation[y]    = sum_{t non-fossil} generation TWh
    fossil_generation[y]        = sum_{t fossil} generation TWh
    energy_consumption[method,y] (能源消费总量) = production + inflows - outflows
        = fossil fuels used in the province (power, heat, final, coking, chemicals)
          - coke_shipped_out[y]
          + (non_fossil_generation[y] - electricity_exported[y]) * factor[method,y]
    primary_energy[y]           = energy_consumption[coal_equivalent,y]  (the NBS figure)
    non_fossil_primary[y]       = non_fossil_generation[y] * factor[coal_equivalent,y], the
                                  gross figure; the share counts only what is consumed in the
                                  province: (non_fossil_generation - max(0, exported - fossil
                                  generation)) * factor (see non_fossil_consumed)
    """
    m.methods = pyo.Set(initialize=METHODS, ordered=True)

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

    def generation_rule(fossil: bool) -> object:
        def rule(m: pyo.ConcreteModel, y: int) -> pyo.Expression:
            return sum(
                energy_twh(m, d, m.generation, t, y)
                for t in m.generators
                if is_fossil(d, t) == fossil
            )

        return rule

    m.non_fossil_generation = pyo.Expression(m.years, rule=generation_rule(False), doc="TWh")
    m.fossil_generation = pyo.Expression(m.years, rule=generation_rule(True), doc="TWh")
    m.non_fossil_primary = pyo.Expression(
        m.years,
        rule=lambda m, y: m.non_fossil_generation[y] * electricity_factor(d, "coal_equivalent", y),
        doc="Mtce, gross (exports included)",
    )

    def consumption_rule(m: pyo.ConcreteModel, method: str, y: int) -> pyo.Expression:
        coal_mt = sum(d.series(u, y, default=0.0) for u in ("coal_to_coking", "coal_to_chemicals"))
        fossil = (
            fuel_burnt(m, d, "coal", y)
            + fuel_burnt(m, d, "gas", y)
            + sum(m.final_carrier_total[c, y] for c in FOSSIL_CARRIERS if c in d.carriers)
            + coal_mt * coal_mtce_per_mt(d, y)
            - coke_shipped_out(d, y)
        )
        net = m.non_fossil_generation[y] - m.electricity_exported[y]
        return fossil + net * electricity_factor(d, method, y)

    m.energy_consumption = pyo.Expression(
        m.methods, m.years, rule=consumption_rule, doc="Mtce, 能源消费总量"
    )
    m.primary_energy = pyo.Expression(
        m.years, rule=lambda m, y: m.energy_consumption["coal_equivalent", y], doc="Mtce"
    )


def non_fossil_consumed(m: pyo.ConcreteModel, d: ModelData, y: int) -> float:
    """Non-fossil primary energy consumed in the province at the solution, Mtce: non-fossil
    generation less the exports that thermal generation cannot cover, coal-equivalent."""
    v = pyo.value
    exported_non_fossil = max(0.0, v(m.electricity_exported[y]) - v(m.fossil_generation[y]))
    twh = v(m.non_fossil_generation[y]) - exported_non_fossil
    return twh * electricity_factor(d, "coal_equivalent", y)


# Each target's constraint family -> the scenario target it comes from (its stress penalty) and
# the factor from the row's unit to the penalty's unit (Mt -> t, bcm -> m3, GW -> kW, Mtce -> tce).
TARGET_FAMILIES = {
    "coal_output_min": ("coal_output", 1e6),
    "coal_output_max": ("coal_output", 1e6),
    "cbm_output_min": ("cbm_output_min", 1e9),
    "export_capacity_min": ("export_capacity", 1e6),
    "export_capacity_max": ("export_capacity", 1e6),
    "electricity_share_min": ("electricity_share_final", 1e6),
    "non_fossil_share_min": ("non_fossil_share_min", 1e6),
    "non_fossil_share_exports": ("non_fossil_share_min", 1e6),  # its second row (A97)
    "co2_peak": ("co2_peak_year", 1e6),
    "co2_cap": ("co2_cap", 1e6),
    "co2_budget": ("co2_budget", 1e6),
    "wind_solar_capacity_min": ("wind_solar_capacity_min", 1e6),
    "clean_capacity_share_min": ("clean_capacity_share_min", 1e6),
}


def target_rows(d: ModelData) -> list[tuple[str, int]]:
    """(family, year) of every target row the scenario asks for; the budget is keyed by its
    end year."""
    targets = d.scenario.targets
    rows = []
    for family, bands in (
        ("coal_output", targets.coal_output),
        ("export_capacity", targets.export_capacity),
    ):
        rows += [(f"{family}_min", y) for y, b in sorted(bands.items()) if b.min is not None]
        rows += [(f"{family}_max", y) for y, b in sorted(bands.items()) if b.max is not None]
    rows += [("cbm_output_min", y) for y in sorted(targets.cbm_output_min)]
    share = targets.electricity_share_final
    rows += [("electricity_share_min", y) for y in sorted(share.min if share else {})]
    rows += [("non_fossil_share_min", y) for y in sorted(targets.non_fossil_share_min)]
    rows += [("co2_peak", y) for y in _years_after_peak(d)]
    rows += [("co2_cap", y) for y in sorted(targets.co2_cap)]
    if targets.co2_budget is not None:
        rows.append(("co2_budget", targets.co2_budget.end))
    rows += [("wind_solar_capacity_min", y) for y in sorted(targets.wind_solar_capacity_min)]
    rows += [("clean_capacity_share_min", y) for y in sorted(targets.clean_capacity_share_min)]
    return rows


def define_policy_constraints(m: pyo.ConcreteModel, d: ModelData) -> None:
    """Every target of the scenario; in stress mode each row gets a violation v >= 0.

    coal_output_min/max[y]:     min - v <= coal_output[y] <= max + v              (Mt)
    cbm_output_min[y]:          gas_output[y] + v >= min                          (bcm)
    export_capacity_min/max[y]: min - v <= sum_c corridor_capacity[c,y] <= max + v (GW)
    electricity_share_min[y]:   final_electricity[method,y] - share * final_total[method,y]
                                + v >= 0                                          (Mtce)
    non_fossil_share_min[y]:    non_fossil_primary[y] - share * primary_energy[y] + v >= 0
    non_fossil_share_exports[y]: (non_fossil_generation[y] - electricity_exported[y]
                                + fossil_generation[y]) * factor_ce[y]
                                - share * primary_energy[y] + v >= 0
                                (together: non-fossil consumed in the province >= share)
    co2_peak[y]:                co2[y] - v <= co2[y-1]   for model years y-1 >= peak year
    co2_cap[y]:                 co2[y] - v <= cap                                 (Mt)
    co2_budget:                 sum_{start<=y<end} co2[y] * period_length[y] + co2[end] - v
                                <= max
    wind_solar_capacity_min[y]: sum_{wind, solar} capacity[t,y] + v >= min          (GW)
    clean_capacity_share_min[y]: sum_{t not coal} capacity[t,y]
                                - share * sum_{power plants} capacity[t,y] + v >= 0 (GW)
    stress_penalty = 1e-3 * sum_rows df[y] * penalty[target] * unit_factor * v / 1e6   (bn CNY,
                     the budget undiscounted)
    """
    targets = d.scenario.targets
    stress = d.scenario.stress
    if stress.enabled:
        m.target_violation = pyo.Var(
            target_rows(d), domain=pyo.NonNegativeReals, doc="violation in the row's unit"
        )

    def slack(family: str, y: int) -> object:
        return m.target_violation[family, y] if stress.enabled else 0.0

    def band(name: str, bands: dict, expression: object) -> None:
        lows = {y: b.min for y, b in bands.items() if b.min is not None}
        highs = {y: b.max for y, b in bands.items() if b.max is not None}
        low, high = f"{name}_min", f"{name}_max"
        setattr(
            m,
            low,
            pyo.Constraint(
                sorted(lows), rule=lambda m, y: expression(m, y) + slack(low, y) >= lows[y]
            ),
        )
        setattr(
            m,
            high,
            pyo.Constraint(
                sorted(highs), rule=lambda m, y: expression(m, y) - slack(high, y) <= highs[y]
            ),
        )

    band("coal_output", targets.coal_output, lambda m, y: m.coal_output[y])
    band(
        "export_capacity",
        targets.export_capacity,
        lambda m, y: sum(m.corridor_capacity[c, y] for c in m.corridors),
    )
    m.cbm_output_min = pyo.Constraint(
        sorted(targets.cbm_output_min),
        rule=lambda m, y: m.gas_output[y] + slack("cbm_output_min", y) >= targets.cbm_output_min[y],
    )

    share = targets.electricity_share_final
    shares = share.min if share else {}
    m.electricity_share_min = pyo.Constraint(
        sorted(shares),
        rule=lambda m, y: (
            m.final_electricity[share.method, y]
            - shares[y] * m.final_total[share.method, y]
            + slack("electricity_share_min", y)
            >= 0
        ),
    )
    m.non_fossil_share_min = pyo.Constraint(
        sorted(targets.non_fossil_share_min),
        rule=lambda m, y: (
            m.non_fossil_primary[y]
            - targets.non_fossil_share_min[y] * m.primary_energy[y]
            + slack("non_fossil_share_min", y)
            >= 0
        ),
    )
    # With exports above thermal generation the rest is non-fossil and leaves the numerator:
    # numerator = (nf - max(0, exported - fossil)) * factor, i.e. both rows must hold.
    m.non_fossil_share_exports = pyo.Constraint(
        sorted(targets.non_fossil_share_min),
        rule=lambda m, y: (
            (m.non_fossil_generation[y] - m.electricity_exported[y] + m.fossil_generation[y])
            * electricity_factor(d, "coal_equivalent", y)
            - targets.non_fossil_share_min[y] * m.primary_energy[y]
            + slack("non_fossil_share_min", y)
            >= 0
        ),
    )
    m.co2_peak = pyo.Constraint(
        _years_after_peak(d),
        rule=lambda m, y: m.co2[y] - slack("co2_peak", y) <= m.co2[d.previous_year(y)],
    )
    m.co2_cap = pyo.Constraint(
        sorted(targets.co2_cap),
        rule=lambda m, y: m.co2[y] - slack("co2_cap", y) <= targets.co2_cap[y],
    )

    budget = targets.co2_budget
    if budget is not None:
        inside = [y for y in d.years if budget.start <= y < budget.end]
        m.co2_budget = pyo.Constraint(
            expr=sum(m.co2[y] * d.period_length[y] for y in inside)
            + m.co2[budget.end]
            - slack("co2_budget", budget.end)
            <= budget.max
        )
    fleet = (d.technologies, d.kind, d.fuel)
    wind_solar, plants, clean = (
        members(g, *fleet) for g in ("wind_solar", "total", "new_and_clean")
    )
    m.wind_solar_capacity_min = pyo.Constraint(
        sorted(targets.wind_solar_capacity_min),
        rule=lambda m, y: (
            sum(m.capacity[t, y] for t in wind_solar) + slack("wind_solar_capacity_min", y)
            >= targets.wind_solar_capacity_min[y]
        ),
    )
    m.clean_capacity_share_min = pyo.Constraint(
        sorted(targets.clean_capacity_share_min),
        rule=lambda m, y: (
            sum(m.capacity[t, y] for t in clean)
            - targets.clean_capacity_share_min[y] * sum(m.capacity[t, y] for t in plants)
            + slack("clean_capacity_share_min", y)
            >= 0
        ),
    )
    if stress.enabled:
        m.stress_penalty = pyo.Expression(
            expr=COST_SCALE
            * sum(
                (1.0 if family == "co2_budget" else d.discount_factor[y])
                * stress.penalty_of(TARGET_FAMILIES[family][0])
                * TARGET_FAMILIES[family][1]
                / 1e6
                * m.target_violation[family, y]
                for family, y in target_rows(d)
            ),
            doc="bn CNY (discounted)",
        )


def _years_after_peak(d: ModelData) -> list[int]:
    """Model years whose CO2 may not exceed the previous model year's."""
    peak = d.scenario.targets.co2_peak_year
    if peak is None:
        return []
    first = _first_model_year_from(d, peak)
    return [y for y in d.years if d.previous_year(y) is not None and d.previous_year(y) >= first]


def _first_model_year_from(d: ModelData, year: int) -> int:
    return next((y for y in d.years if y >= year), d.years[-1])
