"""The optimisation model, phase by phase, against a direct highspy build of the same LP.

Phases: scenario and input loading; Pyomo model build; hand-off to HiGHS by Pyomo's contrib
Highs interface (`set_instance`, the old path) for comparison; `energysim.solve.highs.solve`
(the default direct path: standard-form compiler + passModel, HiGHS run, loading values and
duals), with its parts; result extraction; NetCDF write.

Baseline, measured on the same LP in the same run: its arrays (costs, bounds, CSR matrix) are
taken once from the Pyomo model by the standard-form compiler, outside any timing; the baseline
is then building a `highspy.Highs` model from those NumPy arrays (`addCols` + `addRows`) and
solving it with the same options. It contains no modelling work at all (no reading of inputs,
no computing of coefficients), so "build + hand-off / baseline build" is the whole cost of
writing the model in Pyomo instead of filling arrays by hand, which is the ratio the goal bounds.
The check: both solves give the same objective (relative 1e-6).
"""

from __future__ import annotations

import gc
from dataclasses import dataclass
from pathlib import Path

import highspy
import numpy as np
from pyomo.contrib.solver.solvers.highs import Highs as ContribHighs

from benchmarks.runner import Case, Context, Figure, Timings, benchmark
from energysim.inputs import scenario_inputs
from energysim.model.build import build_model
from energysim.results.extract import to_dataset
from energysim.results.netcdf import write_netcdf
from energysim.scenario import load_scenario
from energysim.solve.direct import StandardFormLP, compile_lp, highs_from_arrays
from energysim.solve.highs import Status, highs_options, solve

ROOT = Path(__file__).resolve().parent.parent
OBJECTIVE_RTOL = 1e-6


@dataclass(frozen=True)
class LPCase:
    name: str
    scenario: str
    overrides: tuple[str, ...]
    size: str
    repeats: int = 1
    contrib: bool = True  # also measure Pyomo's contrib Highs hand-off (slow, memory-hungry)
    solve: bool = True
    end_to_end_goal: float | None = None  # seconds
    solve_goal: float | None = None  # seconds of HiGHS run


QUICK = (
    LPCase("seasonal, 2 years", "scenarios/base.yaml", ("years=[2020,2025]",), "2 y x 96 slices"),
)
FULL = (
    LPCase(
        "plan case",
        "scenarios/shanxi-14fyp.yaml",
        # 40 % calorific: soft; seasonal hours, the case's size since the first run
        ("targets.cbm_output_min.2025=20", "stress.enabled=true", "time.resolution=seasonal_hours"),
        "9 y x 96 slices",
        repeats=3,
        end_to_end_goal=10.0,
    ),
    LPCase(
        "hourly, 1 year (dispatch)",  # the pinned base year: the fleet is fixed, dispatch free
        "scenarios/base.yaml",
        ("years=[2020]", "time.resolution=hourly"),
        "1 y x 8760 h, fleet pinned",
        solve_goal=60.0,
    ),
    LPCase(
        "hourly, 4 years",
        "scenarios/base.yaml",
        ("years=[2020,2025,2030,2035]", "time.resolution=hourly"),
        "4 y x 8760 h",
        contrib=False,
        solve=False,
    ),
)


@benchmark("lp")
def lp_benchmarks(context: Context) -> list[Case]:
    return [measure_case(case, context) for case in (QUICK if context.quick else FULL)]


def measure_case(case: LPCase, context: Context) -> Case:
    timings = Timings()
    for _ in range(case.repeats):
        outcome = _pipeline(case, context, timings)
        gc.collect()
    result = Case(case.name, case.size, phases=timings.phases())
    _figures(case, result, outcome)
    return result


def _pipeline(case: LPCase, context: Context, t: Timings) -> dict:
    """One pass through every phase; returns what the figures and checks need."""
    with t.phase("load scenario + inputs"):
        scenario = load_scenario(ROOT / case.scenario, list(case.overrides))
        inputs = scenario_inputs(scenario)
    with t.phase("build (Pyomo)"):
        model, data = build_model(scenario, inputs)
    if case.contrib:
        with t.phase("hand-off, Pyomo contrib Highs (old path)"):
            contrib = ContribHighs()
            contrib.set_instance(model)
        del contrib
        gc.collect()
    options = highs_options(scenario.solver)
    outcome: dict = {"options": options}
    if case.solve:
        with t.phase("solve() direct: hand-off + HiGHS + load"):
            solved = solve(model, scenario.solver)
        if solved.status is not Status.OPTIMAL:
            raise RuntimeError(f"{case.name}: {solved.status} ({solved.termination})")
        for part, label in (
            ("hand_off", "hand-off, standard form + passModel"),
            ("solver", "HiGHS run"),
            ("load", "load values and duals"),
        ):
            t.add(label, solved.phases[part])
            t.notes[label] = "part of solve()"
        outcome["objective"] = solved.objective
        with t.phase("extract results"):
            ds = to_dataset(model, data, solved)
        with t.phase("write NetCDF"):
            write_netcdf(ds, context.workdir / f"{case.name.replace(' ', '_')}.nc")
        del ds
    else:
        with t.phase("hand-off, standard form + passModel"):
            highs_from_arrays(compile_lp(model), options)
    lp = compile_lp(model)  # the baseline's arrays, taken outside any timing
    outcome["shape"] = (len(lp.row_lower), len(lp.cost), lp.matrix.nnz)
    arrays = _csr_arrays(lp)
    del model, data
    gc.collect()
    with t.phase("baseline: highspy build from CSR arrays"):
        highs = build_highs(arrays, options)
    if case.solve:
        with t.phase("baseline: HiGHS run"):
            highs.run()
        if highs.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            raise RuntimeError(f"{case.name}: baseline {highs.getModelStatus()}")
        outcome["baseline_objective"] = float(highs.getInfo().objective_function_value)
    return outcome


