"""Quantities held to the provincial statistics (`history:` in the scenario).

A back-cast takes the drivers as given (electricity consumption and exports, coal output and
shipments, the coal price) and leaves every decision that it measures (capacity, dispatch,
gas output, heat supply, CO2) to the model. Each fixed (quantity, year) is one named row
`history_<quantity>[year]`, so an infeasibility report names it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pyomo.environ as pyo
import xarray as xr

from energysim.scenario.schema import Scenario

# Each fixable quantity: the statistic (history.csv variable) that gives its value.
STATISTIC_OF = {
    "electricity_consumption": "electricity_consumption",
    "electricity_exported": "electricity_exported",
    "raw_coal_output": "raw_coal_output",
    "coal_shipped_out": "coal_shipped_out",
    "coal_price": "coal_price_delivered",
}
# Quantities that change an input rather than add a row.
INPUT_QUANTITIES = ("coal_price",)


@dataclass(frozen=True)
class Fixed:
    quantity: str
    year: int
    value: float
    unit: str
    source: str
    confidence: str


def fixed_to_history(scenario: Scenario, inputs: xr.Dataset) -> list[Fixed]:
    """Every (quantity, year) the scenario holds to a statistic: model years up to
    `history.until` that have one. A pinned base year keeps its own base-year statistics."""
    if scenario.history is None or "history" not in inputs:
        return []
    pinned = scenario.years[0] if scenario.model.pin_base_year else None
    fixed = []
    for quantity in scenario.history.fix:
        statistic = STATISTIC_OF[quantity]
        if statistic not in inputs.statistic.values:
            continue
        row = inputs.sel(statistic=statistic)
        for year in scenario.years:
            value = float(row["history"].sel(year=year))
            if year > scenario.history.until or year == pinned or value != value:
                continue
            fixed.append(
                Fixed(
                    quantity,
                    year,
                    value,
                    str(row["statistic_unit"].values),
                    str(row["history_source"].sel(year=year).values),
                    str(row["history_confidence"].sel(year=year).values),
                )
            )
    return fixed


def with_history_inputs(fixed: list[Fixed], inputs: xr.Dataset) -> xr.Dataset:
    """The inputs with the fixed input quantities (the coal price) replaced for their years."""
    prices = [f for f in fixed if f.quantity == "coal_price"]
    if not prices:
        return inputs
    inputs = inputs.copy()
    price = inputs["fuel_price"].copy()
    for f in prices:
        price.loc[{"fuel_type": "coal", "year": f.year}] = f.value
    inputs["fuel_price"] = price
    return inputs


def define_history_constraints(
    m: pyo.ConcreteModel, fixed: list[Fixed], has_coal_supply: bool
) -> None:
    """Model quantities equal to their statistics.

    history_electricity_consumption[y]: electricity_consumption[y] = statistic[y]  (TWh)
    history_electricity_exported[y]:    sum_c exported energy[c,y] = statistic[y]   (TWh)
    history_raw_coal_output[y]:         coal_output[y]             = statistic[y]   (Mt)
    history_coal_shipped_out[y]:        coal_shipped_out[y]        = statistic[y]   (Mt)
    A fixed export or coal shipment replaces the assumed demand of the receiving provinces
    (export_demand[y], the coal_shipped_out bound) in its year.
    """
    quantity_of: dict[str, Callable[[int], object]] = {
        "electricity_consumption": lambda y: m.electricity_consumption[y],
        "electricity_exported": lambda y: m.electricity_exported[y],
    }
    if has_coal_supply:
        quantity_of["raw_coal_output"] = lambda y: m.coal_output[y]
        quantity_of["coal_shipped_out"] = lambda y: m.coal_shipped_out[y]
    for quantity, expression in quantity_of.items():
        rows = {f.year: f.value for f in fixed if f.quantity == quantity}
        if not rows:
            continue
        # The statistic replaces the assumed demand of the receiving provinces.
        for y in rows:
            if quantity == "coal_shipped_out":
                m.coal_shipped_out[y].setub(None)
            if quantity == "electricity_exported" and y in getattr(m, "export_demand", {}):
                m.export_demand[y].deactivate()

        def rule(m: pyo.ConcreteModel, y: int, e=expression, r=rows) -> pyo.Expression:
            return e(y) == r[y]

        m.add_component(
            f"history_{quantity}", pyo.Constraint(sorted(rows), rule=rule, doc="held to history")
        )


def describe(fixed: list[Fixed]) -> str:
    """One line per fixed quantity: its years, values and sources (for the results attrs)."""
    lines = []
    for quantity in STATISTIC_OF:
        rows = [f for f in fixed if f.quantity == quantity]
        if rows:
            cells = ", ".join(
                f"{f.year}: {f.value:g} {f.unit} ({f.source}"
                + (", estimate)" if f.confidence == "estimate" else ")")
                for f in rows
            )
            lines.append(f"{quantity}: {cells}")
    return "; ".join(lines)
