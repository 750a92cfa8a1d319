"""Read an inputs folder into one `xarray.Dataset` on the scenario's years and time slices.

Units live in each variable's attrs. Data checks (non-negative values, shares in [0, 1],
positive lifetimes, expected units, known identifiers) are collected and raised at once as an
`InputError` naming file, line, column and field.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import xarray as xr

from energysim.errors import InputError, Problem
from energysim.inputs.history import history_dataset, read_calibration, read_history
from energysim.inputs.required import dependency_problems, missing_tables
from energysim.inputs.tables import (
    Row,
    check_units,
    csv_rows,
    duplicate_problems,
    grouped,
    interpolate,
    read_table,
)
from energysim.inputs.timeslices import time_slices

if TYPE_CHECKING:
    from energysim.scenario.schema import Scenario

TECHNOLOGY_UNITS = {
    "capex": "CNY/kW",
    "fom": "CNY/kW/yr",
    "vom": "CNY/MWh",
    "heat_rate": "gce/kWh",
    "lifetime": "yr",
    "availability": "fraction",
    "max_build_rate": "GW/yr",
    "growth_base_rate": "GW/yr",
    "growth_seed": "GW/yr",
    "growth_rate": "fraction/yr",
    "max_potential": "GW",
    "heat_to_power": "MWh_th/MWh_el",
    "min_load": "fraction",
    "capture_rate": "fraction",
    "first_year": "year",
    "round_trip_efficiency": "fraction",
    "energy_to_power": "h",
    "capacity_credit": "fraction",
    "heat_fuel_rate": "gce/kWh_th",
    "cop": "MWh_th/MWh_el",
    "grid_connection_capex": "CNY/kW",
    "grid_connection_lifetime": "yr",
    "integration_cost": "CNY/MWh",
}
FUEL_UNITS = {"price": "CNY/tce", "emission_factor": "tCO2/tce"}
TCE_FACTOR_UNITS = {
    ("coal", "tce_factor"): "tce/t",
    ("gas", "tce_factor"): "tce/1000m3",
    ("oil", "tce_factor"): "tce/t",
    ("heat", "tce_factor"): "tce/GJ",
    ("electricity", "tce_factor_calorific"): "kgce/kWh",
    ("electricity", "tce_factor_coal_equivalent"): "kgce/kWh",
}
COAL_SUPPLY_UNITS = {
    "mine_capacity": "Mt/yr",
    "max_change": "fraction/yr",
    "export_extra_share": "fraction",
    "export_extra_discount": "CNY/t",
    **{f"tranche{k}_share": "fraction" for k in (1, 2, 3)},
    **{f"tranche{k}_cost": "CNY/t" for k in (1, 2, 3)},
}
GAS_SUPPLY_UNITS = {
    "cost": "CNY/1000m3",
    "max_growth": "fraction/yr",
    "max_decline": "fraction/yr",
    "resource_max": "bcm/yr",
    "sale_price": "CNY/1000m3",
    **{f"grade{k}_cost": "CNY/1000m3" for k in (1, 2, 3)},
    **{f"grade{k}_max": "bcm/yr" for k in (1, 2, 3)},
}
EXOGENOUS_UNITS = {
    "coal_shipped_out": "Mt",
    "coal_to_coking": "Mt",
    "coal_to_chemicals": "Mt",
    "coke_shipped_out_share": "fraction",
    "gas_shipped_out": "bcm",
    "electricity_consumption": "TWh",
    "electricity_export_demand": "TWh",
}
CORRIDOR_UNITS = {
    "capacity": "GW",
    "max_capacity": "GW",
    "expansion_cost": "CNY/kW",
    "lifetime": "yr",
    "min_hours": "h",
    "max_hours": "h",
    "export_price": "CNY/MWh",
    "firm_share": "fraction",
}
FINAL_PARAMETER_UNITS = {
    "efficiency": "fraction",
    "cost": "CNY/tce",
    "demand_index": "index",
    "max_switch": "fraction/yr",
    "min_share": "fraction",
    "max_share": "fraction",
    "max_rise": "fraction/yr",
    "max_fall": "fraction/yr",
}
SYSTEM_UNITS = {
    "reserve_margin": "fraction",
    "heat_network_capex": "CNY/kW_th",
    "heat_network_fom": "CNY/kW_th/yr",
    "heat_network_lifetime": "yr",
}
PROCESS_UNITS = {"coking": "tCO2/t", "cement": "MtCO2/yr"}
FRACTIONS = {
    "availability",
    "capacity_credit",
    "reserve_margin",
    "min_load",
    "capture_rate",
    "round_trip_efficiency",
    "min_share",
    "max_share",
    "tranche1_share",
    "tranche2_share",
    "tranche3_share",
    "firm_share",
}
KINDS = ("thermal", "chp", "variable", "hydro", "storage", "boiler")
CARRIERS = ("coal", "gas", "oil", "electricity", "heat", "hydrogen")


def load_inputs(
    folder: str | Path,
    years: Sequence[int],
    resolution: str = "seasonal_hours",
    days: int | None = None,
    segments: int | None = None,
) -> xr.Dataset:
    """All inputs of `folder` on `years` and on the time slices of `resolution`."""
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError([Problem(str(folder), 1, 1, "", "inputs folder not found")])
    problems: list[Problem] = missing_tables(folder)
    years = list(years)
    ds = xr.Dataset(coords={"year": ("year", years, {"units": "year"})})
    technologies = _technologies(folder, problems)
    ds = ds.assign_coords(technology=[t["technology"] for t in technologies])
    for attr in ("kind", "fuel"):
        ds[attr] = ("technology", [t[attr] for t in technologies])
    ds["fossil"] = ("technology", [t["fossil"] == "true" for t in technologies])

    _add_parameters(
        ds,
        folder / "technology_parameters.csv",
        ("technology", "parameter"),
        TECHNOLOGY_UNITS,
        "technology",
        list(ds.technology.values),
        problems,
    )
    _add_existing_capacity(ds, folder, problems)
    _add_fuels(ds, folder, problems)
    _add_scalar_series(
        ds, folder / "coal_supply.csv", COAL_SUPPLY_UNITS, "coal_", problems, required=False
    )
    _add_scalar_series(
        ds, folder / "gas_supply.csv", GAS_SUPPLY_UNITS, "gas_", problems, required=False
    )
    exogenous = _add_scalar_series(
        ds, folder / "exogenous_demand.csv", EXOGENOUS_UNITS, "", problems, key="use"
    )
    _add_parameters(
        ds,
        folder / "corridors.csv",
        ("corridor", "parameter"),
        CORRIDOR_UNITS,
        "corridor",
        None,
        problems,
        prefix="corridor_",
        required=False,
    )
    _add_final_energy(ds, folder, problems)
    _add_scalar_series(
        ds,
        folder / "process_emissions.csv",
        PROCESS_UNITS,
        "process_",
        problems,
        key="process",
        required=False,
    )
    _add_scalar_series(ds, folder / "system.csv", SYSTEM_UNITS, "system_", problems, required=False)
    base_year = _add_base_year(ds, folder, problems)
    present = {p.name for p in folder.glob("*.csv")}
    problems += dependency_problems(folder, base_year, exogenous, present)
    statistics = read_history(folder, problems)
    tuned = read_calibration(folder, problems)
    if problems:
        raise InputError(problems)
    if statistics:
        ds = ds.merge(history_dataset(statistics, tuned, years))
    slices = time_slices(folder, resolution, days, segments)
    ds = ds.merge(slices)
    ds.attrs["inputs_folder"] = folder.name
    ds.attrs["inputs_hash"] = inputs_hash(folder)
    return ds


def scenario_inputs(scenario: Scenario) -> xr.Dataset:
    """The inputs of a scenario (its inputs folder, years and time resolution)."""
    time = scenario.time
    return load_inputs(scenario.inputs, scenario.years, time.resolution, time.days, time.segments)


def inputs_hash(folder: Path) -> str:
    """SHA-256 over the names and bytes of every table and the SOURCES file, in sorted order."""
    digest = hashlib.sha256()
    for path in sorted(folder.glob("*.csv")) + sorted(folder.glob("*.md")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _technologies(folder: Path, problems: list[Problem]) -> list[dict[str, str]]:
    path = folder / "technologies.csv"
    if not path.is_file():
        return []  # reported by missing_tables
    try:
        lines = csv_rows(path)
    except InputError as err:
        problems.extend(err.problems)
        return []
    header = [h.strip() for h in (lines[0] if lines else [])]
    if "technology" not in header:
        message = f"missing columns ['technology'] (have {header})"
        problems.append(Problem(str(path), 1, 1, "", message))
        return []
    numbered = [
        (line, dict(zip(header, (c.strip() for c in cells), strict=False)))
        for line, cells in enumerate(lines[1:], start=2)
        if any(c.strip() for c in cells)
    ]
    rows: list[dict[str, str]] = []
    first_line: dict[str, int] = {}
    for line, row in numbered:
        name = row.get("technology", "")
        if name in first_line:
            problems.append(
                Problem(
                    str(path),
                    line,
                    header.index("technology") + 1,
                    name,
                    f"duplicate technology (first at line {first_line[name]})",
                )
            )
            continue
        first_line[name] = line
        rows.append(row)
    allowed = {
        "kind": KINDS,
        "fuel": ("coal", "gas", "biomass", "none"),
        "fossil": ("true", "false"),
    }
    for row in rows:
        line = first_line[row.get("technology", "")]
        for column, values in allowed.items():
            if row.get(column) not in values:
                problems.append(
                    Problem(
                        str(path),
                        line,
                        list(row).index(column) + 1 if column in row else 1,
                        f"{row.get('technology')}.{column}",
                        f"not allowed (got {row.get(column)!r}; allowed {values})",
                    )
                )
    return rows


def _add_parameters(
    ds: xr.Dataset,
    path: Path,
    keys: tuple[str, str],
    units: dict[str, str],
    dim: str,
    members: list[str] | None,
    problems: list[Problem],
    *,
    prefix: str = "",
    required: bool = True,
) -> None:
    """Variables `prefix+parameter` on (dim, year) from a table keyed by (member, parameter)."""
    rows = read_table(path, keys, problems, required=required)
    check_units(rows, units, problems, key=1)
    duplicate_problems(rows, problems)
    _value_checks(rows, problems)
    if members is None:
        members = list(dict.fromkeys(r.keys[0] for r in rows))
        ds.coords[dim] = members
    for row in rows:
        if row.keys[0] not in members:
            problems.append(row.problem(keys[0], f"unknown {dim} (allowed: {', '.join(members)})"))
    groups = grouped(rows)
    years = list(ds.year.values)
    for parameter, unit in units.items():
        data = np.full((len(members), len(years)), np.nan)
        for i, member in enumerate(members):
            series = groups.get((member, parameter))
            if series:
                data[i] = interpolate(series, years)
        if not np.isnan(data).all():
            ds[prefix + parameter] = ((dim, "year"), data, {"units": unit})


def _add_existing_capacity(ds: xr.Dataset, folder: Path, problems: list[Problem]) -> None:
    path = folder / "existing_capacity.csv"
    rows = read_table(path, ["technology", "vintage"], problems, required=False)
    for row in rows:
        if row.unit != "GW":
            problems.append(row.problem("unit", f"wrong unit (got {row.unit!r}; expected 'GW')"))
        if row.keys[0] not in ds.technology.values:
            problems.append(row.problem("technology", "unknown technology"))
        if not row.keys[1].isdigit():
            problems.append(row.problem("vintage", f"vintage must be a year (got {row.keys[1]!r})"))
    duplicate_problems(rows, problems)
    _value_checks(rows, problems)
    vintages = sorted({int(r.keys[1]) for r in rows if r.keys[1].isdigit()})
    data = np.zeros((ds.sizes["technology"], len(vintages)))
    techs = list(ds.technology.values)
    for row in rows:
        if row.keys[0] in techs and row.keys[1].isdigit():
            data[techs.index(row.keys[0]), vintages.index(int(row.keys[1]))] += row.value
    ds.coords["vintage"] = ("vintage", vintages, {"units": "year"})
    ds["existing_capacity"] = (
        ("technology", "vintage"),
        data,
        {"units": "GW", "long_name": "capacity operating at end of base year"},
    )


def _add_fuels(ds: xr.Dataset, folder: Path, problems: list[Problem]) -> None:
    rows = read_table(folder / "fuels.csv", ["fuel", "parameter"], problems)
    duplicate_problems(rows, problems)
    _value_checks(rows, problems)
    for row in rows:
        expected = FUEL_UNITS.get(row.keys[1]) or TCE_FACTOR_UNITS.get(row.keys[:2])
        if expected is None:
            problems.append(row.problem("parameter", "unknown fuel parameter"))
        elif row.unit != expected:
            problems.append(
                row.problem("unit", f"wrong unit (got {row.unit!r}; expected {expected!r})")
            )
    groups = grouped(rows)
    fuels = list(dict.fromkeys(r.keys[0] for r in rows if r.keys[1] in FUEL_UNITS))
    ds.coords["fuel_type"] = fuels
    years = list(ds.year.values)
    for parameter, unit in FUEL_UNITS.items():
        data = np.zeros((len(fuels), len(years)))
        for i, fuel in enumerate(fuels):
            if (fuel, parameter) in groups:
                data[i] = interpolate(groups[(fuel, parameter)], years)
        ds[f"fuel_{parameter}"] = (("fuel_type", "year"), data, {"units": unit})
    for (fuel, parameter), unit in TCE_FACTOR_UNITS.items():
        if (fuel, parameter) in groups:
            name = (
                f"{parameter}_{fuel}"
                if fuel != "electricity"
                else parameter.replace("tce_factor", "tce_factor_electricity")
            )
            ds[name] = ("year", interpolate(groups[(fuel, parameter)], years), {"units": unit})


def _add_scalar_series(
    ds: xr.Dataset,
    path: Path,
    units: dict[str, str],
    prefix: str,
    problems: list[Problem],
    *,
    key: str = "parameter",
    required: bool = True,
) -> list[Row]:
    rows = read_table(path, [key], problems, required=required)
    check_units(rows, units, problems, key=0)
    duplicate_problems(rows, problems)
    _value_checks(rows, problems)
    years = list(ds.year.values)
    for name, series in grouped(rows).items():
        if name[0] in units:
            ds[prefix + name[0]] = ("year", interpolate(series, years), {"units": units[name[0]]})
    return rows


def _add_final_energy(ds: xr.Dataset, folder: Path, problems: list[Problem]) -> None:
    rows = read_table(folder / "final_energy.csv", ["sector", "carrier"], problems, required=False)
    params = read_table(
        folder / "final_energy_parameters.csv",
        ["sector", "carrier", "parameter"],
        problems,
        required=False,
    )
    if not rows:
        return
    for row in rows:
        if row.unit != "Mtce":
            problems.append(row.problem("unit", f"wrong unit (got {row.unit!r}; expected 'Mtce')"))
    for row in (*rows, *params):
        if row.keys[1] not in (*CARRIERS, "all"):
            problems.append(row.problem("carrier", f"unknown carrier (allowed: {CARRIERS})"))
    check_units(params, FINAL_PARAMETER_UNITS, problems, key=2)
    duplicate_problems(rows, problems)
    duplicate_problems(params, problems)
    _value_checks(rows, problems)
    _value_checks(params, problems)
    sectors = list(dict.fromkeys(r.keys[0] for r in rows))
    ds.coords["sector"] = sectors
    ds.coords["carrier"] = list(CARRIERS)
    base = np.zeros((len(sectors), len(CARRIERS)))
    for row in rows:
        if row.keys[0] in sectors and row.keys[1] in CARRIERS:
            base[sectors.index(row.keys[0]), CARRIERS.index(row.keys[1])] = row.value
    ds["final_energy_base"] = (
        ("sector", "carrier"),
        base,
        {"units": "Mtce", "long_name": "base-year final energy (calorific)"},
    )
    groups = grouped(params)
    years = list(ds.year.values)
    for parameter, unit in FINAL_PARAMETER_UNITS.items():
        per_carrier = parameter in (
            "efficiency",
            "cost",
            "min_share",
            "max_share",
            "max_rise",
            "max_fall",
        )
        shape = (
            (len(sectors), len(CARRIERS), len(years)) if per_carrier else (len(sectors), len(years))
        )
        data = np.full(shape, np.nan)
        for i, sector in enumerate(sectors):
            if per_carrier:
                for j, carrier in enumerate(CARRIERS):
                    if (sector, carrier, parameter) in groups:
                        data[i, j] = interpolate(groups[(sector, carrier, parameter)], years)
            elif (sector, "all", parameter) in groups:
                data[i] = interpolate(groups[(sector, "all", parameter)], years)
        dims = ("sector", "carrier", "year") if per_carrier else ("sector", "year")
        ds[f"final_{parameter}"] = (dims, data, {"units": unit})


def _add_base_year(ds: xr.Dataset, folder: Path, problems: list[Problem]) -> list[Row]:
    rows = read_table(folder / "base_year.csv", ["quantity"], problems, required=False)
    duplicate_problems(rows, problems)
    _value_checks(rows, problems)
    for row in rows:
        ds.attrs[f"base_{row.keys[0]}"] = row.value
        ds.attrs[f"base_{row.keys[0]}_units"] = row.unit
    return rows


def _value_checks(rows: list[Row], problems: list[Problem]) -> None:
    """Physical sense: no negative quantities, shares within [0, 1], positive lifetimes."""
    for row in rows:
        parameter = next((k for k in reversed(row.keys) if k), "")
        if row.value < 0:
            problems.append(row.problem("value", f"must not be negative (got {row.value:g})"))
        elif parameter in FRACTIONS and row.value > 1:
            problems.append(row.problem("value", f"share outside [0, 1] (got {row.value:g})"))
        elif parameter.endswith("lifetime") and row.value <= 0:
            problems.append(row.problem("value", f"lifetime must be positive (got {row.value:g})"))
