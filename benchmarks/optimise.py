"""Optimising sweeps (`energysim sweep --mode optimise`): per sample, update the mutable
parameters of one persistent model and re-solve on a persistent HiGHS instance, against the
baseline of building a fresh model and solving it (goal: at least 5x faster per sample).

Both solve the same samples; their objectives must agree (checked). Quick mode: the plan case
on three model years; full mode: the whole horizon (2020-2060).
"""

from __future__ import annotations

from pathlib import Path

from benchmarks.runner import Case, Context, Figure, Phase, benchmark
from energysim.sweep.optimise import persistent_vs_rebuild

SCENARIO = Path(__file__).resolve().parent.parent / "scenarios" / "sweep-14fyp.yaml"
OBJECTIVE_RTOL = 1e-6


@benchmark("sweep optimise")
def optimise_benchmarks(context: Context) -> list[Case]:
    seasonal = ("time.resolution=seasonal_hours",)  # the size of the case since the first run
    overrides = ("years=[2020, 2025, 2030]", *seasonal) if context.quick else seasonal
    samples = 4 if context.quick else 20
    measured = persistent_vs_rebuild(SCENARIO, samples, overrides, seed=1)
    size = (
        f"{len(measured['years'])} y x {measured['slices']} slices, {measured['rows']:,} rows, "
        f"{samples} samples"
    )
    case = Case("optimising sweep, per sample", size)
    case.phases = [
        Phase("persistent model: build + first solve", measured["setup_seconds"], float("nan")),
        Phase("update + re-solve (median)", measured["persistent_seconds_median"], float("nan"),
              repeats=samples),
        Phase("rebuild + solve (median)", measured["rebuild_seconds_median"], float("nan"),
              repeats=samples),
        Phase("read one sample's outputs (median)", measured["extract_seconds_median"],
              float("nan"), repeats=samples),
    ]  # fmt: skip
    speedup = measured["speedup_median"]
    case.figures.append(
        Figure("re-solve speed-up", speedup, "x", "rebuild + solve", 1.0, ">= 5", speedup >= 5)
    )
    worst = measured["max_relative_objective_difference"]
    case.checks["persistent objective equals rebuilt"] = {
        "ok": worst <= OBJECTIVE_RTOL,
        "max_relative_difference": worst,
        "statuses": measured["statuses (persistent/rebuild)"],
    }
    return [case]
