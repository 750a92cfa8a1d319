"""Quantities held to the provincial statistics (`history:` in the scenario).

A back-cast takes the drivers as given (electricity consumption and exports, coal output and
shipments, the coal price) and leaves every decision that it measures (capacity, dispatch,
gas output, heat supply, CO2) to the model. A scenario that starts from where Shanxi stands
also holds the fleet (capacity by group) and gas output. Each fixed (quantity, year) is one
named row `history_<quantity>[year]`, so an infeasibility report names it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pyomo.environ as pyo
import xarray as xr

from energysim.scenario.schema import Scenario

TechTest = Callable[[str, str, str], bool]  # (technology, kind, fuel) -> member?


def _plant(t: str, kind: str, fuel: str) -> bool:
    return kind != "boiler" and t != "battery"  # the statistics count power plants


# Technology groups of the statistics (NBS "thermal" holds coal, gas and mine methane and
# biomass; NBS hydro holds pumped storage; "new and clean" is everything but coal power).
GROUPS: dict[str, TechTest] = {
    "total": _plant,
    "thermal": lambda t, kind, fuel: kind in ("thermal", "chp"),
    "coal": lambda t, kind, fuel: kind != "boiler" and fuel == "coal",
    "wind": lambda t, kind, fuel: t == "wind",
    "solar": lambda t, kind, fuel: t == "solar",
    "wind_solar": lambda t, kind, fuel: t in ("wind", "solar"),
    "hydro": lambda t, kind, fuel: t in ("hydro", "pumped_hydro"),
    "pumped_hydro": lambda t, kind, fuel: t == "pumped_hydro",
    "renewables": lambda t, kind, fuel: t in ("hydro", "pumped_hydro", "wind", "solar", "biomass"),
    "new_and_clean": lambda t, kind, fuel: _plant(t, kind, fuel) and fuel != "coal",
}
CAPACITY_QUANTITIES = tuple(f"capacity_{g}" for g in GROUPS if g != "pumped_hydro")

# Each fixable quantity: the statistics (history.csv variables) that give its value, the first
# with a value in a year wins.
STATISTIC_OF: dict[str, tuple[str, ...]] = {
    "electricity_consumption": ("electricity_consumption",),
    "electricity_exported": ("electricity_exported",),
    "raw_coal_output": ("raw_coal_output",),
    "coal_shipped_out": ("coal_shipped_out",),
    "coal_price": ("coal_price_delivered",),
    "gas_output": ("natural_gas_output", "unconventional_gas_output"),
    **{q: (q,) for q in CAPACITY_QUANTITIES},
}


@dataclass(frozen=True)
class Fixed:
    quantity: str
    statistic: str
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
    known = [str(s) for s in inputs.statistic.values]
    fixed = []
    for quantity in scenario.history.fix:
        for year in scenario.years:
            if year > scenario.history.until or year == pinned:
                continue
            for statistic in (s for s in STATISTIC_OF[quantity] if s in known):
                row = inputs.sel(statistic=statistic, year=year)
                value = float(row["history"])
                if value == value:
                    fixed.append(
                        Fixed(
                            quantity,
                            statistic,
                            year,
                            value,
                            str(row["statistic_unit"].values),
                            str(row["history_source"].values),
                            str(row["history_confidence"].values),
                        )
                    )
                    break
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


def members(group: str, technologies: list[str], kind: dict, fuel: dict) -> list[str]:
    return [t for t in technologies if GROUPS[group](t, kind[t], fuel[t])]


def define_history_constraints(
    m: pyo.ConcreteModel,
    fixed: list[Fixed],
    technologies: tuple[list[str], dict[str, str], dict[str, str]],
    has_coal_supply: bool,
) -> None:
    """Model quantities equal to their statistics.

    history_electricity_consumption[y]: electricity_consumption[y] = statistic[y]   (TWh)
    history_electricity_exported[y]:    sum_c exported energy[c,y] = statistic[y]    (TWh)
    history_raw_coal_output[y]:         coal_output[y]             = statistic[y]    (Mt)
    history_coal_shipped_out[y]:        coal_shipped_out[y]        = statistic[y]    (Mt)
    history_gas_output[y]:              gas_output[y]              = statistic[y]    (bcm)
    history_capacity_<group>[y]:        sum_{t in group} capacity[t,y] = statistic[y] (GW)
    A fixed export or coal shipment replaces the assumed demand of the receiving provinces
    (export_demand[y], the coal_shipped_out bound) in its year.
    """
    names, kind, fuel = technologies
    quantity_of: dict[str, Callable[[int], object]] = {
        "electricity_consumption": lambda y: m.electricity_consumption[y],
        "electricity_exported": lambda y: m.electricity_exported[y],
        "gas_output": lambda y: m.gas_output[y],
    }
    if has_coal_supply:
        quantity_of["raw_coal_output"] = lambda y: m.coal_output[y]
        quantity_of["coal_shipped_out"] = lambda y: m.coal_shipped_out[y]
    for quantity in CAPACITY_QUANTITIES:
        group = members(quantity.removeprefix("capacity_"), names, kind, fuel)
        quantity_of[quantity] = lambda y, g=group: sum(m.capacity[t, y] for t in g)
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
            if quantity == "gas_output" and m.gas_output[y].fixed:
                m.gas_output[y].unfix()

        def rule(m: pyo.ConcreteModel, y: int, e=expression, r=rows) -> pyo.Expression:
            return e(y) == r[y]

        m.add_component(
            f"history_{quantity}", pyo.Constraint(sorted(rows), rule=rule, doc="held to history")
        )


def describe(fixed: list[Fixed]) -> str:
    """One entry per fixed quantity: its years, values and sources (for the results attrs)."""
    lines = []
    for quantity in STATISTIC_OF:
        rows = [f for f in fixed if f.quantity == quantity]
        if rows:
            cells = ", ".join(
                f"{f.year}: {f.value:g} {f.unit} ({f.statistic}, {f.source}"
                + (", estimate)" if f.confidence == "estimate" else ")")
                for f in rows
            )
            lines.append(f"{quantity}: {cells}")
    return "; ".join(lines)
