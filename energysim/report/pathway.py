"""What a planner asks of a pathway beyond its KPIs: when CO2 peaks and what turns it, the
marginal cost of each target, and the exports by corridor."""

from __future__ import annotations

import numpy as np
import xarray as xr

from energysim.report.labels import name, text


def co2_by_sector(ds: xr.Dataset) -> dict[str, np.ndarray]:
    """CO2 (Mt) by sector and year: power and heat, each final sector, coke ovens, industrial
    processes."""
    sectors = {"power_heat": ds["co2_power_heat"].sum("fuel").values}
    final = ds["co2_final"].sum("fuel")
    sectors |= {str(s): final.sel(sector=s).values for s in final.sector.values}
    if "co2_coking" in ds:
        sectors["coal_to_coking"] = ds["co2_coking"].values
    sectors["process"] = ds["co2_process"].values
    return sectors


def peak_driver(ds: xr.Dataset, lang: str) -> str:
    """The peak year and what turns CO2: the sectors whose CO2 rises into the peak and falls
    most after it (the change from the model year before to the one after)."""
    years = [int(y) for y in ds.year.values]
    peak = int(ds.attrs.get("co2_peak_year", years[int(np.argmax(ds["co2_emissions"].values))]))
    i = years.index(peak)
    sectors = co2_by_sector(ds)
    parts = [f"{text(lang, 'peak_year')}: {peak}"]
    if i > 0:
        rise = max(sectors, key=lambda s: sectors[s][i] - sectors[s][i - 1])
        delta = sectors[rise][i] - sectors[rise][i - 1]
        if delta > 0:
            parts.append(f"{text(lang, 'rising_into')} {name(lang, rise)} (+{delta:.0f} Mt)")
    if i + 1 < len(years):
        fall = min(sectors, key=lambda s: sectors[s][i + 1] - sectors[s][i])
        delta = sectors[fall][i + 1] - sectors[fall][i]
        if delta < 0:
            parts.append(
                f"{text(lang, 'falling_after')} {name(lang, fall)} ({delta:.0f} Mt "
                f"{years[i]}-{years[i + 1]})"
            )
    return "; ".join(parts)


def shadow_price(ds: xr.Dataset, check_name: str) -> float:
    """The shadow price of the target row behind a target check (NaN if the run has none)."""
    row = check_name.split(" ")[0]
    if "target" not in ds.coords or row not in ds.target.values:
        return float("nan")
    return float(ds["target_shadow_price"].sel(target=row))


def corridor_rows(ds: xr.Dataset, years: list[int]) -> list[list[str]]:
    """Per corridor and year: capacity (GW) / exported energy (TWh)."""
    rows = []
    for corridor in ds.corridor.values:
        cells = [
            f"{float(ds['corridor_capacity'].sel(corridor=corridor, year=y)):.1f} / "
            f"{float(ds['corridor_flow'].sel(corridor=corridor, year=y)):.1f}"
            for y in years
        ]
        rows.append([str(corridor), *cells])
    return rows
