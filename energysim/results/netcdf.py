"""Write results atomically: a temporary file in the target folder, then `os.replace`.

A reader never sees a half-written file, and an older file survives any failure.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import xarray as xr

ENGINE = "h5netcdf"


def write_atomic(path: str | Path, write: Callable[[Path], object]) -> Path:
    """Call `write(temporary)` then move the finished file to `path` in one step."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(handle)
    try:
        write(Path(temporary))
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


def write_netcdf(ds: xr.Dataset, path: str | Path) -> Path:
    return write_atomic(path, lambda tmp: ds.to_netcdf(tmp, engine=ENGINE, invalid_netcdf=False))


def write_text(text: str, path: str | Path) -> Path:
    return write_atomic(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def read_netcdf(path: str | Path) -> xr.Dataset:
    with xr.open_dataset(path, engine=ENGINE) as ds:
        return ds.load()
