"""The direct hand-off (standard form + passModel) gives what Pyomo's contrib Highs gives:
status, objective, primal values and duals by constraint, with the same signs."""

from __future__ import annotations

import pyomo.environ as pyo
import pytest

from energysim.scenario.schema import Solver
from energysim.solve.highs import INTERFACES, Status, solve


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
