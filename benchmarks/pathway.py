"""Pathway solves where users wait: the plan case at k representative days over 9 model years,
myopic against perfect foresight, and CLI start-up.

- "plan case, k days": `energysim run` without the file (load, build, solve with hand-off,
  the myopic start, HiGHS and loading values, results Dataset), on the shipped time resolution
  (k = 24 days of 8 segments), against the same LP from a cold start (`solver.start: cold`) and
  against the same days of 24 whole hours, in the same run. Goal: end to end < 20 s at k = 24.
  Check: the warm and the cold start reach the same objective. The headline KPIs of 24 whole
  hours are reported beside (a different formulation: not judged).
- "myopic vs perfect foresight": the same scenario solved with perfect foresight and with
  myopic windows of one model year. Checks: myopic is never cheaper; one window over all years
  equals perfect foresight.
- "CLI start-up": `energysim --help`, `energysim validate --no-inputs`, `import
  energysim.cli.app`, each in a fresh interpreter (median of 5, peak RSS of the child) against
  the bare interpreter (`python -c pass`) in the same run. Goals: < 0.5 s and < 1 s.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

import pyomo.environ as pyo
import xarray as xr

from benchmarks.runner import Case, Context, Figure, Phase, Timings, benchmark, goal_figure
from energysim.inputs import scenario_inputs
from energysim.model.build import build_model
from energysim.results.extract import to_dataset
from energysim.scenario import load_scenario
from energysim.solve.foresight import solve_myopic
from energysim.solve.highs import Status, solve

ROOT = Path(__file__).resolve().parent.parent
PLAN = ROOT / "scenarios" / "shanxi-14fyp.yaml"
# The plan case made feasible (README): CBM at the reachable 20 bcm, the 40 % electricity share
# on the coal-equivalent method (on the calorific method it cannot be met).
REACHABLE = (
    "targets.cbm_output_min.2025=20",
    "targets.electricity_share_final.method=coal_equivalent",
)
END_TO_END_GOAL = 20.0


def _scenario(days: int | None, years: str | None, segments: int | None = None, *more: str):
    """The plan case made reachable; `days` None: its own time (the shipped default)."""
    overrides = [*REACHABLE, *more]
    if days:
        overrides += ["time.resolution=representative_days", f"time.days={days}"]
        overrides += [f"time.segments={segments}"] if segments else []
    if years:
        overrides.append(f"years={years}")
    return load_scenario(PLAN, overrides)


KPI_YEAR = 2030


def _plan_run(
    days: int, segments: int | None, years: str | None, t: Timings, tag: str, *more: str
) -> dict:
    """One `energysim run` without writing: load, build, solve (hand-off, start, HiGHS, load
    values), results Dataset; each phase tagged."""
    with t.phase(f"{tag}: load scenario + inputs"):
        scenario = _scenario(days, years, segments, *more)
        inputs = scenario_inputs(scenario)
    with t.phase(f"{tag}: build (Pyomo)"):
        model, data = build_model(scenario, inputs)
    rows = sum(len(c) for c in model.component_objects(pyo.Constraint, active=True))
    with t.phase(f"{tag}: solve (hand-off + start + HiGHS + load values)"):
        result = solve(model, scenario.solver, data=data)
    optimal = result.status is Status.OPTIMAL
    with t.phase(f"{tag}: results Dataset"):
        ds = to_dataset(model, data, result) if optimal else None
    return {
        "optimal": optimal,
        "rows": rows,
        "slices": inputs.sizes["slice"],
        "ds": ds,
        "objective": result.objective,
        "phases": result.phases,
    }


def headline(ds: xr.Dataset | None) -> dict[tuple[str, str], float]:
    """The KPIs compared between formulations, by (name, unit): cost, CO2 and the capacity
    that the time resolution moves."""
    if ds is None:
        return {}
    last = int(ds.year.max())
    capacity = ds["capacity"]
    return {
        ("net cost (the objective)", "bn CNY"): float(ds["net_cost"]) / 1e9,
        ("system cost", "bn CNY"): float(ds["total_cost"]) / 1e9,
        (f"CO2 {KPI_YEAR}", "Mt"): float(ds["co2_emissions"].sel(year=KPI_YEAR)),
        (f"CO2 {last}", "Mt"): float(ds["co2_emissions"].sel(year=last)),
        (f"wind {KPI_YEAR}", "GW"): float(capacity.sel(year=KPI_YEAR, technology="wind")),
        (f"solar {KPI_YEAR}", "GW"): float(capacity.sel(year=KPI_YEAR, technology="solar")),
        (f"battery {last}", "GW"): float(capacity.sel(year=last, technology="battery")),
    }


def plan_case(days: int, segments: int, years: str | None) -> Case:
    """The shipped time resolution (k days of `segments` segments) against the same LP from a
    cold start and against the same k days of 24 whole hours, in the same run: times, LP rows,
    the myopic start's share, and the headline KPIs of 24 whole hours beside."""
    t = Timings()
    tag, cold, whole = f"{segments} segments a day", "the same, cold start", "24 hours a day"
    new = _plan_run(days, segments, years, t, tag)
    baseline = _plan_run(days, segments, years, t, cold, "solver.start=cold")
    old = _plan_run(days, None, years, t, whole)
    case = Case(
        f"plan case, k = {days}",
        f"{years or '9 y'}; {segments} segments: {new['slices']} slices, {new['rows']:,} rows; "
        f"24 hours: {old['slices']} slices, {old['rows']:,} rows",
        phases=t.phases(),
    )
    seconds = {p.name: p.seconds for p in case.phases}

    def total(prefix: str) -> float:
        return sum(v for k, v in seconds.items() if k.startswith(prefix))

    end_to_end = total(tag)
    case.figures += [
        Figure("end to end", end_to_end, "s", cold, total(cold)),
        Figure("end to end", end_to_end, "s", "24 hours a day", total(whole), "", None),
        goal_figure("end to end", end_to_end, "s", END_TO_END_GOAL),
        Figure(
            "of which myopic start",
            new["phases"].get("start", 0.0),
            "s",
            "HiGHS from it",
            new["phases"].get("solver", 0.0),
            "",
            None,
        ),
    ]
    runs = (new, baseline, old)
    case.checks["all three solve to optimality"] = {"ok": all(r["optimal"] for r in runs)}
    a, b = new["objective"], baseline["objective"]
    case.checks["warm and cold start reach the same objective"] = {
        "ok": a is not None and b is not None and abs(a - b) <= 1e-9 * max(1.0, abs(b)),
        "warm": a,
        "cold": b,
    }
    theirs = headline(old["ds"])
    for (name, unit), value in headline(new["ds"]).items():  # reported, not judged
        case.figures.append(Figure(name, value, unit, whole, theirs[name, unit], "", None))
    return case


