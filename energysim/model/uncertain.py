"""Sample multipliers: the uncertain inputs of an optimising sweep as mutable Params.

`build_model(..., sample_multipliers=True)` adds `m.sample_multiplier[p]` (mutable, 1.0) for
every uncertain parameter p of the scenario schema; each multiplies its input where it enters
the model, so a persistent solver re-solves a sample by changing these Params only:

  demand_growth     final demand index: index' = 1 + g * (index - 1) (growth since the base
                    year; useful-energy balance, switching and share limits), or, without
                    final energy, consumption' = base + g * (consumption - base)
  coal_price, gas_price          fuel prices in the objective (purchases, coal and gas sales)
  capex_wind, capex_solar, capex_battery   capital cost of new builds (investment annuities)
  wind_yield, solar_yield        profile coefficient of capacity, min(1, cf * multiplier)
  export_demand     right-hand side of export_demand
  coal_shipped_out  upper bound of coal_shipped_out
  gas_resource      output limits of the gas grades of new wells (grades 2 and 3)

The pinned base year is history: its inputs are not multiplied. Without sample multipliers (the
default, as for `run`) every family builds the same expressions as before, number for number.
"""

from __future__ import annotations

from typing import get_args

import pyomo.environ as pyo
from pyomo.core.expr.numeric_expr import NPV_MinExpression

from energysim.model.data import ModelData
from energysim.scenario.schema import UncertainParameter

PARAMETERS: tuple[str, ...] = get_args(UncertainParameter)
CAPEX_PARAMETER = {"wind": "capex_wind", "solar": "capex_solar", "battery": "capex_battery"}
YIELD_PARAMETER = {"wind": "wind_yield", "solar": "solar_yield"}
PRICE_PARAMETER = {"coal": "coal_price", "gas": "gas_price"}


def define_sample_multipliers(m: pyo.ConcreteModel) -> None:
    m.sample_multiplier = pyo.Param(
        PARAMETERS,
        mutable=True,
        initialize=1.0,
        domain=pyo.NonNegativeReals,
        doc="multiplier of an uncertain input (1 = as in the inputs)",
    )


def multiplier(m: pyo.ConcreteModel, d: ModelData, name: str | None, year: int) -> object:
    """The Param multiplying input `name` in `year`, or the number 1.0 where nothing is sampled
    (no multipliers in the model, no parameter, or the pinned base year)."""
    if name is None or not hasattr(m, "sample_multiplier"):
        return 1.0
    if d.scenario.model.pin_base_year and year == d.years[0]:
        return 1.0
    return m.sample_multiplier[name]


def is_sampled(factor: object) -> bool:
    return not isinstance(factor, float)


def _fixed(value: float, factor: object) -> bool:
    """True where the product cannot depend on the factor: unsampled, or a zero input (a
    mutable zero coefficient would also be missing from the solver's matrix)."""
    return not is_sampled(factor) or value == 0


def scaled(value: float, factor: object) -> object:
    """value x factor; the plain number when the factor is 1.0, so unsampled models keep their
    coefficients exactly."""
    return value if _fixed(value, factor) else value * factor


def grown(base: float, index: float, factor: object) -> object:
    """base x (1 + factor x (index - 1)), written so that it is exactly base x index at 1."""
    if not is_sampled(factor) or index == 1.0:
        return base * index
    return base * index + (factor - 1.0) * (base * (index - 1.0))


def capped(value: float, factor: object) -> object:
    """min(1, value x factor): a yield scaled beyond full output is full output."""
    if _fixed(value, factor):
        return value
    return NPV_MinExpression((1.0, value * factor))  # no variables: a coefficient, not an Expr_if
