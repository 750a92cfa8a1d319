"""`energysim sweep SCENARIO.yaml`: sample the scenario's uncertain parameters, simulate the
plan under every sample (or, with `--mode optimise`, re-solve the LP for every sample),
persist chunks as they finish, write the sweep and its summary."""

from __future__ import annotations

import functools
import re
import time
from pathlib import Path
from typing import Annotated

import typer

from energysim.errors import InputError, Problem

SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([KMGT]?i?B?)\s*$", re.IGNORECASE)
UNITS = {"": 1, "B": 1, "K": 1e3, "M": 1e6, "G": 1e9, "T": 1e12}
OPTIMISE_CHUNK = 20  # samples per chunk of LP solves: a chunk is seconds, so little is lost
# Samples per chunk of the kernel unless --chunk-size says otherwise (and memory allows): a
# kill loses at most one chunk, a few seconds of work, and 100,000 samples are ~200 files.
SIMULATE_CHUNK = 512


def parse_size(text: str) -> int:
    """'2G', '512MiB', '1.5GB' -> bytes."""
    match = SIZE.match(text)
    if not match:
        raise InputError([Problem("--max-memory", 1, 1, "--max-memory", f"not a size: {text!r}")])
    unit = match.group(2).upper()
    base = 1024 ** "KMGT".index(unit[0]) * 1024 if "I" in unit else UNITS.get(unit[:1], 1)
    return int(float(match.group(1)) * base)


