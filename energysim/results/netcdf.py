"""Write results atomically: a temporary file in the target folder, then `os.replace`.

A reader never sees a half-written file, and an older file survives any failure. Results get
the mode a normal file would (0666 less the umask), not the 0600 of a temporary file. A failed
write (disk full, file size limit, read-only folder) becomes one `OutputError` naming the file,
and its temporary is removed; temporaries that crashed runs left behind are removed next time.

xarray's `to_netcdf` asks dask which scheduler is active (to pick a file lock), importing
dask.distributed (~0.7 s) even for a Dataset of NumPy arrays. When dask.distributed is not
imported yet and the Dataset holds no dask arrays, `write_netcdf` hides it for the duration of
the encoding, so xarray finds no distributed scheduler; when a sweep has loaded
dask.distributed nothing changes. dask itself is imported when a file is written, not with
this module.
"""

from __future__ import annotations

import contextlib
import errno
import os
import resource
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import xarray as xr

from energysim.errors import OutputError

ENGINE = "h5netcdf"
# A temporary `.NAME.PID.XXXX.tmp` of a process that no longer runs is stale; one without a pid
# (from an older energysim) is stale once it is this old.
STALE_SECONDS = 3600.0
# Free space `run` wants before building: a 9-year results file and its log are a few MB.
RUN_FREE_BYTES = 64 * 2**20


def free_bytes(folder: Path) -> int:
    """Free space under `folder` (a test replaces this to fake a full disk)."""
    return shutil.disk_usage(folder).free


def check_writable(path: str | Path, needed: int = RUN_FREE_BYTES) -> None:
    """Refuse early, before any build or solve, a results file that cannot be written: a folder
    that cannot be created or written to, less free space than `needed`, or a file size limit
    (`ulimit -f`) below it."""
    path = Path(path)
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, probe = tempfile.mkstemp(prefix=f".{path.name}.probe.", dir=folder)
        os.close(handle)
        os.unlink(probe)
    except OSError as err:
        raise OutputError(path, f"the results folder is not writable ({_reason(err)})") from None
    free = free_bytes(folder)
    if free < needed:
        raise OutputError(
            path, f"only {_size(free)} free in {folder} (needs at least {_size(needed)})"
        )
    limit = resource.getrlimit(resource.RLIMIT_FSIZE)[0]
    if limit != resource.RLIM_INFINITY and limit < needed:
        raise OutputError(
            path, f"the file size limit (ulimit -f) is {_size(limit)}; needs {_size(needed)}"
        )


def write_atomic(path: str | Path, write: Callable[[Path], object]) -> Path:
    """Call `write(temporary)` then move the finished file to `path` in one step."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        remove_stale_temporaries(path)
        handle, temporary = tempfile.mkstemp(
            prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp", dir=path.parent
        )
        os.close(handle)
    except OSError as err:
        raise OutputError(path, _reason(err)) from None
    try:
        write(Path(temporary))
        os.chmod(temporary, 0o666 & ~_umask())
        os.replace(temporary, path)
    except OSError as err:
        Path(temporary).unlink(missing_ok=True)
        raise OutputError(path, _reason(err)) from None
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


def write_netcdf(ds: xr.Dataset, path: str | Path) -> Path:
    """The dataset as NetCDF-4. It is encoded in memory first and written with plain file
    writes, so a full disk or a size limit is an OSError here, not an HDF5 failure in flight."""
    import dask

    with _without_dask(ds), dask.config.set(scheduler="synchronous"):  # in memory: no lock
        data = ds.to_netcdf(engine=ENGINE, invalid_netcdf=False)
    return write_atomic(path, lambda tmp: tmp.write_bytes(data))


HIDDEN = ("dask.distributed", "distributed")


@contextlib.contextmanager
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


def write_netcdf_streamed(ds: xr.Dataset, path: str | Path) -> Path:
    """A dataset too large for memory (lazy, dask-backed) written chunk by chunk."""

    import dask

    def write(tmp: Path) -> None:
        with dask.config.set(scheduler="synchronous"):  # one block in memory at a time
            ds.to_netcdf(tmp, engine=ENGINE, invalid_netcdf=False)

    return write_atomic(path, write)


def write_text(text: str, path: str | Path) -> Path:
    return write_atomic(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def read_netcdf(path: str | Path) -> xr.Dataset:
    with xr.open_dataset(path, engine=ENGINE) as ds:
        return ds.load()


def remove_stale_temporaries(path: Path) -> list[Path]:
    """Remove `.NAME.*.tmp` beside `path` that crashed writers left; only ours, only stale."""
    removed = []
    for candidate in path.parent.glob(f".{path.name}.*.tmp"):
        pid = candidate.name[len(path.name) + 2 :].split(".", 1)[0]
        stale = False
        if pid.isdigit():
            stale = not _alive(int(pid))
        else:
            with contextlib.suppress(OSError):
                stale = time.time() - candidate.stat().st_mtime > STALE_SECONDS
        if stale:
            with contextlib.suppress(OSError):
                candidate.unlink()
                removed.append(candidate)
    return removed


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's live process
        return True
    return True


def _umask() -> int:
    # os.umask can only be read by setting it; set it back at once
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _reason(err: OSError) -> str:
    known = {
        errno.ENOSPC: "no space left on the device",
        errno.EFBIG: "the file size limit (ulimit -f) was reached",
        errno.EDQUOT: "the disk quota is exhausted",
        errno.EROFS: "the file system is read-only",
        errno.EACCES: "permission denied",
    }
    return known.get(err.errno, err.strerror or str(err))


def _size(n: float) -> str:
    for unit in ("B", "KiB", "MiB"):
        if n < 1024:
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} GiB"
