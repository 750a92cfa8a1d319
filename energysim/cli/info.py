"""`energysim info`: versions of the package and its solver stack, and whether HiGHS works."""

from __future__ import annotations

import platform

import typer

import energysim


def info() -> None:
    """Print versions of energysim, Python, Pyomo and highspy, and whether HiGHS is usable."""
    import pyomo.version

    try:
        from importlib.metadata import version

        highs_version = version("highspy")
        usable = _highs_solves_a_tiny_lp()
    except Exception as err:  # report, don't crash: this is a diagnostic command
        highs_version, usable = f"not importable ({err})", False
    typer.echo(f"energysim  {energysim.__version__}")
    typer.echo(f"python     {platform.python_version()}")
    typer.echo(f"pyomo      {pyomo.version.version}")
    typer.echo(f"highs      {highs_version}")
    typer.echo(f"highs usable: {'yes' if usable else 'no'}")


def _highs_solves_a_tiny_lp() -> bool:
    """min x s.t. x >= 1 through Pyomo's HiGHS interface."""
    import pyomo.environ as pyo
    from pyomo.contrib.solver.solvers.highs import Highs

    m = pyo.ConcreteModel()
    m.x = pyo.Var(bounds=(1, None))
    m.obj = pyo.Objective(expr=m.x)
    solver = Highs()
    if not solver.available():
        return False
    result = solver.solve(m, load_solutions=True)
    return abs(pyo.value(m.x) - 1) < 1e-9 and result is not None