def myopic_case(years: str | None, days: int | None) -> Case:
    scenario = _scenario(days, years)
    inputs = scenario_inputs(scenario)
    t = Timings()
    with t.phase("perfect foresight: build"):
        model, _ = build_model(scenario, inputs)
    with t.phase("perfect foresight: solve (hand-off + HiGHS + load)"):
        perfect = solve(model, scenario.solver)  # no data: a cold start, independent of myopic
    with t.phase("myopic, window 1: build"):
        model, data = build_model(scenario, inputs)
    with t.phase("myopic, window 1: solve (compile once, one LP per year, load)"):
        myopic = solve_myopic(model, data, scenario.solver, 1)
    model, data = build_model(scenario, inputs)
    whole = solve_myopic(model, data, scenario.solver, len(scenario.years))
    slices = inputs.sizes["slice"]
    case = Case(
        f"myopic vs perfect foresight{'' if days is None else f', k = {days}'}",
        f"{len(scenario.years)} y x {slices} slices",
        phases=t.phases(),
    )
    for w in myopic.windows:
        case.phases.append(
            Phase(f"  window {w.years[0]}: HiGHS ({w.iterations} iterations)", w.seconds, 0.0)
        )
    seconds = {p.name: p.seconds for p in case.phases}
    solve_perfect = seconds["perfect foresight: solve (hand-off + HiGHS + load)"]
    solve_myopic_s = seconds["myopic, window 1: solve (compile once, one LP per year, load)"]
    case.figures.append(
        Figure("solve, myopic window 1", solve_myopic_s, "s", "perfect foresight", solve_perfect)
    )
    ok = Status.OPTIMAL
    p, m, w = perfect.objective, myopic.result.objective, whole.result.objective
    statuses = (perfect.status, myopic.result.status, whole.result.status)
    case.checks["myopic never cheaper than perfect foresight"] = {
        "ok": all(s is ok for s in statuses) and m >= p - 1e-7 * abs(p),
        "perfect": p,
        "myopic_window_1": m,
        "extra_cost_bn_cny": None if m is None or p is None else m - p,
    }
    case.checks["one window over all years equals perfect foresight"] = {
        "ok": w is not None and p is not None and abs(w - p) <= 1e-9 * max(1.0, abs(p)),
        "perfect": p,
        "myopic_all_years": w,
    }
    return case


@benchmark("pathway")
def pathway_benchmarks(context: Context) -> list[Case]:
    if context.quick:
        return [plan_case(4, 6, "[2020, 2025, 2030]"), myopic_case("[2020, 2025, 2030]", None)]
    return [plan_case(24, 8, None), myopic_case(None, None)]


# Prepended to every child's code: its own peak RSS (VmHWM, reset by exec, so the forking
# benchmark process is not counted) written to stderr at exit, also after SystemExit.
PEAK = (
    "import atexit, sys\n"
    "atexit.register(lambda: sys.stderr.write(next(line for line in open('/proc/self/status')"
    " if line.startswith('VmHWM'))))\n"
)


def _child(code: str, args: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of one fresh interpreter running `code` with `args`."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", PEAK + code, *args],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"{code} {args}: exit {done.returncode}: {done.stderr}")
    kib = float(done.stderr.rsplit("VmHWM:", 1)[1].split()[0])
    return seconds, kib / 1024


@benchmark("cli start-up")
def startup_benchmarks(context: Context) -> list[Case]:
    repeats = 3 if context.quick else 5
    entry = "from energysim.cli.app import main\nsys.argv[0] = 'energysim'\nmain()"
    commands = {
        "bare interpreter (python -c pass)": ("pass", []),
        "import energysim.cli.app": ("import energysim.cli.app", []),
        "energysim --help": (entry, ["--help"]),
        "energysim validate --no-inputs": (entry, ["validate", str(PLAN), "--no-inputs"]),
    }
    phases, median = [], {}
    for name, (code, args) in commands.items():
        runs = [_child(code, args) for _ in range(repeats)]
        median[name] = statistics.median(s for s, _ in runs)
        peak = max(m for _, m in runs)
        phases.append(Phase(name, median[name], peak, repeats, "peak MiB: the child's RSS"))
    bare = median["bare interpreter (python -c pass)"]
    case = Case("CLI start-up", "fresh interpreter per run", phases=phases)
    for name, goal in (("energysim --help", 0.5), ("energysim validate --no-inputs", 1.0)):
        case.figures.append(
            Figure(name, median[name], "s", f"goal {goal:g} s", goal, "< 1", median[name] < goal)
        )
        case.figures.append(Figure(name, median[name], "s", "bare interpreter", bare))
    return [case]
