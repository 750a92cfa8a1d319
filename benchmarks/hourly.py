"""The hourly investment year: `scenarios/hourly-2030.yaml` (2020 pinned, 2030 the one year
whose capacity is chosen, every one of the 8,760 hours; LP 515 k rows x 491 k columns).

End to end as `energysim run` does it without writing the file (load, build, solve with
`solver.method: choose` and `solver.start: choose`: the 2020 window by dual simplex, the 2030
window by HiPO, then dual simplex from their stitched basis; results Dataset), against the same
model from a cold start (`solver.start: cold`: HiPO on the whole LP, the default before the
myopic start) in the same run. Goal: end to end < 180 s. Check: both reach the same objective.

Quick mode: the same scenario on 4 representative days.
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
QUICK = ("time.resolution=representative_days", "time.days=4")
SOLVE = "solve (hand-off + start + HiGHS + load values)"
COLD = "cold start"


def hourly_case(overrides: tuple[str, ...]) -> Case:
    t = Timings()
    with t.phase("load scenario + inputs"):
        scenario = load_scenario(HOURLY, list(overrides))
        inputs = scenario_inputs(scenario)
    with t.phase("build (Pyomo)"):
        model, data = build_model(scenario, inputs)
    with t.phase(SOLVE):
        result = solve(model, scenario.solver, data=data)
    optimal = result.status is Status.OPTIMAL
    with t.phase("results Dataset"):
        if optimal:
            to_dataset(model, data, result)
    cold_settings = scenario.solver.model_copy(update={"start": "cold"})
    with t.phase(f"{COLD}: {SOLVE}"):
        cold = solve(model, cold_settings, data=data)
    case = Case(
        "hourly investment year",
        f"{len(scenario.years)} y x {inputs.sizes['slice']} slices; start "
        f"{result.options.get('start', '?')} vs cold ({cold.options.get('solver', '?')})",
        phases=t.phases(),
    )
    seconds = {p.name: p.seconds for p in case.phases}
    end_to_end = sum(v for k, v in seconds.items() if not k.startswith(COLD))
    case.figures += [
        Figure("solve", seconds[SOLVE], "s", "cold start, same model", seconds[f"{COLD}: {SOLVE}"]),
        Figure(
            "of which myopic start",
            result.phases.get("start", 0.0),
            "s",
            "HiGHS from it",
            result.phases.get("solver", 0.0),
            "",
            None,
        ),
        goal_figure("end to end", end_to_end, "s", END_TO_END_GOAL),
    ]
    a, b = result.objective, cold.objective
    case.checks["the myopic and the cold start reach the same objective"] = {
        "ok": optimal
        and result.options.get("start") == "myopic basis"
        and cold.status is Status.OPTIMAL
        and abs(a - b) <= 1e-7 * max(1.0, abs(b)),
        "objective": a,
        "objective_cold": b,
    }
    return case


@benchmark("hourly")
def hourly_benchmarks(context: Context) -> list[Case]:
    return [hourly_case(QUICK if context.quick else ())]
