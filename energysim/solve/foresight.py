"""Myopic (rolling-horizon) foresight: the model years solved window by window, earliest first.

The model is built once, for all years, and compiled once to arrays (solve/direct.py). Every
column (variable) belongs to the model year in its index; every row (constraint) belongs to the
latest year among its columns. For the windows W_1, W_2, ... of `window` consecutive model
years, in order:

    minimise   sum_{j in W_k} c_j x_j
    subject to row_lower_i <= sum_j A_ij x_j <= row_upper_i      for every row i of W_k
               x_j = x*_j                                       for every column j of W_<k
               col_lower_j <= x_j <= col_upper_j                for every column j of W_k

where x* are the values found in the earlier windows (new capacity, corridor expansion,
dispatch: the past is fixed) and c is the window's part of the perfect-foresight objective,
COST_SCALE * sum_{y in W_k} discount_factor[y] * sum_k annual_cost[k,y] (plus the stress
penalties of the window's columns): a build made in W_k is charged the annuities it pays in the
window's years, as PyPSA's myopic mode charges annualised capital costs per period, so the
planner weighs a year's cost of an asset against a year of its use and knows nothing of later
years. A constraint that spans years (a CO2 peak, a budget, a build rate) is enforced in the
window of its latest year, with the earlier years fixed. Future columns are absent from W_k.

Every row is enforced in exactly one window, so the stitched solution is feasible for the
perfect-foresight LP and its total cost is never below the perfect-foresight optimum; with one
window covering all years it is the perfect-foresight LP itself. A window that is infeasible
(the past left no way to meet a later target) ends the run with that status.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import highspy
import numpy as np
import pyomo.environ as pyo
from pyomo.common.errors import InfeasibleConstraintException
from pyomo.repn import generate_standard_repn

from energysim.model.data import COST_SCALE, ModelData
from energysim.solve import direct
from energysim.solve.highs import STATUS_OF, Solver, SolveResult, Status, highs_options


@dataclass
class WindowReport:
    """One window's LP and how it was solved."""

    years: tuple[int, ...]
    rows: int
    columns: int
    status: str
    seconds: float
    iterations: int = 0


@dataclass
class MyopicOutcome:
    result: SolveResult
    windows: list[WindowReport] = field(default_factory=list)


def windows_of(years: list[int], size: int) -> list[tuple[int, ...]]:
    """Consecutive windows of `size` model years (the last one may be shorter)."""
    return [tuple(years[i : i + size]) for i in range(0, len(years), size)]


def column_years(model: pyo.ConcreteModel, columns: list) -> np.ndarray:
    """The model year of each column, from the position of `model.years` in its index (or,
    for a variable over a set of tuples such as the stress mode's (target, year), the one
    model year in each index)."""
    position: dict[int, int | None] = {}
    model_years = set(model.years)
    years = np.empty(len(columns), dtype=np.int64)
    for j, var in enumerate(columns):
        parent = var.parent_component()
        key = id(parent)
        if key not in position:
            subsets = list(parent.index_set().subsets()) if parent.is_indexed() else []
            found = [i for i, s in enumerate(subsets) if s is model.years]
            position[key] = found[0] if found else None
        index = var.index()
        if position[key] is not None:
            years[j] = index[position[key]] if isinstance(index, tuple) else index
            continue
        found = [i for i in (index if isinstance(index, tuple) else (index,)) if i in model_years]
        if len(found) != 1:
            raise ValueError(f"variable {var.name} has no model-year index")
        years[j] = found[0]
    return years


def row_years(matrix: object, col_year: np.ndarray) -> np.ndarray:
    """The latest year among each row's columns (rows without columns: the earliest year)."""
    csr = matrix.tocsr()
    years = col_year[csr.indices]
    out = np.full(csr.shape[0], col_year.min() if len(col_year) else 0, dtype=np.int64)
    nonempty = np.diff(csr.indptr) > 0
    if years.size:
        out[nonempty] = np.maximum.reduceat(years, csr.indptr[:-1][nonempty])
    return out


