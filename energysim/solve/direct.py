"""Hand a Pyomo LP to HiGHS as arrays: Pyomo's standard-form compiler, then `Highs.passModel`.

Pyomo's contrib Highs interface walks every constraint expression with `generate_standard_repn`
and keeps per-row bookkeeping for persistent updates; for a one-shot solve that walk costs more
than the model build itself. The standard-form compiler walks each expression once with the
faster linear visitor and returns CSC arrays, which HiGHS takes in one call.

Row orientation follows Pyomo's mixed form: each row's coefficients are the constraint body's
(never negated), so HiGHS's row duals have the same sign as those of the contrib interface.
A ranged constraint becomes two rows (upper, lower); its dual is their sum (at most one is
non-zero). Fixed variables become constants of the rows; variables the compiler drops (they
appear nowhere with a non-zero coefficient) get the value nearest zero within their bounds,
which is optimal for them since nothing depends on them.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import highspy
import numpy as np
import pyomo.environ as pyo
from pyomo.common.errors import InfeasibleConstraintException
from pyomo.common.numeric_types import native_numeric_types
from pyomo.contrib.solver.common.results import TerminationCondition
from pyomo.core.expr.numeric_expr import LinearExpression, MonomialTermExpression
from pyomo.core.staleflag import StaleFlagManager
from pyomo.repn.linear import LinearRepnVisitor
from pyomo.repn.plugins.standard_form import (
    LinearStandardFormCompiler,
    _LinearStandardFormCompiler_impl,
)

from energysim.gcpause import paused_gc
from energysim.solve.options import apply as apply_options
from energysim.solve.options import hipo_available

INF = highspy.kHighsInf
_MS = highspy.HighsModelStatus

# HiGHS model status -> Pyomo's termination vocabulary, as the contrib interface maps it, so
# SolveResult.termination reads the same whichever way the model was handed over.
TERMINATION = {
    _MS.kNotset: TerminationCondition.unknown,
    _MS.kLoadError: TerminationCondition.error,
    _MS.kModelError: TerminationCondition.error,
    _MS.kPresolveError: TerminationCondition.error,
    _MS.kSolveError: TerminationCondition.error,
    _MS.kPostsolveError: TerminationCondition.error,
    _MS.kModelEmpty: TerminationCondition.unknown,
    _MS.kOptimal: TerminationCondition.convergenceCriteriaSatisfied,
    _MS.kInfeasible: TerminationCondition.provenInfeasible,
    _MS.kUnboundedOrInfeasible: TerminationCondition.infeasibleOrUnbounded,
    _MS.kUnbounded: TerminationCondition.unbounded,
    _MS.kObjectiveBound: TerminationCondition.objectiveLimit,
    _MS.kObjectiveTarget: TerminationCondition.objectiveLimit,
    _MS.kTimeLimit: TerminationCondition.maxTimeLimit,
    _MS.kIterationLimit: TerminationCondition.iterationLimit,
    _MS.kUnknown: TerminationCondition.unknown,
}


@dataclass
class StandardFormLP:
    """An LP as arrays: min c x + offset  s.t.  row_lower <= A x <= row_upper, col bounds."""

    cost: np.ndarray
    offset: float
    matrix: object  # scipy.sparse.csc_array, rows x columns
    row_lower: np.ndarray
    row_upper: np.ndarray
    col_lower: np.ndarray
    col_upper: np.ndarray
    rows: list  # Pyomo ConstraintData of each row
    columns: list  # Pyomo VarData of each column
    sense: int  # 1 minimise, -1 maximise (HiGHS is always given a minimisation)


def compile_lp(model: pyo.ConcreteModel) -> StandardFormLP:
    """The model's single active linear objective and its active constraints, as arrays.

    Raises InfeasibleConstraintException when a constraint without variables cannot hold."""
    objective = next(model.component_data_objects(pyo.Objective, active=True))
    config = LinearStandardFormCompiler().config({"mixed_form": True})
    # The garbage collector stays paused until the arrays are made, not only for the walk (as
    # in LinearStandardFormCompiler.write): a collection triggered by the per-column and per-row
    # lists below would traverse the whole model (1.6 s of the hourly hand-off).
    with paused_gc():
        info = _Compiler(config).write(model)
        kind = np.fromiter((r.bound_type for r in info.rows), dtype=np.int8, count=len(info.rows))
        rhs = np.asarray(info.rhs, dtype=float)
        columns = info.columns
        bounds = [v.bounds for v in columns]  # one property call per column instead of two
        return StandardFormLP(
            cost=np.asarray(info.c.toarray()[0], dtype=float),
            offset=float(info.c_offset[0]),
            matrix=info.A,
            row_lower=np.where(kind <= 0, rhs, -INF),
            row_upper=np.where(kind >= 0, rhs, INF),
            col_lower=np.fromiter((-INF if lb is None else lb for lb, _ in bounds), float),
            col_upper=np.fromiter((INF if ub is None else ub for _, ub in bounds), float),
            rows=[r.constraint for r in info.rows],
            columns=columns,
            sense=1 if objective.sense == pyo.minimize else -1,
        )


class _LinearVisitor(LinearRepnVisitor):
    """Pyomo's linear visitor with a shortcut for a body that is one `LinearExpression` of
    numeric coefficients (how energysim builds its slice-indexed rows, `model.rows`): the
    representation is read off the expression's terms directly, with the same steps and
    arithmetic as the visitor's own handling of such a node (`_before_linear`, then
    `finalizeResult`): first appearance of a component records all its columns, a fixed
    variable not yet recorded becomes a constant, repeated variables add up, zero coefficients
    are dropped. Any other body (and any term that is not a number times a variable) takes
    the visitor's walk."""

    def walk_expression(self, expr):
        if expr.__class__ is not LinearExpression:
            return super().walk_expression(expr)
        ans = self.Result()
        linear = ans.linear
        var_map = self.var_map
        const = 0
        for arg in expr._args_:
            if arg.__class__ is MonomialTermExpression:
                coef, var = arg._args_
                if coef.__class__ not in native_numeric_types:
                    return super().walk_expression(expr)
            elif arg.__class__ in native_numeric_types:
                const += arg
                continue
            elif arg.is_expression_type() or not arg.is_variable_type():
                return super().walk_expression(expr)
            else:
                coef, var = 1, arg
            _id = id(var)
            if _id not in var_map:
                if var.fixed:  # as record_monomial: a constant until its component is seen
                    return super().walk_expression(expr)
                self.var_recorder.add(var)
            if _id in linear:
                linear[_id] += coef
            elif coef:
                linear[_id] = coef
        ans.constant += const
        if linear and 0 in linear.values():
            for _id in [k for k, c in linear.items() if not c]:
                del linear[_id]
        return ans


