"""Write results atomically: a temporary file in the target folder, then `os.replace`.

A reader never sees a half-written file, and an older file survives any failure.

xarray's `to_netcdf` asks dask which scheduler is active (to pick a file lock), importing
dask.distributed (~0.7 s) even for a Dataset of NumPy arrays. When dask.distributed is not
imported yet and the Dataset holds no dask arrays, `write_netcdf` hides it for the duration of
the write, so xarray finds no distributed scheduler and takes a plain lock; when a sweep has
loaded dask.distributed nothing changes.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
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
    def write(tmp: Path) -> None:
        with _without_dask(ds):
            ds.to_netcdf(tmp, engine=ENGINE, invalid_netcdf=False)

    return write_atomic(path, write)


HIDDEN = ("dask.distributed", "distributed")


@contextmanager
def _without_dask(ds: xr.Dataset) -> Iterator[None]:
    """Importing dask.distributed fails inside the block (xarray then assumes no distributed
    scheduler), unless it is loaded already or `ds` holds dask arrays."""
    if any(name in sys.modules for name in HIDDEN) or any(
        v.chunks is not None for v in ds.variables.values()
    ):
        yield
        return
    for name in HIDDEN:
        sys.modules[name] = None  # type: ignore[assignment]  # import raises ImportError
    try:
        yield
    finally:
        for name in HIDDEN:
            if name in sys.modules and sys.modules[name] is None:
                del sys.modules[name]


def write_text(text: str, path: str | Path) -> Path:
    return write_atomic(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def read_netcdf(path: str | Path) -> xr.Dataset:
    with xr.open_dataset(path, engine=ENGINE) as ds:
        return ds.load()
