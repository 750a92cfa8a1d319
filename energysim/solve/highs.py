"""Solve a Pyomo model with HiGHS (Pyomo's highspy interface) and map every outcome onto our
own status vocabulary: optimal, infeasible, unbounded, time_limit, error."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from enum import StrEnum

import pyomo.environ as pyo
from pyomo.contrib.solver.common.results import SolutionStatus, TerminationCondition
from pyomo.contrib.solver.solvers.highs import Highs

from energysim.scenario.schema import Solver


class Status(StrEnum):
    OPTIMAL = "optimal"
    INFEASIBLE = "infeasible"
    UNBOUNDED = "unbounded"
    TIME_LIMIT = "time_limit"
    ERROR = "error"


# Every Pyomo termination condition, mapped explicitly (a new one falls through to ERROR).
_STATUS = {
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


@dataclass
class SolveResult:
    status: Status
    termination: str
    objective: float | None
    solve_seconds: float
    duals: dict = field(default_factory=dict)
    solver_version: str = ""
    options: dict = field(default_factory=dict)


def highs_options(settings: Solver, time_limit: float | None = None) -> dict:
    """HiGHS options recorded with every result: method, presolve, threads, passthrough."""
    options: dict = {"solver": settings.method, "presolve": "on" if settings.presolve else "off"}
    if settings.threads:
        options["threads"] = settings.threads
    options.update(settings.options)
    limit = time_limit if time_limit is not None else settings.time_limit
    if limit is not None:
        options["time_limit"] = float(limit)
    return options


def solve(
    model: pyo.ConcreteModel,
    settings: Solver,
    *,
    time_limit: float | None = None,
    tee: bool = False,
) -> SolveResult:
    """Solve `model` in place; on optimal, primal values and duals are loaded."""
    solver = Highs()
    options = highs_options(settings, time_limit)
    started = time.perf_counter()
    results = solver.solve(
        model,
        tee=tee,
        load_solutions=False,
        raise_exception_on_nonoptimal_result=False,
        solver_options={k: v for k, v in options.items() if k != "time_limit"},
        time_limit=options.get("time_limit"),
    )
    seconds = time.perf_counter() - started
    status = _STATUS.get(results.termination_condition, Status.ERROR)
    if status is Status.OPTIMAL and results.solution_status is not SolutionStatus.optimal:
        status = Status.ERROR
    version = ".".join(map(str, solver.version() or ()))
    if status is not Status.OPTIMAL:
        return SolveResult(
            status,
            str(results.termination_condition.name),
            None,
            seconds,
            solver_version=version,
            options=options,
        )
    results.solution_loader.load_vars()
    duals = results.solution_loader.get_duals()
    return SolveResult(
        status,
        results.termination_condition.name,
        float(pyo.value(model.total_cost)),
        seconds,
        duals=duals,
        solver_version=version,
        options=options,
    )