def window_costs(
    model: pyo.ConcreteModel, d: ModelData, columns: list, col_year: np.ndarray
) -> dict[int, np.ndarray]:
    """Per model year y, the objective coefficients of COST_SCALE * discount_factor[y] *
    sum_k annual_cost[k,y], plus the stress penalty on the columns of year y."""
    where = {id(v): j for j, v in enumerate(columns)}
    out: dict[int, np.ndarray] = {}
    for y in d.years:
        expr = (
            COST_SCALE
            * d.discount_factor[y]
            * sum(model.annual_cost[k, y] for k in model.cost_components)
        )
        out[y] = _coefficients(expr, where, len(columns))
    penalty = getattr(model, "stress_penalty", None)
    if penalty is not None:
        extra = _coefficients(penalty.expr, where, len(columns))
        for y in d.years:
            out[y] = out[y] + np.where(col_year == y, extra, 0.0)
    return out


def _coefficients(expr: object, where: dict[int, int], n: int) -> np.ndarray:
    """The linear coefficients of `expr` on the compiled columns (others have none)."""
    repn = generate_standard_repn(expr, compute_values=True, quadratic=False)
    if repn.nonlinear_expr is not None:
        raise ValueError("the objective is not linear")
    cost = np.zeros(n)
    for var, coef in zip(repn.linear_vars, repn.linear_coefs, strict=True):
        j = where.get(id(var))
        if j is not None:  # a fixed variable is a constant, not a column
            cost[j] += coef
    return cost


@dataclass
class _Windows:
    """The windows solved in turn: stitched values, duals and basis, and how each went."""

    values: np.ndarray
    row_dual: np.ndarray
    col_status: np.ndarray  # HiGHS basis status of each column, from the window that owns it
    row_status: np.ndarray  # ... of each row, from the window that enforces it
    reports: list[WindowReport]
    solver_seconds: float
    failed: highspy.HighsModelStatus | None = None  # the last window's status, if not optimal
    every_basis: bool = True  # False once a window ends without a basis (IPM, no crossover)


def _solve_windows(
    model: pyo.ConcreteModel,
    d: ModelData,
    lp: direct.StandardFormLP,
    options: dict,
    window: int,
    started: float,
    tee: bool,
) -> _Windows:
    """The windows of `window` model years, earliest first (module docstring), until one is
    not solved to optimality."""
    col_year = column_years(model, lp.columns)
    row_year = row_years(lp.matrix, col_year)
    cost_of_year = window_costs(model, d, lp.columns, col_year)
    n_col, n_row = len(lp.cost), len(lp.row_lower)
    out = _Windows(
        np.zeros(n_col),
        np.zeros(n_row),
        np.zeros(n_col, np.int8),
        np.zeros(n_row, np.int8),
        [],
        0.0,
    )
    csc = lp.matrix.tocsc()
    for span in windows_of(sorted(set(col_year.tolist())), window):
        first, last = span[0], span[-1]
        rows = np.flatnonzero((row_year >= first) & (row_year <= last))
        sub = csc[rows, :]
        touched = np.flatnonzero(np.diff(sub.tocsc().indptr) > 0)
        own = np.flatnonzero((col_year >= first) & (col_year <= last))
        cols = np.union1d(touched, own)
        past = col_year[cols] < first
        part = direct.StandardFormLP(
            cost=np.where(past, 0.0, sum(cost_of_year[y] for y in span)[cols]),
            offset=0.0,
            matrix=sub[:, cols].tocsc(),
            row_lower=lp.row_lower[rows],
            row_upper=lp.row_upper[rows],
            col_lower=np.where(past, out.values[cols], lp.col_lower[cols]),
            col_upper=np.where(past, out.values[cols], lp.col_upper[cols]),
            rows=[],
            columns=[],
            sense=1,
        )
        window_options = dict(options)
        if "time_limit" in options:  # the limit is for the whole run, not for each window
            spent = time.perf_counter() - started
            window_options["time_limit"] = max(options["time_limit"] - spent, 1.0)
        window_options = direct.chosen_method(window_options, len(rows))
        highs = direct.highs_from_arrays(part, window_options, tee=tee)
        ran = time.perf_counter()
        highs.run()
        seconds = time.perf_counter() - ran
        out.solver_seconds += seconds
        status = highs.getModelStatus()
        info = highs.getInfo()
        out.reports.append(
            WindowReport(
                span,
                len(rows),
                len(cols),
                highs.modelStatusToString(status),
                seconds,
                int(info.simplex_iteration_count + info.ipm_iteration_count),
            )
        )
        if status != direct._MS.kOptimal:
            out.failed = status
            return out
        solution = highs.getSolution()
        out.values[cols] = np.where(past, out.values[cols], np.asarray(solution.col_value))
        out.row_dual[rows] = np.asarray(solution.row_dual)
        basis = highs.getBasis()
        out.every_basis = out.every_basis and basis.valid
        if basis.valid:
            status_of = np.fromiter((int(b) for b in basis.col_status), np.int8, len(cols))
            out.col_status[cols[~past]] = status_of[~past]
            out.row_status[rows] = np.fromiter((int(b) for b in basis.row_status), np.int8)
    return out


