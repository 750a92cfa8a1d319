"""Run a sweep: chunks of samples in-process or on dask.distributed, each persisted as it
finishes, then assembled. Results do not depend on chunk size or workers: every sample is
drawn once up front (see `sampling`) and every chunk is computed independently.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import xarray as xr
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from energysim.sweep import compiled
from energysim.sweep.accounting import account
from energysim.sweep.kernel import Dispatch, dispatch
from energysim.sweep.plan import System
from energysim.sweep.store import Chunk, ChunkStore, chunks

BYTES_PER_SAMPLE_SLICE = {"float32": 4 * 6 + 8, "float64": 8 * 6 + 8}  # kernel's working arrays
ENGINES = ("numba", "numpy")  # the compiled kernel, the NumPy kernel (the reference path)
BLOCK = 256  # samples per kernel call inside a chunk: keeps the working arrays in cache


def chunk_size_for(memory_bytes: int, slices: int, dtype: str, workers: int = 1) -> int:
    """Samples per chunk such that the kernel's working arrays of all workers fit in memory."""
    per_sample = BYTES_PER_SAMPLE_SLICE[dtype] * slices
    return max(1, int(memory_bytes // (per_sample * max(workers, 1))))


def default_engine() -> str:
    """The compiled kernel when Numba is importable, the NumPy kernel otherwise."""
    return "numba" if compiled.available() else "numpy"


def simulate(
    system: System, params: dict[str, np.ndarray], n: int, dtype: str, engine: str
) -> Dispatch:
    """The kernel of `engine` on n samples; the compiled one always works in float64."""
    if engine == "numba":
        return compiled.dispatch_compiled(system, params, n)
    if engine == "numpy":
        return dispatch(system, params, n, np.dtype(dtype).type)
    raise ValueError(f"unknown sweep engine {engine!r} (one of {', '.join(ENGINES)})")


def compute_chunk(
    system: System, params: dict[str, np.ndarray], start: int, dtype: str, engine: str = "numpy"
) -> xr.Dataset:
    """Outputs of the samples start..start+n (params sliced to them), in blocks."""
    n = len(next(iter(params.values())))
    parts = []
    for a in range(0, n, BLOCK):
        block = {k: v[a : a + BLOCK] for k, v in params.items()}
        size = min(BLOCK, n - a)
        out = simulate(system, block, size, dtype, engine)
        parts.append(account(system, out, block, start + a))
    return parts[0] if len(parts) == 1 else xr.concat(parts, dim="sample", data_vars="minimal")


@dataclass
class Sweep:
    """What to sweep: `compute(system, params, start, dtype)` gives one chunk's Dataset; the
    simulating kernel on a `System` by default, `optimise.optimise_chunk` on a `ScenarioLP`."""

    system: Any  # a System (simulate) or an optimise.ScenarioLP
    samples: dict[str, np.ndarray]
    chunk_size: int
    dtype: str = "float32"
    compute: Callable[[Any, dict[str, np.ndarray], int, str], xr.Dataset] = compute_chunk

    @property
    def size(self) -> int:
        return len(next(iter(self.samples.values())))

    def slice(self, chunk: Chunk) -> dict[str, np.ndarray]:
        return {k: v[chunk.start : chunk.stop] for k, v in self.samples.items()}


def run_chunks(
    sweep: Sweep,
    store: ChunkStore,
    workers: int | None = None,
    scheduler: str | None = None,
    progress: bool = True,
    on_chunk: Callable[[Chunk], None] | None = None,
    processes: bool | None = None,
) -> list[Chunk]:
    """Compute and persist every chunk not already in the store; return all chunks in order.

    workers: a local dask cluster of that many single-threaded workers (processes unless
    `processes` says otherwise); scheduler: an existing dask scheduler; neither: in-process.
    on_chunk is called after each chunk is persisted.
    """
    every = chunks(sweep.size, sweep.chunk_size)
    pending = [c for c in every if not store.done(c)]
    with _progress(progress, len(every), len(every) - len(pending)) as advance:
        if workers is None and scheduler is None:
            for chunk in pending:
                store.save(
                    chunk, sweep.compute(sweep.system, sweep.slice(chunk), chunk.start, sweep.dtype)
                )
                advance()
                if on_chunk:
                    on_chunk(chunk)
        else:
            local = {
                "n_workers": workers or 1,
                "processes": (workers or 1) > 1 if processes is None else processes,
            }
            _run_distributed(sweep, store, pending, local, scheduler, advance, on_chunk)
    return every


def _run_distributed(
    sweep: Sweep,
    store: ChunkStore,
    pending: list[Chunk],
    local: dict,
    scheduler: str | None,
    advance: Callable[[], None],
    on_chunk: Callable[[Chunk], None] | None,
) -> None:
    from distributed import Client, LocalCluster, as_completed

    with contextlib.ExitStack() as stack:
        if scheduler:
            client = stack.enter_context(Client(scheduler))
        else:
            cluster = stack.enter_context(
                LocalCluster(threads_per_worker=1, dashboard_address=None, **local)
            )
            client = stack.enter_context(Client(cluster))
        system = client.scatter(sweep.system, broadcast=True)
        futures = {
            client.submit(
                sweep.compute, system, sweep.slice(c), c.start, sweep.dtype, pure=False
            ): c
            for c in pending
        }
        for future in as_completed(futures):
            chunk = futures[future]
            store.save(chunk, future.result())
            future.release()
            advance()
            if on_chunk:
                on_chunk(chunk)


@contextlib.contextmanager
def _progress(show: bool, total: int, completed: int) -> Iterator[Callable[[], None]]:
    if not show:
        yield lambda: None
        return
    columns = (
        TextColumn("sweep"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("chunks"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, transient=False) as bar:
        task = bar.add_task("sweep", total=total, completed=completed)
        yield lambda: bar.advance(task)