class _Compiler(_LinearStandardFormCompiler_impl):
    _get_visitor = _LinearVisitor


def highs_from_arrays(lp: StandardFormLP, options: dict, *, tee: bool = False) -> highspy.Highs:
    """A HiGHS instance holding `lp` (one passModel call) with `options` set, each one checked
    (HighsOptionError when HiGHS refuses it)."""
    highs = highspy.Highs()
    apply_options(highs, {"output_flag": bool(tee)})
    model = highspy.HighsLp()
    model.num_col_ = len(lp.cost)
    model.num_row_ = len(lp.row_lower)
    model.col_cost_ = lp.cost
    model.offset_ = lp.offset
    model.col_lower_ = lp.col_lower
    model.col_upper_ = lp.col_upper
    model.row_lower_ = lp.row_lower
    model.row_upper_ = lp.row_upper
    model.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    model.a_matrix_.start_ = lp.matrix.indptr
    model.a_matrix_.index_ = lp.matrix.indices
    model.a_matrix_.value_ = lp.matrix.data
    highs.passModel(model)
    apply_options(highs, options)
    return highs


@dataclass
class DirectOutcome:
    termination: TerminationCondition
    optimal_solution: bool
    duals: dict
    version: str
    phases: dict
    options: dict | None = None  # as handed to HiGHS (`solver: choose` resolved)
    warm: bool = False  # simplex ran from a starting basis


# `solver.method: choose`, by measured evidence (README, "Speed"; HiGHS 1.15, 2-core machine,
# seconds of HiGHS alone). Plan case, 9 years: 52 k rows (24 days x 8 segments) dual simplex
# 22-23, HiPO 20, IPX 18-19; 77 k rows (12 days x 24 h) dual simplex 82, HiPO 67; 154 k rows
# (24 days x 24 h) dual simplex 297, HiPO 154. Hourly investment year, 515 k rows: HiPO 150,
# IPX 912, dual simplex no answer in 600. Below HIPO_MIN_ROWS dual simplex stays: no slower,
# and a vertex without crossover. IPX (when HiPO is not installed) only pays on the hourly LP.
HIPO_MIN_ROWS = 70_000
IPX_MIN_ROWS = 300_000


