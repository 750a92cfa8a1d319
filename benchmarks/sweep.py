"""Sweeps (energysim/sweep): sampling, the compiled (Numba) and the vectorised NumPy kernels
on the same samples, chunks in-process and on dask, assembly; baselines are the NumPy kernel
(the compiled one's ratio, results checked equal), the plain-Python reference kernel (same
results, checked) and the machine's memory bandwidth. The compiled kernel's compilation is
measured apart (fresh cache in a separate process, and cache load), outside its timed phase.
Chunks in-process run both kernels; dask runs the NumPy kernel (`compute_chunk`'s default).

The plan is the plan case's LP solved on seasonal slices (its capacities per year); the sweep
then simulates it on the full hourly year for every model year (9 years x 8,760 h), so one
sample is 9 x 8,760 sample-hours. Quick mode uses the seasonal slices and few samples.

The optimising sweep (persistent re-solve) is measured in benchmarks/optimise.py.
"""

from __future__ import annotations

import dataclasses
import functools
import os
import pickle
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import xarray as xr

from benchmarks.runner import Case, Context, Figure, Timings, benchmark
from energysim.inputs import scenario_inputs
from energysim.model.build import build_model
from energysim.results.extract import to_dataset
from energysim.scenario import load_scenario
from energysim.solve.highs import Status, solve
from energysim.sweep.kernel import Dispatch
from energysim.sweep.plan import System, build_system
from energysim.sweep.reference import dispatch_reference
from energysim.sweep.runner import (
    BLOCK,
    BYTES_PER_SAMPLE_SLICE,
    Sweep,
    compute_chunk,
    run_chunks,
    simulate,
)
from energysim.sweep.sampling import draw_samples
from energysim.sweep.store import ChunkStore

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = ROOT / "scenarios" / "sweep-14fyp.yaml"
FEASIBLE = ("targets.cbm_output_min.2025=20",)  # the plan case needs it (see README)
SEED = 20260101
DTYPE = "float32"  # the sweep's default precision
REFERENCE_RTOL = 1e-9  # kernel (float64) against the reference, as in tests/test_sweep.py


@dataclasses.dataclass(frozen=True)
class Sizes:
    hourly: bool
    kernel_samples: tuple[int, ...]
    reference_samples: int
    dask_samples: int
    chunk_size: int


QUICK = Sizes(hourly=False, kernel_samples=(200,), reference_samples=2, dask_samples=400,
              chunk_size=200)  # fmt: skip
FULL = Sizes(hourly=True, kernel_samples=(1_000, 10_000), reference_samples=3,
             dask_samples=10_000, chunk_size=1_000)  # fmt: skip


NUMPY_PHASE = f"kernel numpy ({DTYPE}, blocks of {BLOCK})"
NUMBA_PHASE = f"kernel numba (float64, blocks of {BLOCK})"


@benchmark("sweep")
def sweep_benchmarks(context: Context) -> list[Case]:
    sizes = QUICK if context.quick else FULL
    system, uncertainty = _system(sizes.hourly)
    years, slices = len(system.years), len(system.weight)
    per_sample = years * slices  # sample-hours of one sample (every model year, every slice)
    label = f"{years} y x {slices} slices"
    bandwidth = context.baselines.get("memory_bandwidth_bytes_per_s", float("nan"))
    cases = [_compile(system, label)]
    kernel_rates: dict[int, float] = {}
    for n in sizes.kernel_samples:
        t = Timings()
        with t.phase("sampling"):
            samples = draw_samples(uncertainty, n, SEED)
        for engine, phase in (("numpy", NUMPY_PHASE), ("numba", NUMBA_PHASE)):
            with t.phase(phase):
                _kernel(system, samples, n, DTYPE, engine)
            t.notes[phase] = f"load average {os.getloadavg()[0]:.1f}"
        case = Case(f"sweep kernel, {n:,} samples", label, phases=t.phases())
        numpy_rate = n * per_sample / case.seconds(NUMPY_PHASE)
        numba_rate = n * per_sample / case.seconds(NUMBA_PHASE)
        kernel_rates[n] = numba_rate
        moved = BYTES_PER_SAMPLE_SLICE[DTYPE] * n * per_sample / case.seconds(NUMPY_PHASE)
        case.figures += [
            Figure("numba kernel throughput", numba_rate / 1e6, "M sample-h/s", "goal", 50.0,
                   ">= 1", numba_rate >= 50e6),
            Figure("numba kernel throughput", numba_rate / 1e6, "M sample-h/s",
                   "numpy kernel", numpy_rate / 1e6),
            Figure("numpy kernel throughput", numpy_rate / 1e6, "M sample-h/s", "goal", 50.0,
                   ">= 1", numpy_rate >= 50e6),
            Figure("numpy kernel bytes moved", moved / 1e9, "GB/s", "memory bandwidth",
                   bandwidth / 1e9),
        ]  # fmt: skip
        case.checks["numba equals numpy kernel (float64)"] = _compare(
            simulate(system, _first(samples, BLOCK), min(n, BLOCK), "float64", "numba"),
            simulate(system, _first(samples, BLOCK), min(n, BLOCK), "float64", "numpy"),
        )
        cases.append(case)
    cases.append(_reference(system, uncertainty, sizes, kernel_rates, per_sample, label))
    cases.append(_chunks_and_dask(system, uncertainty, sizes, context.workdir, label))
    return cases


