"""Building the rows of slice-indexed constraint families quickly, as the same expressions.

Each family collects its rows in a dict (index -> relational expression) and constructs its
Constraint from it, popping each row as Pyomo asks for it (the dict, kept by the rule, ends
empty rather than holding a second reference to every row and index). The columns of a row
come from `by_slice` lists (one pass over a variable instead of an indexed lookup per term) and
its body is one `LinearExpression` made in a single step (`linear`), which is the sum Pyomo's
operators would build term by term; the standard-form compiler reads such a body without
walking a tree. Every row is built once, in slice order, so construction is linear in the
number of slices.
"""

from __future__ import annotations

import pyomo.environ as pyo
from pyomo.common.numeric_types import native_numeric_types
from pyomo.core.expr.numeric_expr import LinearExpression, MonomialTermExpression
from pyomo.core.expr.relational_expr import EqualityExpression, InequalityExpression
from pyomo.repn.standard_repn import generate_standard_repn


def by_slice(var: pyo.Var) -> dict[tuple, list]:
    """The members of a slice-indexed variable (or expression) grouped by the index before the
    slice, each group in slice order: `by_slice(m.generation)[t, y][i]` is
    `m.generation[t, y, d.slices[i]]`.

    One pass over the component, kept on the model: the slice-indexed families read their
    columns from these lists instead of one indexed lookup per term."""
    cache = var.model().__dict__.setdefault("_by_slice_cache", {})
    key = var.name
    if key not in cache:
        groups: dict[tuple, list] = {}
        for index, member in var.items():
            groups.setdefault(index[:-1], []).append(member)
        cache[key] = groups
    return cache[key]


def linear(terms: list) -> LinearExpression:
    """sum of (coefficient, variable) pairs, a coefficient of 1 as the bare variable: the
    expression Pyomo's operators build for the same sum, made in one step (and read by the
    standard-form compiler without descending into it). A term may also be a finished
    `term(c, v)`, shared by the rows of a family that repeat it (capacity in every slice)."""
    return LinearExpression(
        [
            item
            if item.__class__ is not tuple
            else (item[1] if item[0] == 1 else MonomialTermExpression(item))
            for item in terms
            if item is not None and (item.__class__ is not tuple or item[0] != 0)
        ]
    )


def term(coefficient: float, var: object) -> object:
    """coefficient x var as a LinearExpression argument (the bare variable for 1), made once
    and shared by the rows that contain it; None for a zero coefficient (no term)."""
    if coefficient == 0:
        return None
    return var if coefficient == 1 else MonomialTermExpression((coefficient, var))


def row(rows: dict, index: tuple, terms: list, lower: float | None, upper: float | None) -> None:
    """rows[index] = (lower <= sum of terms <= upper) as Pyomo's relational expression."""
    body = linear(terms)
    if lower is None:
        rows[index] = InequalityExpression((body, upper), False)
    elif upper is None:
        rows[index] = InequalityExpression((lower, body), False)
    else:
        rows[index] = EqualityExpression((body, upper))


def linear_form(expr: object) -> tuple[list[tuple[float, object]], float] | None:
    """A (named) expression as (coefficient, variable) pairs and a constant, for folding it into
    the rows that repeat it (consumption in every slice's balance) instead of having the
    compiler walk its tree once per row; None unless every coefficient and the constant are
    plain numbers (a sampled parameter or a fixed variable keeps the expression)."""
    repn = generate_standard_repn(expr, compute_values=False, quadratic=False)
    numbers = native_numeric_types
    if not repn.is_linear() or repn.constant.__class__ not in numbers:
        return None
    if any(c.__class__ not in numbers for c in repn.linear_coefs):
        return None
    return list(zip(repn.linear_coefs, repn.linear_vars, strict=True)), repn.constant
