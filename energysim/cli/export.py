"""`energysim export RESULTS.nc --format iamc|csv`: results for other tools."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer


class Format(StrEnum):
    iamc = "iamc"
    csv = "csv"


def export(
    results: Annotated[Path, typer.Argument(help="results file (.nc) of `energysim run`")],
    format_: Annotated[
        Format, typer.Option("--format", help="iamc: IAMC long table; csv: one CSV per variable")
    ] = Format.iamc,
    out: Annotated[
        Path | None,
        typer.Option(
            help="iamc: FILE.csv or FILE.xlsx (default: both, beside the results file); "
            "csv: a folder (default RESULTS_csv/)"
        ),
    ] = None,
) -> None:
    """Write the results in the IAMC format (CSV, xlsx) or as tidy CSV files."""
    from energysim.report.iamc import write_iamc, write_tidy
    from energysim.report.load import open_results

    ds = open_results(results)
    if format_ is Format.iamc:
        targets = [out] if out else [results.with_suffix(s) for s in (".iamc.csv", ".iamc.xlsx")]
        for target in targets:
            typer.echo(f"IAMC table written to {write_iamc(ds, target)}")
    else:
        folder = out or results.with_name(f"{results.stem}_csv")
        written = write_tidy(ds, folder)
        typer.echo(f"{len(written)} CSV files written to {folder}")
