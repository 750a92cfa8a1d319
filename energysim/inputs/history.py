"""Provincial statistics (`history.csv`) and the calibration register (`calibration.csv`).

`history.csv` is a long table like the others, with one more column, `confidence`:
`variable, year, value, unit, source, confidence`. Every row needs a year. A variable the
model has no counterpart for is kept (the back-cast lists it), but a known variable must carry
its unit. `calibration.csv` (`table, parameter, variable, year, source`) says which statistics
a parameter was tuned on, so the back-cast can tell in-sample years from out-of-sample ones.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import xarray as xr

from energysim.errors import InputError, Problem
from energysim.inputs.tables import SOURCE_ID, duplicate_problems, read_table, read_text

CONFIDENCE = ("high", "medium", "low", "estimate")
CALIBRATION_COLUMNS = ("table", "parameter", "variable", "year", "source")

# Variables with a fixed meaning: their unit is checked. Others are allowed and listed.
HISTORY_UNITS = {
    "raw_coal_output": "Mt",
    "coal_shipped_out": "Mt",
    "unconventional_gas_output": "bcm",
    "natural_gas_output": "bcm",
    "cbm_output_nbs": "bcm",
    "capacity_total": "GW",
    "capacity_thermal": "GW",
    "capacity_coal": "GW",
    "capacity_wind": "GW",
    "capacity_solar": "GW",
    "capacity_wind_solar": "GW",
    "capacity_hydro": "GW",
    "capacity_pumped_hydro": "GW",
    "capacity_renewables": "GW",
    "capacity_new_and_clean": "GW",
    "generation_thermal": "TWh",
    "generation_hydro": "TWh",
    "generation_wind": "TWh",
    "generation_solar_above_size": "TWh",
    "generation_wind_solar": "TWh",
    "generation_renewables": "TWh",
    "generation_total": "TWh",
    "electricity_consumption": "TWh",
    "electricity_exported": "TWh",
    "export_capability_all_channels": "GW",
    "export_capability_state_grid": "GW",
    "co2_emissions": "Mt CO2",
    "coal_price_port_q5500": "CNY/t",
    "coal_price_delivered": "CNY/tce",
}


@dataclass(frozen=True)
class Statistic:
    variable: str
    year: int
    value: float
    unit: str
    source: str
    confidence: str


def read_history(folder: Path, problems: list[Problem]) -> list[Statistic]:
    """The rows of `history.csv` (none when the folder has no history); problems located."""
    path = Path(folder) / "history.csv"
    rows = read_table(path, ("variable",), problems, required=False)
    duplicate_problems(rows, problems)
    confidence = _column(path, "confidence")
    statistics = []
    for row in rows:
        variable = row.keys[0]
        level = confidence.get(row.line, "")
        if row.year is None:
            problems.append(row.problem("year", "a statistic needs its year"))
        elif variable in HISTORY_UNITS and row.unit != HISTORY_UNITS[variable]:
            expected = HISTORY_UNITS[variable]
            problems.append(
                row.problem("unit", f"wrong unit (got {row.unit!r}; expected {expected!r})")
            )
        elif level not in CONFIDENCE:
            problems.append(
                row.problem("confidence", f"confidence not one of {CONFIDENCE} (got {level!r})")
            )
        else:
            statistics.append(Statistic(variable, row.year, row.value, row.unit, row.source, level))
    return statistics


def read_calibration(folder: Path, problems: list[Problem]) -> list[tuple[str, int]]:
    """(variable, year) of every statistic some parameter was tuned on."""
    path = Path(folder) / "calibration.csv"
    if not path.is_file():
        return []
    tuned = []
    try:
        text = read_text(path)
    except InputError as err:
        problems.extend(err.problems)
        return []
    with io.StringIO(text, newline="") as handle:
        reader = csv.DictReader(handle)
        header = list(reader.fieldnames or [])
        missing = [
            c for c in ("table", "parameter", "variable", "year", "source") if c not in header
        ]
        if missing:
            problems.append(Problem(str(path), 1, 1, "", f"missing columns {missing}"))
            return []
        for line, row in enumerate(reader, start=2):
            where = (str(path), line)
            if not (row["year"] or "").strip().isdigit():
                column = header.index("year") + 1
                problems.append(Problem(*where, column, row["variable"], "not a year"))
            elif not SOURCE_ID.match((row["source"] or "").strip()):
                column = header.index("source") + 1
                problems.append(Problem(*where, column, row["variable"], "needs a source id"))
            else:
                tuned.append((row["variable"].strip(), int(row["year"])))
    return tuned


def history_dataset(
    statistics: Sequence[Statistic], tuned: Sequence[tuple[str, int]], years: Sequence[int]
) -> xr.Dataset:
    """The statistics on the model years: `history(statistic, year)` (NaN where none) with
    its source, confidence and whether the year is in-sample (tuned on, or the base year)."""
    names = sorted({s.variable for s in statistics})
    years = list(years)
    shape = (len(names), len(years))
    value = np.full(shape, np.nan)
    source = np.full(shape, "", dtype=object)
    level = np.full(shape, "", dtype=object)
    units = {s.variable: s.unit for s in statistics}
    for s in statistics:
        if s.year in years:
            i, j = names.index(s.variable), years.index(s.year)
            value[i, j], source[i, j], level[i, j] = s.value, s.source, s.confidence
    tuned_set = set(tuned)
    in_sample = np.array(
        [[(n, y) in tuned_set or y == years[0] for y in years] for n in names], dtype=bool
    ).reshape(shape)
    dims = ("statistic", "year")
    return xr.Dataset(
        {
            "history": (
                dims,
                value,
                {"units": "see statistic_unit", "long_name": "provincial statistic (history.csv)"},
            ),
            "history_source": (dims, source.astype(str)),
            "history_confidence": (dims, level.astype(str)),
            "history_in_sample": (dims, in_sample),
        },
        coords={
            "statistic": names,
            "statistic_unit": ("statistic", [units[n] for n in names]),
            "year": years,
        },
    )


def _column(path: Path, name: str) -> dict[int, str]:
    """One column of a CSV file by line number (empty when the file or column is absent)."""
    if not path.is_file():
        return {}
    try:
        text = read_text(path)
    except InputError:  # reported by read_table
        return {}
    with io.StringIO(text, newline="") as handle:
        reader = csv.DictReader(handle)
        return {line: (row.get(name) or "").strip() for line, row in enumerate(reader, start=2)}
