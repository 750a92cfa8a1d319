"""Solve a Pyomo model with HiGHS (Pyomo's highspy interface) and map every outcome onto our
own status vocabulary: optimal, infeasible, unbounded, time_limit, error."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

import pyomo.environ as pyo
from pyomo.contrib.solver.common.results import SolutionStatus, TerminationCondition
from pyomo.contrib.solver.solvers.highs import Highs

from energysim.scenario.schema import Solver
from energysim.solve import direct
from energysim.solve.options import normalise_all

if TYPE_CHECKING:
    from energysim.model.data import ModelData

# How the model reaches HiGHS: "direct" compiles it to arrays (solve/direct.py, faster);
# "pyomo" uses Pyomo's contrib Highs interface (kept for comparison and as a fallback).
INTERFACES = ("direct", "pyomo")

# A single model year is its own window: nothing to stitch.
MYOPIC_START_MIN_YEARS = 2


class Status(StrEnum):
    OPTIMAL = "optimal"
    INFEASIBLE = "infeasible"
    UNBOUNDED = "unbounded"
    TIME_LIMIT = "time_limit"
    ERROR = "error"


# Every Pyomo termination condition, mapped explicitly (a new one falls through to ERROR).
STATUS_OF = {
    TerminationCondition.convergenceCriteriaSatisfied: Status.OPTIMAL,
    TerminationCondition.provenInfeasible: Status.INFEASIBLE,
    TerminationCondition.locallyInfeasible: Status.INFEASIBLE,
    TerminationCondition.infeasibleOrUnbounded: Status.INFEASIBLE,
    TerminationCondition.unbounded: Status.UNBOUNDED,
    TerminationCondition.maxTimeLimit: Status.TIME_LIMIT,
    TerminationCondition.iterationLimit: Status.TIME_LIMIT,
    TerminationCondition.objectiveLimit: Status.ERROR,
    TerminationCondition.minStepLength: Status.ERROR,
    TerminationCondition.interrupted: Status.ERROR,
    TerminationCondition.licensingProblems: Status.ERROR,
    TerminationCondition.error: Status.ERROR,
    TerminationCondition.emptyModel: Status.ERROR,
    TerminationCondition.unknown: Status.ERROR,
}


_OPTIMAL_TERMINATIONS = {k for k, v in STATUS_OF.items() if v is Status.OPTIMAL}


@dataclass
class SolveResult:
    status: Status
    termination: str
    objective: float | None
    solve_seconds: float
    duals: dict = field(default_factory=dict)
    solver_version: str = ""
    options: dict = field(default_factory=dict)
    # wall seconds of hand_off (model to HiGHS), solver (HiGHS run) and load (values, duals)
    phases: dict = field(default_factory=dict)


def highs_options(settings: Solver, time_limit: float | None = None) -> dict:
    """HiGHS options recorded with every result: method, presolve, threads, passthrough, each
    normalised to the value HiGHS takes (booleans to "on"/"off" for its string switches);
    HighsOptionError names an option HiGHS refuses."""
    options: dict = {"solver": settings.method, "presolve": "on" if settings.presolve else "off"}
    if settings.threads:
        options["threads"] = settings.threads
    options.update(settings.options)
    limit = time_limit if time_limit is not None else settings.time_limit
    if limit is not None:
        options["time_limit"] = float(limit)
    return normalise_all(options)


def starts_myopic(settings: Solver, years: int) -> bool:
    """Whether simplex starts from the myopic windows' basis: `start: myopic`, or `choose` with
    method choose or simplex on MYOPIC_START_MIN_YEARS or more model years. HiGHS seconds
    (README, "Speed"): plan case, 9 years, 24 days x 8 segments: cold 17-27, windows 1.8 +
    simplex 4.6; 24 days x 24 h: cold (HiPO) 154, 16 + 33; hourly-2030: cold (HiPO) 150-164,
    130 (2030 window by HiPO) + 1.8."""
    if settings.start == "choose":
        return settings.method in ("choose", "simplex") and years >= MYOPIC_START_MIN_YEARS
    return settings.start == "myopic"


def solve(
    model: pyo.ConcreteModel,
    settings: Solver,
    *,
    time_limit: float | None = None,
    tee: bool = False,
    interface: str = "direct",
    data: ModelData | None = None,
) -> SolveResult:
    """Solve `model` in place; on optimal, primal values and duals are loaded. With the
    model's `data`, simplex may start from the myopic windows' basis (`settings.start`)."""
    if interface not in INTERFACES:
        raise ValueError(f"interface must be one of {INTERFACES}, got {interface!r}")
    options = highs_options(settings, time_limit)
    started = time.perf_counter()
    if interface == "direct":
        start = None
        if data is not None and starts_myopic(settings, len(data.years)):
            from energysim.solve.foresight import myopic_start

            def start(lp: direct.StandardFormLP, opts: dict) -> object:
                return myopic_start(model, data, lp, opts, tee)

        outcome = direct.solve_direct(model, options, tee=tee, start=start)
        termination, optimal, duals = outcome.termination, outcome.optimal_solution, outcome.duals
        version, phases = outcome.version, outcome.phases
        options = outcome.options or options
        if start is not None:
            options = {**options, "start": "myopic basis" if outcome.warm else "cold"}
    else:
        termination, optimal, duals, version, phases = _solve_contrib(model, options, tee)
    seconds = time.perf_counter() - started
    status = STATUS_OF.get(termination, Status.ERROR)
    if status is Status.OPTIMAL and not optimal:
        status = Status.ERROR
    if status is not Status.OPTIMAL:
        return SolveResult(
            status, termination.name, None, seconds, solver_version=version, options=options
        )
    return SolveResult(
        status,
        termination.name,
        float(pyo.value(model.total_cost)),
        seconds,
        duals=duals,
        solver_version=version,
        options=options,
        phases=phases,
    )


def _solve_contrib(model: pyo.ConcreteModel, options: dict, tee: bool) -> tuple:
    """Pyomo's contrib Highs interface; hand_off is its wall time outside the HiGHS run."""
    solver = Highs()
    started = time.perf_counter()
    results = solver.solve(
        model,
        tee=tee,
        load_solutions=False,
        raise_exception_on_nonoptimal_result=False,
        solver_options={k: v for k, v in options.items() if k != "time_limit"},
        time_limit=options.get("time_limit"),
    )
    solved = time.perf_counter()
    version = ".".join(map(str, solver.version() or ()))
    optimal = results.solution_status is SolutionStatus.optimal
    duals: dict = {}
    if optimal and results.termination_condition in _OPTIMAL_TERMINATIONS:
        results.solution_loader.load_vars()
        duals = results.solution_loader.get_duals()
    highs_seconds = float(results.timing_info.highs_time or 0.0)
    phases = {
        "hand_off": solved - started - highs_seconds,
        "solver": highs_seconds,
        "load": time.perf_counter() - solved,
    }
    return results.termination_condition, optimal, duals, version, phases
