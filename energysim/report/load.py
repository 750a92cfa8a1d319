"""Open a results file for reporting, with a located error instead of a traceback when the file
is not an energysim results file or was written by a version that lacks what reports need.

Two kinds of file: a run (`energysim run`) and a sweep (`energysim sweep`, with a `sample`
dimension); only `energysim report` reads both.
"""

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
REQUIRED_SWEEP = ("co2_emissions", "co2_peak_year", "target_probability")


def open_results(path: str | Path) -> xr.Dataset:
    """A run's results file; a sweep file is refused with a message that says so."""
    ds = _read(path)
    if is_sweep(ds):
        message = "a sweep results file (it has samples); only `energysim report` reads sweeps"
        raise InputError([Problem(str(path), 1, 1, "", message)])
    _require(path, ds, REQUIRED, need_scenario=True)
    return ds


def open_results_or_sweep(path: str | Path) -> xr.Dataset:
    """A run's or a sweep's results file (tell them apart with `is_sweep`)."""
    ds = _read(path)
    if is_sweep(ds):
        _require(path, ds, REQUIRED_SWEEP, need_scenario=False)
    else:
        _require(path, ds, REQUIRED, need_scenario=True)
    return ds


def is_sweep(ds: xr.Dataset) -> bool:
    return "sample" in ds.dims


def _read(path: str | Path) -> xr.Dataset:
    path = Path(path)
    if not path.is_file():
        raise InputError([Problem(str(path), 1, 1, "", "results file not found")])
    try:
        return read_netcdf(path)
    except Exception as err:  # h5netcdf/xarray raise many types for a file that is not NetCDF
        message = f"not a NetCDF results file ({type(err).__name__})"
        raise InputError([Problem(str(path), 1, 1, "", message)]) from None


def _require(path: str | Path, ds: xr.Dataset, names: tuple[str, ...], need_scenario: bool) -> None:
    missing = [name for name in names if name not in ds]
    if missing or (need_scenario and "scenario_json" not in ds.attrs):
        what = ", ".join(missing) or "the scenario_json attribute"
        message = f"not an energysim results file of this version (missing {what}); run it again"
        raise InputError([Problem(str(path), 1, 1, "", message)])
