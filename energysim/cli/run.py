"""`energysim run SCENARIO.yaml`: build, solve with HiGHS, write results, print the KPIs."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from energysim.inputs import load_inputs
from energysim.model.build import build_model
from energysim.results.extract import to_dataset
from energysim.results.netcdf import write_netcdf
from energysim.scenario import load_scenario
from energysim.solve.highs import Status, solve
from energysim.solve.screening import impossible_targets

EXIT_INFEASIBLE = 3
EXIT_SOLVER = 1


def run(
    scenario_file: Annotated[
        Path, typer.Argument(help="scenario YAML file", exists=True, dir_okay=False)
    ],
    set_: Annotated[
        list[str], typer.Option("--set", help="override, e.g. targets.co2_cap.2030=600")
    ] = [],  # noqa: B006 - typer needs a literal default
    out: Annotated[Path | None, typer.Option(help="results file (default results/NAME.nc)")] = None,
    time_limit: Annotated[float | None, typer.Option(help="solver time limit, seconds")] = None,
    tee: Annotated[bool, typer.Option(help="show the HiGHS log")] = False,
) -> None:
    """Solve the least-cost pathway of a scenario and write its results file."""
    started = time.perf_counter()
    scenario = load_scenario(scenario_file, set_)
    inputs = load_inputs(
        scenario.inputs, scenario.years, scenario.time.resolution, scenario.time.days
    )
    model, data = build_model(scenario, inputs)
    built = time.perf_counter()
    conflicts = impossible_targets(data)
    if conflicts:
        typer.echo(
            f"{scenario.name}: infeasible before solving; these targets cannot hold with "
            "the inputs:\n" + "\n".join(f"  - {c}" for c in conflicts),
            err=True,
        )
        raise typer.Exit(EXIT_INFEASIBLE)
    result = solve(model, scenario.solver, time_limit=time_limit, tee=tee)
    typer.echo(
        f"{scenario.name}: {result.status} (build {built - started:.1f} s, "
        f"solve {result.solve_seconds:.1f} s)"
    )
    if result.status is Status.INFEASIBLE:
        typer.echo(
            "The scenario is infeasible: its targets and inputs cannot all hold together. "
            "No results file was written.",
            err=True,
        )
        raise typer.Exit(EXIT_INFEASIBLE)
    if result.status is not Status.OPTIMAL:
        typer.echo(
            f"No optimal solution ({result.status}, HiGHS: {result.termination}). "
            "No results file was written.",
            err=True,
        )
        raise typer.Exit(EXIT_SOLVER)
    ds = to_dataset(model, data, result)
    path = write_netcdf(ds, out or Path("results") / f"{scenario.name}.nc")
    typer.echo(kpi_table(ds))
    typer.echo(f"results written to {path}")


def kpi_table(ds) -> str:
    rows = [
        ("coal output", "coal_output", "Mt", "{:8.0f}"),
        ("CBM/gas output", "cbm_output", "bcm", "{:8.1f}"),
        ("export capacity", "export_capacity", "GW", "{:8.1f}"),
        ("exported", "electricity_exported", "TWh", "{:8.1f}"),
        ("generation", "generation_total", "TWh", "{:8.1f}"),
        ("elec. share (cal.)", ("electricity_share_final", "calorific"), "%", "{:8.1%}"),
        ("elec. share (coal-eq.)", ("electricity_share_final", "coal_equivalent"), "%", "{:8.1%}"),
        ("non-fossil share", "non_fossil_share", "%", "{:8.1%}"),
        ("CO2", "co2_emissions", "Mt", "{:8.0f}"),
    ]
    years = [int(y) for y in ds.year.values]
    lines = [f"{'':24s}{'unit':>5s}" + "".join(f"{y:>9d}" for y in years)]
    for label, name, unit, fmt in rows:
        data = (
            ds[name[0]].sel({"method": name[1]}) if isinstance(name, tuple) else ds[name]
        ).values
        cells = "".join(
            " " + fmt.format(float(x)).replace("%", "")
            if unit == "%"
            else " " + fmt.format(float(x))
            for x in data
        )
        lines.append(f"{label:24s}{unit:>5s}{cells}")
    lines.append(
        f"CO2 peak year: {ds.attrs['co2_peak_year']}   "
        f"total cost: {float(ds['total_cost']) / 1e12:.2f} trillion CNY (discounted)"
    )
    return "\n".join(lines)
