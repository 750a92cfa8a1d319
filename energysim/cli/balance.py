"""`energysim balance RESULTS.nc`: the energy balance table (能源平衡表) in Mtce."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from energysim.errors import InputError, Problem


def balance(
    results: Annotated[Path, typer.Argument(help="results file (.nc) of `energysim run`")],
    year: Annotated[list[int], typer.Option(help="model year(s); default all")] = [],  # noqa: B006
    method: Annotated[
        str, typer.Option(help="electricity accounting: calorific, coal_equivalent or both")
    ] = "both",
    lang: Annotated[str, typer.Option(help="labels: en or zh")] = "en",
    out: Annotated[
        Path | None, typer.Option(help="also write every year and method as long CSV")
    ] = None,
) -> None:
    """Print the energy balance of each model year under the electricity accounting methods."""
    from energysim.report.balance import METHODS, energy_balance, energy_balances, format_balance
    from energysim.report.load import open_results
    from energysim.report.output import atomic_path

    ds = open_results(results)
    years = year or [int(y) for y in ds.year.values]
    methods = list(METHODS) if method == "both" else [method]
    problems = [
        Problem("--year", 1, 1, "year", f"{y} is not a model year of {results}")
        for y in years
        if y not in ds.year.values
    ]
    if any(m not in METHODS for m in methods):
        problems.append(Problem("--method", 1, 1, "method", f"unknown method {method!r}"))
    if lang not in ("en", "zh"):
        problems.append(Problem("--lang", 1, 1, "lang", f"unknown language {lang!r}"))
    if problems:
        raise InputError(problems)
    for m in methods:
        for y in years:
            typer.echo(f"\n{y}, {m.replace('_', '-')} method, Mtce")
            typer.echo(format_balance(energy_balance(ds, y, m), lang))
    if out:
        with atomic_path(out) as temporary:
            energy_balances(ds).to_csv(temporary, index=False)
        typer.echo(f"balance tables written to {out}")
