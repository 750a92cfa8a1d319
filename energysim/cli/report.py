"""`energysim report RESULTS.nc`: charts and one self-contained HTML page."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from energysim.errors import InputError, Problem
from energysim.report.labels import LANGUAGES


def report(
    results: Annotated[
        Path, typer.Argument(help="results file (.nc) of `energysim run` or `energysim sweep`")
    ],
    lang: Annotated[str, typer.Option(help="labels: en or zh")] = "en",
    out: Annotated[
        Path | None, typer.Option(help="folder (default: RESULTS_report/ beside the results)")
    ] = None,
) -> None:
    """Write the charts (PNG and SVG) and report.html of one run or of a sweep.

    A sweep file (with a `sample` dimension) gets fan charts of CO2 and the KPIs, a histogram
    of the CO2 peak year, target_probabilities.csv and the probability of every target.
    """
    from energysim.report.html import write_report
    from energysim.report.load import is_sweep, open_results_or_sweep
    from energysim.report.sweep import write_sweep_report

    if lang not in LANGUAGES:
        raise InputError([Problem("--lang", 1, 1, "lang", f"{lang!r} is not one of {LANGUAGES}")])
    ds = open_results_or_sweep(results)
    folder = out or results.with_name(f"{results.stem}_report")
    write = write_sweep_report if is_sweep(ds) else write_report
    page = write(ds, folder, lang)
    typer.echo(f"charts and {page.name} written to {folder}")