def solve_myopic(
    model: pyo.ConcreteModel,
    d: ModelData,
    settings: Solver,
    window: int,
    *,
    time_limit: float | None = None,
    tee: bool = False,
) -> MyopicOutcome:
    """Solve `model` with myopic foresight, `window` model years at a time; on success the
    values of every window are loaded into the model and the duals of each row are those of
    the window that enforced it."""
    options = highs_options(settings, time_limit)
    started = time.perf_counter()
    version = direct.highs_version()
    try:
        lp = direct.compile_lp(model)
    except InfeasibleConstraintException:
        failed = SolveResult(Status.INFEASIBLE, "provenInfeasible", None, 0.0, options=options)
        return MyopicOutcome(failed)
    compiled = time.perf_counter()
    solved = _solve_windows(model, d, lp, options, window, started, tee)
    if solved.failed is not None:
        termination = direct.TERMINATION.get(solved.failed)
        failed = SolveResult(
            STATUS_OF.get(termination, Status.ERROR),
            termination.name if termination else "unknown",
            None,
            time.perf_counter() - started,
            solver_version=version,
            options=options,
        )
        return MyopicOutcome(failed, solved.reports)
    loaded = time.perf_counter()
    duals = direct._load(model, lp, solved.values, solved.row_dual)
    finished = time.perf_counter()
    result = SolveResult(
        Status.OPTIMAL,
        "convergenceCriteriaSatisfied",
        float(pyo.value(model.total_cost)),
        finished - started,
        duals=duals,
        solver_version=version,
        options={**options, "foresight": f"myopic, window {window}"},
        phases={
            "hand_off": compiled - started,
            "solver": solved.solver_seconds,
            "load": finished - loaded,
        },
    )
    return MyopicOutcome(result, solved.reports)


def myopic_start(
    model: pyo.ConcreteModel, d: ModelData, lp: direct.StandardFormLP, options: dict, tee: bool
) -> highspy.HighsBasis | None:
    """A starting basis for the perfect-foresight LP `lp`: the optimal bases of its myopic
    windows of one model year, stitched (each column's status from the window of its year,
    each row's from the window that enforces it); None if a window is not solved or ends
    without a basis (an interior point method with crossover off).

    Each window's rows involve only its own year's columns and fixed past ones, so with rows
    and columns ordered by year the stitched basis matrix is block lower triangular, the
    windows' bases on its diagonal: non-singular, and primal feasible (the myopic solution
    is feasible for the whole LP). Where a fixed past column was basic in a later window
    (degenerate), the stitched basis lacks one column and HiGHS completes it with a slack.
    Simplex then needs a fraction of the iterations of a cold start: the dispatch of most
    slices stays as the windows left it, only the investment path moves."""
    solved = _solve_windows(model, d, lp, options, 1, time.perf_counter(), tee)
    if solved.failed is not None or not solved.every_basis:
        return None
    basis = highspy.HighsBasis()
    by_code = {int(k): k for k in highspy.HighsBasisStatus.__members__.values()}
    basis.col_status = [by_code[c] for c in solved.col_status.tolist()]
    basis.row_status = [by_code[c] for c in solved.row_status.tolist()]
    basis.valid = True
    return basis
