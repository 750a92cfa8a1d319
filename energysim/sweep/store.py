"""Chunks persisted as they finish, so an interrupted sweep resumes where it stopped.

Layout beside the final file `NAME.nc`: a folder `NAME.nc.chunks/` with `manifest.json` (what
the sweep is: scenario and plan hashes, seed, samples, chunk size, precision) and one NetCDF
file per finished chunk, `chunk-START-STOP.nc`, each written atomically. `--resume` keeps the
finished chunks only if the manifest is the same; the final file is assembled from the chunks
and written atomically, then the folder is removed.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import xarray as xr

from energysim.errors import InputError, Problem
from energysim.results.netcdf import read_netcdf, write_netcdf, write_text


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
        """The whole sweep from its chunk files, in sample order."""
        parts = [read_netcdf(self.folder / c.name) for c in all_chunks]
        ds = xr.concat(
            parts,
            dim="sample",
            data_vars="minimal",
            coords="minimal",
            compat="override",
            join="override",
        )
        ds.attrs.update(attrs)
        return ds

    def finish(self, ds: xr.Dataset) -> Path:
        path = write_netcdf(ds, self.final)
        shutil.rmtree(self.folder, ignore_errors=True)
        return path
