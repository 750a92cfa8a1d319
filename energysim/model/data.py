"""Plain lookups for the model families, taken once from the inputs Dataset and the scenario.

Model families read numbers from here instead of from xarray, so the build stays fast and each
family's code shows only its equations. Index sets are ordered lists, never Python sets, so
results do not depend on hash order.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import xarray as xr

from energysim.inputs.load import CARRIERS
from energysim.model.history import Fixed, fixed_to_history, with_history_inputs
from energysim.scenario.schema import Scenario

HOURS_PER_YEAR = 8760.0
TWH_PER_MTCE = 8.141  # 1 Mtce = 29.3076 PJ = 8.141 TWh (definitional, 1 kgce = 29.3076 MJ)
COST_SCALE = 1e-3  # the objective is in bn CNY: 1 MCNY = 1e-3 bn CNY


@dataclass
class ModelData:
    """Everything the model families need, as plain Python and NumPy values."""

    scenario: Scenario
    inputs: xr.Dataset
    years: list[int]
    period_length: dict[int, float]
    discount_factor: dict[int, float]
    slices: list[int]
    technologies: list[str]
    kind: dict[str, str]
    fuel: dict[str, str]
    boilers: list[str] = field(default_factory=list)
    corridors: list[str] = field(default_factory=list)
    sectors: list[str] = field(default_factory=list)
    carriers: list[str] = field(default_factory=list)
    history_fixed: list[Fixed] = field(default_factory=list)

    def tech(self, parameter: str, tech: str, year: int, default: float = math.nan) -> float:
        """A technology parameter; NaN (absent) becomes `default`."""
        return self.series(parameter, year, default, technology=tech)

    def series(self, name: str, year: int, default: float = math.nan, **where: str) -> float:
        if name not in self.inputs:
            return default
        value = float(self._value(name, year=year, **where))
        return default if math.isnan(value) else value

    def base(self, quantity: str, default: float = math.nan) -> float:
        return float(self.inputs.attrs.get(f"base_{quantity}", default))

    def slice_value(self, name: str, s: int) -> float:
        return float(self._profiles[name][s])

    def techs_of(self, *kinds: str) -> list[str]:
        return [t for t in self.technologies if self.kind[t] in kinds]

    def previous_year(self, year: int) -> int | None:
        i = self.years.index(year)
        return self.years[i - 1] if i > 0 else None

    def years_since_previous(self, year: int) -> float:
        """Years from the previous model year to `year` (the first year: its own period length).

        Capacity counted in `year` is built in these years; with uneven steps (2025, 2027, 2030)
        this differs from `period_length[year]`, the years until the next model year.
        """
        previous = self.previous_year(year)
        return float(year - previous) if previous is not None else self.period_length[year]

    def _value(self, name: str, **where: object) -> object:
        key = (name, *where.items())  # call sites keep one keyword order; no need to sort
        if key not in self._cache:
            self._cache[key] = self._lookup(name, where)
        return self._cache[key]

    def _lookup(self, name: str, where: dict) -> object:
        """`inputs[name].sel(...)` by plain positions: xarray's `sel` costs ~0.3 ms a call,
        which made it the largest part of the model build."""
        if name not in self._arrays:
            var = self.inputs[name]
            positions = {
                dim: {label: i for i, label in enumerate(var.coords[dim].values.tolist())}
                for dim in var.dims
            }
            self._arrays[name] = (var.values, var.dims, positions)
        values, dims, positions = self._arrays[name]
        index: list = []
        for dim in dims:
            if dim not in where:
                index.append(slice(None))
                continue
            position = positions[dim].get(where[dim])
            if position is None:
                return math.nan  # a member the table does not mention
            index.append(position)
        return values[tuple(index)]

    def __post_init__(self) -> None:
        self._cache: dict = {}
        self._arrays: dict = {}
        self._profiles = {
            name: np.asarray(self.inputs[name].values, dtype=float)
            for name in (
                "slice_weight",
                "load_pu",
                "wind_cf",
                "solar_cf",
                "heat_pu",
                "hydro_cf",
                "slice_previous",
                "slice_duration",
                "slice_hour",
                "slice_day",
            )
            if name in self.inputs
        }


def prepare(scenario: Scenario, inputs: xr.Dataset) -> ModelData:
    fixed = fixed_to_history(scenario, inputs)
    inputs = with_history_inputs(fixed, inputs)
    years = list(scenario.years)
    gaps = np.diff(years).tolist()
    lengths = [*gaps, gaps[-1] if gaps else 1]
    period_length = dict(zip(years, map(float, lengths), strict=True))
    r = scenario.economics.discount_rate
    base = years[0]
    discount_factor = {
        y: float(sum((1 + r) ** -(y + k - base) for k in range(int(period_length[y]))))
        for y in years
    }
    return ModelData(
        scenario=scenario,
        inputs=inputs,
        years=years,
        period_length=period_length,
        discount_factor=discount_factor,
        slices=[int(s) for s in inputs.slice.values],
        technologies=[
            str(t)
            for t, k in zip(inputs.technology.values, inputs.kind.values, strict=True)
            if k != "boiler"
        ],
        boilers=[
            str(t)
            for t, k in zip(inputs.technology.values, inputs.kind.values, strict=True)
            if k == "boiler"
        ],
        kind={
            str(t): str(k)
            for t, k in zip(inputs.technology.values, inputs.kind.values, strict=True)
        },
        fuel={
            str(t): str(f)
            for t, f in zip(inputs.technology.values, inputs.fuel.values, strict=True)
        },
        corridors=[str(c) for c in inputs.coords["corridor"].values]
        if "corridor" in inputs.coords
        else [],
        sectors=[str(s) for s in inputs.coords["sector"].values]
        if "sector" in inputs.coords
        else [],
        carriers=list(CARRIERS),
        history_fixed=fixed,
    )


def capital_recovery_factor(rate: float, lifetime: float) -> float:
    """Annuity per unit of overnight cost: r / (1 - (1 + r)^-n); 1/n when r = 0."""
    if rate == 0:
        return 1.0 / lifetime
    return rate / (1.0 - (1.0 + rate) ** -lifetime)
