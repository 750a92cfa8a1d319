"""Which tables an inputs folder must hold, and what the model assumes without the others.

A missing table must never silently become zeros the model then reports as results (no coal
supply table: 0 Mt of coal in a year pinned to 1,063 Mt). So every table the loader reads is
either required, or optional with the default below (README "Inputs"), and an optional table is
required after all when another table states a quantity only it can carry: a base-year
statistic of coal output needs the coal supply table, a base-year export needs the corridors.
"""

from __future__ import annotations

from pathlib import Path

from energysim.errors import Problem
from energysim.inputs.tables import Row

REQUIRED = ("technologies.csv", "technology_parameters.csv", "fuels.csv", "exogenous_demand.csv")
PROFILE_TABLES = ("hourly_profiles.csv", "time_slices.csv")  # one of them is required

# The model's assumption when an optional table is absent.
DEFAULTS = {
    "existing_capacity.csv": "no plant before the base year (a greenfield system)",
    "coal_supply.csv": "coal output is not modelled (no mines, no raw-coal balance)",
    "gas_supply.csv": "no gas production in the province",
    "corridors.csv": "no export corridors, so no electricity exports",
    "final_energy.csv": "no end-use sectors; electricity demand is exogenous_demand.csv "
    "electricity_consumption",
    "final_energy_parameters.csv": "as final_energy.csv (the two come together)",
    "process_emissions.csv": "no process CO2 (coking, cement)",
    "system.csv": "no reserve-margin constraint",
    "base_year.csv": "the base year is not pinned to statistics",
}

# A base-year statistic that only an optional table can make the model reproduce.
STATISTIC_NEEDS = {
    "raw_coal_output": "coal_supply.csv",
    "coal_mine_capacity": "coal_supply.csv",
    "unconventional_gas_output": "gas_supply.csv",
    "electricity_exported": "corridors.csv",
    "export_capability": "corridors.csv",
    "installed_capacity": "existing_capacity.csv",
}
# ... and the other way round: the statistic a supply table's base year is pinned to.
TABLE_NEEDS_STATISTIC = {
    "coal_supply.csv": "raw_coal_output",
    "gas_supply.csv": "unconventional_gas_output",
    "corridors.csv": "electricity_exported",
}


def missing_tables(folder: Path) -> list[Problem]:
    """The required tables that are not in `folder`, each named."""
    problems = [
        Problem(str(folder / name), 1, 1, "", "required input table is missing")
        for name in REQUIRED
        if not (folder / name).is_file()
    ]
    if not any((folder / name).is_file() for name in PROFILE_TABLES):
        problems.append(
            Problem(
                str(folder / PROFILE_TABLES[0]),
                1,
                1,
                "",
                f"required input table is missing (or give {PROFILE_TABLES[1]})",
            )
        )
    return problems


def dependency_problems(
    folder: Path, base_year: list[Row], exogenous: list[Row], present: set[str]
) -> list[Problem]:
    """Optional tables that other tables make necessary; `present` holds the file names."""
    problems = []
    stated = {row.keys[0]: row for row in base_year}
    for quantity, table in STATISTIC_NEEDS.items():
        if quantity in stated and table not in present:
            problems.append(
                Problem(
                    str(folder / table),
                    1,
                    1,
                    "",
                    f"input table is missing, but {Path(stated[quantity].file).name} line "
                    f"{stated[quantity].line} states {quantity}, which only it can model "
                    f"(without it: {DEFAULTS[table]})",
                )
            )
    for table, quantity in TABLE_NEEDS_STATISTIC.items():
        if table in present and quantity not in stated:
            problems.append(
                Problem(
                    str(folder / "base_year.csv"),
                    1,
                    1,
                    quantity,
                    f"{table} is given, so the base year needs its statistic {quantity} to be "
                    "pinned to (add the row, or the table)",
                )
            )
    uses = {row.keys[0]: row for row in exogenous}
    export_demand = uses.get("electricity_export_demand")
    if export_demand is not None and export_demand.value > 0 and "corridors.csv" not in present:
        problems.append(
            Problem(
                str(folder / "corridors.csv"),
                1,
                1,
                "",
                f"input table is missing, but exogenous_demand.csv line {export_demand.line} "
                "asks for electricity exports, which need corridors",
            )
        )
    finals = {"final_energy.csv", "final_energy_parameters.csv"}
    for table in sorted(finals - present) if finals & present else ():
        other = (finals - {table}).pop()
        problems.append(
            Problem(str(folder / table), 1, 1, "", f"input table is missing ({other} needs it)")
        )
    if not finals & present and "electricity_consumption" not in uses:
        problems.append(
            Problem(
                str(folder / "final_energy.csv"),
                1,
                1,
                "",
                "input table is missing, and exogenous_demand.csv has no "
                "electricity_consumption row: nothing states the electricity demand",
            )
        )
    return problems
