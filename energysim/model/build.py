"""Build the least-cost pathway model: sets, then each family in a fixed order.

Order: capacity -> dispatch (generation, heat, storage) -> trade -> supply -> demand ->
power balance and reserve -> history -> emissions -> accounting and policy -> objective.
"""

from __future__ import annotations

import pyomo.environ as pyo
import xarray as xr

from energysim.gcpause import paused_gc
from energysim.model import (
    capacity,
    demand,
    dispatch,
    emissions,
    history,
    objective,
    policy,
    supply,
    trade,
    uncertain,
)
from energysim.model.data import ModelData, prepare
from energysim.scenario.schema import Scenario


def build_model(
    scenario: Scenario,
    inputs: xr.Dataset,
    d: ModelData | None = None,
    sample_multipliers: bool = False,
) -> tuple[pyo.ConcreteModel, ModelData]:
    """The Pyomo model of `scenario` on `inputs`, and the lookups it was built from (`d`, when
    already prepared from the same scenario and inputs). With `sample_multipliers`, the uncertain
    inputs enter as mutable Params `m.sample_multiplier` (see `uncertain`), all 1.

    Python's cyclic garbage collector is paused during the build (`energysim.gcpause`)."""
    with paused_gc():
        return _build(scenario, inputs, d, sample_multipliers)


def _build(
    scenario: Scenario, inputs: xr.Dataset, d: ModelData | None, sample_multipliers: bool
) -> tuple[pyo.ConcreteModel, ModelData]:
    d = d or prepare(scenario, inputs)
    m = pyo.ConcreteModel(name=scenario.name)
    _define_sets(m, d)
    if sample_multipliers:
        uncertain.define_sample_multipliers(m)
    capacity.define_capacity_variables(m, d)
    capacity.define_capacity_constraints(m, d)
    dispatch.define_dispatch_variables(m, d)
    dispatch.define_generation_constraints(m, d)
    trade.define_trade_variables(m, d)
    trade.define_trade_constraints(m, d)
    demand.define_demand_variables(m, d)
    demand.define_demand_constraints(m, d)
    dispatch.define_heat_constraints(m, d)
    dispatch.define_storage_constraints(m, d)
    dispatch.define_power_balance(m, d)
    dispatch.define_reserve_margin(m, d)
    supply.define_supply_variables(m, d)
    supply.define_coal_constraints(m, d)
    supply.define_gas_constraints(m, d)
    history.define_history_constraints(
        m, d.history_fixed, (d.technologies, d.kind, d.fuel), supply.has_coal_supply(d)
    )
    emissions.define_emissions(m, d)
    policy.define_accounting(m, d)
    policy.define_policy_constraints(m, d)
    objective.define_objective(m, d)
    return m, d


def _define_sets(m: pyo.ConcreteModel, d: ModelData) -> None:
    """Ordered index sets (never Python sets: results must not depend on hash order)."""
    m.years = pyo.Set(initialize=d.years, ordered=True)
    m.slices = pyo.Set(initialize=d.slices, ordered=True)
    m.technologies = pyo.Set(initialize=d.technologies, ordered=True)
    m.generators = pyo.Set(
        initialize=[t for t in d.technologies if d.kind[t] != "storage"], ordered=True
    )
    m.variable_generators = pyo.Set(initialize=d.techs_of("variable"), ordered=True)
    m.chp = pyo.Set(initialize=d.techs_of("chp"), ordered=True)
    m.storage = pyo.Set(initialize=d.techs_of("storage"), ordered=True)
    m.corridors = pyo.Set(initialize=d.corridors, ordered=True)
    m.sectors = pyo.Set(initialize=d.sectors, ordered=True)
    m.carriers = pyo.Set(initialize=d.carriers, ordered=True)
