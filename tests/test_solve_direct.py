"""The direct hand-off (standard form + passModel) gives what Pyomo's contrib Highs gives:
status, objective, primal values and duals by constraint, with the same signs."""

from __future__ import annotations

from unittest.mock import patch

import numpy as np
import pyomo.environ as pyo
import pytest
from pyomo.core.expr.numeric_expr import LinearExpression, MonomialTermExpression
from pyomo.core.expr.relational_expr import EqualityExpression, InequalityExpression
from pyomo.repn.linear import LinearRepnVisitor

from energysim.inputs import scenario_inputs
from energysim.model.build import build_model
from energysim.scenario import load_scenario
from energysim.scenario.schema import Solver
from energysim.solve import direct
from energysim.solve.direct import StandardFormLP, compile_lp
from energysim.solve.highs import INTERFACES, Status, solve
from tests.helpers import ROOT


def small_lp(sense=pyo.minimize) -> pyo.ConcreteModel:
    """Unique optimum x = 1.75, y = 2.25; duals 2.5 (cover) and -0.5 (link) when minimising.

    Covers each row kind: >=, == with a fixed variable moved to the right-hand side, a ranged
    row, <=, a row of constants only, and a variable that appears in no row or cost."""
    m = pyo.ConcreteModel()
    m.x = pyo.Var(domain=pyo.NonNegativeReals)
    m.y = pyo.Var(domain=pyo.NonNegativeReals)
    m.w = pyo.Var(initialize=1.5)
    m.w.fix()
    m.unused = pyo.Var(bounds=(-1.0, 4.0))
    m.cover = pyo.Constraint(expr=m.x + m.y >= 4)
    m.link = pyo.Constraint(expr=m.x - m.y + m.w == 1)
    m.ranged = pyo.Constraint(expr=pyo.inequality(0, m.x + 2 * m.y, 10))
    m.cap = pyo.Constraint(expr=m.x <= 3)
    m.constant = pyo.Constraint(expr=m.w <= 2)
    cost = 2 * m.x + 3 * m.y + m.w
    m.total_cost = pyo.Objective(expr=cost if sense == pyo.minimize else -cost, sense=sense)
    return m


@pytest.mark.parametrize("sense", [pyo.minimize, pyo.maximize])
def test_direct_matches_contrib(sense) -> None:
    results = {}
    for interface in INTERFACES:
        m = small_lp(sense)
        result = solve(m, Solver(), interface=interface)
        assert result.status is Status.OPTIMAL
        assert set(result.phases) == {"hand_off", "solver", "load"}
        duals = {c.local_name: result.duals[c] for c in result.duals}
        results[interface] = (result.objective, m.x.value, m.y.value, duals, m.unused.value)
    direct, contrib = results["direct"], results["pyomo"]
    sign = 1 if sense == pyo.minimize else -1
    assert direct[0] == pytest.approx(sign * 11.75)
    assert direct[:3] == pytest.approx(contrib[:3])
    assert direct[3]["cover"] == pytest.approx(sign * 2.5)
    assert direct[3]["link"] == pytest.approx(sign * -0.5)
    for name in ("cover", "link", "ranged", "cap"):
        assert direct[3][name] == pytest.approx(contrib[3][name], abs=1e-9), name
    assert direct[3]["constant"] == 0.0
    assert direct[4] == 0.0  # nearest zero within its bounds


@pytest.mark.parametrize("interface", INTERFACES)
def test_infeasible_and_unbounded_map_to_our_statuses(interface) -> None:
    infeasible = small_lp()
    infeasible.impossible = pyo.Constraint(expr=infeasible.x >= 5)  # with x <= 3
    assert solve(infeasible, Solver(), interface=interface).status is Status.INFEASIBLE

    constant = small_lp()
    constant.w.fix(3.0)  # the constant row w <= 2 now fails before any solve
    constant.link.deactivate()
    assert solve(constant, Solver(), interface=interface).status is Status.INFEASIBLE


def test_unbounded_reads_the_same_through_both_interfaces() -> None:
    statuses = set()
    for interface in INTERFACES:
        unbounded = pyo.ConcreteModel()
        unbounded.x = pyo.Var()
        unbounded.ceiling = pyo.Constraint(expr=unbounded.x <= 1)
        unbounded.total_cost = pyo.Objective(expr=unbounded.x)
        result = solve(unbounded, Solver(presolve=False), interface=interface)
        assert result.objective is None
        statuses.add(result.status)
    assert statuses == {Status.UNBOUNDED}


