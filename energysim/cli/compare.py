"""`energysim compare A.nc B.nc ...` and `energysim diff A.nc B.nc`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from energysim.errors import InputError, Problem
from energysim.report.labels import LANGUAGES


def _open_all(paths: list[Path]) -> dict:
    from energysim.report.compare import run_name
    from energysim.report.load import open_results

    runs = {}
    for path in paths:
        ds = open_results(path)
        name = run_name(ds, path)
        runs[name if name not in runs else f"{name} ({path.stem})"] = ds
    return runs


def compare(
    results: Annotated[list[Path], typer.Argument(help="two or more results files")],
    lang: Annotated[str, typer.Option(help="labels: en or zh")] = "en",
    out: Annotated[Path, typer.Option(help="folder for kpis.csv and the overlay charts")] = Path(
        "results"
    )
    / "comparison",
) -> None:
    """KPIs of several runs side by side, and overlay charts of CO2, coal and electricity share."""
    from energysim.report.compare import (
        format_kpis,
        format_memo,
        kpi_table,
        memo_table,
        overlay_charts,
    )
    from energysim.report.output import atomic_path

    problems = []
    if len(results) < 2:
        problems.append(Problem("compare", 1, 1, "results", "give at least two results files"))
    if lang not in LANGUAGES:
        problems.append(Problem("--lang", 1, 1, "lang", f"{lang!r} is not one of {LANGUAGES}"))
    if problems:
        raise InputError(problems)
    runs = _open_all(results)
    table = kpi_table(runs, lang)
    typer.echo(format_kpis(table))
    for name, ds in runs.items():
        typer.echo(f"CO2 peak year, {name}: {ds.attrs.get('co2_peak_year')}")
    with atomic_path(out / "kpis.csv") as temporary:
        table.to_csv(temporary)
    memo = format_memo(memo_table(runs, lang))
    typer.echo(memo)
    with atomic_path(out / "memo.md") as temporary:
        temporary.write_text(memo + "\n", encoding="utf-8")
    charts = overlay_charts(runs, out, lang)
    typer.echo(f"kpis.csv, memo.md and {len(charts)} overlay charts (PNG, SVG) written to {out}")


def diff(
    a: Annotated[Path, typer.Argument(help="first results file")],
    b: Annotated[Path, typer.Argument(help="second results file")],
    count: Annotated[int, typer.Option(help="how many result deltas to show")] = 15,
) -> None:
    """What differs between two runs: scenario settings, inputs, and the largest result deltas."""
    from energysim.report.compare import (
        largest_deltas,
        provenance_differences,
        scenario_differences,
    )

    runs = _open_all([a, b])
    (name_a, ds_a), (name_b, ds_b) = runs.items()
    typer.echo(f"a = {name_a} ({a}), b = {name_b} ({b})")
    typer.echo("\nscenario (resolved):")
    _changes(scenario_differences(ds_a, ds_b))
    typer.echo("\ninputs and versions:")
    _changes(provenance_differences(ds_a, ds_b))
    deltas = largest_deltas(ds_a, ds_b, count)
    typer.echo("\nlargest result differences (b - a):")
    typer.echo(deltas.to_string(index=False, float_format=lambda v: f"{v:.4g}"))


def _changes(changes: list[tuple[str, object, object]]) -> None:
    if not changes:
        typer.echo("  (no difference)")
    for key, left, right in changes:
        typer.echo(f"  {key}: {left} -> {right}")
