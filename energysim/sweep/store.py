"""Chunks persisted as they finish, so an interrupted sweep resumes where it stopped.

Layout beside the final file `NAME.nc`: a folder `NAME.nc.chunks/` with `manifest.json` (what
the sweep is: scenario and plan hashes, seed, samples, chunk size, precision) and one NetCDF
file per finished chunk, `chunk-START-STOP.nc`, each written atomically. `--resume` keeps the
finished chunks only if the manifest is the same; the final file is assembled from the chunks
and written atomically, then the folder is removed.

Assembly streams: the chunks are opened lazily (dask, one block per chunk file) and written to
the final file block by block, so its memory does not grow with the number of samples (the
benchmark "sweep_assembly" measures it).
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import dask
import dask.array
import h5netcdf
import h5py
import numpy as np
import xarray as xr

from energysim.errors import InputError, Problem
from energysim.results.netcdf import (
    ENGINE,
    RUN_FREE_BYTES,
    check_writable,
    write_atomic,
    write_netcdf,
    write_netcdf_streamed,
    write_text,
)


@dataclass(frozen=True)
class Chunk:
    start: int
    stop: int

    @property
    def name(self) -> str:
        return f"chunk-{self.start:09d}-{self.stop:09d}.nc"


def _read(path: Path, decode: bool = True) -> xr.Dataset:
    """One chunk file, wholly in memory, closed again."""
    with xr.open_dataset(path, engine=ENGINE, decode_cf=decode, mask_and_scale=decode) as ds:
        return ds.load()


def _read_variable(path: Path, name: str) -> np.ndarray:
    """One variable of a chunk file. Plain numbers are read with h5py (a millisecond; opening
    the file with xarray takes a hundred times longer); anything xarray would decode (fill
    values, scaling, strings) through xarray."""
    with h5py.File(path, "r") as f:
        dataset = f[name]
        fill = dataset.attrs.get("_FillValue")
        plain = dataset.dtype.kind in "fiub" and not {"scale_factor", "add_offset"} & set(
            dataset.attrs
        )
        if plain and (fill is None or (dataset.dtype.kind == "f" and np.isnan(fill))):
            return dataset[()]
    with xr.open_dataset(path, engine=ENGINE) as ds:
        return ds[name].values


def _with(shape: tuple[int, ...], axis: int, size: int) -> tuple[int, ...]:
    return (*shape[:axis], size, *shape[axis + 1 :])


def chunks(samples: int, chunk_size: int) -> list[Chunk]:
    return [Chunk(a, min(a + chunk_size, samples)) for a in range(0, samples, chunk_size)]


class ChunkStore:
    def __init__(self, final: Path, manifest: dict, resume: bool):
        self.final = Path(final)
        self.folder = self.final.with_name(self.final.name + ".chunks")
        self.manifest = manifest
        path = self.folder / "manifest.json"
        if resume and path.is_file():
            previous = json.loads(path.read_text(encoding="utf-8"))
            if previous != manifest:
                changed = sorted(
                    k
                    for k in manifest.keys() | previous.keys()
                    if manifest.get(k) != previous.get(k)
                )
                raise InputError(
                    [
                        Problem(
                            str(path),
                            1,
                            1,
                            "--resume",
                            "the unfinished sweep was started with other settings "
                            f"({', '.join(changed)}); run without --resume to start over",
                        )
                    ]
                )
        elif self.folder.exists():
            shutil.rmtree(self.folder)  # a fresh start: old chunks must not leak in
        self.folder.mkdir(parents=True, exist_ok=True)
        write_text(json.dumps(manifest, indent=1, sort_keys=True), path)

    def done(self, chunk: Chunk) -> bool:
        return (self.folder / chunk.name).is_file()

    def save(self, chunk: Chunk, ds: xr.Dataset) -> None:
        write_netcdf(ds, self.folder / chunk.name)

    def assemble(self, all_chunks: list[Chunk], attrs: dict) -> xr.Dataset:
        """The whole sweep from its chunk files, in sample order, lazily: a variable is read
        (each chunk file opened, read and closed in turn) only when it is computed, and
        `finish` writes the file chunk by chunk. No file stays open, so memory does not grow
        with the number of chunk files."""
        self._chunks = list(all_chunks)
        first = _read(self.folder / all_chunks[0].name)
        variables = {}
        for name, variable in first.variables.items():
            if "sample" not in variable.dims or name == "sample":
                continue
            axis = variable.dims.index("sample")
            blocks = [
                dask.array.from_delayed(
                    dask.delayed(_read_variable)(self.folder / c.name, str(name)),
                    shape=_with(variable.shape, axis, c.stop - c.start),
                    dtype=variable.dtype,
                )
                for c in all_chunks
            ]
            data = dask.array.concatenate(blocks, axis=axis)
            variables[name] = xr.Variable(variable.dims, data, variable.attrs)
        samples = np.concatenate([np.arange(c.start, c.stop) for c in all_chunks])
        ds = xr.Dataset(
            variables,
            coords={
                **{k: v for k, v in first.coords.items() if "sample" not in v.dims},
                "sample": ("sample", samples, first["sample"].attrs),
            },
            attrs={**first.attrs, **attrs},
        )
        return ds[list(first.data_vars)]

    def chunk_bytes(self) -> int:
        """Bytes of the finished chunk files: about the size of the final file."""
        return sum(p.stat().st_size for p in self.folder.glob("chunk-*.nc"))

    def finish(self, ds: xr.Dataset) -> Path:
        """Write the sweep (the chunks' variables as `assemble` gave them, and whatever was
        merged in) chunk by chunk: the first chunk with everything without a sample dimension,
        then every other chunk file appended as stored. Then remove the chunk folder."""
        check_writable(self.final, needed=int(self.chunk_bytes() * 1.1) + RUN_FREE_BYTES)
        every = getattr(self, "_chunks", None)
        if every is None:  # a dataset not from `assemble`: write it as it is
            path = write_netcdf_streamed(ds, self.final)
        else:
            path = write_atomic(self.final, lambda tmp: self._append_all(ds, every, tmp))
        shutil.rmtree(self.folder, ignore_errors=True)
        return path

    def _append_all(self, ds: xr.Dataset, every: list[Chunk], path: Path) -> None:
        head = ds.isel(sample=slice(0, every[0].stop - every[0].start))
        with dask.config.set(scheduler="synchronous"):
            head.to_netcdf(path, engine=ENGINE, unlimited_dims=["sample"], invalid_netcdf=False)
        sampled = [n for n, v in ds.variables.items() if "sample" in v.dims]
        with h5netcdf.File(path, "r+") as out:
            for chunk in every[1:]:
                out.resize_dimension("sample", chunk.stop)
                # the values as stored (the same encoding as the head's, as the same code wrote
                # them), read with h5py: the variable's dimensions are in the file's order
                with h5py.File(self.folder / chunk.name, "r") as raw:
                    for name in sampled:
                        target = out.variables[str(name)]
                        index = tuple(
                            slice(chunk.start, chunk.stop) if d == "sample" else slice(None)
                            for d in target.dimensions
                        )
                        target[index] = raw[str(name)][()]