def _compile(system: System, label: str) -> Case:
    """The compiled kernel's first call: compilation in a fresh process with an empty Numba
    cache (what a new installation pays once), then loading the cache in this process (what
    every later process pays). Kept out of the kernel's timed phases."""
    t = Timings()
    with tempfile.TemporaryDirectory(prefix="numba-cache-") as cache:
        script = (
            "import time, pickle, sys; from energysim.sweep.compiled import dispatch_compiled;"
            "system = pickle.loads(sys.stdin.buffer.read()); t = time.perf_counter();"
            "dispatch_compiled(system, {}, 2); print(time.perf_counter() - t)"
        )
        done = subprocess.run(
            [sys.executable, "-c", script], input=pickle.dumps(system), capture_output=True,
            check=True, cwd=ROOT, env={**os.environ, "NUMBA_CACHE_DIR": cache},
        )  # fmt: skip
        t.add("numba compile, fresh cache (separate process)", float(done.stdout.split()[-1]))
    with t.phase("numba first call, cache load (this process)"):
        simulate(system, {}, 2, "float64", "numba")
    return Case("sweep kernel compilation", label, phases=t.phases())


def _kernel(system: System, samples: dict, n: int, dtype: str, engine: str) -> None:
    """One kernel alone over n samples, in the blocks the sweep runner uses."""
    for a in range(0, n, BLOCK):
        simulate(system, _first({k: v[a:] for k, v in samples.items()}, BLOCK),
                 min(BLOCK, n - a), dtype, engine)  # fmt: skip


def _first(samples: dict, n: int) -> dict:
    return {k: v[:n] for k, v in samples.items()}


def _compare(ours: Dispatch, theirs: Dispatch) -> dict:
    """Worst excess over |a - b| <= 1e-9 + REFERENCE_RTOL |b| across all outputs (ok <= 0)."""
    worst = 0.0
    for field in dataclasses.fields(ours):
        a, b = getattr(ours, field.name), getattr(theirs, field.name)
        excess = np.abs(a - b) - (1e-9 + REFERENCE_RTOL * np.abs(b))
        worst = max(worst, float(excess.max(initial=-np.inf)))
    return {"ok": worst <= 0, "worst_excess": worst}


def _system(hourly: bool) -> tuple[System, object]:
    """The plan case's LP solved on seasonal slices, as a System on the sweep's slices."""
    seasonal = load_scenario(SCENARIO, [*FEASIBLE, "time.resolution=seasonal_hours"])
    inputs = scenario_inputs(seasonal)
    model, data = build_model(seasonal, inputs)
    result = solve(model, seasonal.solver)
    if result.status is not Status.OPTIMAL:
        raise RuntimeError(f"the plan's LP is {result.status}")
    plan = to_dataset(model, data, result)
    scenario = seasonal
    if hourly:
        scenario = load_scenario(SCENARIO, [*FEASIBLE, "time.resolution=hourly"])
        inputs = scenario_inputs(scenario)
    return build_system(scenario, inputs, plan, "benchmark plan"), scenario.uncertainty


