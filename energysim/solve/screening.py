"""Pre-solve screening: targets that the inputs make impossible, found before any model is built
and reported in the planner's terms (scenario key, year, value, and the input that blocks it)."""

from __future__ import annotations

from energysim.model.data import ModelData
from energysim.model.trade import corridor_existing


def impossible_targets(d: ModelData) -> list[str]:
    """Each message names the target and the inputs it collides with."""
    return [*_cbm(d), *_coal(d), *_exports(d)]


def _cbm(d: ModelData) -> list[str]:
    base = d.base("unconventional_gas_output")
    growth = d.series("gas_max_growth", d.years[0])
    problems = []
    for year, minimum in d.scenario.targets.cbm_output_min.items():
        reachable = d.series("gas_resource_max", year, default=float("inf"))
        if base == base and growth == growth:
            reachable = min(reachable, base * (1 + growth) ** (year - d.years[0]))
        if minimum > reachable + 1e-9:
            problems.append(
                f"targets.cbm_output_min.{year} = {minimum:g} bcm cannot be reached: output "
                f"{base:g} bcm in {d.years[0]} (base_year.csv) growing at most {growth:.0%}/yr "
                f"(gas_supply.csv max_growth) and within gas_supply.csv resource_max gives at "
                f"most {reachable:.1f} bcm in {year}"
            )
    return problems


def _coal(d: ModelData) -> list[str]:
    problems = []
    for year, band in d.scenario.targets.coal_output.items():
        capacity = d.series("coal_mine_capacity", year)
        if band.min is not None and capacity == capacity and band.min > capacity:
            problems.append(
                f"targets.coal_output.{year}.min = {band.min:g} Mt is above the mine capacity "
                f"of {capacity:g} Mt/yr in {year} (coal_supply.csv mine_capacity)"
            )
    return problems


def _exports(d: ModelData) -> list[str]:
    problems = []
    for year, band in d.scenario.targets.export_capacity.items():
        existing = sum(corridor_existing(d, c, year) for c in d.corridors)
        expandable = sum(
            max(
                d.series("corridor_max_capacity", year, default=float("inf"), corridor=c),
                corridor_existing(d, c, year),
            )
            for c in d.corridors
        )
        if band.min is not None and band.min > expandable:
            problems.append(
                f"targets.export_capacity.{year}.min = {band.min:g} GW is above what the "
                f"corridors can be expanded to, {expandable:g} GW (corridors.csv max_capacity)"
            )
        if band.max is not None and band.max < existing:
            problems.append(
                f"targets.export_capacity.{year}.max = {band.max:g} GW is below the corridor "
                f"capacity already built, {existing:g} GW (corridors.csv capacity)"
            )
    return problems


__all__ = ["impossible_targets"]
