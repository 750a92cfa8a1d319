"""Every target of a run's scenario (read from the results' provenance) checked against its
results: met or missed, named like the model's constraints (`coal_output_min[2025]`)."""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np
import xarray as xr

from energysim.results.history import group_total

TOLERANCE = 1e-6  # relative; solver tolerances are far below it


@dataclass(frozen=True)
class TargetCheck:
    name: str  # as the model's constraint: coal_output_min[2025], co2_peak, co2_budget
    description: str  # what the bound is, with its unit
    value: float  # the model's value it is compared with
    unit: str
    met: bool


def scenario_of(ds: xr.Dataset) -> dict:
    return json.loads(ds.attrs.get("scenario_json", "{}"))


def check_targets(ds: xr.Dataset) -> list[TargetCheck]:
    """All targets of the scenario that produced `ds`, in the order of the scenario schema."""
    targets = scenario_of(ds).get("targets", {})
    years = [int(y) for y in ds.year.values]
    checks: list[TargetCheck] = []

    def at(variable: str, year: int, **where: str) -> float:
        return float(ds[variable].sel({"year": year, **where}))

    def bound(name: str, value: float, limit: float, unit: str, is_min: bool) -> None:
        slack = TOLERANCE * max(abs(limit), 1.0)
        met = value >= limit - slack if is_min else value <= limit + slack
        sign = ">=" if is_min else "<="
        checks.append(TargetCheck(name, f"{sign} {limit:g} {unit}", value, unit, met))

    for key, variable, unit in (
        ("coal_output", "coal_output", "Mt"),
        ("export_capacity", "export_capacity", "GW"),
    ):
        for year, band in sorted(targets.get(key, {}).items()):
            value = at(variable, int(year))
            for side in ("min", "max"):
                if band.get(side) is not None:
                    name = f"{key}_{side}[{year}]"
                    bound(name, value, band[side], unit, side == "min")
    for year, limit in sorted(targets.get("cbm_output_min", {}).items()):
        bound(f"cbm_output_min[{year}]", at("cbm_output", int(year)), limit, "bcm", True)
    share = targets.get("electricity_share_final") or {}
    for year, limit in sorted(share.get("min", {}).items()):
        method = share.get("method", "calorific")
        value = at("electricity_share_final", int(year), method=method)
        bound(f"electricity_share_min[{year}] ({method})", value, limit, "share", True)
    for year, limit in sorted(targets.get("non_fossil_share_min", {}).items()):
        bound(
            f"non_fossil_share_min[{year}]", at("non_fossil_share", int(year)), limit, "share", True
        )
    co2 = ds["co2_emissions"].values
    peak = targets.get("co2_peak_year")
    if peak is not None:
        first = next((i for i, y in enumerate(years) if y >= peak), len(years) - 1)
        rises = [co2[i] - co2[i - 1] for i in range(first + 1, len(years))]
        worst = max(rises, default=0.0)
        met = worst <= TOLERANCE * max(float(np.max(np.abs(co2))), 1.0)
        actual = int(ds.attrs.get("co2_peak_year", years[int(np.argmax(co2))]))
        checks.append(
            TargetCheck(
                "co2_peak",
                f"CO2 does not rise from {years[first]} on (peak by {peak})",
                float(actual),
                "year of peak",
                met,
            )
        )

    def group(name: str, year: int) -> float:
        return float(group_total(ds, "capacity", name).sel(year=year))

    for year, limit in sorted(targets.get("wind_solar_capacity_min", {}).items()):
        value = group("wind_solar", int(year))
        bound(f"wind_solar_capacity_min[{year}]", value, limit, "GW", True)
    for year, limit in sorted(targets.get("clean_capacity_share_min", {}).items()):
        value = group("new_and_clean", int(year)) / group("total", int(year))
        bound(f"clean_capacity_share_min[{year}]", value, limit, "share", True)
    for year, limit in sorted(targets.get("co2_cap", {}).items()):
        bound(f"co2_cap[{year}]", at("co2_emissions", int(year)), limit, "Mt CO2", False)
    budget = targets.get("co2_budget")
    if budget:
        lengths = np.diff(years).tolist()
        lengths.append(lengths[-1] if lengths else 1)
        total = sum(
            co2[i] * lengths[i] for i, y in enumerate(years) if budget["start"] <= y < budget["end"]
        )
        total += co2[years.index(budget["end"])] if budget["end"] in years else 0.0
        bound("co2_budget", float(total), budget["max"], "Mt CO2", False)
    return checks