def _reference(system, uncertainty, sizes: Sizes, rates: dict, per_sample: int, label: str):
    n = sizes.reference_samples
    samples = draw_samples(uncertainty, n, SEED)
    t = Timings()
    with t.phase("plain-Python reference"):
        slow = dispatch_reference(system, samples, n)
    fast = {}
    for engine in ("numpy", "numba"):
        with t.phase(f"kernel {engine} (float64), same samples"):
            fast[engine] = simulate(system, samples, n, "float64", engine)
    case = Case(f"sweep reference, {n} samples", label, phases=t.phases())
    case.checks["kernel equals reference"] = _compare(fast["numpy"], slow)
    case.checks["numba kernel equals reference"] = _compare(fast["numba"], slow)
    reference_rate = n * per_sample / case.seconds("plain-Python reference")
    largest = max(rates)
    case.figures.append(
        Figure(
            f"numba kernel at {largest:,} samples", rates[largest] / 1e6, "M sample-h/s",
            "plain Python", reference_rate / 1e6, ">= 100x", rates[largest] >= 100 * reference_rate,
        )
    )  # fmt: skip
    return case


def _chunks_and_dask(system, uncertainty, sizes: Sizes, workdir: Path, label: str) -> Case:
    """Chunks in-process, then on a local dask cluster of 1 and of 2 single-threaded worker
    processes. Each cluster is started and warmed up (workers import energysim on their first
    task) outside the timed phase, which is the sweep alone; cluster start is its own phase."""
    n = sizes.dask_samples
    samples = draw_samples(uncertainty, n, SEED)
    job = Sweep(system, samples, sizes.chunk_size, DTYPE)
    t = Timings()
    store = ChunkStore(workdir / "sweep-in-process.nc", {"n": n}, False)
    with t.phase("chunks in-process (kernel + accounting + write)"):
        every = run_chunks(job, store, progress=False)
    with t.phase("assembly (read chunks, concat, write)"):
        store.finish(store.assemble(every, {}))
    compiled_job = dataclasses.replace(
        job, dtype="float64", compute=functools.partial(compute_chunk, engine="numba")
    )  # as `energysim sweep` runs by default
    store = ChunkStore(workdir / "sweep-numba.nc", {"n": n}, False)
    with t.phase("chunks in-process, numba kernel (kernel + accounting + write)"):
        run_chunks(compiled_job, store, progress=False)
    results = {}
    for workers in (1, 2):
        results[workers] = _on_dask(job, workers, workdir, t)
    case = Case(f"sweep chunks, {n:,} samples", f"{label}; chunks of {sizes.chunk_size:,}")
    case.phases = t.phases()
    one, two = (case.seconds(f"chunks on {w} dask worker(s)") for w in (1, 2))
    case.figures.append(
        Figure("speed-up, 2 workers", one / two, "x", "1 worker", 1.0, ">= 1.7", one / two >= 1.7)
    )
    case.checks["1 and 2 workers identical"] = {"ok": _identical(results[1], results[2])}
    return case


def _on_dask(job: Sweep, workers: int, workdir: Path, t: Timings) -> xr.Dataset:
    from distributed import LocalCluster

    warm_up = dataclasses.replace(job, samples={k: v[:workers] for k, v in job.samples.items()},
                                  chunk_size=1)  # fmt: skip
    with t.phase(f"dask cluster start + warm-up, {workers} worker(s)"):
        cluster = LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
        )
        warm = ChunkStore(workdir / f"warm-{workers}.nc", {"warm": workers}, False)
        run_chunks(warm_up, warm, scheduler=cluster.scheduler_address, progress=False)
    try:
        store = ChunkStore(workdir / f"sweep-{workers}.nc", {"workers": workers}, False)
        with t.phase(f"chunks on {workers} dask worker(s)"):
            every = run_chunks(job, store, scheduler=cluster.scheduler_address, progress=False)
        return store.assemble(every, {})
    finally:
        cluster.close()


def _identical(a: xr.Dataset, b: xr.Dataset) -> bool:
    return all(np.array_equal(a[k].values, b[k].values, equal_nan=True) for k in a.data_vars)