def test_unknown_interface_is_refused() -> None:
    with pytest.raises(ValueError, match="interface"):
        solve(small_lp(), Solver(), interface="gurobi")


def _plain_standard_form(model: pyo.ConcreteModel) -> StandardFormLP:
    """compile_lp as it was: Pyomo's standard-form compiler with its own linear visitor."""
    with patch.object(direct._Compiler, "_get_visitor", LinearRepnVisitor):
        return compile_lp(model)


def _assert_same_lp(a: StandardFormLP, b: StandardFormLP) -> None:
    assert [r.name for r in a.rows] == [r.name for r in b.rows]
    assert [v.name for v in a.columns] == [v.name for v in b.columns]
    for field in ("cost", "row_lower", "row_upper", "col_lower", "col_upper"):
        np.testing.assert_array_equal(getattr(a, field), getattr(b, field), err_msg=field)
    assert a.offset == b.offset
    for field in ("indptr", "indices", "data"):
        np.testing.assert_array_equal(getattr(a.matrix, field), getattr(b.matrix, field))


def test_linear_shortcut_compiles_the_same_lp_as_pyomo() -> None:
    """compile_lp reads LinearExpression rows directly; the arrays are those of Pyomo's own
    visitor, bit for bit, also with fixed variables (first seen fixed: a constant; seen after
    their component: moved to the right-hand side), repeated variables, a zero coefficient and
    Param coefficients (which take the visitor's walk)."""
    m = pyo.ConcreteModel()
    m.i = pyo.Set(initialize=range(4), ordered=True)
    m.x = pyo.Var(m.i, domain=pyo.NonNegativeReals)
    m.z = pyo.Var(m.i, bounds=(-2.0, 5.0))
    m.w = pyo.Var(initialize=3.0)  # in no objective: its component is first seen fixed
    m.w.fix()
    m.p = pyo.Param(initialize=0.7, mutable=True)
    m.z[0].fix(1.25)
    m.x[3].fix(0.5)
    rows = {
        0: EqualityExpression((LinearExpression([m.z[0], m.x[0], 0.3]), 2.0)),
        1: InequalityExpression((LinearExpression([m.x[1], m.x[1], m.z[1], m.w]), 7.1), False),
        2: InequalityExpression(
            (1.0, LinearExpression([m.x[2], MonomialTermExpression((0.0, m.z[2]))])), False
        ),
        3: InequalityExpression(
            (LinearExpression([m.x[3], MonomialTermExpression((m.p, m.z[3]))]), 4.0), False
        ),
    }
    m.rows = pyo.Constraint(m.i, rule=lambda m, i: rows[i])
    m.obj = pyo.Objective(expr=sum(m.x.values()) + 2 * m.z[1])
    _assert_same_lp(compile_lp(m), _plain_standard_form(m))


@pytest.mark.parametrize("sampled", [False, True])
def test_compile_lp_of_the_snapshot_model_equals_pyomos(sampled: bool) -> None:
    scenario = load_scenario(ROOT / "tests" / "fixtures" / "snapshot.yaml")
    model, _ = build_model(scenario, scenario_inputs(scenario), sample_multipliers=sampled)
    _assert_same_lp(compile_lp(model), _plain_standard_form(model))


def test_folded_power_balance_is_the_lp_of_the_expression_form() -> None:
    """Consumption written out as row terms (rows.linear_form) gives the LP that subtracting
    the named expression gives, bit for bit (an unpinned base year, so every year's
    consumption is folded)."""
    overrides = ["time.resolution=seasonal_hours", "model.pin_base_year=false"]
    scenario = load_scenario(ROOT / "scenarios" / "shanxi-14fyp.yaml", overrides)
    inputs = scenario_inputs(scenario)
    folded = compile_lp(build_model(scenario, inputs)[0])
    with patch("energysim.model.dispatch.linear_form", return_value=None):
        walked = compile_lp(build_model(scenario, inputs)[0])
    for name in ("cost", "row_lower", "row_upper", "col_lower", "col_upper"):
        assert np.array_equal(getattr(folded, name), getattr(walked, name)), name
    for name in ("indptr", "indices", "data"):
        assert np.array_equal(getattr(folded.matrix, name), getattr(walked.matrix, name)), name
    row = next(r for r in folded.rows if r.parent_component().name == "power_balance")
    assert row.body.__class__ is LinearExpression  # folded: no named expression left to walk
