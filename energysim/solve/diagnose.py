"""Why a scenario is infeasible, in the planner's terms.

1. Confirm: re-solve with presolve off (HiGHS presolve has misreported infeasibility before);
   if the model solves, that solution is used.
2. Explain: an irreducible infeasible subset (IIS) from HiGHS (`getIis`, searching from the LP
   and made irreducible), run in a child process that is killed at the time limit left after
   step 1 (HiGHS does not bound every phase of the search itself). Each row and bound of it is
   mapped, through the constraint's name, to the scenario key and year or the input table that
   created it.
3. Fallback: where no IIS is found in time, solve the elastic model (stress mode: every target
   soft) and report the targets it had to miss, largest penalty first.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

import highspy
import pyomo.environ as pyo
from pyomo.contrib.solver.solvers.highs import Highs

from energysim.model.data import ModelData
from energysim.model.policy import TARGET_FAMILIES
from energysim.results.extract import TARGET_UNITS, share_denominator
from energysim.scenario.schema import Solver
from energysim.solve.highs import SolveResult, Status, solve
from energysim.solve.iis_child import iis_in_child

# The IIS search: from the LP's infeasibility, then deletion filtering to an irreducible set.
IIS_STRATEGY = int(highspy.IisStrategy.kIisStrategyFromLp) | int(
    highspy.IisStrategy.kIisStrategyIrreducible
)
# seconds for steps 1 and 2 together (at most the scenario's own solver time limit); the elastic
# solve comes after, so a 9-year plan is explained within about two minutes (README)
IIS_TIME_LIMIT = 90.0
MIN_IIS_SECONDS = 5.0  # the IIS search gets at least this, even when the confirmation was slow

# What each model row stands for: text with {0}, {1}, ... for the parts of its index.
ROW_MEANING: dict[str, str] = {
    "capacity_installed": "installed {0} capacity in {1} (existing_capacity.csv fleet, "
    "technology_parameters.csv lifetime)",
    "capacity_no_comeback": "{0} retired before {1} cannot return except as a new build "
    "(technology_parameters.csv capex)",
    "build_growth": "how fast the building of {0} can grow by {1} (technology_parameters.csv "
    "growth_base_rate, growth_seed, growth_rate)",
    "build_rate": "how fast {0} can be built up to {1} (technology_parameters.csv max_build_rate)",
    "capacity_potential": "the resource potential of {0} in {1} (technology_parameters.csv "
    "max_potential)",
    "generation_available": "the output {0} can give in {1} (technology_parameters.csv "
    "availability, hourly_profiles.csv)",
    "chp_must_run": "the must-run coal CHP ({0}) while heating in {1} (technology_parameters.csv "
    "min_load)",
    "chp_heat_limit": "CHP heat within its heat-to-power ratio in {0} (technology_parameters.csv "
    "heat_to_power)",
    "heat_balance": "district heat demand in {0} (final_energy.csv heat, hourly_profiles.csv "
    "heat_pu)",
    "heat_output_limit": "heat from {0} within its capacity in {1} (existing_capacity.csv, "
    "technology_parameters.csv)",
    "heat_capacity_stock": "heat-only {0} capacity standing in {1}: existing plus new builds "
    "(existing_capacity.csv, technology_parameters.csv lifetime)",
    "heat_build_rate": "how fast {0} can be built by {1} (technology_parameters.csv "
    "max_build_rate)",
    "boiler_total": "heat-only heat as the sum of its sources in {0}",
    "heat_network_stock": "the district-heat network in {0}, never smaller than before "
    "(system.csv heat_network_*)",
    "heat_network_peak": "the district-heat network covering peak heat demand in {0} "
    "(final_energy.csv heat, hourly_profiles.csv heat_pu)",
    "heat_peak_supply": "CHP heat and heat-only capacity covering the hourly peak of district "
    "heat in {0} (technology_parameters.csv, final_energy.csv heat, hourly_profiles.csv heat_pu)",
    "power_balance": "electricity demand and exports met in every slice of {0} "
    "(final_energy.csv, exogenous_demand.csv)",
    "storage_charge_limit": "storage {0} charging power in {1} (technology_parameters.csv)",
    "storage_discharge_limit": "storage {0} discharging power in {1} (technology_parameters.csv)",
    "storage_energy_limit": "storage {0} energy capacity in {1} (technology_parameters.csv "
    "energy_to_power)",
    "storage_balance": "storage {0} energy balance in {1} (technology_parameters.csv "
    "round_trip_efficiency)",
    "storage_day_link": "storage {0} carrying energy from day to day in {1}",
    "storage_intraday_high": "storage {0} within its day's highest level in {1}",
    "storage_intraday_low": "storage {0} within its day's lowest level in {1}",
    "storage_day_upper": "storage {0} energy capacity on every day of {1} "
    "(technology_parameters.csv energy_to_power)",
    "storage_day_lower": "storage {0} never below empty on any day of {1}",
    "reserve_margin": "the reserve margin in {0} (system.csv reserve_margin, "
    "technology_parameters.csv capacity_credit)",
    "corridor_capacity_stock": "the capacity of corridor {0} in {1}: existing plus expansions "
    "(corridors.csv capacity)",
    "corridor_capacity_max": "how far corridor {0} can be expanded by {1} (corridors.csv "
    "max_capacity)",
    "export_flow_limit": "flow on corridor {0} within its capacity in {1}",
    "export_hours_min": "the minimum utilisation hours of corridor {0} in {1} (corridors.csv "
    "min_hours)",
    "export_hours_max": "the maximum utilisation hours of corridor {0} in {1} (corridors.csv "
    "max_hours)",
    "export_demand": "the electricity receiving provinces take in {0} (exogenous_demand.csv "
    "electricity_export_demand)",
    "base_year_exports": "exports pinned to the base-year statistic (base_year.csv "
    "electricity_exported)",
    "final_useful_balance": "the useful-energy demand of {0} in {1} (final_energy.csv, "
    "final_energy_parameters.csv demand_index, efficiency)",
    "final_switch_up": "how fast {0} can switch to {1} by {2} (final_energy_parameters.csv "
    "max_switch)",
    "final_switch_down": "how fast {0} can switch away from {1} by {2} "
    "(final_energy_parameters.csv max_switch)",
    "final_min_share": "the minimum share of {1} in {0} in {2} (final_energy_parameters.csv "
    "min_share)",
    "final_max_share": "the maximum share of {1} in {0} in {2} (final_energy_parameters.csv "
    "max_share)",
    "coal_mine_capacity": "the coal mine capacity in {1} (coal_supply.csv mine_capacity)",
    "coal_output_ramp_up": "how fast coal output can rise by {0} (coal_supply.csv max_change)",
    "coal_output_ramp_down": "how fast coal output can fall by {0} (coal_supply.csv max_change)",
    "coal_balance": "the raw-coal balance in {0}: output = use in the province + coking and "
    "chemicals + coal shipped out (exogenous_demand.csv)",
    "coal_export_demand": "what other provinces take of Shanxi's coal in {0} (exogenous_demand.csv "
    "coal_shipped_out, coal_supply.csv export_extra_share)",
    "base_year_coal_output": "coal output pinned to the base-year statistic (base_year.csv "
    "raw_coal_output)",
    "gas_resource": "the gas resource in {0} (gas_supply.csv resource_max)",
    "gas_growth": "how fast gas output can grow by {0} (gas_supply.csv max_growth)",
    "gas_decline": "how fast gas output can fall by {0} (gas_supply.csv max_decline)",
    "gas_grade_limit": "the output of gas cost grade {0} in {1} (gas_supply.csv grade{0}_max)",
    "gas_grade_sum": "gas output as the sum of its cost grades in {0}",
    "gas_sales_own": "gas sold out of the province within the province's own output in {0}",
    "gas_balance": "the gas balance in {0} (exogenous_demand.csv gas_shipped_out)",
    "co2_definition": "CO2 from the fuels burnt in {0} (fuels.csv emission_factor, "
    "process_emissions.csv)",
    "history_electricity_consumption": "electricity consumption held to the {0} statistic "
    "(history.csv electricity_consumption, scenario history.fix)",
    "history_electricity_exported": "electricity exported held to the {0} statistic "
    "(history.csv electricity_exported, scenario history.fix)",
    "history_raw_coal_output": "coal output held to the {0} statistic (history.csv "
    "raw_coal_output, scenario history.fix)",
    "history_coal_shipped_out": "coal shipped out held to the {0} statistic (history.csv "
    "coal_shipped_out, scenario history.fix)",
}
# Variable bounds that come from inputs rather than from the model's structure.
BOUND_MEANING: dict[str, str] = {
    "coal_shipped_out": "coal other provinces take in {0} (exogenous_demand.csv coal_shipped_out, "
    "coal_supply.csv export_extra_share)",
    "coal_shipped_extra": "coal other provinces take beyond their reference demand in {0} "
    "(coal_supply.csv export_extra_share)",
    "gas_shipped_out": "gas contracted to other provinces in {0} (exogenous_demand.csv "
    "gas_shipped_out)",
}


@dataclass(frozen=True)
class Culprit:
    """One member of the conflict: a target of the scenario, or an input-made limit."""

    family: str
    rows: int
    text: str
    is_target: bool


@dataclass
class Diagnosis:
    status: Literal["feasible", "infeasible"]
    method: Literal["presolve", "iis", "elastic", "none"]
    culprits: list[Culprit] = field(default_factory=list)
    seconds: float = 0.0
    solution: SolveResult | None = None  # the optimal re-solve when presolve had misreported

    def report(self) -> str:
        if self.status == "feasible":
            return "feasible"
        if not self.culprits:
            return (
                "infeasible (confirmed with presolve off); no conflicting subset was found "
                "within the time limit"
            )
        head = {
            "iis": "These cannot all hold together (an irreducible infeasible subset):",
            "elastic": "No irreducible subset in time; with every target soft, these targets "
            "had to be missed (largest penalty first):",
        }.get(self.method, "Conflict:")
        lines = [f"  - {c.text}" for c in self.culprits if c.is_target]
        lines += [f"  - {c.text}" for c in self.culprits if not c.is_target]
        return "\n".join([head, *lines])


def diagnose(
    model: pyo.ConcreteModel,
    d: ModelData,
    settings: Solver,
    *,
    elastic: Callable[[], tuple[pyo.ConcreteModel, SolveResult]] | None = None,
    time_limit: float | None = None,
) -> Diagnosis:
    """Confirm and explain the infeasibility of `model` (built from `d`).

    `elastic` builds and solves the stress-mode model of the same scenario; it is called only
    when no IIS is found.
    """
    started = time.perf_counter()
    limit = min(time_limit or settings.time_limit or IIS_TIME_LIMIT, IIS_TIME_LIMIT)
    confirm = solve(model, settings.model_copy(update={"presolve": False}), time_limit=limit)
    if confirm.status is Status.OPTIMAL:
        return Diagnosis("feasible", "presolve", [], time.perf_counter() - started, confirm)
    remaining = max(limit - (time.perf_counter() - started), MIN_IIS_SECONDS)
    culprits = _iis(model, d, remaining)
    method: Literal["iis", "elastic", "none"] = "iis" if culprits else "none"
    if not culprits and elastic is not None:
        soft_model, soft = elastic()
        if soft.status is Status.OPTIMAL:
            culprits, method = _violated_targets(soft_model, d), "elastic"
    return Diagnosis("infeasible", method, culprits, time.perf_counter() - started)


def find_iis(
    model: pyo.ConcreteModel, d: ModelData, time_limit: float = IIS_TIME_LIMIT
) -> Diagnosis:
    """The IIS alone: "feasible" with no culprits when the model is feasible."""
    started = time.perf_counter()
    culprits = _iis(model, d, time_limit)
    status: Literal["feasible", "infeasible"] = "infeasible" if culprits else "feasible"
    return Diagnosis(status, "iis", culprits, time.perf_counter() - started)


def _iis(model: pyo.ConcreteModel, d: ModelData, time_limit: float) -> list[Culprit]:
    """Members of an IIS of `model`, grouped by constraint family (empty if none was found)."""
    interface = Highs()
    interface.set_instance(model)
    try:  # Pyomo's persistent interface keeps the highspy model and its row/column maps
        highs = interface._solver_model
        rows_of = interface._solver_con_to_pyomo_con_map
        vars_of = {
            column: interface._vars[key][0]
            for key, column in interface._pyomo_var_to_solver_var_map.items()
        }
    except AttributeError:  # a Pyomo without them: no IIS, the elastic solve explains instead
        return []
    iis = iis_in_child(highs, time_limit, IIS_STRATEGY)
    if iis is None:
        return []
    rows = [rows_of[i] for i in iis.rows]
    bounds = [(vars_of[j], b) for j, b in zip(iis.columns, iis.bounds, strict=True)]
    return _explain(rows, bounds, d)


def _explain(rows: list, bounds: list, d: ModelData) -> list[Culprit]:
    """One culprit per constraint family (all its rows) and per input-made variable bound."""
    grouped: dict[str, list] = {}
    for con in rows:
        grouped.setdefault(con.parent_component().local_name, []).append(con)
    culprits = [_explain_family(family, members, d) for family, members in grouped.items()]
    for var, _bound in bounds:
        family = var.parent_component().local_name
        if family in BOUND_MEANING:
            culprits.append(
                Culprit(family, 1, _fill(BOUND_MEANING[family], var.index()), is_target=False)
            )
    return culprits


def _explain_family(family: str, members: list, d: ModelData) -> Culprit:
    if family in TARGET_FAMILIES:
        texts = [target_text(d, family, con.index()) for con in members]
        return Culprit(family, len(members), "; ".join(texts), is_target=True)
    meaning = _fill(ROW_MEANING.get(family, family + " {0}"), members[0].index())
    names = ", ".join(con.name for con in members[:3])
    more = f" and {len(members) - 3} more" if len(members) > 3 else ""
    return Culprit(family, len(members), f"{meaning} [{names}{more}]", is_target=False)


def _fill(template: str, index: object) -> str:
    parts = index if isinstance(index, tuple) else (index,)
    return template.format(*parts, *([""] * 4))


def target_text(d: ModelData, family: str, index: object) -> str:
    """The scenario key and value behind a target row, e.g. "targets.co2_cap.2025 = 400 Mt"."""
    t = d.scenario.targets
    if family in ("coal_output_min", "coal_output_max"):
        bound = family.rsplit("_", 1)[1]
        return f"targets.coal_output.{index}.{bound} = {getattr(t.coal_output[index], bound):g} Mt"
    if family in ("export_capacity_min", "export_capacity_max"):
        bound = family.rsplit("_", 1)[1]
        value = getattr(t.export_capacity[index], bound)
        return f"targets.export_capacity.{index}.{bound} = {value:g} GW"
    if family == "cbm_output_min":
        return f"targets.cbm_output_min.{index} = {t.cbm_output_min[index]:g} bcm"
    if family == "electricity_share_min":
        share = t.electricity_share_final
        return (
            f"targets.electricity_share_final.min.{index} = {share.min[index]:.0%} "
            f"({share.method} method)"
        )
    if family == "non_fossil_share_min":
        return f"targets.non_fossil_share_min.{index} = {t.non_fossil_share_min[index]:.0%}"
    if family == "non_fossil_share_exports":
        return (
            f"targets.non_fossil_share_min.{index} = {t.non_fossil_share_min[index]:.0%} "
            "(non-fossil power exported beyond thermal generation does not count)"
        )
    if family == "co2_peak":
        return (
            f"targets.co2_peak_year = {t.co2_peak_year} (CO2 in {index} may not exceed "
            f"{d.previous_year(index)})"
        )
    if family == "co2_cap":
        return f"targets.co2_cap.{index} = {t.co2_cap[index]:g} Mt CO2"
    if family == "co2_budget":
        b = t.co2_budget
        return f"targets.co2_budget = {b.max:g} Mt CO2 from {b.start} to {b.end}"
    if family == "wind_solar_capacity_min":
        return f"targets.wind_solar_capacity_min.{index} = {t.wind_solar_capacity_min[index]:g} GW"
    if family == "clean_capacity_share_min":
        share = t.clean_capacity_share_min[index]
        return f"targets.clean_capacity_share_min.{index} = {share:.0%}"
    raise KeyError(family)


def _violated_targets(m: pyo.ConcreteModel, d: ModelData, tolerance: float = 1e-6) -> list[Culprit]:
    """Targets the stress-mode solution misses, by penalty paid (largest first)."""
    stress = d.scenario.stress
    missed = []
    for (family, year), var in m.target_violation.items():
        value = float(pyo.value(var))
        if value <= tolerance:
            continue
        target, factor = TARGET_FAMILIES[family]
        cost = value * factor * stress.penalty_of(target)
        index = None if family == "co2_budget" else year
        # in the target's own unit (shares as fractions), as `target_violation` in results
        missed_by = value / share_denominator(m, d, family, index)
        text = f"{target_text(d, family, index)}: missed by {missed_by:.4g} {TARGET_UNITS[family]}"
        missed.append((cost, Culprit(family, 1, text, is_target=True)))
    return [c for _, c in sorted(missed, key=lambda item: -item[0])]