def _csr_arrays(lp: StandardFormLP) -> dict:
    csr = lp.matrix.tocsr()
    return {
        "cost": lp.cost,
        "offset": lp.offset,
        "col_lower": lp.col_lower,
        "col_upper": lp.col_upper,
        "row_lower": lp.row_lower,
        "row_upper": lp.row_upper,
        "starts": csr.indptr[:-1].astype(np.int32),
        "index": csr.indices.astype(np.int32),
        "value": csr.data.astype(float),
    }


def build_highs(arrays: dict, options: dict) -> highspy.Highs:
    """The baseline: a HiGHS model filled straight from NumPy arrays, row-wise."""
    highs = highspy.Highs()
    highs.setOptionValue("output_flag", False)
    n = len(arrays["cost"])
    empty = np.empty(0, dtype=np.int32)
    highs.addCols(
        n, arrays["cost"], arrays["col_lower"], arrays["col_upper"], 0, empty, empty, empty
    )
    highs.addRows(
        len(arrays["row_lower"]),
        arrays["row_lower"],
        arrays["row_upper"],
        len(arrays["value"]),
        arrays["starts"],
        arrays["index"],
        arrays["value"],
    )
    highs.changeObjectiveOffset(arrays["offset"])
    for key, value in options.items():
        highs.setOptionValue(key, value)
    return highs


def _figures(case: LPCase, result: Case, outcome: dict) -> None:
    rows, cols, nnz = outcome["shape"]
    result.size += f"; LP {rows:,} rows x {cols:,} cols, {nnz:,} nnz"
    seconds = result.seconds
    baseline = seconds("baseline: highspy build from CSR arrays")
    direct_hand_off = seconds("hand-off, standard form + passModel")
    build = seconds("build (Pyomo)")
    ratio_goal = 10.0
    value = build + direct_hand_off
    result.figures.append(
        Figure(
            "build + hand-off (direct)",
            value,
            "s",
            "highspy build",
            baseline,
            f"<= {ratio_goal:g}x",
            value / baseline <= ratio_goal,
        )
    )
    if case.contrib:
        contrib = seconds("hand-off, Pyomo contrib Highs (old path)")
        result.figures.append(
            Figure("build + hand-off (contrib)", build + contrib, "s", "highspy build", baseline)
        )
        result.figures.append(
            Figure("hand-off: direct / contrib", direct_hand_off, "s", "contrib hand-off", contrib)
        )
    if not case.solve:
        return
    result.figures.append(
        Figure(
            "HiGHS run of the Pyomo LP",
            seconds("HiGHS run"),
            "s",
            "same LP from arrays",
            seconds("baseline: HiGHS run"),
            goal=f"solve < {case.solve_goal:g} s" if case.solve_goal else "",
            met=seconds("HiGHS run") < case.solve_goal if case.solve_goal else None,
        )
    )
    if case.end_to_end_goal:
        end_to_end = sum(
            seconds(p)
            for p in (
                "load scenario + inputs",
                "build (Pyomo)",
                "solve() direct: hand-off + HiGHS + load",
                "extract results",
                "write NetCDF",
            )
        )
        result.figures.append(
            Figure(
                "end to end (run)",
                end_to_end,
                "s",
                "goal",
                case.end_to_end_goal,
                f"< {case.end_to_end_goal:g} s",
                end_to_end < case.end_to_end_goal,
            )
        )
    a, b = outcome["objective"], outcome["baseline_objective"]
    difference = abs(a - b) / max(abs(a), abs(b), 1.0)
    result.checks["objective equal"] = {
        "ok": bool(difference <= OBJECTIVE_RTOL),
        "pyomo": a,
        "highspy": b,
        "relative_difference": difference,
    }