def chosen_method(options: dict, rows: int) -> dict:
    """`options` with solver "choose" resolved by the LP's size: HiPO from HIPO_MIN_ROWS rows
    where this HiGHS has it, else IPX from IPX_MIN_ROWS rows (both with crossover unless set),
    dual simplex below."""
    if options.get("solver") != "choose":
        return options
    if hipo_available():
        method = "hipo" if rows >= HIPO_MIN_ROWS else "simplex"
    else:
        method = "ipx" if rows >= IPX_MIN_ROWS else "simplex"
    return {**options, "solver": method}


# A starting basis for an LP, or None where it has none to offer (solve/foresight.py).
Start = Callable[[StandardFormLP, dict], highspy.HighsBasis | None]


def solve_direct(
    model: pyo.ConcreteModel, options: dict, *, tee: bool = False, start: Start | None = None
) -> DirectOutcome:
    """Compile, pass to HiGHS, run; on an optimal solution load primal values into the model's
    variables and return the duals by constraint. With `start`, simplex runs from the basis it
    gives (HiGHS then skips presolve); its seconds are the phase "start" and come off the time
    limit."""
    started = time.perf_counter()
    try:
        lp = compile_lp(model)
    except InfeasibleConstraintException:
        return DirectOutcome(TerminationCondition.provenInfeasible, False, {}, highs_version(), {})
    compiled = time.perf_counter()
    basis = start(lp, options) if start is not None else None
    starting = time.perf_counter() - compiled
    if basis is not None:
        options = {**options, "solver": "simplex"}
    options = chosen_method(options, len(lp.row_lower))
    highs = highs_from_arrays(lp, options, tee=tee)
    if start is not None and "time_limit" in options:  # the limit is for the whole solve
        apply_options(highs, {"time_limit": max(options["time_limit"] - starting, 1.0)})
    if basis is not None and highs.setBasis(basis) != highspy.HighsStatus.kOk:
        basis = None  # HiGHS refused it: a cold start, as without one
    handed = time.perf_counter()
    highs.run()
    ran = time.perf_counter()
    status = highs.getModelStatus()
    termination = TERMINATION.get(status, TerminationCondition.unknown)
    optimal = status == _MS.kOptimal
    duals: dict = {}
    if optimal:
        solution = highs.getSolution()
        with paused_gc():  # as compile_lp: per-column and per-row Python objects
            duals = _load(model, lp, np.asarray(solution.col_value), np.asarray(solution.row_dual))
    loaded = time.perf_counter()
    phases = {"hand_off": handed - started - starting, "solver": ran - handed, "load": loaded - ran}
    if start is not None:
        phases["start"] = starting
    warm = basis is not None
    return DirectOutcome(termination, optimal, duals, highs_version(), phases, options, warm)


def _load(model: pyo.ConcreteModel, lp: StandardFormLP, values: np.ndarray, row_dual: np.ndarray):
    for var, value in zip(lp.columns, values.tolist(), strict=True):
        var.set_value(value, skip_validation=True)
    loaded = {id(v) for v in lp.columns}
    for var in model.component_data_objects(pyo.Var, active=True):
        if not var.fixed and id(var) not in loaded:
            lower = -INF if var.lb is None else var.lb
            upper = INF if var.ub is None else var.ub
            var.set_value(min(max(0.0, lower), upper), skip_validation=True)
    StaleFlagManager.mark_all_as_stale(delayed=True)
    duals: dict = {}
    for con, dual in zip(lp.rows, (row_dual * lp.sense).tolist(), strict=True):
        duals[con] = duals.get(con, 0.0) + dual
    for con in model.component_data_objects(pyo.Constraint, active=True):
        duals.setdefault(con, 0.0)  # a constant row HiGHS never saw binds nothing
    return duals


def highs_version() -> str:
    highs = highspy.Highs()
    return f"{highs.versionMajor()}.{highs.versionMinor()}.{highs.versionPatch()}"
