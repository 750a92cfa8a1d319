"""The hourly investment year: `scenarios/hourly-2030.yaml` (2020 pinned, 2030 the one year
whose capacity is chosen, every one of the 8,760 hours; LP 515 k rows x 491 k columns).

End to end as `energysim run` does it without writing the file (load, build, solve with
`solver.method: choose`, which resolves to HiPO at this size, results Dataset), then the same
model solved with IPX, HiGHS's older interior point code (what `choose` picks without
highspy-extras), in the same run. Goal: end to end < 180 s. Check: both methods reach
the same objective.

Quick mode: the same scenario on 4 representative days, each method asked by name.
"""

from __future__ import annotations

from pathlib import Path

from benchmarks.runner import Case, Context, Figure, Timings, benchmark, goal_figure
from energysim.inputs import scenario_inputs
from energysim.model.build import build_model
from energysim.results.extract import to_dataset
from energysim.scenario import load_scenario
from energysim.solve.highs import Status, solve

HOURLY = Path(__file__).resolve().parent.parent / "scenarios" / "hourly-2030.yaml"
END_TO_END_GOAL = 180.0
QUICK = ("time.resolution=representative_days", "time.days=4", "solver.method=hipo")
SOLVE = "solve (hand-off + HiGHS + load values)"


def hourly_case(overrides: tuple[str, ...]) -> Case:
    t = Timings()
    with t.phase("load scenario + inputs"):
        scenario = load_scenario(HOURLY, list(overrides))
        inputs = scenario_inputs(scenario)
    with t.phase("build (Pyomo)"):
        model, data = build_model(scenario, inputs)
    with t.phase(f"{scenario.solver.method}: {SOLVE}"):
        result = solve(model, scenario.solver)
    optimal = result.status is Status.OPTIMAL
    with t.phase("results Dataset"):
        if optimal:
            to_dataset(model, data, result)
    with t.phase(f"ipx: {SOLVE}"):
        ipx = solve(model, scenario.solver.model_copy(update={"method": "ipx"}))
    method = result.options.get("solver", "?")
    case = Case(
        "hourly investment year",
        f"{len(scenario.years)} y x {inputs.sizes['slice']} slices; method {method} vs ipx",
        phases=t.phases(),
    )
    seconds = {p.name: p.seconds for p in case.phases}
    end_to_end = sum(v for k, v in seconds.items() if not k.startswith("ipx"))
    solved = seconds[f"{scenario.solver.method}: {SOLVE}"]
    case.figures += [
        Figure("solve", solved, "s", "IPX, same model", seconds[f"ipx: {SOLVE}"]),
        goal_figure("end to end", end_to_end, "s", END_TO_END_GOAL),
    ]
    a, b = result.objective, ipx.objective
    case.checks["HiPO and IPX reach the same objective"] = {
        "ok": optimal
        and method == "hipo"
        and ipx.status is Status.OPTIMAL
        and abs(a - b) <= 1e-7 * max(1.0, abs(b)),
        "method": method,
        "objective": a,
        "objective_ipx": b,
    }
    return case


@benchmark("hourly")
def hourly_benchmarks(context: Context) -> list[Case]:
    return [hourly_case(QUICK if context.quick else ())]
