"""Open a results file for reporting, with a located error instead of a traceback when the file
is not an energysim results file or was written by a version that lacks what reports need."""

from __future__ import annotations

from pathlib import Path

import xarray as xr

from energysim.errors import InputError, Problem
from energysim.results.netcdf import read_netcdf

REQUIRED = (
    "coal_output",
    "co2_emissions",
    "generation",
    "capacity",
    "final_energy",
    "coal_use",
    "fuel_input",
    "tce_factor_electricity",
    "station_use",
)


def open_results(path: str | Path) -> xr.Dataset:
    path = Path(path)
    if not path.is_file():
        raise InputError([Problem(str(path), 1, 1, "", "results file not found")])
    try:
        ds = read_netcdf(path)
    except Exception as err:  # h5netcdf/xarray raise many types for a file that is not NetCDF
        message = f"not a NetCDF results file ({type(err).__name__})"
        raise InputError([Problem(str(path), 1, 1, "", message)]) from None
    missing = [name for name in REQUIRED if name not in ds]
    if missing or "scenario_json" not in ds.attrs:
        what = ", ".join(missing) or "the scenario_json attribute"
        message = f"not an energysim results file of this version (missing {what}); run it again"
        raise InputError([Problem(str(path), 1, 1, "", message)])
    return ds
