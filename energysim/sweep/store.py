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
import xarray as xr

from energysim.errors import InputError, Problem
from energysim.results.netcdf import (
    ENGINE,
    RUN_FREE_BYTES,
    check_writable,
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
        """The whole sweep from its chunk files, in sample order, lazily: nothing is read until
        a variable is computed or the sweep is written by `finish`."""
        ds = xr.open_mfdataset(
            [self.folder / c.name for c in all_chunks],
            engine=ENGINE,
            combine="nested",
            concat_dim="sample",
            data_vars="minimal",
            coords="minimal",
            compat="override",
            join="override",
            parallel=False,
            chunks={},  # one dask block per chunk file
        )
        ds.attrs.update(attrs)
        return ds

    def chunk_bytes(self) -> int:
        """Bytes of the finished chunk files: about the size of the final file."""
        return sum(p.stat().st_size for p in self.folder.glob("chunk-*.nc"))

    def finish(self, ds: xr.Dataset) -> Path:
        """Write the sweep block by block (the chunk files stay open until it is whole), then
        remove the chunk folder."""
        check_writable(self.final, needed=int(self.chunk_bytes() * 1.1) + RUN_FREE_BYTES)
        with dask.config.set(scheduler="synchronous"):  # one block in memory at a time
            path = write_netcdf_streamed(ds, self.final)
        ds.close()
        shutil.rmtree(self.folder, ignore_errors=True)
        return path
