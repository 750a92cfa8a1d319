"""HiGHS's own log of the plan case: `python -m benchmarks.highs_log --days 24 [--mps FILE]
[--linked] [--time-limit S] [OPTION=VALUE ...]`.

Builds the plan case (9 model years, CBM at the reachable 20 bcm, the electricity share on the
coal-equivalent method) at k representative days, hands it to HiGHS as energysim does and runs
it with the log on: presolve reductions, the method HiGHS chooses, iterations and time per
phase. `--linked` builds the previous storage formulation (every store linked across the 365
days); `--mps` also writes the LP, so that option experiments can be repeated on the LP alone
(`highspy`, `readModel`). Extra arguments are HiGHS options (checked like scenario options).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from energysim.inputs import scenario_inputs
from energysim.model import dispatch
from energysim.model.build import build_model
from energysim.scenario import load_scenario
from energysim.solve.direct import compile_lp, highs_from_arrays
from energysim.solve.options import normalise

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.highs_log", description=__doc__)
    parser.add_argument("--days", type=int, default=24)
    parser.add_argument("--segments", type=int, help="segments a day (default: 24 hours)")
    parser.add_argument("--linked", action="store_true", help="previous storage formulation")
    parser.add_argument("--mps", type=Path, help="also write the LP to this MPS file")
    parser.add_argument("--time-limit", type=float, default=600.0)
    parser.add_argument("options", nargs="*", help="HiGHS options, name=value")
    args = parser.parse_args(argv)
    if args.linked:
        dispatch.INTERDAY_MIN_HOURS = 0.0
    started = time.perf_counter()
    scenario = load_scenario(
        ROOT / "scenarios" / "shanxi-14fyp.yaml",
        [
            "targets.cbm_output_min.2025=20",
            "targets.electricity_share_final.method=coal_equivalent",
            "time.resolution=representative_days",
            f"time.days={args.days}",
            *([f"time.segments={args.segments}"] if args.segments else []),
        ],
    )
    inputs = scenario_inputs(scenario)
    model, _ = build_model(scenario, inputs)
    built = time.perf_counter()
    lp = compile_lp(model)
    options = {"time_limit": args.time_limit}
    for text in args.options:
        name, _, value = text.partition("=")
        options[name] = normalise(name, _parse(value))
    highs = highs_from_arrays(lp, options, tee=True)
    handed = time.perf_counter()
    print(
        f"build {built - started:.1f} s, hand-off {handed - built:.1f} s: "
        f"{len(lp.row_lower):,} rows x {len(lp.cost):,} columns, {lp.matrix.nnz:,} nonzeros",
        flush=True,
    )
    if args.mps:
        highs.writeModel(str(args.mps))
    highs.run()
    info = highs.getInfo()
    print(
        f"{highs.modelStatusToString(highs.getModelStatus())}: objective "
        f"{info.objective_function_value:.10g}, simplex iterations "
        f"{info.simplex_iteration_count}, IPM iterations {info.ipm_iteration_count}, "
        f"crossover iterations {info.crossover_iteration_count}, "
        f"{time.perf_counter() - handed:.1f} s"
    )


def _parse(value: str) -> bool | int | float | str:
    for kind in (int, float):
        try:
            return kind(value)
        except ValueError:
            pass
    return value


if __name__ == "__main__":
    main()
