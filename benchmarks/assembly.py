"""Sweep assembly: peak memory of reading the chunk files, summarising and writing the final
sweep file, against the number of samples. Assembly streams (store.py), so the peak should stay
flat but for the summary, which holds one KPI (sample x year) at a time to take its quantiles;
before, it concatenated every chunk in memory (+6.7 KiB per sample: 363 / 425 / 692 MiB for
1 k / 10 k / 50 k samples).

The chunks are one real chunk of the plan case (the kernel on seasonal slices, 512 samples,
the sweep's default chunk) written again under the sample numbers of every other chunk: the
same bytes per sample as a real sweep, without simulating 100,000 samples first. What is
measured is assembly alone: `assemble` + `summarise` + `finish`, as `energysim sweep` runs it.
"""

from __future__ import annotations

import numpy as np

from benchmarks.runner import Case, Context, Figure, Timings, benchmark
from benchmarks.sweep import FEASIBLE, SCENARIO, SEED, _system
from energysim.results.netcdf import read_netcdf
from energysim.scenario import load_scenario
from energysim.sweep.runner import compute_chunk
from energysim.sweep.sampling import draw_samples
from energysim.sweep.store import ChunkStore, chunks
from energysim.sweep.summary import summarise

CHUNK = 512  # energysim sweep's default (cli/sweep.py SIMULATE_CHUNK)
QUICK = (1_000, 4_000)
FULL = (1_000, 10_000, 100_000)
PHASE = "assembly (open chunks, summarise, write final file)"


@benchmark("sweep_assembly")
def assembly_benchmarks(context: Context) -> list[Case]:
    sizes = QUICK if context.quick else FULL
    system, uncertainty = _system(hourly=False)
    scenario = load_scenario(SCENARIO, list(FEASIBLE))
    template = compute_chunk(system, draw_samples(uncertainty, CHUNK, SEED), 0, "float64")
    per_sample = template.nbytes / CHUNK
    cases, peaks = [], {}
    for n in sizes:
        store = ChunkStore(context.workdir / f"assembly-{n}.nc", {"n": n}, resume=False)
        every = chunks(n, CHUNK)
        for chunk in every:
            part = template.isel(sample=slice(0, chunk.stop - chunk.start))
            store.save(chunk, part.assign_coords(sample=np.arange(chunk.start, chunk.stop)))
        t = Timings()
        with t.phase(PHASE):
            ds = store.assemble(every, {})
            summary = summarise(ds, scenario)
            path = store.finish(ds.merge(summary))
        written = read_netcdf(path)
        case = Case(
            f"sweep assembly, {n:,} samples",
            f"chunks of {CHUNK}; {per_sample / 1024:.1f} KiB per sample in memory",
            phases=t.phases(),
        )
        case.checks["every sample written once, in order"] = {
            "ok": bool(np.array_equal(written["sample"].values, np.arange(n)))
        }
        path.unlink()
        peaks[n] = case.phases[0].peak_mib
        cases.append(case)
    smallest, largest = sizes[0], sizes[-1]
    growth = (peaks[largest] - peaks[smallest]) * 1024 / (largest - smallest)  # KiB per sample
    cases[-1].figures.append(
        Figure(
            f"assembly peak memory growth, {smallest:,} to {largest:,} samples",
            growth,
            "KiB/sample",
            "before streaming",
            6.7,  # issue 16: +6.7 KiB per sample when every chunk was concatenated in memory
            # the rest is the summary's one KPI at a time (quantiles need all its samples)
            "<= 0.15",
            growth <= 0.15 * 6.7,
        )
    )
    return cases
