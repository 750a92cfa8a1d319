"""Building the rows of slice-indexed constraint families quickly, as the same expressions.

Each family collects its rows in a dict (index -> relational expression) and constructs its
Constraint from it. The columns of a row come from `by_slice` lists (one pass over a variable
instead of an indexed lookup per term) and its body is one `LinearExpression` made in a single
step (`linear`), which is the sum Pyomo's operators would build term by term; the standard-form
compiler reads such a body without walking a tree. Every row is built once, in slice order, so
construction is linear in the number of slices.
"""

from __future__ import annotations

import pyomo.environ as pyo
from pyomo.core.expr.numeric_expr import LinearExpression, MonomialTermExpression
from pyomo.core.expr.relational_expr import EqualityExpression, InequalityExpression


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
    standard-form compiler without descending into it)."""
    return LinearExpression(
        [v if c == 1 else MonomialTermExpression((c, v)) for c, v in terms if c != 0]
    )


def row(rows: dict, index: tuple, terms: list, lower: float | None, upper: float | None) -> None:
    """rows[index] = (lower <= sum of terms <= upper) as Pyomo's relational expression."""
    body = linear(terms)
    if lower is None:
        rows[index] = InequalityExpression((body, upper), False)
    elif upper is None:
        rows[index] = InequalityExpression((lower, body), False)
    else:
        rows[index] = EqualityExpression((body, upper))