def sweep(
    scenario_file: Annotated[
        Path,
        typer.Argument(
            help="scenario YAML file with an `uncertainty:` block", exists=True, dir_okay=False
        ),
    ],
    samples: Annotated[int, typer.Option(min=1, help="number of samples")] = 1000,
    seed: Annotated[int, typer.Option(min=0, help="seed of the sample design")] = 0,
    plan: Annotated[
        Path | None, typer.Option(help="results file of `energysim run` to simulate")
    ] = None,
    mode: Annotated[
        str,
        typer.Option(help="simulate (the kernel on a plan) or optimise (the LP per sample)"),
    ] = "simulate",
    workers: Annotated[int | None, typer.Option(min=1, help="local dask workers")] = None,
    scheduler: Annotated[
        str | None, typer.Option(help="dask scheduler address, tcp://host:port")
    ] = None,
    resume: Annotated[
        bool, typer.Option(help="keep finished chunks of an interrupted sweep")
    ] = False,
    chunk_size: Annotated[int | None, typer.Option(min=1, help="samples per chunk")] = None,
    max_memory: Annotated[str, typer.Option(help="memory for the kernel's arrays, e.g. 2G")] = "2G",
    precision: Annotated[
        str, typer.Option(help="float32 or float64 hourly arrays of the numpy engine")
    ] = "float32",
    engine: Annotated[
        str | None,
        typer.Option(
            help="simulation kernel: numba (compiled, float64; the default when numba is "
            "installed) or numpy"
        ),
    ] = None,
    set_: Annotated[list[str], typer.Option("--set", help="scenario override")] = [],  # noqa: B006
    out: Annotated[
        Path | None, typer.Option(help="sweep file (default results/NAME-sweep.nc)")
    ] = None,
    progress: Annotated[bool, typer.Option(help="show a progress bar")] = True,
) -> None:
    """Sweep a scenario's uncertain parameters over a plan (or re-optimise it per sample);
    write results and a summary."""
    from energysim.inputs import scenario_inputs
    from energysim.results.netcdf import check_writable
    from energysim.scenario import load_scenario
    from energysim.sweep import compiled
    from energysim.sweep.nominal import nominal_offset, offset_table
    from energysim.sweep.optimise import ScenarioLP, optimise_chunk
    from energysim.sweep.plan import build_system, load_plan
    from energysim.sweep.runner import (
        ENGINES,
        Sweep,
        chunk_size_for,
        compute_chunk,
        default_engine,
        run_chunks,
    )
    from energysim.sweep.sampling import draw_samples
    from energysim.sweep.store import ChunkStore
    from energysim.sweep.summary import summarise, summary_table

    engine = engine or default_engine()
    options: dict[str, tuple[str, tuple[str, ...]]] = {
        "--mode": (mode, ("simulate", "optimise")),
        "--precision": (precision, ("float32", "float64")),
        "--engine": (engine, ENGINES),
    }
    bad = [
        Problem(name, 1, 1, name, f"must be one of {', '.join(allowed)} (got {value!r})")
        for name, (value, allowed) in options.items()
        if value not in allowed
    ]
    if workers is not None and scheduler is not None:
        bad.append(
            Problem("--workers", 1, 1, "--workers", "give --workers or --scheduler, not both")
        )
    if mode == "optimise" and plan is not None:
        bad.append(
            Problem("--plan", 1, 1, "--plan", "--mode optimise solves its own plan per sample")
        )
    if engine == "numba" and not compiled.available():
        bad.append(Problem("--engine", 1, 1, "--engine", "numba is not installed; use numpy"))
    if bad:
        raise InputError(bad)
    memory = parse_size(max_memory)
    started = time.perf_counter()
    scenario = load_scenario(scenario_file, set_)
    if scenario.uncertainty is None or not scenario.uncertainty.parameters:
        raise InputError(
            [
                Problem(
                    str(scenario_file),
                    1,
                    1,
                    "uncertainty",
                    "the scenario declares no uncertain parameters",
                )
            ]
        )
    final = out or Path("results") / f"{scenario.name}-sweep.nc"
    check_writable(final)  # before any sampling or solving
    inputs = scenario_inputs(scenario)
    drawn = draw_samples(scenario.uncertainty, samples, seed)
    if mode == "optimise":
        precision = "float64"  # LP results; --precision and --max-memory are for the kernel
        source, plan_key, engine = "optimised per sample", "", "highs"
        size = chunk_size or min(samples, OPTIMISE_CHUNK)
        job = Sweep(ScenarioLP(scenario, inputs), drawn, size, precision, compute=optimise_chunk)
        offset = None  # each sample is the LP itself
    else:
        plan_ds, source = (
            (load_plan(plan), str(plan)) if plan else (_fresh_plan(scenario, inputs), "fresh solve")
        )
        plan_key = plan_ds.attrs.get("scenario_hash", "") + ":" + str(float(plan_ds["total_cost"]))
        system = build_system(scenario, inputs, plan_ds, source)
        if engine == "numba":
            precision = "float64"  # the compiled kernel's only precision
        size = chunk_size or min(
            samples,
            SIMULATE_CHUNK,
            chunk_size_for(memory, len(system.weight), precision, workers or 1),
        )
        compute = functools.partial(compute_chunk, engine=engine)
        job = Sweep(system, drawn, size, precision, compute=compute)
        offset = nominal_offset(system, plan_ds, compute, precision)
    manifest = {
        "mode": mode,
        "scenario_hash": scenario_hash_of(scenario, inputs),
        "plan": plan_key,
        "seed": seed,
        "samples": samples,
        "chunk_size": size,
        "precision": precision,
        "engine": engine,
    }
    store = ChunkStore(final, manifest, resume)
    every = run_chunks(job, store, workers, scheduler, progress)
    attrs = {
        "title": f"energysim sweep: {scenario.name}",
        "mode": mode,
        "seed": seed,
        "sampler": scenario.uncertainty.sampler,
        "samples": samples,
        "precision": precision,
        "engine": engine,
        "plan_source": source,
        **{k: str(v) for k, v in manifest.items() if k in ("scenario_hash", "plan")},
    }
    ds = store.assemble(every, attrs)
    summary = summarise(ds, scenario, offset)
    ds = ds.merge(summary)
    ds.attrs.update(attrs | summary.attrs)
    counts = {}
    if "status" in ds:  # optimise: one LP per sample (read before the chunk files go)
        status = ds["status"].values
        counts = {str(v): int((status == v).sum()) for v in sorted(set(status))}
    path = store.finish(ds)
    seconds = time.perf_counter() - started
    if offset is not None:
        typer.echo(offset_table(offset))
    typer.echo(summary_table(summary))
    if counts:
        typer.echo("LP status: " + ", ".join(f"{n} {s}" for s, n in counts.items()))
    typer.echo(
        f"{samples} samples x {ds.sizes['year']} years x {inputs.sizes['slice']} slices "
        f"in {seconds:.1f} s; sweep written to {path}"
    )


def scenario_hash_of(scenario, inputs) -> str:
    from energysim.model.data import prepare
    from energysim.results.extract import scenario_hash

    return scenario_hash(prepare(scenario, inputs)) + ":" + inputs.attrs.get("inputs_hash", "")


def _fresh_plan(scenario, inputs):
    """Solve the scenario's LP and use its results as the plan."""
    from energysim.errors import EXIT_INFEASIBLE
    from energysim.model.build import build_model
    from energysim.results.extract import to_dataset
    from energysim.solve.highs import Status, solve

    model, data = build_model(scenario, inputs)
    result = solve(model, scenario.solver, data=data)
    if result.status is not Status.OPTIMAL:
        typer.echo(f"the plan's LP is {result.status}; no sweep", err=True)
        raise typer.Exit(EXIT_INFEASIBLE)
    return to_dataset(model, data, result)
